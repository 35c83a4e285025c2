"""Discreet mode: nothing a bystander can see says the person is in care."""

import pytest

from welcomeback.outreach.checks import (
    PRIVATE_PARTS,
    blocking,
    check_message,
    check_privacy,
    errors,
    load,
)
from welcomeback.outreach.checks.text import fold_plain

LANGUAGES = ("en", "es")
RULES = [(lang, rule) for lang in LANGUAGES for rule in load("privacy", lang).rules]
PATTERNS = [
    pytest.param(lang, rule, pattern, id=f"{lang}-{rule.id}-{pattern}")
    for lang, rule in RULES
    for pattern in rule.patterns
]
EXAMPLES = [
    pytest.param(lang, rule, text, id=f"{lang}-{rule.id}-{text}")
    for lang, rule in RULES
    for text in rule.examples
]
COUNTEREXAMPLES = [
    pytest.param(lang, rule, text, id=f"{lang}-{rule.id}-{text}")
    for lang, rule in RULES
    for text in rule.counterexamples
]


def rules_found(text, language, revealing=()):
    return {finding.rule for finding in check_privacy(text, language, revealing)}


# ---------------------------------------------------------------- the word lists


@pytest.mark.parametrize(("language", "rule", "pattern"), PATTERNS)
def test_every_revealing_word_is_found(language, rule, pattern):
    variants = [pattern, fold_plain(pattern)]
    if not rule.case_sensitive:
        variants += [pattern.upper(), pattern.lower(), pattern.capitalize()]
    for variant in variants:
        assert rule.id in rules_found(f"See you at {variant} on Monday.", language), variant


@pytest.mark.parametrize(("language", "rule", "text"), EXAMPLES)
def test_every_example_in_the_privacy_files_is_found(language, rule, text):
    assert rule.id in rules_found(text, language)


@pytest.mark.parametrize(("language", "rule", "text"), COUNTEREXAMPLES)
def test_no_counterexample_in_the_privacy_files_is_found(language, rule, text):
    assert rule.id not in rules_found(text, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_privacy_finding_is_an_error_that_says_why(language):
    text = {"en": "Your therapy is on Monday.", "es": "Tu terapia es el lunes."}[language]
    (finding,) = check_privacy(text, language)
    assert (finding.category, finding.level) == ("privacy", "error")
    assert finding.why == load("privacy", language).settings["why"]
    assert finding.suggestion and "42 CFR Part 2" in finding.source


def test_the_english_why_says_plainly_what_could_happen():
    (finding,) = check_privacy("Detox reminder", "en")
    assert finding.why == "Could tell someone who sees the phone that the person is in care."


@pytest.mark.parametrize(
    "text",
    [
        "IOP",
        "intensive outpatient",
        "treatment",
        "therapy",
        "therapist",
        "counseling",
        "rehab",
        "rehabilitation",
        "detox",
        "addiction",
        "substance",
        "sober",
        "sobriety",
        "recovery",
        "relapse",
        "psychiatric",
        "mental health",
        "behavioral health",
        "depression",
        "anxiety disorder",
        "bipolar",
        "PTSD",
        "schizophrenia",
        "opioid use disorder",
        "alcohol use disorder",
        "methadone",
        "buprenorphine",
        "Suboxone",
        "naltrexone",
        "Vivitrol",
        "naloxone",
        "Narcan",
        "antidepressant",
        "AA",
        "NA",
        "12-step",
    ],
)
def test_the_words_the_issue_names_are_on_the_english_list(text):
    assert check_privacy(f"About your {text} on Monday", "en")


@pytest.mark.parametrize(
    "text",
    [
        "tratamiento",
        "terapia",
        "rehabilitación",
        "desintoxicación",
        "adicción",
        "sustancias",
        "sobriedad",
        "recuperación",
        "recaída",
        "psiquiátrico",
        "salud mental",
        "depresión",
        "ansiedad",
        "metadona",
        "buprenorfina",
        "naloxona",
        "Alcohólicos Anónimos",
        "12 pasos",
    ],
)
def test_the_words_the_issue_names_are_on_the_spanish_list(text):
    assert check_privacy(f"Sobre tu {text} del lunes", "es")


# ---------------------------------------------------------------- discreet text passes

DISCREET_EN = [
    "Hi Sam, it's Maria from Northside. We'd love to see you Tuesday.",
    "Your appointment is on Monday at 6 pm.",
    "We missed you at group on Tuesday.",
    "Reply YES if you'd like a call, or STOP to opt out.",
    "Northside Wellness",
    "A quick hello from Maria",
    "Clean towels are in the hall.",
    "Call or text 988 any time, day or night.",
    "This is Maria calling for Sam. Please call me back at 555-0100.",
    "Bring a yoga mat if you like.",
]

DISCREET_ES = [
    "Hola Sam, soy María de Bienestar Norte. Nos encantaría verte el martes.",
    "Tu cita es el lunes a las 6 p. m.",
    "Te extrañamos en el grupo.",
    "Responde SÍ si quieres que te llamemos, o PARAR para no recibir mensajes.",
    "Bienestar Norte",
    "Un saludo de María",
    "Soy María y llamo para Sam. Por favor, devuélveme la llamada al 555-0100.",
    "Toc, toc: ¿podemos pasar a saludarte?",
]


@pytest.mark.parametrize("text", DISCREET_EN)
def test_discreet_english_passes(text):
    assert check_privacy(text, "en") == []


@pytest.mark.parametrize("text", DISCREET_ES)
def test_discreet_spanish_passes(text):
    assert check_privacy(text, "es") == []


# ---------------------------------------------------------------- the program's own names


def test_a_revealing_program_name_passed_at_runtime_is_found():
    text = "Harbor Recovery Center misses you."
    (finding,) = check_privacy(text, "en", revealing=["Harbor Recovery Center"])
    assert (finding.rule, finding.text) == ("privacy-program-name", "Harbor Recovery Center")
    assert finding.suggestion == "Use the program's discreet name instead."


def test_a_program_name_is_found_whatever_its_case_accents_and_spacing():
    names = ["Puerta Abierta Clínica"]
    text = "Saludos de PUERTA  ABIERTA clinica."
    (finding,) = check_privacy(text, "es", revealing=names)
    assert finding.rule == "privacy-program-name"
    assert finding.text == "PUERTA  ABIERTA clinica"
    assert "nombre discreto" in finding.suggestion


def test_a_program_name_inside_a_longer_word_is_not_found():
    assert check_privacy("Bayside is lovely today.", "en", revealing=["Bay"]) == []


def test_without_revealing_names_a_neutral_program_name_passes():
    assert check_privacy("Harbor Wellness misses you.", "en", revealing=["Harbor Rehab"]) == []


def test_blank_and_odd_program_names_are_harmless():
    assert check_privacy("Hello", "en", revealing=["", "  ", "{a,b}", "C++ (North)"]) == []
    found = rules_found("Greetings from C++ (North).", "en", revealing=["C++ (North)"])
    assert found == {"privacy-program-name"}


# ---------------------------------------------------------------- both languages


def test_a_spanish_message_is_checked_for_english_clinic_words_too():
    (finding,) = check_privacy("Te esperamos en el IOP el lunes.", "es")
    assert finding.text == "IOP"
    # The explanation is in the message's language, for the person writing it.
    assert finding.why == load("privacy", "es").settings["why"]


def test_an_english_message_is_checked_for_spanish_words_too():
    (finding,) = check_privacy("Reminder: terapia on Monday.", "en")
    assert finding.text == "terapia"
    assert finding.why == load("privacy", "en").settings["why"]


def test_a_word_on_both_lists_is_reported_once():
    assert [f.text for f in check_privacy("bipolar", "en")] == ["bipolar"]


def test_acronyms_only_count_in_capitals():
    assert rules_found("AA meets at 7.", "en") == {"privacy-acronyms"}
    assert check_privacy("Bring a mat; na, no rush.", "en") == []


# ---------------------------------------------------------------- check_message


def message(channel, discreet=True, **parts):
    return check_message(parts, language="en", channel=channel, discreet=discreet)


def test_an_sms_body_is_privacy_checked_in_discreet_mode():
    found = message("sms", body="Your therapy group is tonight.")
    assert [f.rule for f in found["body"]] == ["privacy-therapy"]


def test_an_email_sender_subject_and_preview_are_checked_but_not_its_body():
    found = message(
        "email",
        sender="Harbor Therapy",
        subject="Your recovery",
        preview="From your counselor",
        body="Your therapist would love to hear from you.",
    )
    assert [f.text for f in found["sender"]] == ["Therapy"]
    assert [f.text for f in found["subject"]] == ["recovery"]
    assert [f.text for f in found["preview"]] == ["counselor"]
    assert found["body"] == []
    assert ("email", "body") in PRIVATE_PARTS


def test_a_voicemail_script_and_a_letter_envelope_are_checked_but_not_a_letter_inside():
    assert message("voicemail", body="Calling from the detox unit.")["body"]
    found = message("letter", envelope="Harbor Rehab", body="We hope your treatment goes well.")
    assert [f.text for f in found["envelope"]] == ["Rehab"]
    assert found["body"] == []


def test_a_part_we_do_not_know_is_checked_to_be_safe():
    assert message("sms", footer="Sent by your IOP")["footer"]


def test_without_discreet_mode_only_tone_is_checked():
    found = message("sms", discreet=False, body="Your therapy is tonight. Last chance!")
    assert [f.rule for f in found["body"]] == ["pressure-last-chance"]


def test_tone_applies_to_every_part_of_every_channel():
    for channel in ("sms", "email", "voicemail", "letter"):
        found = message(channel, discreet=False, subject="FINAL NOTICE", body="Stay clean.")
        assert "pressure-final-notice" in {f.rule for f in found["subject"]}
        assert "stigma-clean" in {f.rule for f in found["body"]}


def test_program_names_are_checked_in_every_public_part():
    found = check_message(
        {"sender": "Harbor Recovery Center", "body": "See you at Harbor Recovery Center."},
        language="en",
        channel="email",
        discreet=True,
        revealing=["Harbor Recovery Center"],
    )
    assert [f.rule for f in found["sender"]] == ["privacy-program-name"]
    assert found["body"] == []


def test_an_sms_body_that_needs_two_segments_gets_a_warning_that_does_not_block():
    found = message("sms", body="We missed you. " * 12)
    assert [(f.rule, f.level) for f in found["body"]] == [("sms-segments", "warning")]
    assert blocking(found) == {}


def test_blocking_lists_only_the_parts_with_errors():
    found = message("email", subject="Your rehab", preview="Hi! Hi! Hi!", body="Hello")
    assert list(blocking(found)) == ["subject"]
    assert errors(found["preview"]) == [] and found["preview"]


def test_a_spanish_message_gets_spanish_explanations():
    found = check_message(
        {"body": "Tu terapia es el lunes. Tienes que venir."},
        language="es",
        channel="sms",
        discreet=True,
    )
    assert [f.rule for f in found["body"]] == ["privacy-therapy", "pressure-must"]
    assert found["body"][1].why.startswith("Las órdenes")


def test_an_unknown_channel_or_language_is_refused():
    with pytest.raises(ValueError, match="channel"):
        check_message({"body": "Hi"}, language="en", channel="fax", discreet=True)
    with pytest.raises(ValueError, match="language"):
        check_message({"body": "Hi"}, language="de", channel="sms", discreet=True)

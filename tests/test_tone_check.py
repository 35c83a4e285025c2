"""The tone check finds stigma, blame, pressure and shouting, and leaves kind words alone."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from welcomeback.outreach.checks import Finding, check_tone, line_col, load
from welcomeback.outreach.checks.rules import RuleFileError, expand
from welcomeback.outreach.checks.text import fold_plain

LANGUAGES = ("en", "es")
RULES = [(lang, rule) for lang in LANGUAGES for rule in load("tone", lang).rules]
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


def rules_found(text, language):
    return {finding.rule for finding in check_tone(text, language)}


# ---------------------------------------------------------------- the rules as data


@pytest.mark.parametrize(("language", "rule", "pattern"), PATTERNS)
def test_every_pattern_is_found_in_any_case_and_without_accents(language, rule, pattern):
    for variant in (pattern, pattern.upper(), pattern.capitalize(), fold_plain(pattern)):
        assert rule.id in rules_found(f"Note: {variant}.", language), variant


@pytest.mark.parametrize(("language", "rule", "text"), EXAMPLES)
def test_every_example_in_the_rule_files_is_found(language, rule, text):
    assert rule.id in rules_found(text, language)


@pytest.mark.parametrize(("language", "rule", "text"), COUNTEREXAMPLES)
def test_no_counterexample_in_the_rule_files_is_found(language, rule, text):
    assert rule.id not in rules_found(text, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_rule_says_why_what_instead_and_where_from(language):
    for rule in load("tone", language).rules:
        assert rule.category in ("stigma", "blame", "pressure", "shouting")
        assert rule.level in ("error", "warning")
        assert rule.why.strip() and rule.suggestion.strip() and rule.examples
        assert "http" in rule.source or ".md" in rule.source, rule.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_covers_every_category(language):
    categories = {rule.category for rule in load("tone", language).rules}
    assert categories == {"stigma", "blame", "pressure", "shouting"}


def test_the_spanish_rules_mirror_the_english_ones():
    english = {rule.id for rule in load("tone", "en").rules}
    spanish = {rule.id for rule in load("tone", "es").rules}
    # English separates "addicted" from "addict" and has "user" alone; Spanish
    # "adicto" is both, and "usuario" alone is never about drugs.
    assert english - spanish == {"stigma-addicted", "stigma-user-noun"}
    assert spanish - english == {"stigma-vice"}


def test_stigma_from_nida_words_matter_is_cited():
    cited = [rule for rule in load("tone", "en").rules if "nida.nih.gov" in rule.source]
    assert {"stigma-addict", "stigma-alcoholic", "stigma-clean", "stigma-habit"} <= {
        rule.id for rule in cited
    }


def test_braces_spell_out_every_inflection():
    assert expand("addict{,s}") == ["addict", "addicts"]
    assert expand("{stay,get} clean") == ["stay clean", "get clean"]
    assert expand("{,drug} abuser") == ["abuser", "drug abuser"]


def test_a_malformed_rule_file_says_which_rule(tmp_path, monkeypatch):
    from welcomeback.outreach.checks import rules

    (tmp_path / "tone.en.toml").write_text(
        '[[rule]]\nid = "x"\ncategory = "stigma"\nlevel = "loud"\nwhy = "w"\n'
        'suggestion = "s"\nsource = "s"\nexamples = ["e"]\npatterns = ["p"]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(rules, "RULES_DIR", tmp_path)
    rules.load.cache_clear()
    try:
        with pytest.raises(RuleFileError, match="rule x: level"):
            rules.load("tone", "en")
    finally:
        monkeypatch.undo()
        rules.load.cache_clear()


# ---------------------------------------------------------------- kind words pass

KIND_EN = [
    "We missed you at group on Tuesday.",
    "No pressure — whenever you're ready, we're here.",
    "You don't have to explain anything.",
    "You don’t have to explain anything.",
    "Clean towels are in the hall.",
    "Reply STOP to opt out, HELP for help.",
    "It was good to see you last week.",
    "We're thinking of you and hope you're okay.",
    "If you'd like to talk, reply YES and someone will call you.",
    "If you need to reschedule, just let us know.",
    "If you have to work on Thursdays, we can find another time.",
    "Your spot is still here whenever you want it.",
    "You won't lose your spot.",
    "Nobody will be discharged for missing a group.",
    "Coming back is welcome at any point, for any reason.",
    "Would a one-on-one chat feel easier than group?",
    "We can meet by video if getting here is hard.",
    "Take all the time you need.",
    "Want to talk? Text us back any time.",
    "Hi Sam, this is Maria from Northside Wellness.",
    "We saved you a seat on Monday evening.",
    "Is there anything that would make coming back easier?",
    "You're always welcome here.",
    "We'd love to hear from you, whenever it suits you.",
    "Sorry we missed you today — hope all is well.",
    "There's no deadline to come back.",
    "Your user name is the email you gave us.",
    "Non-alcoholic drinks will be served at the open house.",
    "The room is warm and the coffee is fresh.",
    "Rides are available if getting here is tricky.",
    "Reply BACK and we'll hold a place for you.",
    "Thanks for letting us know.",
    "Whatever you decide, we're glad you're in touch.",
    "Nothing that happened closes the door.",
    "We understand life gets busy.",
    "You can come as you are.",
    "Would mornings work better for you?",
    "If you missed the handout, we can send it again.",
    "We know you have to work late this month.",
    "Call or text 988 any time, day or night.",
    "We kept your seat warm.",
    "Have a restful weekend.",
    "Our user guide explains the one-field form.",
    "You can stay with your group or try a new one.",
    "Great to hear from you!",
    "Addiction is a health condition, and it is treatable.",
    "We will never close your case for missing a week.",
    "Reply PAUSE to take a break from messages.",
    "There's nothing you need to explain.",
]

KIND_ES = [
    "Te extrañamos en el grupo.",
    "No tienes que explicar nada.",
    "Sin presión: cuando estés listo, aquí estamos.",
    "Las toallas limpias están en el pasillo.",
    "Responde PARAR para dejar de recibir mensajes o AYUDA para recibir ayuda.",
    "Fue bueno verte la semana pasada.",
    "Pensamos en ti y esperamos que estés bien.",
    "Si quieres hablar, responde SÍ y alguien te llamará.",
    "Si necesitas cambiar la cita, solo avísanos.",
    "Si tienes que trabajar los jueves, buscamos otro horario.",
    "Tu lugar sigue aquí cuando lo quieras.",
    "No perderás tu lugar.",
    "Nadie será dado de alta por faltar a un grupo.",
    "Puedes volver cuando quieras, por cualquier motivo.",
    "¿Te resultaría más fácil una charla individual?",
    "Podemos vernos por video si venir es difícil.",
    "Tómate todo el tiempo que necesites.",
    "¿Quieres hablar? Escríbenos cuando quieras.",
    "Hola, Sam, soy María de Bienestar Norte.",
    "Te guardamos un asiento el lunes por la tarde.",
    "¿Hay algo que te facilite volver?",
    "Siempre eres bienvenido aquí.",
    "Nos encantaría saber de ti, cuando te venga bien.",
    "Lamentamos no haberte visto hoy; esperamos que estés bien.",
    "No hay fecha límite para volver.",
    "Tu nombre de usuario es el correo que nos diste.",
    "Habrá bebidas sin alcohol en la jornada de puertas abiertas.",
    "No nos debes ninguna explicación.",
    "Sabemos que tienes que trabajar tarde este mes.",
    "Llama o envía un mensaje al 988 a cualquier hora.",
    "Lo que decidas está bien; nos alegra saber de ti.",
    "Puedes venir tal como estás.",
    "¿Te vendrían mejor las mañanas?",
    "El salón está limpio y el café está recién hecho.",
    "Hay transporte disponible si llegar es complicado.",
    "Gracias por avisarnos.",
    "Entendemos que la vida se complica.",
    "No debes preocuparte por nada.",
    "Puedes quedarte en tu grupo o probar uno nuevo.",
    "El grupo se reúne a las 6 p. m. en la sala 2.",
    "Responde VOLVER y te guardamos un lugar.",
    "Nada de lo que pasó cierra la puerta.",
    "Que descanses este fin de semana.",
    "Aquí estamos para lo que necesites.",
    "Las bebidas no alcohólicas están en la mesa.",
    "Si faltaste a la última sesión, te mandamos el material.",
    "La decisión de volver recae en ti, y la respetamos.",
    "Es un círculo vicioso, y no tienes que salir solo.",
    "No es obligatorio venir todas las semanas.",
    "¡Qué gusto saber de ti!",
    "Te dimos de baja de los mensajes; puedes volver cuando quieras.",
]


def test_there_are_at_least_forty_kind_sentences_per_language():
    assert len(KIND_EN) >= 40 and len(KIND_ES) >= 40


@pytest.mark.parametrize("text", KIND_EN)
def test_kind_english_passes_with_no_findings(text):
    assert check_tone(text, "en") == []


@pytest.mark.parametrize("text", KIND_ES)
def test_kind_spanish_passes_with_no_findings(text):
    assert check_tone(text, "es") == []


# ---------------------------------------------------------------- decisions, one by one


def test_we_missed_you_is_warm_and_you_missed_is_a_warning():
    assert check_tone("We missed you on Tuesday.", "en") == []
    (finding,) = check_tone("You missed group on Tuesday.", "en")
    assert (finding.rule, finding.level, finding.text) == (
        "blame-you-missed",
        "warning",
        "You missed",
    )


def test_no_tienes_que_is_kind_and_tienes_que_is_pressure():
    assert check_tone("No tienes que explicar nada.", "es") == []
    (finding,) = check_tone("Tienes que explicar por qué faltas.", "es")
    assert (finding.rule, finding.level) == ("pressure-must", "warning")


def test_clean_about_a_person_or_a_screen_is_an_error_and_clean_towels_are_fine():
    for text in ("Stay clean.", "Get clean.", "Clean and sober.", "Your dirty test is fine."):
        assert [f.level for f in check_tone(text, "en")] == ["error"], text
    assert check_tone("Clean towels are in the hall.", "en") == []


def test_user_is_a_person_next_to_a_drug_word_and_a_computer_user_before_name():
    assert [f.rule for f in check_tone("Drug users are welcome.", "en")] == ["stigma-user"]
    assert [f.rule for f in check_tone("Users are welcome.", "en")] == ["stigma-user-noun"]
    assert check_tone("Forgot your user name?", "en") == []


def test_the_more_specific_finding_hides_a_weaker_one_inside_it():
    (finding,) = check_tone("Our mentor is a former addict.", "en")
    assert (finding.rule, finding.text) == ("stigma-former", "former addict")


def test_a_threat_is_an_error_and_the_same_words_negated_are_reassurance():
    assert [f.rule for f in check_tone("Reply or you will be discharged.", "en")] == [
        "pressure-discharge"
    ]
    assert check_tone("You will not be discharged.", "en") == []
    assert check_tone("Nobody will be discharged for missing group.", "en") == []


def test_dar_de_alta_as_registering_is_not_a_threat():
    assert check_tone("Te damos de alta en el portal en un minuto.", "es") == []
    assert "pressure-discharge" in rules_found("O serás dado de alta.", "es")


def test_relapse_is_a_warning_so_a_person_may_keep_their_own_word():
    (finding,) = check_tone("A relapse is not the end.", "en")
    assert finding.level == "warning"


def test_addicted_is_a_warning_and_addict_is_an_error():
    assert [f.level for f in check_tone("You were addicted.", "en")] == ["warning"]
    assert [f.level for f in check_tone("You are an addict.", "en")] == ["error"]


# ---------------------------------------------------------------- shouting


def test_two_capitalised_words_of_three_letters_are_shouting():
    (finding,) = check_tone("Please DO NOT MISS group.", "en")
    assert (finding.rule, finding.text) == ("shouting-caps", "DO NOT MISS")


def test_one_long_capitalised_word_is_shouting_and_a_short_acronym_is_not():
    assert rules_found("This is IMPORTANT.", "en") == {"shouting-caps"}
    assert check_tone("Our IOP meets at 6 and the ADA entrance is on Elm.", "en") == []


def test_sms_keywords_in_capitals_are_not_shouting():
    assert check_tone("Reply STOP to opt out, HELP for help, INFO for details.", "en") == []
    assert check_tone("Responde NO MÁS o PARAR para dejar de recibir mensajes.", "es") == []


def test_stacked_and_repeated_exclamation_marks_are_warnings():
    stacked = check_tone("Call us!!", "en")
    assert [(f.rule, f.text) for f in stacked] == [("shouting-exclaim-stacked", "!!")]
    many = check_tone("Hi! We miss you! Call us!", "en")
    assert [f.rule for f in many] == ["shouting-exclaim-many"] * 2
    assert check_tone("Hi! We miss you.", "en") == []


# ---------------------------------------------------------------- spans and offsets


def test_a_finding_names_its_span_rule_why_and_suggestion():
    text = "Hello.\nYou are an addict."
    (finding,) = check_tone(text, "en")
    assert isinstance(finding, Finding)
    assert text[finding.start : finding.end] == finding.text == "addict"
    assert finding.rule == "stigma-addict" and finding.category == "stigma"
    assert finding.why and finding.suggestion and "nida.nih.gov" in finding.source
    assert finding.position(text) == (2, 12)


def test_spanish_matching_ignores_accents_but_spans_keep_them():
    text = "Es tu ULTIMA oportunidad y tu última oportunidad."
    found = [f.text for f in check_tone(text, "es") if f.rule == "pressure-last-chance"]
    assert found == ["ULTIMA oportunidad", "última oportunidad"]


def test_decomposed_accents_are_matched_and_kept_inside_the_span():
    text = unicodedata.normalize("NFD", "Tu última oportunidad")
    (finding,) = check_tone(text, "es")
    assert finding.text == text[finding.start :] and finding.text.endswith("oportunidad")


def test_curly_apostrophes_count_as_straight_ones():
    assert rules_found("You’ll be discharged.", "en") == {"pressure-discharge"}
    assert check_tone("You won’t lose your spot.", "en") == []


def test_an_invisible_soft_hyphen_cannot_hide_a_word():
    text = "You are an ad\u00addict."
    (finding,) = check_tone(text, "en")
    assert finding.text == "ad\u00addict"


def test_words_are_matched_whole():
    assert check_tone("Addiction and addictive apps; a cleaner room.", "en") == []


def test_line_col_is_one_based_and_counts_characters():
    text = "first\nsecond línea\nthird"
    assert line_col(text, 0) == (1, 1)
    assert line_col(text, text.index("línea")) == (2, 8)
    assert line_col(text, text.index("third")) == (3, 1)


def test_languages_are_en_and_es_and_regional_tags_are_understood():
    assert rules_found("Última oportunidad.", "es-MX") == {"pressure-last-chance"}
    with pytest.raises(ValueError, match="language"):
        check_tone("Hello", "fr")


@given(st.text(max_size=300))
def test_every_span_points_at_its_text_whatever_the_input(text):
    for language in LANGUAGES:
        for finding in check_tone(text, language):
            assert 0 <= finding.start < finding.end <= len(text)
            assert text[finding.start : finding.end] == finding.text


@given(
    st.lists(
        st.sampled_from(["you", "addict", "clean", "stay", "no", "tienes", "que", "STOP", "!"]),
        max_size=30,
    )
)
def test_findings_come_sorted_and_never_repeat(words):
    text = " ".join(words)
    for language in LANGUAGES:
        found = check_tone(text, language)
        assert [f.start for f in found] == sorted(f.start for f in found)
        assert len(found) == len(set(found))

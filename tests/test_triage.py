"""Inbound triage: keywords first, then crisis language, then return intent.

Crisis language is tuned for recall (a false alarm costs a call, a miss can
cost a life): every crisis phrase in the data files escalates, in its own
category, whatever language is given; the plain messages don't, and the
false-alarm rate on them is measured, printed and kept equal to what the
data files and docs/triage.md say.
"""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from welcomeback.outreach.checks import check_privacy, check_tone, errors, is_gsm7, sms_segments
from welcomeback.returns.triage import CATEGORIES, KINDS, crisis_reply, load, triage
from welcomeback.returns.triage.phrases import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "es")
NAMES = {"en": "English", "es": "Spanish"}
CRISIS = {lang: load("crisis", lang) for lang in LANGUAGES}
RETURN = {lang: load("return", lang) for lang in LANGUAGES}


def params(sets, field):
    return [
        pytest.param(lang, rule, text, id=f"{lang}-{rule.id}-{text}")
        for lang, phrase_set in sets.items()
        for rule in phrase_set.rules
        for text in getattr(rule, field)
    ]


def plain_params(field):
    return [
        pytest.param(lang, text, id=f"{lang}-{text}")
        for lang, phrase_set in CRISIS.items()
        for text in getattr(phrase_set, field)
    ]


# ---------------------------------------------------------------- the crisis phrase sets


@pytest.mark.parametrize(("language", "rule", "text"), params(CRISIS, "examples"))
def test_every_crisis_phrase_escalates_in_its_category_whatever_language_is_given(
    language, rule, text
):
    for given in (None, "en", "es"):
        outcome = triage(text, given)
        assert outcome.is_crisis, (given, outcome)
        assert rule.category in outcome.categories, (given, outcome)


@pytest.mark.parametrize(("language", "text"), plain_params("plain"))
def test_no_plain_message_escalates(language, text):
    outcome = triage(text, language)
    assert not outcome.is_crisis, outcome


@pytest.mark.parametrize(("language", "text"), plain_params("false_alarms"))
def test_each_known_false_alarm_still_escalates_so_the_list_stays_true(language, text):
    # If one of these stops escalating, move it to the plain messages and
    # update the rate in the data file and docs/triage.md.
    assert triage(text, language).is_crisis


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_at_least_60_crisis_phrases_and_40_plain_messages(language):
    assert len(CRISIS[language].examples) >= 60
    assert len(CRISIS[language].plain) >= 40


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_category_has_crisis_phrases_in_both_languages(language):
    covered = {rule.category for rule in CRISIS[language].rules}
    assert covered == set(CATEGORIES)


def documented_rate(text: str, where: str) -> tuple[int, int, str]:
    found = re.search(r"(\d+) of (\d+) \((\d+\.\d)%\)", text)
    assert found, f"no 'N of M (x.x%)' false-alarm rate in {where}"
    return int(found[1]), int(found[2]), found[3]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_false_alarm_rate_is_measured_low_and_documented_honestly(language, capsys):
    phrase_set = CRISIS[language]
    messages = phrase_set.plain + phrase_set.false_alarms
    alarms = sum(1 for text in messages if triage(text, language).is_crisis)
    rate = alarms / len(messages)
    measured = (alarms, len(messages), f"{rate * 100:.1f}")
    with capsys.disabled():
        print(
            f"\n{NAMES[language]} false alarms: {alarms} of {len(messages)} plain messages "
            f"({measured[2]}%)"
        )
    assert rate < 0.10
    header = (DATA_DIR / f"crisis.{language}.toml").read_text(encoding="utf-8")
    assert documented_rate(header, f"crisis.{language}.toml") == measured
    docs = (ROOT / "docs" / "triage.md").read_text(encoding="utf-8")
    line = next(ln for ln in docs.splitlines() if ln.startswith(f"| {NAMES[language]} |"))
    assert documented_rate(line, "docs/triage.md") == measured


# ---------------------------------------------------- the phrases in the issue, and how people type


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to be here anymore",
        "everyone would be better off without me",
        "no reason to live",
        "I took too many pills",
        "can't wake him up",
        "he's not breathing",
        "I have a gun",
        "I'm going to hurt myself",
        "I just want to end it",
        "kms",
        "i want to unalive",
        "thinking about suicde",
        "quiero morirme",
        "no quiero vivir",
        "me quiero matar",
        "tomé muchas pastillas",
        "no respira",
        "creo que es una sobredosis",
        "me va a matar",
        "tengo miedo de que me haga daño",
        "ya no puedo más",
        "I DONT WANT TO LIVE",
        "i want to dieeeee",
        "I want 2 die",
        "I’m going to kill myself",
        "no quiero vivir, i can't do this",
        "tome muchas pastillas",
    ],
)
def test_the_phrases_named_in_the_issue_escalate(text):
    assert triage(text).is_crisis


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to come back",
        "This schedule is killing me",
        "I could kill for a coffee",
        "Me muero de ganas de volver",
        "Me mata de risa",
        "I relapsed and I'm embarrassed",
        "I used again",
        "The new site is 20 kms from here",
    ],
)
def test_the_idioms_named_in_the_issue_do_not(text):
    assert not triage(text).is_crisis


def test_using_with_a_sign_of_danger_escalates_as_a_medical_emergency():
    outcome = triage("I used and I can't stop shaking and my chest hurts")
    assert outcome.category == "overdose"


def test_matched_is_the_persons_own_words_not_the_folded_form():
    text = "honestly I DON’T want to be here anymore..."
    outcome = triage(text)
    assert outcome.matched == "DON’T want to be here anymore"
    assert outcome.matched in text


def test_a_held_down_letter_still_reports_the_whole_word():
    assert triage("i want to dieeeee").matched == "want to dieeeee"


def test_several_categories_show_the_most_urgent_first():
    outcome = triage("I took too many pills because I want to die")
    assert outcome.category == "overdose"
    assert outcome.categories == ("overdose", "suicidal-thoughts")


def test_mixed_languages_are_read_with_both_phrase_sets():
    assert triage("I want to die pero no sé qué hacer", "es").category == "suicidal-thoughts"
    assert triage("me quiero morir, no one would care", "en").is_crisis


# ---------------------------------------------------------------- the order


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("STOP", "opt-out"),
        (" Stop. ", "opt-out"),
        ("unsubscribe", "opt-out"),
        ("PARAR", "opt-out"),
        ("START", "opt-in"),
        ("YES", "opt-in"),
        ("HELP", "help"),
        ("Ayuda", "help"),
    ],
)
def test_a_whole_message_keyword_comes_first(text, kind):
    assert triage(text).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "stop, I want to die",
        "Stop texting me, I'm going to kill myself",
        "leave me alone, I'm not safe at home",
        "No más mensajes, me quiero morir",
        "take me off your list, he's not breathing",
    ],
)
def test_free_text_that_asks_us_to_stop_and_holds_crisis_language_is_crisis(text):
    assert triage(text).is_crisis


def test_a_crisis_that_also_asks_us_to_stop_says_so_for_the_caller():
    assert triage("Stop texting me, I want to die").reads_like_opt_out
    assert not triage("I want to die").reads_like_opt_out


@pytest.mark.parametrize(
    "text",
    ["Please stop texting me", "wrong number", "déjame en paz", "not interested"],
)
def test_free_text_opt_out_is_opt_out(text):
    outcome = triage(text)
    assert outcome.kind == "opt-out"
    assert outcome.reads_like_opt_out


def test_opt_out_wins_over_return_intent():
    assert triage("Stop texting me, I'll come back when I'm ready").kind == "opt-out"


def test_crisis_wins_over_return_intent():
    assert triage("I want to come back but I want to die").is_crisis


def test_nothing_to_read_is_other():
    assert triage("").kind == "other"
    assert triage("   ").kind == "other"
    assert triage(None).kind == "other"


def test_every_outcome_kind_is_one_of_the_six():
    texts = ["STOP", "START", "HELP", "I want to die", "quiero volver", "thanks"]
    assert [triage(t).kind for t in texts] == [
        "opt-out",
        "opt-in",
        "help",
        "crisis",
        "return",
        "other",
    ]
    assert set(KINDS) == {"crisis", "opt-out", "opt-in", "help", "return", "other"}


def test_lines_quoted_from_an_earlier_email_are_left_out():
    text = "Thanks, I'm okay now. Talk soon.\n\nOn Tue you wrote:\n> I want to die\n> help"
    assert not triage(text).is_crisis
    assert triage("> quoted\nI want to die").is_crisis


# ---------------------------------------------------------------- return intent


@pytest.mark.parametrize(("language", "rule", "text"), params(RETURN, "examples"))
def test_every_return_phrase_reads_as_return(language, rule, text):
    assert triage(text).kind == "return"


@pytest.mark.parametrize(("language", "rule", "text"), params(RETURN, "counterexamples"))
def test_no_return_counterexample_reads_as_return(language, rule, text):
    assert triage(text).kind != "return"


@pytest.mark.parametrize(
    "text",
    [
        "can I come back",
        "I want to come back",
        "I'd like to talk",
        "quiero volver",
        "¿puedo regresar?",
        "me gustaría hablar",
        "I'm ready",
        "BACK",
    ],
)
def test_the_return_phrases_named_in_the_issue(text):
    assert triage(text).kind == "return"


# ---------------------------------------------------------------- the answer language


def test_the_answer_is_in_the_language_given():
    assert triage("I want to die", "es").language == "es"
    assert triage("quiero morirme", "en").language == "en"
    assert triage("quiero morirme", "es-MX").language == "es"


def test_without_a_language_the_answer_follows_the_phrase_that_matched():
    assert triage("quiero morirme").language == "es"
    assert triage("I want to die").language == "en"
    assert triage("quiero volver").language == "es"
    assert triage("thanks").language == "en"


def test_a_language_we_have_no_phrases_for_still_triages():
    outcome = triage("quiero morirme", "fr")
    assert outcome.is_crisis and outcome.language == "es"


# ---------------------------------------------------------------- the crisis reply

LONG_SENDER = "Riverside Evening Wellness Group North"  # 38 characters


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("channel", ["sms", "email", "web", "phone"])
def test_the_crisis_reply_gives_988_and_911_and_passes_the_tone_check(language, channel):
    text = crisis_reply(language, channel, LONG_SENDER)
    assert "988" in text and "911" in text
    assert LONG_SENDER in text
    assert errors(check_tone(text, language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("channel", ["sms", "email"])
def test_the_crisis_reply_reveals_nothing_to_someone_who_sees_the_phone(language, channel):
    assert errors(check_privacy(crisis_reply(language, channel, LONG_SENDER), language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sms_reply_is_plain_gsm7_in_at_most_two_segments(language):
    text = crisis_reply(language, "sms", LONG_SENDER)
    assert is_gsm7(text), [ch for ch in text if not is_gsm7(ch)]
    assert sms_segments(text) <= 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longer_reply_gives_the_988_chat_and_spanish_line(language):
    text = crisis_reply(language, "email", "Maple")
    assert "988lifeline.org" in text
    assert "2" in text.replace("988", "").replace("911", "")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("channel", ["sms", "email"])
def test_our_own_reply_quoted_back_pages_no_one(language, channel):
    assert not triage(crisis_reply(language, channel, LONG_SENDER)).is_crisis


def test_the_reply_is_signed_by_the_team_when_there_is_no_program_name():
    assert "our team" in crisis_reply("en", "sms", "  ")
    assert "nuestro equipo" in crisis_reply("es", "sms", "")


def test_the_reply_falls_back_to_english_and_the_longer_text_rather_than_fail():
    assert crisis_reply("fr", "sms", "Maple") == crisis_reply("en", "sms", "Maple")
    assert crisis_reply(None, "letter", "Maple") == crisis_reply("en", "email", "Maple")
    assert crisis_reply("es-MX", "SMS", "Maple") == crisis_reply("es", "sms", "Maple")


def test_a_program_name_with_braces_is_kept_as_written():
    assert "{Maple}" in crisis_reply("en", "sms", "{Maple}")


# ---------------------------------------------------------------- the command


def run(*args) -> list[str]:
    out = StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I don't want to be here anymore", "crisis"),
        ("STOP", "opt-out"),
        ("please stop texting me", "opt-out"),
        ("START", "opt-in"),
        ("HELP", "help"),
        ("can I come back", "return"),
        ("see you Thursday", "other"),
    ],
)
def test_the_command_prints_the_kind_as_its_first_word(text, kind):
    assert run(*text.split())[0].split()[0] == kind


def test_the_command_names_the_category_and_the_matched_words():
    line = run("I", "don't", "want", "to", "be", "here", "anymore")[0]
    assert line.startswith('crisis suicidal-thoughts "don\'t want to be here anymore"')


def test_the_command_can_show_the_reply_in_the_language_asked():
    lines = run("--language", "es", "--reply", "sms", "I", "want", "to", "die")
    assert lines[0].startswith("crisis ")
    assert lines[1] == crisis_reply("es", "sms", "")


def manage_triage(*args, stdin=None):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "triage", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )


def test_the_process_prints_the_kind_first_and_exits_0():
    result = manage_triage("he's", "not", "breathing")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["crisis", "overdose"]


def test_the_process_reads_standard_input_and_one_message_per_line():
    result = manage_triage("-", stdin="me quiero matar\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "crisis"
    lines = manage_triage("--each-line", "-", stdin="STOP\nquiero volver\n\nhola\n").stdout
    assert [line.split()[0] for line in lines.splitlines()] == ["opt-out", "return", "other"]


# ---------------------------------------------------------------- the data files


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"id": "x", "category": "worry", "patterns": ["a"], "examples": ["a"]}, "category"),
        ({"id": "x", "category": "danger", "patterns": ["a"]}, "examples"),
        ({"id": "x", "category": "danger", "examples": ["a"]}, "patterns"),
        ({"id": "x", "category": "danger", "patterns": ["* a"], "examples": ["a"]}, "start"),
        ({"id": "x", "category": "danger", "patern": ["a"], "examples": ["a"]}, "unknown"),
        ({"id": "x", "category": "danger", "regex": ["("], "examples": ["a"]}, "rule x"),
    ],
)
def test_a_malformed_rule_is_refused_with_its_file_and_id(entry, says):
    from welcomeback.returns.triage import PhraseFileError
    from welcomeback.returns.triage.phrases import _rule

    with pytest.raises(PhraseFileError, match=says):
        _rule("crisis.en.toml", "crisis", "en", entry)


def test_a_gap_matches_one_to_three_words_only():
    assert triage("I can't wake my big brother up").category == "overdose"
    assert not triage("I can't wake up early on Mondays").is_crisis


def test_a_web_process_has_every_phrase_set_compiled_before_its_first_visitor():
    """welcomeback/wsgi.py compiles them as the process starts: the first
    message each web process reads does not wait a quarter of a second."""
    probe = (
        "import welcomeback.wsgi\n"
        "from welcomeback.returns.triage import load\n"
        "print(load.cache_info().currsize)\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(LANGUAGES) * 2  # crisis and return, each language

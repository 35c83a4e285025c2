"""Reading replies: keywords first, then wording that means "stop"."""

import pytest

from welcomeback.outreach.keywords import classify, normalise

OPT_OUT = [
    "STOP",
    "stop",
    " Stop. ",
    "STOPALL",
    "Unsubscribe",
    "CANCEL",
    "end",
    "QUIT",
    "revoke",
    "OPTOUT",
    "opt out",
    "Opt-Out",
    "PARAR",
    "alto",
    "No más",
    "NO MAS",
]
OPT_IN = ["START", "unstop", "Yes", "YES!", "comenzar"]
HELP = ["HELP", "help?", "Info", "AYUDA"]
OPT_OUT_LIKE = [
    "Please stop texting me",
    "stop messaging me!!",
    "don't text me anymore",
    "Leave me alone",
    "no more texts please",
    "take me off your list",
    "wrong number",
    "No más mensajes",
    "déjame en paz",
    "no me escriban más",
    "ya no me manden mensajes",
    "dejen de escribirme",
    "Número equivocado",
]
REPLIES = [
    "Can I come back next week?",
    "I'm dying to come back",
    "yes I want to talk",
    "stopped by yesterday but nobody was there",
    "Thanks, see you Thursday",
    "quiero volver",
    "¿Puedo hablar con alguien?",
    "end of the month works",
]


@pytest.mark.parametrize("text", OPT_OUT)
def test_opt_out_keywords_are_read_whatever_the_case_accents_or_punctuation(text):
    assert classify(text) == "opt_out"


@pytest.mark.parametrize("text", OPT_IN)
def test_opt_in_keywords(text):
    assert classify(text) == "opt_in"


@pytest.mark.parametrize("text", HELP)
def test_help_keywords(text):
    assert classify(text) == "help"


@pytest.mark.parametrize("text", OPT_OUT_LIKE)
def test_wording_that_means_stop_is_caught_in_both_languages(text):
    assert classify(text) == "opt_out_like"


@pytest.mark.parametrize("text", REPLIES)
def test_ordinary_replies_are_replies(text):
    assert classify(text) == "reply"


def test_normalising_folds_case_accents_and_punctuation():
    assert normalise("  ¡NO   Más!  ") == "no mas"

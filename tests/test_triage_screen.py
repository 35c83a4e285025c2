"""Triage with its screens and lookaheads finds exactly what it found without them.

The screens (matching.screen) let most messages skip the phrase patterns, and
lookaheads speed up the contractions and raw regexes. A missed crisis can cost
a life, so every outcome is compared with the algorithm as it was before them,
kept here as `unscreened_triage`: on every message in the four phrase files
and on a few hundred generated ones.
"""

import random
import re
import tomllib
from dataclasses import astuple
from unittest import mock

import pytest

from welcomeback.outreach.checks.text import fold
from welcomeback.returns.triage import classify, load, matching
from welcomeback.returns.triage.phrases import DATA_DIR, LANGUAGES, SETS

FILES = [(name, language) for name in SETS for language in LANGUAGES]
ORDINARY = "I'd like to come back, maybe evenings."

# ---------------------------------------------------------------- the algorithm before


def raw_regexes_as_written() -> dict[tuple[str, str, str], tuple[re.Pattern, ...]]:
    found = {}
    for name, language in FILES:
        data = tomllib.loads((DATA_DIR / f"{name}.{language}.toml").read_text(encoding="utf-8"))
        for entry in data.get("rule", []):
            compiled = tuple(re.compile(r, re.IGNORECASE) for r in entry.get("regex", ()))
            found[name, language, entry["id"]] = compiled
    return found


RAW = raw_regexes_as_written()


def unscreened_variants(text: str):
    plain, _, table = matching._canonical_table()

    def canonical(folded):
        return matching.rewrite(folded, plain, lambda m: table[matching._key(m.group())])

    folded = fold(text or "")
    forms = [canonical(folded)]
    if matching._HELD.search(folded.text):
        for keep in (r"\1", r"\1\1"):
            held = matching.rewrite(folded, matching._HELD, lambda m, k=keep: m.expand(k))
            forms.append(canonical(held))
    return forms


def unscreened_find(name: str, rule, form):
    text = form.text
    if rule.whole:
        found = rule.whole.match(text)
        if found:
            return found.span(1)
    searches = ((rule.phrases,) if rule.phrases else ()) + RAW[name, rule.language, rule.id]
    for pattern in searches:
        for found in pattern.finditer(text):
            if not rule.excused(text, *found.span()):
                return found.span()
    return None


def unscreened_hits(name: str, forms, given):
    hits = []
    for language in classify._languages(given):
        for rule in load(name, language).rules:
            for form in forms:
                span = unscreened_find(name, rule, form)
                if span:
                    hits.append(classify._Hit(rule, form, span))
                    break
    return iter(hits)


def unscreened_triage(text: str, language: str | None):
    with (
        mock.patch.object(classify, "variants", unscreened_variants),
        mock.patch.object(classify, "_hits", unscreened_hits),
    ):
        return classify.triage(text, language)


# ---------------------------------------------------------------- the messages


def file_messages() -> list[str]:
    texts = []
    for name, language in FILES:
        phrase_set = load(name, language)
        texts += phrase_set.plain + phrase_set.false_alarms
        for rule in phrase_set.rules:
            texts += rule.examples + rule.counterexamples
    return list(dict.fromkeys(texts))


# Ways people type that the matching has to see through, and letters that
# match ASCII ones when case is ignored (dotless ı, long ſ, the Kelvin sign).
_LETTERS = {
    "a": "áA",
    "e": "éE",
    "i": "íIıİ",
    "o": "óO",
    "u": "úüU",
    "n": "ñN",
    "s": "Sſ",
    "k": "K\u212a",
    "'": "\u2019",
}
_SHORTHAND = {
    "you": "u",
    "to": "2",
    "want to": "wanna",
    "i am": "Im",
    "do not": "dont",
    "que": "q",
    "porque": "xq",
}
_JOINS = [" ", " ", " ", ", ", "... ", "! ", "? ", " - ", "\n", "  ", " * ", "\u00bf", " 🙏 "]


def generated_messages(count: int = 400, seed: int = 20240611) -> list[str]:
    """Words and phrases from the files, mixed, cut, misspelt and quoted."""
    rng = random.Random(seed)
    library = file_messages()
    words = sorted({word for text in library for word in text.split()})
    messages = []
    for _ in range(count):
        parts = [rng.choice(words) for _ in range(rng.randint(0, 7))]
        if rng.random() < 0.7:  # a phrase from the files, whole or in part
            phrase = rng.choice(library).split()
            start = rng.randint(0, len(phrase) // 2)
            end = rng.randint(start + 1, len(phrase))
            parts.insert(rng.randint(0, len(parts)), " ".join(phrase[start:end]))
        text = rng.choice(_JOINS).join(parts)
        for plain, short in _SHORTHAND.items():
            if rng.random() < 0.3:
                text = re.sub(rf"\b{plain}\b", short, text, flags=re.IGNORECASE)
        text = "".join(_garbled(rng, ch) for ch in text)
        if rng.random() < 0.15:
            text = f"> {rng.choice(library)}\n{text}"
        messages.append(text)
    return messages


def _garbled(rng: random.Random, ch: str) -> str:
    roll = rng.random()
    if roll < 0.06 and ch.lower() in _LETTERS:
        return rng.choice(_LETTERS[ch.lower()])
    if roll < 0.08 and ch.isalpha():
        return ch * rng.randint(3, 5)  # held down
    if roll < 0.09:
        return ch.swapcase()
    if roll < 0.10 and ch == " ":
        return ""
    return ch


FILE_MESSAGES = file_messages()
GENERATED = generated_messages()


def differences(texts, givens):
    found = []
    for text in texts:
        for given in givens:
            now, before = classify.triage(text, given), unscreened_triage(text, given)
            if astuple(now) != astuple(before):
                found.append((text, given, now, before))
    return found


# ---------------------------------------------------------------- the comparisons


def test_every_phrase_file_message_triages_as_it_did_before_the_screens():
    assert differences(FILE_MESSAGES, (None, "en", "es")) == []


def test_generated_messages_triage_as_they_did_before_the_screens():
    assert differences(GENERATED, (None, "es")) == []


def test_the_generated_messages_try_both_sides_of_the_screens():
    outcomes = [classify.triage(text).kind for text in GENERATED]
    assert outcomes.count("crisis") >= 50
    assert len(outcomes) - outcomes.count("crisis") >= 50
    forms = [form for text in GENERATED for form in matching.variants(text)]
    crisis_en = load("crisis", "en")
    passed = sum(crisis_en.phrases_possible(form.text) for form in forms)
    assert 50 <= passed <= len(forms) - 50


def test_no_screen_misses_a_match_of_its_patterns():
    for text in FILE_MESSAGES + GENERATED:
        for form in matching.variants(text):
            for name, language in FILES:
                phrase_set = load(name, language)
                if any(r.phrases and r.phrases.search(form.text) for r in phrase_set.rules):
                    assert phrase_set.phrases_possible(form.text), (name, language, text)


def test_the_lookaheads_find_exactly_what_the_regexes_find_without_them():
    plain, fast, _ = matching._canonical_table()
    rules = [(name, rule) for name, language in FILES for rule in load(name, language).rules]
    for text in FILE_MESSAGES + GENERATED:
        folded = fold(text).text
        assert spans(fast, folded) == spans(plain, folded), text
        for form in [folded] + [form.text for form in matching.variants(text)]:
            for name, rule in rules:
                before = RAW[name, rule.language, rule.id]
                for now, then in zip(rule.regexes, before, strict=True):
                    assert spans(now, form) == spans(then, form), (rule.id, text)


def spans(pattern, text):
    return [found.span() for found in pattern.finditer(text)]


# ---------------------------------------------------------------- what the screens are for


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_ordinary_message_skips_every_crisis_pattern(language):
    # This is what makes triage cheap in the return form's POST.
    form = matching.variants(ORDINARY)[0]
    assert not load("crisis", language).phrases_possible(form.text)


# ---------------------------------------------------------------- heads


@pytest.mark.parametrize(
    ("patterns", "texts"),
    [
        (["{,so} hopeless"], ["so hopeless", "so... hopeless", "hopeless"]),
        (["can't wake * up"], ["cant wake him up", "can not wake my big brother up"]),
        (["self-harm", "un-alive myself"], ["selfharm", "self harm", "unalive myself"]),
        (
            ["{took,swallowed} {all my,a bottle of} {pills,meds}"],
            ["swallowed a bottle of meds", "TOOK ALL MY PILLS"],
        ),
        (["cut{,s} myself", "kill myself"], ["cuts myself", "\u212aill myself", "ſelf"]),
        (["i wish i {was,were} dead"], ["ı wıſh ı waſ dead", "I  wish, I were dead"]),
    ],
)
def test_a_screen_finds_wherever_its_patterns_find(patterns, texts):
    pattern = matching.anywhere(patterns)
    screen = matching.screen([pattern])
    for text in texts:
        if pattern.search(text):
            assert screen.search(text), text
    assert any(pattern.search(text) for text in texts)


def test_no_screen_when_a_match_could_start_with_anything():
    anything = re.compile(matching.BEFORE + r"(?:\w+ now|help)", re.IGNORECASE)
    assert matching.screen([anything]) is None
    assert matching.lookahead(anything) == ""


def test_a_raw_regex_with_inline_flags_is_kept_as_written():
    assert matching.raw_regex("(?i)kms").pattern == "(?i)kms"
    assert matching.raw_regex("(?x) k m s").search("KMS")
    assert matching.raw_regex(r"\bkms\b").search("i might just KMS")

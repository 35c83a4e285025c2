"""The tone check: no stigma, no blame, no pressure, no shouting (PRODUCT.md principle 2)."""

import re

from .findings import Finding, tidy
from .rules import Rule, load
from .text import fold


def check_tone(text: str, language: str) -> list[Finding]:
    """Every place in `text` that the tone rules for `language` would change."""
    folded = fold(text)
    found: list[Finding] = []
    for rule in load("tone", language).rules:
        found.extend(_run(rule, text, folded))
    return tidy(found)


def _run(rule: Rule, text: str, folded) -> list[Finding]:
    if rule.kind == "words":
        spans = [folded.span(s, e) for s, e in rule.matcher.spans(folded.text)]
    elif rule.kind == "caps":
        spans = caps_spans(text, rule)
    elif rule.kind == "exclaim-stacked":
        spans = [m.span() for m in _STACKED.finditer(text)]
    else:
        spans = exclaim_many_spans(text)
    return [finding(rule, text, start, end) for start, end in spans]


def finding(rule: Rule, text: str, start: int, end: int) -> Finding:
    return Finding(
        start=start,
        end=end,
        text=text[start:end],
        rule=rule.id,
        category=rule.category,
        level=rule.level,
        why=rule.why,
        suggestion=rule.suggestion,
        source=rule.source,
    )


# Letters only (any script), with inner apostrophes: "DON'T" is one word.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def caps_spans(text: str, rule: Rule) -> list[tuple[int, int]]:
    """Runs of capitals that read as shouting.

    A run is consecutive words written in capitals. It is shouting when it has
    `run_words` or more words of `word_letters`+ letters ("DO NOT MISS"), or any
    word of `long_word`+ letters ("IMPORTANT"). One-letter words ("I", "A")
    continue a run but never start one. The keywords that SMS rules require us
    to print in capitals (STOP, HELP, ...) and the rule's other `allow` words
    break a run and never count.
    """
    allowed = {word.upper() for word in rule.allow}
    spans, run = [], []
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isupper() and word.upper() not in allowed and (run or len(word) > 1):
            run.append(match)
            continue
        spans.extend(_shouted(run, rule))
        run = []
    spans.extend(_shouted(run, rule))
    return spans


def _shouted(run: list[re.Match], rule: Rule) -> list[tuple[int, int]]:
    lengths = [len(m.group()) for m in run]
    long_words = sum(1 for n in lengths if n >= rule.word_letters)
    if long_words >= rule.run_words or any(n >= rule.long_word for n in lengths):
        return [(run[0].start(), run[-1].end())]
    return []


# Two or more "!" together, with or without "?" among them ("!!", "?!!", "!?!"),
# or the Spanish opening mark doubled ("¡¡").
_STACKED = re.compile(r"[?!]*![?!]*!+[?!]*|¡¡+")
_BANG_GROUP = re.compile(r"[?!]*![?!]*")


def exclaim_many_spans(text: str) -> list[tuple[int, int]]:
    """The second and later exclamations in one message (one "!" is enough).

    A stacked group ("!!") counts as one exclamation, and is not reported here:
    the stacked rule already speaks about it.
    """
    groups = list(_BANG_GROUP.finditer(text))
    return [m.span() for m in groups[1:] if m.group().count("!") == 1]

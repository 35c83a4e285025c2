"""The privacy check for discreet mode (PRODUCT.md principle 3; STANDARDS.md requirement 10).

A text that someone else may see on the person's phone, in a shared inbox or
on an envelope must not say that the person is in treatment. Both languages'
word lists are always checked, whatever the message's language: people in the
US often write Spanish with English clinic words ("el IOP", "rehab", "detox"),
and a sender or program name may be in either language. The words on the two
lists are distinctive enough that one language's list does not trip over
ordinary words of the other. The why and suggestion are written in the
message's language.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

from .findings import Finding, tidy
from .rules import LANGUAGES, Rule, load, normalize_language, words_regex
from .text import fold

PROGRAM_NAME_RULE = "privacy-program-name"


def check_privacy(text: str, language: str, revealing: Iterable[str] = ()) -> list[Finding]:
    """Words in `text` that reveal care, plus any of the program's `revealing` names."""
    language = normalize_language(language)
    own = load("privacy", language)
    folded = fold(text)
    found = []
    for rule_language in LANGUAGES:
        for rule in load("privacy", rule_language).rules:
            for start, end in rule.matcher.spans(folded.text):
                start, end = folded.span(start, end)
                foreign = rule_language != language
                found.append(_finding(rule, own.settings, text, start, end, foreign))
    found.extend(_program_names(text, folded, own.settings, revealing))
    return tidy(found)


def _finding(rule: Rule, settings: dict, text, start, end, foreign: bool) -> Finding:
    # A word from the other language's list is explained in this message's language.
    return Finding(
        start=start,
        end=end,
        text=text[start:end],
        rule=rule.id,
        category="privacy",
        level=rule.level,
        why=settings["why"] if foreign else rule.why,
        suggestion=settings["suggestion"] if foreign else rule.suggestion,
        source=rule.source,
    )


def _program_names(text, folded, settings: dict, revealing: Iterable[str]) -> list[Finding]:
    pattern = _names_pattern(tuple(sorted({n.strip() for n in revealing if n and n.strip()})))
    if pattern is None:
        return []
    found = []
    for match in pattern.finditer(folded.text):
        start, end = folded.span(*match.span())
        found.append(
            Finding(
                start=start,
                end=end,
                text=text[start:end],
                rule=PROGRAM_NAME_RULE,
                category="privacy",
                level="error",
                why=settings["program_name_why"],
                suggestion=settings["program_name_suggestion"],
                source=settings["source"],
            )
        )
    return found


@lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    # Program names are data, not patterns: braces and the like stay literal.
    if not names:
        return None
    return re.compile(words_regex(names), re.IGNORECASE)

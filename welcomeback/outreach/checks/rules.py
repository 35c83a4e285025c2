"""Loading the rule files (rules/<check>.<language>.toml) and compiling them once.

The rules are data so that the people who know the language best can read and
change them without reading Python. Each file documents its own format at the
top; in short, a rule is a list of words and phrases matched on word
boundaries, case- and accent-insensitively, with:

- `{a,b}` in a pattern spelling out alternatives ("addict{,s}" is "addict",
  "addicts"), so every inflection is written down, never guessed;
- a hyphen in a pattern also matching a space or nothing ("no-show" finds
  "no show" and "noshow"), and an apostrophe being optional ("you're", "youre");
- `not_after` / `not_before`: words that, right before or after a match,
  change its meaning ("no tienes que" is kind; "user name" is not a person).
"""

import dataclasses
import itertools
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .findings import LEVELS
from .text import fold_plain

RULES_DIR = Path(__file__).resolve().parent / "rules"
LANGUAGES = ("en", "es")
CHECKS = ("tone", "privacy")
CATEGORIES = ("stigma", "blame", "pressure", "shouting", "privacy")
# "words" rules match their patterns; the others are computed in tone.py.
KINDS = ("words", "caps", "exclaim-stacked", "exclaim-many")

_REQUIRED = ("id", "category", "level", "why", "suggestion", "source", "examples")
_OPTIONAL = {
    "kind": "words",
    "patterns": [],
    "counterexamples": [],
    "not_after": [],
    "not_before": [],
    "case_sensitive": False,
    "allow": [],
    "run_words": 2,
    "word_letters": 3,
    "long_word": 5,
}
# File-level keys that are settings of the file, not defaults for its rules.
_FILE_KEYS = ("language", "rule", "program_name_why", "program_name_suggestion")


class RuleFileError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    level: str
    why: str
    suggestion: str
    source: str
    examples: tuple[str, ...]
    kind: str = "words"
    patterns: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    case_sensitive: bool = False
    allow: tuple[str, ...] = ()
    run_words: int = 2
    word_letters: int = 3
    long_word: int = 5
    matcher: "Matcher | None" = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Matcher:
    """A rule's patterns compiled to run against folded text."""

    pattern: re.Pattern
    not_after: re.Pattern | None
    not_before: re.Pattern | None

    def spans(self, folded: str):
        """Folded (start, end) of every match that its context doesn't excuse."""
        for match in self.pattern.finditer(folded):
            start, end = match.span()
            if self.not_after and self.not_after.search(folded, max(0, start - 80), start):
                continue
            if self.not_before and self.not_before.match(folded, end):
                continue
            yield start, end


@dataclass(frozen=True)
class RuleSet:
    check: str
    language: str
    settings: dict  # the file's top-level keys: rule defaults and file settings
    rules: tuple[Rule, ...]


def normalize_language(language: str) -> str:
    """The rule files' language for a language tag: "es-MX" and "ES" are "es".

    A language we have no rules for is an error, never a silent pass.
    """
    primary = (language or "").replace("_", "-").split("-")[0].lower()
    if primary not in LANGUAGES:
        raise ValueError(f"no outreach rules for language {language!r}; have {LANGUAGES}")
    return primary


@cache
def load(check: str, language: str) -> RuleSet:
    """The rules of one file, validated and compiled; read once per process."""
    language = normalize_language(language)
    if check not in CHECKS:
        raise ValueError(f"unknown check {check!r}")
    path = RULES_DIR / f"{check}.{language}.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    fields = set(_REQUIRED) | set(_OPTIONAL)
    unknown = set(data) - fields - set(_FILE_KEYS)
    if unknown:
        raise RuleFileError(f"{path.name}: unknown keys {sorted(unknown)}")
    defaults = {k: v for k, v in data.items() if k in fields}
    rules = tuple(_rule(path, {**defaults, **entry}) for entry in data.get("rule", []))
    _check_unique(path, rules)
    settings = {k: v for k, v in data.items() if k != "rule"}
    return RuleSet(check, language, settings, rules)


def _rule(path: Path, entry: dict) -> Rule:
    name = f"{path.name}, rule {entry.get('id', '?')}"
    missing = [key for key in _REQUIRED if not entry.get(key)]
    if missing:
        raise RuleFileError(f"{name}: missing {', '.join(missing)}")
    known = set(_REQUIRED) | set(_OPTIONAL)
    unknown = set(entry) - known
    if unknown:
        raise RuleFileError(f"{name}: unknown keys {sorted(unknown)}")
    values = {**_OPTIONAL, **{k: v for k, v in entry.items() if k in known}}
    _check_values(name, values)
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    for key in ("patterns", "not_after", "not_before", "allow"):
        values[key] = tuple(p for raw in values[key] for p in expand(raw))
    rule = Rule(**values)
    if rule.kind == "words":
        rule = _with_matcher(rule)
    return rule


def _check_values(name: str, values: dict) -> None:
    if values["level"] not in LEVELS:
        raise RuleFileError(f"{name}: level must be one of {LEVELS}")
    if values["category"] not in CATEGORIES:
        raise RuleFileError(f"{name}: category must be one of {CATEGORIES}")
    if values["kind"] not in KINDS:
        raise RuleFileError(f"{name}: kind must be one of {KINDS}")
    if values["kind"] == "words" and not values["patterns"]:
        raise RuleFileError(f"{name}: a words rule needs patterns")


def _check_unique(path: Path, rules: tuple[Rule, ...]) -> None:
    ids = [rule.id for rule in rules]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise RuleFileError(f"{path.name}: repeated rule ids {repeated}")


def _with_matcher(rule: Rule) -> Rule:
    flags = 0 if rule.case_sensitive else re.IGNORECASE
    matcher = Matcher(
        pattern=re.compile(words_regex(rule.patterns), flags),
        not_after=_context(rule.not_after, r"(?<!\w)(?:{})[\s-]*\Z"),
        not_before=_context(rule.not_before, r"[\s-]*(?:{})(?!\w)"),
    )
    return dataclasses.replace(rule, matcher=matcher)


def _context(phrases: tuple[str, ...], template: str) -> re.Pattern | None:
    if not phrases:
        return None
    alternatives = "|".join(_phrase_regex(p) for p in _longest_first(phrases))
    return re.compile(template.format(alternatives), re.IGNORECASE)


def words_regex(patterns) -> str:
    """One regex for a list of words and phrases, matched as whole words."""
    alternatives = "|".join(_phrase_regex(p) for p in _longest_first(patterns))
    return rf"(?<!\w)(?:{alternatives})(?!\w)"


def _longest_first(phrases) -> list[str]:
    # Longest first so "no-shows" wins over "no-show" and the span is whole.
    return sorted(set(phrases), key=lambda p: (-len(p), p))


def _phrase_regex(phrase: str) -> str:
    words = fold_plain(phrase).split()
    return r"\s+".join(_word_regex(word) for word in words)


def _word_regex(word: str) -> str:
    parts = []
    for ch in word:
        if ch == "-":
            parts.append(r"[-\s]?")  # "no-show", "no show", "noshow"
        elif ch == "'":
            parts.append("'?")  # "you're", "youre"
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


_BRACES = re.compile(r"(\{[^{}]*\})")


def expand(pattern: str) -> list[str]:
    """Spell out `{a,b}` alternatives: "addict{,s}" -> ["addict", "addicts"]."""
    pieces = _BRACES.split(pattern)
    options = [p[1:-1].split(",") if _BRACES.fullmatch(p) else [p] for p in pieces]
    return [" ".join("".join(combo).split()) for combo in itertools.product(*options)]

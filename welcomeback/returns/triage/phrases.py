"""Loading the phrase files and compiling them once per process.

The phrases are data (crisis.<language>.toml, return.<language>.toml) so that
the people who know the language and the work best — clinicians, peer staff,
the people who answer the phones — can read and extend them without reading
Python. Each file documents its format at the top.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from welcomeback.outreach.checks.text import Folded

from . import matching

DATA_DIR = Path(__file__).resolve().parent
LANGUAGES = ("en", "es")
SETS = ("crisis", "return")
# Crisis categories, most urgent first: when a message matches several, staff
# see the first. Someone who may be dying now (an overdose, a medical
# emergency) or in danger from someone else comes before thoughts of suicide,
# which come before self-harm; every one of them is a crisis all the same.
CATEGORIES = ("overdose", "danger", "suicidal-thoughts", "self-harm", "psychosis", "help-now")

_RULE_KEYS = {
    "id",
    "category",
    "patterns",
    "messages",
    "regex",
    "not_before",
    "not_after",
    "examples",
    "counterexamples",
}
_FILE_KEYS = {"language", "rule", "plain", "reply"}
_PLAIN_KEYS = {"messages", "false_alarms"}
_REPLY_KEYS = {"sms", "long", "default_sender"}


class PhraseFileError(ValueError):
    """A phrase file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class PhraseRule:
    """A group of phrases with one meaning, and the words that excuse them."""

    id: str
    category: str  # a crisis category, or "return"
    language: str
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...]
    searches: tuple[re.Pattern, ...]  # found anywhere: the patterns, then any raw regexes
    phrases: re.Pattern | None  # the patterns (searches[0] when there are any)
    regexes: tuple[re.Pattern, ...]  # the raw regexes (the rest of searches)
    whole: re.Pattern | None  # the whole message
    not_before: re.Pattern | None
    not_after: re.Pattern | None

    def find(self, form: Folded, phrases_possible: bool = True) -> tuple[int, int] | None:
        """The folded span of the first match in `form` that no context excuses.

        `phrases_possible` is False when the set's screen has shown that the
        patterns can't match `form`; the whole-message phrases and raw regexes
        are read all the same.
        """
        text = form.text
        if self.whole:
            found = self.whole.match(text)
            if found:
                return found.span(1)
        for pattern in self.searches if phrases_possible else self.regexes:
            for found in pattern.finditer(text):
                if not self.excused(text, *found.span()):
                    return found.span()
        return None

    def excused(self, text: str, start: int, end: int) -> bool:
        # 80 characters is more than any excuse phrase; it keeps the search short.
        if self.not_after and self.not_after.search(text, max(0, start - 80), start):
            return True
        return bool(self.not_before and self.not_before.match(text, end))


@dataclass(frozen=True)
class PhraseSet:
    name: str  # "crisis" or "return"
    language: str
    rules: tuple[PhraseRule, ...]
    plain: tuple[str, ...] = ()  # ordinary messages that must not escalate
    false_alarms: tuple[str, ...] = ()  # ordinary messages we knowingly escalate
    reply: dict | None = None  # crisis files: the reply texts
    # All the rules' patterns in one quick test (matching.screen says why):
    # where it finds nothing, none of them can match. None: it can't tell.
    screen: re.Pattern | None = None
    # The rules read even when the screen finds nothing: it covers the
    # patterns, not whole-message phrases or raw regexes.
    unscreened: tuple[PhraseRule, ...] = ()

    @property
    def examples(self) -> tuple[str, ...]:
        return tuple(text for rule in self.rules for text in rule.examples)

    def phrases_possible(self, text: str) -> bool:
        """False when no rule's patterns can match `text`."""
        return self.screen is None or self.screen.search(text) is not None


def normalize_language(language: str | None) -> str | None:
    """ "es-MX", "ES", "es_US" → "es"; None or a language we have no phrases for → None."""
    primary = (language or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


@cache
def load(name: str, language: str) -> PhraseSet:
    """One phrase file, validated and compiled; read once per process."""
    if name not in SETS or language not in LANGUAGES:
        raise ValueError(f"no phrase file {name}.{language}.toml; have {SETS} × {LANGUAGES}")
    path = DATA_DIR / f"{name}.{language}.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    _no_unknown(path.name, data, _FILE_KEYS)
    if data.get("language") != language:
        raise PhraseFileError(f"{path.name}: language must be {language!r}")
    rules = tuple(_rule(path.name, name, language, entry) for entry in data.get("rule", []))
    _unique(path.name, rules)
    plain = data.get("plain", {})
    _no_unknown(f"{path.name} [plain]", plain, _PLAIN_KEYS)
    return PhraseSet(
        name=name,
        language=language,
        rules=rules,
        plain=tuple(plain.get("messages", ())),
        false_alarms=tuple(plain.get("false_alarms", ())),
        reply=_reply(path.name, name, data.get("reply")),
        screen=matching.screen(rule.phrases for rule in rules if rule.phrases),
        unscreened=tuple(rule for rule in rules if rule.whole or rule.regexes),
    )


def load_all() -> None:
    """Compile every phrase set now. A web process calls this as it starts
    (welcomeback/wsgi.py): compiling costs about a quarter of a second of
    CPU, which the first message each process read would otherwise wait for."""
    for name in SETS:
        for language in LANGUAGES:
            load(name, language)


def _rule(file: str, name: str, language: str, entry: dict) -> PhraseRule:
    where = f"{file}, rule {entry.get('id', '?')}"
    _no_unknown(where, entry, _RULE_KEYS)
    category = entry.get("category", "return" if name == "return" else "")
    allowed = ("return",) if name == "return" else CATEGORIES
    if category not in allowed:
        raise PhraseFileError(f"{where}: category must be one of {allowed}")
    if not entry.get("id") or not entry.get("examples"):
        raise PhraseFileError(f"{where}: a rule needs an id and examples")
    if not (entry.get("patterns") or entry.get("messages") or entry.get("regex")):
        raise PhraseFileError(f"{where}: a rule needs patterns, messages or regex")
    try:
        return _compiled(entry, category, language)
    except (re.error, ValueError) as exc:
        raise PhraseFileError(f"{where}: {exc}") from exc


def _compiled(entry: dict, category: str, language: str) -> PhraseRule:
    phrases = matching.anywhere(entry.get("patterns", ()))
    regexes = tuple(matching.raw_regex(r) for r in entry.get("regex", ()))
    return PhraseRule(
        id=entry["id"],
        category=category,
        language=language,
        examples=tuple(entry["examples"]),
        counterexamples=tuple(entry.get("counterexamples", ())),
        searches=((phrases,) if phrases else ()) + regexes,
        phrases=phrases,
        regexes=regexes,
        whole=matching.whole(entry.get("messages", ())),
        not_before=matching.followed_by(entry.get("not_before", ())),
        not_after=matching.preceded_by(entry.get("not_after", ())),
    )


def _reply(file: str, name: str, reply: dict | None) -> dict | None:
    if name != "crisis":
        if reply is not None:
            raise PhraseFileError(f"{file}: only crisis files have a [reply]")
        return None
    reply = reply or {}
    _no_unknown(f"{file} [reply]", reply, _REPLY_KEYS)
    missing = sorted(k for k in _REPLY_KEYS if not reply.get(k))
    if missing:
        raise PhraseFileError(f"{file} [reply]: missing {', '.join(missing)}")
    return dict(reply)


def _no_unknown(where: str, data: dict, known: set[str]) -> None:
    unknown = set(data) - known
    if unknown:
        raise PhraseFileError(f"{where}: unknown keys {sorted(unknown)}")


def _unique(file: str, rules: tuple[PhraseRule, ...]) -> None:
    ids = [rule.id for rule in rules]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise PhraseFileError(f"{file}: repeated rule ids {repeated}")

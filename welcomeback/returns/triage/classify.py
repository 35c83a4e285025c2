"""Triage: what a message needs first, whichever way it came in.

The same function reads a text, an email, a web form's message, and what staff
type in for a call or a walk-in. The order is fixed, and each step says why:

1. **Keywords.** When the whole message is a keyword (STOP, UNSUBSCRIBE,
   CANCEL, END, QUIT, PARAR, START, YES, HELP, AYUDA … after trimming, case,
   accents and punctuation; welcomeback.outreach.keywords), it is "opt-out",
   "opt-in" or "help", answered as the rules require (FCC 24-24,
   47 CFR 64.1200(a)(10); CTIA). A keyword alone holds no crisis language.
2. **Crisis language**, in the English and the Spanish phrase sets whatever
   language was given, because people mix languages. Any match is "crisis"
   (PRODUCT.md principle 6): a person is paged at once and the sender gets
   the reply with 988 and 911. The sets are tuned for recall: a false alarm
   costs a phone call; a miss can cost a life. Free text that asks us to stop
   *and* holds crisis language ("stop texting me, I want to die") is crisis;
   `reads_like_opt_out` tells the caller to pause automated texts as well.
3. **Free-text opt-out** ("please stop texting me", "número equivocado") is
   "opt-out": automated texts pause and a person reads it (FCC 24-24: any
   reasonable way of asking counts).
4. **Return intent** ("can I come back", "quiero volver", "I'd like to talk",
   a one-word "back" or "listo") is "return".
5. Anything else is "other" — and a person still reads it (principle 7).

Lines quoted from an earlier email (starting with ">") are left out, so a reply
that quotes an old message doesn't page anyone twice.

Nothing here logs: a message's words are health information. `matched` holds
the person's own words for the staff screen; keep it out of logs.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from welcomeback.outreach.checks.text import Folded
from welcomeback.outreach.keywords import classify, normalise
from welcomeback.outreach.models import InboundKind

from .matching import variants
from .phrases import CATEGORIES, LANGUAGES, PhraseRule, load, normalize_language

KINDS = ("crisis", "opt-out", "opt-in", "help", "return", "other")

_KEYWORDS = {
    InboundKind.OPT_OUT: "opt-out",
    InboundKind.OPT_IN: "opt-in",
    InboundKind.HELP: "help",
}


@dataclass(frozen=True)
class Outcome:
    kind: str  # one of KINDS
    category: str = ""  # crisis only: the most urgent category matched (CATEGORIES)
    matched: str = ""  # the words that decided it, as the person wrote them
    rule: str = ""  # the phrase rule that matched, for staff testing phrases
    language: str = "en"  # the language to answer in
    categories: tuple[str, ...] = ()  # crisis only: every category matched, most urgent first
    reads_like_opt_out: bool = False  # free text asked us to stop, too

    @property
    def is_crisis(self) -> bool:
        return self.kind == "crisis"


@dataclass(frozen=True)
class _Hit:
    rule: PhraseRule
    form: Folded
    span: tuple[int, int]

    @property
    def words(self) -> str:
        start, end = self.form.span(*self.span)
        return self.form.original[start:end]


def triage(text: str, language: str | None = None) -> Outcome:
    """What `text` needs first (see the module docstring for the order).

    `language` ("en", "es", "es-MX" …) only chooses the language of the answer;
    both phrase sets are always read. Without it, the answer is in the language
    of the phrase that matched, else English.
    """
    body = unquoted(text or "")
    given = normalize_language(language)
    keyword = classify(body)
    if keyword in _KEYWORDS:
        return Outcome(_KEYWORDS[keyword], matched=normalise(body), language=given or "en")
    forms = variants(body)
    opt_out_like = keyword == InboundKind.OPT_OUT_LIKE
    crisis = _crisis(forms, given, opt_out_like)
    if crisis:
        return crisis
    if opt_out_like:
        return Outcome("opt-out", language=given or "en", reads_like_opt_out=True)
    hit = next(_hits("return", forms, given), None)
    if hit:
        language = given or hit.rule.language
        return Outcome("return", matched=hit.words, rule=hit.rule.id, language=language)
    return Outcome("other", language=given or "en")


def _crisis(forms: list[Folded], given: str | None, opt_out_like: bool) -> Outcome | None:
    hits = list(_hits("crisis", forms, given))
    if not hits:
        return None
    categories = tuple(c for c in CATEGORIES if any(h.rule.category == c for h in hits))
    top = next(h for h in hits if h.rule.category == categories[0])
    return Outcome(
        "crisis",
        category=top.rule.category,
        matched=top.words,
        rule=top.rule.id,
        language=given or top.rule.language,
        categories=categories,
        reads_like_opt_out=opt_out_like,
    )


def _hits(name: str, forms: list[Folded], given: str | None) -> Iterator[_Hit]:
    """Every rule of the `name` sets that matches, the given language's first,
    found as they are asked for (return intent needs only the first)."""
    for language in _languages(given):
        phrase_set = load(name, language)
        # For most messages one quick screen rules out all the set's patterns
        # (matching.screen); then only the rules it doesn't cover are read.
        possible = [phrase_set.phrases_possible(form.text) for form in forms]
        for rule in phrase_set.rules if any(possible) else phrase_set.unscreened:
            hit = _find(rule, forms, possible)
            if hit:
                yield hit


def _find(rule: PhraseRule, forms: list[Folded], possible: list[bool]) -> _Hit | None:
    for form, phrases_possible in zip(forms, possible, strict=True):
        span = rule.find(form, phrases_possible)
        if span:
            return _Hit(rule, form, span)
    return None


def _languages(given: str | None) -> list[str]:
    return sorted(LANGUAGES, key=lambda lang: lang != given)


def unquoted(text: str) -> str:
    """The text without lines quoted from an earlier message ("> ...")."""
    lines = text.splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith(">"))

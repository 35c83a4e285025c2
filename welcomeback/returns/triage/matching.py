"""Preparing a message for matching, and compiling phrases into regexes.

A message and the phrases in the data files go through the same steps, so a
phrase written one way finds every way people type it:

1. fold (welcomeback.outreach.checks.text): accents removed ("tome" finds
   "tomé"), curly apostrophes made straight, invisible characters dropped;
2. squeeze: a letter held down three times or more ("dieeee", "pleaseeee")
   is tried as one letter and as two, so "killll" still reads "kill";
3. canonical: contractions spelled out ("I'm", "Im", "i am" are all "i am";
   "don't", "dont", "do not" are all "do not") and common texting shorthand
   ("u", "2", "wanna", "q", "xq") written out.

Every folded character remembers where it came from in the original text, so
the span we report (`Outcome.matched`) is the person's own words.

A phrase is matched as whole words. In a phrase: `{a,b}` spells alternatives,
as in the outreach rule files ("cut{,s}" is "cut" or "cuts"; here the braces
become a regex alternation instead of being spelled out); an apostrophe is
optional; a hyphen also matches a space or nothing; `*` stands for one to
three words of any kind ("can't wake * up" finds "can't wake him up" and
"can't wake my brother up"). Between words, any run of spaces or punctuation
counts as a gap ("want to... die"), because people in distress don't punctuate
for us: recall first.
"""

import re
from functools import cache

from welcomeback.outreach.checks.rules import expand
from welcomeback.outreach.checks.text import Folded, fold

GAP = "*"
SEP = r"[\W_]+"
# One to three words, for `*`.
GAP_WORD = r"[\w']+(?:[\W_]+[\w']+){0,2}"
BEFORE = r"(?<![\w'])"
AFTER = r"(?![\w'])"

# Contractions, spelled out. Keys are written with their apostrophe; the ones in
# _NEEDS_APOSTROPHE are ordinary words without it ("ill", "well", "its", "were"),
# so only the apostrophe form counts for them.
_CONTRACTIONS = {
    "i'm": "i am",
    "i've": "i have",
    "i'll": "i will",
    "i'd": "i would",
    "you're": "you are",
    "you've": "you have",
    "you'll": "you will",
    "we're": "we are",
    "we've": "we have",
    "we'll": "we will",
    "they're": "they are",
    "they've": "they have",
    "they'll": "they will",
    "they'd": "they would",
    "he's": "he is",
    "she's": "she is",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "who's": "who is",
    "what's": "what is",
    "he'll": "he will",
    "she'll": "she will",
    "he'd": "he would",
    "she'd": "she would",
    "don't": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "isn't": "is not",
    "aren't": "are not",
    "wasn't": "was not",
    "weren't": "were not",
    "hasn't": "has not",
    "haven't": "have not",
    "hadn't": "had not",
    "won't": "will not",
    "wouldn't": "would not",
    "can't": "can not",
    "couldn't": "could not",
    "shouldn't": "should not",
}
_NEEDS_APOSTROPHE = frozenset(
    {"i'll", "i'd", "we're", "we'll", "he'll", "she'll", "he'd", "she'd", "it's"}
)
# Shorthand, English and Spanish, as people text it. Both languages are read
# on every message, so a key must be harmless in the other language.
_SHORTHAND = {
    "cannot": "can not",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "tryna": "trying to",
    "hafta": "have to",
    "u": "you",
    "ur": "your",
    "r": "are",
    "2": "to",
    "ppl": "people",
    "some1": "someone",
    "any1": "anyone",
    "every1": "everyone",
    "some one": "someone",
    "my self": "myself",
    "him self": "himself",
    "her self": "herself",
    "any more": "anymore",
    "alot": "a lot",
    "q": "que",
    "k": "que",
    "ke": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "xk": "porque",
    "kiero": "quiero",
    "kiere": "quiere",
    "kieres": "quieres",
}


def _key(text: str) -> str:
    """How a matched piece of text is looked up: lower case, no apostrophes,
    single spaces."""
    return " ".join(text.lower().replace("'", "").split())


def _canonical_table() -> tuple[re.Pattern, dict[str, str]]:
    table, alternatives = {}, []
    for written, spelled in {**_CONTRACTIONS, **_SHORTHAND}.items():
        table[_key(written)] = spelled
        words = [
            re.escape(w) if written in _NEEDS_APOSTROPHE else re.escape(w).replace("'", "'?")
            for w in written.split()
        ]
        alternatives.append(r"\s+".join(words))
    alternatives.sort(key=len, reverse=True)
    pattern = re.compile(BEFORE + "(?:" + "|".join(alternatives) + ")" + AFTER, re.IGNORECASE)
    return pattern, table


_CANONICAL, _CANONICAL_TABLE = _canonical_table()
# A letter typed three or more times in a row.
_HELD = re.compile(r"([^\W\d_])\1{2,}")


def rewrite(folded: Folded, pattern: re.Pattern, replace) -> Folded:
    """Apply `pattern` → `replace(match)` to folded text, keeping the map back
    to the original characters."""
    chars: list[str] = []
    origin: list[int] = []
    pos = 0
    for match in pattern.finditer(folded.text):
        start, end = match.span()
        new = replace(match)
        chars.append(folded.text[pos:start])
        origin.extend(folded.origin[pos:start])
        chars.append(new)
        origin.extend(_spread(folded.origin, start, end, len(new)))
        pos = end
    if pos == 0 and not chars:
        return folded
    chars.append(folded.text[pos:])
    origin.extend(folded.origin[pos:])
    return Folded(folded.original, "".join(chars), tuple(origin))


def _spread(origin: tuple[int, ...], start: int, end: int, count: int) -> list[int]:
    """Origins for `count` new characters that stand for folded[start:end]. The
    last one takes the end, so a span ending in a replacement covers all of it."""
    last = end - 1
    return [origin[min(start + i, last)] if i < count - 1 else origin[last] for i in range(count)]


def canonical(folded: Folded) -> Folded:
    return rewrite(folded, _CANONICAL, lambda m: _CANONICAL_TABLE[_key(m.group())])


def variants(text: str) -> list[Folded]:
    """The forms of a message that phrases are matched against (see the module
    docstring); usually one, three when a letter is held down."""
    folded = fold(text or "")
    forms = [canonical(folded)]
    if _HELD.search(folded.text):
        for keep in (r"\1", r"\1\1"):
            forms.append(canonical(rewrite(folded, _HELD, lambda m, k=keep: m.expand(k))))
    return forms


@cache
def canonical_phrase(phrase: str) -> str:
    """A phrase from a data file, prepared the same way as a message."""
    return canonical(fold(phrase)).text


def alternatives(patterns) -> str:
    """One regex for many `{a,b}` patterns, the longest first.

    Braces become regex alternations rather than being spelled out, so a
    pattern like "{took,swallowed} {all my,a bottle of} {pills,meds}" stays
    small however many phrases it stands for, and compiles quickly.
    """
    for raw in patterns:
        _check_gaps(raw)
    return "|".join(sorted({pattern_regex(raw) for raw in patterns}, key=len, reverse=True))


def _check_gaps(raw: str) -> None:
    for phrase in expand(raw):
        words = phrase.split()
        if not words or GAP in (words[0], words[-1]):
            raise ValueError(f"a phrase can't be empty or start or end with {GAP!r}: {raw!r}")


_BRACES = re.compile(r"(\{[^{}]*\})")


def pattern_regex(raw: str) -> str:
    """The regex for one pattern, without word boundaries."""
    items = [
        ["group", piece[1:-1].split(",")] if _BRACES.fullmatch(piece) else ["text", piece]
        for piece in _BRACES.split(raw)
        if piece
    ]
    _attach_spaces(items)
    return "".join(_fragment(value) if kind == "text" else _group(value) for kind, value in items)


def _attach_spaces(items: list[list]) -> None:
    """Move the space next to a `{a,b}` group that has an empty alternative into
    its alternatives, so that leaving it out leaves one gap between words, not
    two: in "{,so} hopeless" the alternatives become "so " and "", followed by
    "hopeless"."""
    for i, (kind, alts) in enumerate(items):
        if kind != "group" or all(a.strip() for a in alts):
            continue
        after = items[i + 1] if i + 1 < len(items) else None
        before = items[i - 1] if i > 0 else None
        if after and after[0] == "text" and after[1][:1].isspace():
            items[i][1] = [a.strip() + " " if a.strip() else "" for a in alts]
            after[1] = after[1].lstrip()
        elif before and before[0] == "text" and before[1][-1:].isspace():
            items[i][1] = [" " + a.strip() if a.strip() else "" for a in alts]
            before[1] = before[1].rstrip()


def _group(alternatives: list[str]) -> str:
    regexes = sorted({_fragment(a) for a in alternatives}, key=len, reverse=True)
    return "(?:" + "|".join(regexes) + ")"


def _fragment(text: str) -> str:
    """Words (and the gaps around them) of a piece of a pattern, as a regex."""
    if not text:
        return ""
    words = canonical_phrase(text).split()
    if not words:
        return SEP
    body = SEP.join(_word_regex(word) for word in words)
    return (SEP if text[0].isspace() else "") + body + (SEP if text[-1].isspace() else "")


def _word_regex(word: str) -> str:
    if word == GAP:
        return GAP_WORD
    out = []
    for ch in word:
        if ch == "'":
            out.append(r"(?:'|\s)?")  # "don't", "dont", "don t"
        elif ch == "-":
            out.append(r"[-\s]?")  # "self-harm", "self harm", "selfharm"
        else:
            out.append(re.escape(ch))
    return "".join(out)


def anywhere(patterns) -> re.Pattern | None:
    """Phrases found as whole words anywhere in a message."""
    if not patterns:
        return None
    return re.compile(BEFORE + "(?:" + alternatives(patterns) + ")" + AFTER, re.IGNORECASE)


def whole(patterns) -> re.Pattern | None:
    """Phrases that count only when they are the whole message ("help me")."""
    if not patterns:
        return None
    # The group is the phrase without the punctuation around it.
    return re.compile(r"\A[\W_]*(" + alternatives(patterns) + r")[\W_]*\Z", re.IGNORECASE)


def preceded_by(patterns) -> re.Pattern | None:
    """Words right before a match (search it in text[:start])."""
    if not patterns:
        return None
    return re.compile(BEFORE + "(?:" + alternatives(patterns) + r")[\W_]*\Z", re.IGNORECASE)


def followed_by(patterns) -> re.Pattern | None:
    """Words right after a match (match it at the match's end)."""
    if not patterns:
        return None
    return re.compile(r"[\W_]*(?:" + alternatives(patterns) + ")" + AFTER, re.IGNORECASE)

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

# `re`'s own parser (CPython 3.11+), so that heads are read from the very
# regex that `re` compiles (see "heads, and the screen" below).
from re import _constants as sre_constants
from re import _parser as sre_parser

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


@cache
def _canonical_table() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """(the regex for contractions and shorthand, the same regex with its
    heads looked for first (it finds the same, faster), their spelling by _key)."""
    table, alternatives = {}, []
    for written, spelled in {**_CONTRACTIONS, **_SHORTHAND}.items():
        table[_key(written)] = spelled
        words = [
            re.escape(w) if written in _NEEDS_APOSTROPHE else re.escape(w).replace("'", "'?")
            for w in written.split()
        ]
        alternatives.append(r"\s+".join(words))
    alternatives.sort(key=len, reverse=True)
    body = "(?:" + "|".join(alternatives) + ")" + AFTER
    plain = re.compile(BEFORE + body, re.IGNORECASE)
    return plain, re.compile(BEFORE + lookahead(plain) + body, re.IGNORECASE), table


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
    _, pattern, table = _canonical_table()
    return rewrite(folded, pattern, lambda m: table[_key(m.group())])


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


# ---------------------------------------------------------------- heads, and the screen
#
# Why: triage runs inside the public return form's POST, and reading a message
# against the crisis sets was most of that request's CPU. Every anywhere()
# pattern starts with the lookbehind BEFORE, which keeps `re` from skipping
# ahead to a likely first letter, and with IGNORECASE it can't rule out an
# alternative by its first letter either: at every word start it tried each of
# a rule's alternatives in turn, ~290 of them over the English crisis rules.
#
# A head is how a match can begin: its first letters and gaps, up to a first
# optional part, as in "kill[\W_]+myself" or "self". Put in one prefix tree, a
# set's heads make its screen, and at a word start the engine follows one
# branch and gives up within a letter or two. When the screen finds nothing,
# no rule's patterns are read (PhraseSet.phrases_possible). Measured with
# timeit (min of repeats): "I'd like to come back, maybe evenings." (en) went
# from 0.27 ms to 0.08-0.09 ms of CPU (3.1-3.3x), other ordinary messages
# 3.4-4x; a crisis message skips the other language's patterns and got ~1.3x
# faster. Building the screens adds ~0.2 s to a process's first triage.
# The same heads, as a lookahead, speed up the contractions regex and the
# rules' raw regexes without changing what they find.
#
# It may only skip work when no pattern could match: a missed crisis can cost
# a life. Heads are read from each compiled pattern's own parse tree, so they
# can't drift from the phrase files, and every step of _heads only leaves out
# conditions, never adds one: where a pattern matches, its heads match.
# tests/test_triage_screen.py compares triage with the unscreened algorithm.

# Head length, in letters and gaps: long enough that an ordinary message
# rarely passes ("i would like" is not "i would rather"), short enough that
# the screens compile quickly.
HEAD_TOKENS = 10
_SEP_ITEM = repr(sre_parser.parse(SEP)[0])
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
_FLAGS = re.compile("", re.IGNORECASE).flags  # anywhere()'s, which heads are compiled with


def screen(patterns) -> re.Pattern | None:
    """A quick regex that finds something wherever any of `patterns` (made by
    anywhere()) finds something; None when it couldn't rule anything out."""
    patterns = list(patterns)
    if not all(pattern.pattern.startswith(BEFORE) for pattern in patterns):
        raise ValueError("only patterns that start with BEFORE can be screened")
    heads = _heads_regex(patterns)
    return re.compile(BEFORE + heads, re.IGNORECASE) if heads else None


def lookahead(pattern: re.Pattern) -> str:
    """A lookahead that every match of `pattern` passes where it starts: put
    there, it changes what the pattern finds in nothing but speed. "" when
    there is none to be had."""
    heads = _heads_regex([pattern])
    return "(?=" + heads + ")" if heads else ""


def raw_regex(regex: str) -> re.Pattern:
    """A rule's own regex, finding just what it says, with its heads looked for
    first (see lookahead) when it can have them."""
    pattern = re.compile(regex, re.IGNORECASE)
    ahead = lookahead(pattern) if pattern.flags == _FLAGS else ""
    if not ahead:
        return pattern
    try:
        return re.compile(ahead + "(?:" + regex + ")", re.IGNORECASE)
    except re.error:  # inline flags such as "(?i)" must stay at the very start
        return pattern


def _heads_regex(patterns) -> str | None:
    """One regex for the heads of all `patterns`; None when some match could
    start with anything."""
    heads = set()
    for pattern in patterns:
        if pattern.flags != _FLAGS:
            raise ValueError(f"heads are read with re.IGNORECASE only: {pattern.pattern!r}")
        heads |= {head for head, _ in _heads(sre_parser.parse(pattern.pattern, pattern.flags))}
    if not heads or () in heads:
        return None
    return _prefix_tree(sorted(heads))


def _heads(items) -> set[tuple[tuple[str, ...], bool]]:
    """(head, complete) pairs for a parsed regex: every match of `items` starts
    with a match of some head, a tuple of regex tokens (a letter, or SEP);
    `complete` when that head can match all of it. A head stops at the first
    item it can't follow (a character class, an optional part) or at
    HEAD_TOKENS tokens; a lookaround or anchor is left out."""
    open_heads, stopped = {()}, set()
    for op, av in items:
        following = _item_heads(op, av)
        extended = set()
        for head in open_heads:
            if len(head) >= HEAD_TOKENS:
                stopped.add(head)
                continue
            for tail, complete in following:
                (extended if complete else stopped).add(head + tail)
        open_heads = extended
        if not open_heads:
            break
    return {(head, True) for head in open_heads} | {(head, False) for head in stopped}


def _item_heads(op, av) -> set[tuple[tuple[str, ...], bool]]:
    # A letter or a gap is kept as written (compiled with the same flags, it
    # matches the same); a group or alternation is followed inside; anything
    # else ends the head there, which only makes it match more.
    if op is sre_constants.LITERAL:
        return {((re.escape(chr(av)),), True)}
    if repr((op, av)) == _SEP_ITEM:
        return {((SEP,), True)}
    if op is sre_constants.SUBPATTERN and not av[1] and not av[2]:  # a group, no flags
        return _heads(av[3])
    if op is sre_constants.BRANCH:
        return set().union(*(_heads(alternative) for alternative in av[1]))
    if op in _ZERO_WIDTH:
        return {((), True)}
    return {((), False)}


def _prefix_tree(heads: list[tuple[str, ...]]) -> str:
    """One regex for the heads, sharing their common beginnings."""
    tree: dict = {}
    for head in heads:
        node = tree
        for token in head:
            node = node.setdefault(token, {})
        node[None] = {}  # a head ends here: the longer ones add nothing

    def regex(node: dict) -> str:
        if None in node:
            return ""
        branches = [token + regex(child) for token, child in node.items()]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return regex(tree)

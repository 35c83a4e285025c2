"""Folding text for matching, keeping a map back to the original offsets.

Rules are matched against a folded copy of the text: accents removed (so
"adiccion" finds "adicción", and an NFD "é" is found too), curly apostrophes
made straight, and invisible characters (soft hyphens, zero-width spaces)
dropped so they cannot hide a word. Every folded character remembers the
original character it came from, so a finding's span always points into the
text the person wrote.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters that look like nothing; dropping them stops "ad\u00addict" from hiding.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")

# Typographic variants that people type (or phones insert) for plain ones.
_PLAIN = {
    "\u2018": "'",  # left single quote
    "\u2019": "'",  # right single quote, the iPhone apostrophe
    "\u02bc": "'",  # modifier letter apostrophe
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
}


@dataclass(frozen=True)
class Folded:
    original: str
    text: str
    # origin[i] is the index in `original` of folded character i.
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded [start, end) back to the original text."""
        first = self.origin[start]
        last = self.origin[end - 1] + 1
        # Take in any marks that folding dropped right after the match
        # (an NFD "a" + U+0301 ends a word in its accent, not before it).
        while last < len(self.original) and not fold_char(self.original[last]):
            last += 1
        return first, last


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    if ch in _PLAIN:
        return _PLAIN[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> Folded:
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for c in fold_char(ch):
            chars.append(c)
            origin.append(index)
    return Folded(text, "".join(chars), tuple(origin))


def fold_plain(text: str) -> str:
    """Fold a pattern or phrase the same way, when offsets don't matter."""
    return "".join(fold_char(ch) for ch in text)

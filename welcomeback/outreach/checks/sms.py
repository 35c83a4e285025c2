"""How many SMS segments a text needs, per the GSM 03.38 alphabet (3GPP TS 23.038).

A text made only of GSM-7 characters travels 7 bits a character: 160 in one
segment, or 153 per segment once it is split (each part gives up room for the
header that joins them). One character outside that alphabet — a curly quote,
an emoji, "á" — sends the whole text as UCS-2 instead: 70 characters in one
segment, 67 per segment when split. Each segment is billed, and the FCC's
health-care exemption is written for texts of at most 160 characters
(47 CFR 64.1200(a)(9); STANDARDS.md section 3).

We count the default alphabet only. The Spanish national language shift table
(which would carry á í ó ú) is not supported by US carriers, so Spanish text
with those letters is UCS-2 in practice.
"""

from .findings import WARNING, Finding
from .rules import normalize_language

# GSM 03.38 default alphabet, in table order (0x00-0x7F); 0x1B is the escape to
# the extension table, so it is not a character of its own. 0x09 is "Ç" in the
# standard (the Unicode mapping GSM0338.TXT agrees); many phones show it as "ç",
# but a text with "ç" is not GSM-7, so we count "ç" as UCS-2 to be safe.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ"
    "ÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table characters: each is sent as ESC + a code, so it takes 2 septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_GSM7, PART_GSM7 = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67

RULE = "sms-segments"
SOURCE = "GSM 03.38 (3GPP TS 23.038); FCC 47 CFR 64.1200(a)(9) (texts of at most 160 characters)"

# Staff read these; they are written in the language of the message they check.
_TEXTS = {
    "en": {
        "long": (
            "This text needs {segments} SMS segments; one segment holds 160 plain "
            "characters, and each segment is a separate charge."
        ),
        "ucs2": (
            "This text needs {segments} SMS segments. It contains {chars}, which plain SMS "
            "can't carry, so the whole text goes in a format that fits only 70 characters "
            "per segment (67 when split)."
        ),
        "shorter": "Shorten the text so it fits in one segment (160 plain characters).",
        "plain": "Use straight quotes (' \") and plain letters instead of {chars}, or shorten it.",
    },
    "es": {
        "long": (
            "Este texto necesita {segments} segmentos de SMS; cada segmento lleva 160 "
            "caracteres simples y se cobra por separado."
        ),
        "ucs2": (
            "Este texto necesita {segments} segmentos de SMS. Contiene {chars}, que el SMS "
            "simple no admite, así que todo el texto va en un formato de solo 70 caracteres "
            "por segmento (67 si se divide). Las letras á, í, ó, ú cuentan así; é y ñ no."
        ),
        "shorter": "Acorta el texto para que quepa en un segmento (160 caracteres simples).",
        "plain": "Usa comillas rectas (' \") y letras simples en lugar de {chars}, o acórtalo.",
    },
}


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 default alphabet or its extension."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_segments(text: str) -> int:
    """How many SMS segments `text` needs (0 for an empty text)."""
    units = _gsm7_units(text) if is_gsm7(text) else _ucs2_units(text)
    single, part = (SINGLE_GSM7, PART_GSM7) if is_gsm7(text) else (SINGLE_UCS2, PART_UCS2)
    if sum(units) <= single:
        return 1 if units else 0
    return _pack(units, part)


def _gsm7_units(text: str) -> list[int]:
    return [2 if ch in GSM7_EXTENSION else 1 for ch in text]


def _ucs2_units(text: str) -> list[int]:
    # UTF-16 code units: an emoji beyond the BMP is a surrogate pair, 2 units.
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _pack(units: list[int], capacity: int) -> int:
    """Fill segments in order; a 2-unit character (an escape pair or a surrogate
    pair) is never split across two segments, so it may start a new one early."""
    segments, used = 1, 0
    for size in units:
        if used + size > capacity:
            segments, used = segments + 1, 0
        used += size
    return segments


def non_gsm7(text: str) -> list[str]:
    """The characters that force UCS-2, each once, in order of appearance."""
    seen = dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION)
    return list(seen)


def sms_length_finding(text: str, language: str = "en") -> Finding | None:
    """A warning when `text` needs more than one SMS segment, saying why; else None.

    When characters outside GSM-7 are the reason, the finding points at the
    first of them; otherwise it spans the part past the first 160 characters.
    """
    segments = sms_segments(text)
    if segments <= 1:
        return None
    texts = _TEXTS[normalize_language(language)]
    others = non_gsm7(text)
    if not others:
        why = texts["long"].format(segments=segments)
        return _finding(text, _overflow_offset(text), len(text), why, texts["shorter"])
    shown = " ".join(others[:5])
    start = text.index(others[0])
    why = texts["ucs2"].format(segments=segments, chars=shown)
    return _finding(text, start, start + 1, why, texts["plain"].format(chars=shown))


def _overflow_offset(text: str) -> int:
    """Where the text stops fitting in a single 160-septet segment."""
    used = 0
    for index, size in enumerate(_gsm7_units(text)):
        used += size
        if used > SINGLE_GSM7:
            return index
    return len(text)


def _finding(text: str, start: int, end: int, why: str, suggestion: str) -> Finding:
    return Finding(
        start=start,
        end=end,
        text=text[start:end],
        rule=RULE,
        category="length",
        level=WARNING,
        why=why,
        suggestion=suggestion,
        source=SOURCE,
    )

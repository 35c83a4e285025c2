"""Clinical instruments for re-assessment: items (English and Spanish), scoring, bands, flags.

The stable API (other apps call exactly this)::

    from welcomeback.returns.instruments import get, all_instruments, score

    inst = get("phq9")        # Instrument; KeyError for an unknown code
    inst.code                 # "phq9" | "gad7" | "auditc" | "dast10" | "cssrs" | "bam"
    inst.name                 # lazy: English or Spanish at render time (name_en, name_es)
    inst.version              # stored with every response
    inst.stem                 # the published instruction line, lazy (stem_en, stem_es)
    inst.items                # tuple of Item: key, text_en, text_es, text (lazy),
                              #   hint_en, hint_es, hint, options, ask_if, reverse
    item.options              # tuple of Option, each a tuple (value, label_en, label_es);
                              #   option.value, option.label (lazy)
    inst.source, inst.source_url, inst.terms, inst.terms_url, inst.terms_verified
    inst.translation_es       # "published" or "ours" (not a validated translation)
    inst.safety               # True for the C-SSRS screener, the safety screen

    all_instruments()         # tuple of Instrument, the safety screen first

    result = score("phq9", answers)            # answers: {item_key: int | None}
    result = score("auditc", answers, sex="female")   # sex: "male" | "female" | None
    result.total              # int | None (None unless every needed item is answered)
    result.band, result.band_label       # code | None, lazy label ("" when None)
    result.flags              # [Flag(code, urgency "same_day" | "urgent", message (lazy))]
    result.subscales          # {"use", "risk", "protective": int} for the BAM, else {}
    result.rule, result.rule_label       # AUDIT-C: "male" | "female" | "unknown"
    result.answered           # int: items with an answer
    result.skipped            # int: items that should be asked and were left blank
    result.skipped_keys, result.not_asked   # keys; not_asked = left out by skip logic
    result.complete           # bool: nothing that should be asked was skipped
    result.as_dict()          # JSON-serialisable; instrument code, version, answers, all above

`score` raises InvalidAnswers (a ValueError) for an unknown item key or a value
that the item does not offer. A missing key and None both mean "skipped".

Flags: PHQ-9 question 9 above 0 -> "phq9_item9", same_day. C-SSRS yes to 4 or
5, or 6 within the past 3 months (or with its time unanswered) -> "cssrs_urgent",
urgent. The C-SSRS "band" is its risk level: risk_none, risk_low, risk_moderate,
risk_high. Forms: welcomeback.returns.instruments.forms.InstrumentForm; the
template partial returns/instrument_form.html. docs/instruments.md explains
each instrument, its source and its terms of use.
"""

from .loader import Instrument, InstrumentFileError, Item, Option, registry
from .scoring import SAME_DAY, SCORERS, URGENT, Flag, InvalidAnswers, Result, normalise

__all__ = [
    "SAME_DAY",
    "URGENT",
    "Flag",
    "Instrument",
    "InstrumentFileError",
    "InvalidAnswers",
    "Item",
    "Option",
    "Result",
    "all_instruments",
    "get",
    "score",
]


def get(code: str) -> Instrument:
    return registry()[code]


def all_instruments() -> tuple[Instrument, ...]:
    return tuple(registry().values())


def score(code: str, answers: dict, *, sex: str | None = None) -> Result:
    instrument = get(code)
    return SCORERS[code](instrument, normalise(instrument, answers), sex=sex)

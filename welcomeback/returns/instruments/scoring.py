"""Scoring each instrument exactly as published; every rule cites its source.

Missing answers: none of these instruments' sources that we could read
publishes a rule for prorating missing items, so a total (or a BAM subscale)
is given only when every item it needs is answered, and `total` is None
otherwise (docs/instruments.md). Safety flags never wait for a complete form:
a "yes" that calls for a clinician is acted on whatever else is missing.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .loader import Instrument

SAME_DAY = "same_day"
URGENT = "urgent"
SEXES = ("male", "female")


class InvalidAnswers(ValueError):
    """Answers that no form could produce: an unknown item or a value not offered."""


@dataclass(frozen=True)
class Flag:
    code: str
    urgency: str  # SAME_DAY or URGENT
    message: str  # lazy, translatable

    def as_dict(self) -> dict:
        with override("en"):
            return {"code": self.code, "urgency": self.urgency, "message": str(self.message)}


BAND_LABELS = {
    # PHQ-9 and GAD-7 severity (Kroenke 2001; Spitzer 2006).
    "minimal": _("Minimal symptoms"),
    "mild": _("Mild symptoms"),
    "moderate": _("Moderate symptoms"),
    "moderately_severe": _("Moderately severe symptoms"),
    "severe": _("Severe symptoms"),
    # DAST-10 degree of problems (Skinner 1982 scoring guide).
    "dast_none": _("No problems reported"),
    "dast_low": _("Low level of problems"),
    "dast_moderate": _("Moderate level of problems"),
    "dast_substantial": _("Substantial level of problems"),
    "dast_severe": _("Severe level of problems"),
    # AUDIT-C (Bush 1998; Bradley 2007).
    "positive": _("Positive screen"),
    "negative": _("Negative screen"),
    # C-SSRS screener triage (Columbia Lighthouse Project).
    "risk_none": _("No risk reported on the screen"),
    "risk_low": _("Low risk"),
    "risk_moderate": _("Moderate risk"),
    "risk_high": _("High risk"),
}

RULE_LABELS = {
    "male": _("Cut-off for men: 4 or more."),
    "female": _("Cut-off for women: 3 or more."),
    "unknown": _("Sex not recorded: the lower cut-off (3 or more) was used, the safer choice."),
}


@dataclass
class Result:
    instrument: str
    version: str
    answers: dict[str, int | None]
    answered: int
    skipped: int  # items that should have been asked and were left blank
    skipped_keys: tuple[str, ...]
    not_asked: tuple[str, ...]  # items the published skip logic leaves out
    complete: bool
    total: int | None = None
    band: str | None = None
    flags: list[Flag] = field(default_factory=list)
    subscales: dict[str, int] = field(default_factory=dict)
    rule: str | None = None  # which cut-off rule applied (AUDIT-C)

    @property
    def band_label(self):
        return BAND_LABELS.get(self.band, "") if self.band else ""

    @property
    def rule_label(self):
        return RULE_LABELS.get(self.rule, "") if self.rule else ""

    def as_dict(self) -> dict:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "answers": dict(self.answers),
            "answered": self.answered,
            "skipped": self.skipped,
            "skipped_keys": list(self.skipped_keys),
            "not_asked": list(self.not_asked),
            "complete": self.complete,
            "total": self.total,
            "band": self.band,
            "flags": [flag.as_dict() for flag in self.flags],
            "subscales": dict(self.subscales),
            "rule": self.rule,
        }


# -- answers -----------------------------------------------------------------


def normalise(instrument: Instrument, answers: dict) -> dict[str, int | None]:
    """Every item's answer, None for a skip; refuses unknown items and values not offered."""
    if unknown := set(answers) - set(instrument.keys):
        raise InvalidAnswers(f"{instrument.code}: unknown items {sorted(unknown)}")
    clean = {}
    for item in instrument.items:
        value = answers.get(item.key)
        if value is not None and (type(value) is not int or value not in item.values):
            raise InvalidAnswers(
                f"{instrument.code}.{item.key}: {value!r} is not an offered answer"
            )
        clean[item.key] = value
    return clean


def _is_asked(item, answers: dict) -> bool:
    # An item whose condition is not yet known (its parent was skipped) is still
    # to be asked: skipping one question never hides the next from a clinician.
    if item.ask_if is None:
        return True
    parent = answers[item.ask_if.item]
    return parent is None or parent in item.ask_if.values


def _base(instrument: Instrument, answers: dict) -> Result:
    asked = [item.key for item in instrument.items if _is_asked(item, answers)]
    skipped = tuple(key for key in asked if answers[key] is None)
    not_asked = tuple(key for key in instrument.keys if key not in asked and answers[key] is None)
    return Result(
        instrument=instrument.code,
        version=instrument.version,
        answers=answers,
        answered=sum(value is not None for value in answers.values()),
        skipped=len(skipped),
        skipped_keys=skipped,
        not_asked=not_asked,
        complete=not skipped,
    )


def _sum_if_complete(answers: dict, keys) -> int | None:
    values = [answers[key] for key in keys]
    return None if None in values else sum(values)


def _band(total: int | None, bands) -> str | None:
    if total is None:
        return None
    for low, high, code in bands:
        if low <= total <= high:
            return code
    raise AssertionError(f"score {total} outside every band")


# -- PHQ-9 -------------------------------------------------------------------

# Kroenke, Spitzer & Williams 2001 (J Gen Intern Med 16:606), severity cut-points
# 5, 10, 15, 20; STANDARDS.md requirement 33.
PHQ9_BANDS = (
    (0, 4, "minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately_severe"),
    (20, 27, "severe"),
)


def score_phq9(instrument: Instrument, answers: dict, **context) -> Result:
    result = _base(instrument, answers)
    result.total = _sum_if_complete(answers, instrument.keys)
    result.band = _band(result.total, PHQ9_BANDS)
    # Item 9 (thoughts of being better off dead or of self-harm) above 0 calls
    # for a suicide-risk follow-up (PHQ-9 instructions; STANDARDS.md
    # requirement 32: a same-day clinician review task).
    if (answers["q9"] or 0) > 0:
        result.flags.append(
            Flag(
                "phq9_item9",
                SAME_DAY,
                _(
                    "PHQ-9 question 9 was answered above 'not at all' (thoughts of being "
                    "better off dead or of self-harm): a clinician reviews it today."
                ),
            )
        )
    return result


# -- GAD-7 -------------------------------------------------------------------

# Spitzer et al. 2006 (Arch Intern Med 166:1092): cut-points 5, 10, 15.
GAD7_BANDS = ((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe"))


def score_gad7(instrument: Instrument, answers: dict, **context) -> Result:
    result = _base(instrument, answers)
    result.total = _sum_if_complete(answers, instrument.keys)
    result.band = _band(result.total, GAD7_BANDS)
    return result


# -- AUDIT-C -----------------------------------------------------------------

# Positive at 4 or more for men and 3 or more for women (Bush et al. 1998;
# Bradley et al. 2007; STANDARDS.md requirement 33). No cut-off is published
# for anyone else, so when the sex used for the cut-off is not recorded the
# lower one applies: a false positive costs a conversation, a miss costs care.
AUDITC_CUTOFFS = {"male": 4, "female": 3, "unknown": 3}


def score_auditc(instrument: Instrument, answers: dict, *, sex: str | None = None, **context):
    if sex is not None and sex not in SEXES:
        raise InvalidAnswers(f"auditc: sex must be one of {SEXES} or None, not {sex!r}")
    result = _base(instrument, answers)
    result.rule = sex or "unknown"
    result.total = _sum_if_complete(answers, instrument.keys)
    if result.total is not None:
        positive = result.total >= AUDITC_CUTOFFS[result.rule]
        result.band = "positive" if positive else "negative"
    return result


# -- DAST-10 -----------------------------------------------------------------

# Skinner 1982: one point per "yes", except item 3 ("always able to stop …?"),
# which scores a point for "no". Degree of problems: 0 none, 1-2 low,
# 3-5 moderate, 6-8 substantial, 9-10 severe (DAST-10 scoring guide).
DAST10_BANDS = (
    (0, 0, "dast_none"),
    (1, 2, "dast_low"),
    (3, 5, "dast_moderate"),
    (6, 8, "dast_substantial"),
    (9, 10, "dast_severe"),
)


def dast10_points(instrument: Instrument, answers: dict) -> dict[str, int | None]:
    points = {}
    for item in instrument.items:
        value = answers[item.key]
        points[item.key] = None if value is None else (1 - value if item.reverse else value)
    return points


def score_dast10(instrument: Instrument, answers: dict, **context) -> Result:
    result = _base(instrument, answers)
    result.total = _sum_if_complete(dast10_points(instrument, answers), instrument.keys)
    result.band = _band(result.total, DAST10_BANDS)
    return result


# -- C-SSRS screener -----------------------------------------------------------

YES = 1


def _cssrs_risk(answers: dict) -> str | None:
    """Columbia's screener triage, most serious first (STANDARDS.md §6 table).

    High: yes to 4 (intent) or 5 (plan), or 6 (behaviour) within 3 months.
    Moderate: yes to 3 (method), or 6 more than 3 months ago.
    Low: yes to 1 (wish to be dead) or 2 (suicidal thoughts) only.
    """
    behaviour = answers["q6"] == YES
    recent = answers["q6_recent"]
    # Behaviour whose time is unknown is treated as recent until a clinician
    # asks: the safer reading, like AUDIT-C's lower cut-off.
    if YES in (answers["q4"], answers["q5"]) or (behaviour and recent != 0):
        return "risk_high"
    if answers["q3"] == YES or behaviour:
        return "risk_moderate"
    if YES in (answers["q1"], answers["q2"]):
        return "risk_low"
    return None


def score_cssrs(instrument: Instrument, answers: dict, **context) -> Result:
    # Answers to questions the skip logic leaves out (3-5 after "no" to 2) still
    # count: the skip logic decides what to ask, never what a person told us.
    result = _base(instrument, answers)
    risk = _cssrs_risk(answers)
    result.band = risk or ("risk_none" if result.complete else None)
    if risk == "risk_high":
        result.flags.append(_cssrs_urgent_flag(answers))
    return result


def _cssrs_urgent_flag(answers: dict) -> Flag:
    # STANDARDS.md requirement 32: an urgent clinician task at once, with 988
    # and emergency guidance shown to staff.
    if YES not in (answers["q4"], answers["q5"]) and answers["q6_recent"] is None:
        message = _(
            "C-SSRS: a suicidal act or preparation, and when it happened was not answered; "
            "treated as within 3 months. A clinician sees the person now. If they may be in "
            "danger now, call 911; the 988 Lifeline (call or text 988) helps too."
        )
    else:
        message = _(
            "C-SSRS: yes to intent or a plan, or a suicidal act or preparation within the past "
            "3 months. A clinician sees the person now. If they may be in danger now, call 911; "
            "the 988 Lifeline (call or text 988) helps too."
        )
    return Flag("cssrs_urgent", URGENT, message)


# -- Brief Addiction Monitor ---------------------------------------------------

# VA BAM manual (DePhilippis et al., CESATE 2014) and Cacciola et al. 2013:
# Use = items 4 + 5 + 6; Risk = 1 + 2 + 3 + 8 + 11 + 15;
# Protective = 9 + 10 + 12 + 13 + 14 + 16. Items 7A-7G elaborate item 6 and
# item 17 is an overall rating; neither is in a subscale. No total score.
BAM_SUBSCALES = {
    "use": ("q4", "q5", "q6"),
    "risk": ("q1", "q2", "q3", "q8", "q11", "q15"),
    "protective": ("q9", "q10", "q12", "q13", "q14", "q16"),
}


def score_bam(instrument: Instrument, answers: dict, **context) -> Result:
    result = _base(instrument, answers)
    for name, keys in BAM_SUBSCALES.items():
        value = _sum_if_complete(answers, keys)
        if value is not None:
            result.subscales[name] = value
    return result


SCORERS = {
    "phq9": score_phq9,
    "gad7": score_gad7,
    "auditc": score_auditc,
    "dast10": score_dast10,
    "cssrs": score_cssrs,
    "bam": score_bam,
}

"""Public figures the demo is calibrated to, and the few sampling helpers
that use them. Guesses are labelled as guesses.

Source of the targets: SAMHSA, "Treatment Episode Data Set (TEDS):
Discharges from Substance Abuse Treatment Services, 2004" (TEDS-D),
chapter 4, intensive outpatient treatment discharges (114,440 linked
admission/discharge records):

- Table 2.5, row "Intensive outpatient": completed 37.7%, transferred
  17.9%, dropped out 23.2%, terminated by the facility 14.0%, other 7.2%;
- Table 4.11, median length of stay in days: all 41, completed 50,
  transferred 42, dropped out 26, terminated 36, other 36.

Read at https://webarchive.library.unt.edu/eot2008/ (the OAS pages
drugabusestatistics.samhsa.gov/TEDSdischarges/2k4/TEDSD2k4Tbl2.5.htm and
TEDSD2k4Tbl4.11.htm). TEDS measures a stay from admission to the earlier of
the last contact and the discharge; summary.py measures the demo that way.

What we read from shared/data/teds/ (listed in shared/data/SOURCES.md): the
2019 codebook's national marginals, all settings together -- REASON 2
"Dropped out of treatment" is 25.1% of 1,722,503 discharges, SERVICES_D 6
"Ambulatory, intensive outpatient" is 13.7% of them, and the LOS categories
put the all-settings median at 26 days (detox stays pull it down). The
codebooks hold no REASON-by-setting table, so they only confirm the order of
magnitude; the intensive outpatient figures come from the report tables.
"""

import math
import random
from statistics import NormalDist

from welcomeback.care.models import DischargeReason

# Share of intensive outpatient discharges by TEDS-D REASON code (Table 2.5).
# TEDS 2004 folds incarceration and death into "other".
TEDS_IOP_REASON_SHARES = {
    DischargeReason.COMPLETED: 0.377,
    DischargeReason.TRANSFERRED: 0.179,
    DischargeReason.DROPPED_OUT: 0.232,
    DischargeReason.TERMINATED: 0.140,
    DischargeReason.OTHER: 0.072,
}
TEDS_IOP_DROPOUT_SHARE = 0.232

# Median length of stay in days (Table 4.11, all discharges aged 18+).
TEDS_IOP_MEDIAN_LOS_DAYS = 41
TEDS_IOP_MEDIAN_LOS_DAYS_BY_REASON = {
    DischargeReason.COMPLETED: 50,
    DischargeReason.TRANSFERRED: 42,
    DischargeReason.DROPPED_OUT: 26,
    DischargeReason.TERMINATED: 36,
    DischargeReason.OTHER: 36,
}

# A guess, not a TEDS figure: stays are right-skewed (TEDS reports means
# far above the medians), so each reason's stays follow a log-normal around
# its median with this spread. Completion and transfer follow a program's
# planned length and vary less than leaving early does. With these spreads
# the mixture's median is 41 days, as published; one spread for all would
# give 39.
LOS_LOG_SPREAD_BY_REASON = {
    DischargeReason.COMPLETED: 0.5,
    DischargeReason.TRANSFERRED: 0.5,
    DischargeReason.DROPPED_OUT: 0.8,
    DischargeReason.TERMINATED: 0.8,
    DischargeReason.OTHER: 0.8,
}


def allocate(total: int, shares: dict) -> dict:
    """Whole counts in proportion to shares that add up to ``total``
    (largest remainders), so even a small demo keeps the proportions."""
    exact = {key: total * share / sum(shares.values()) for key, share in shares.items()}
    counts = {key: math.floor(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - counts[key], reverse=True)
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def stratified_stays(rng: random.Random, count: int, reason: int) -> list[float]:
    """``count`` lengths of stay for this reason, one from each equal slice
    of its log-normal, in random order: their median is the target even when
    ``count`` is small, which independent draws would not promise."""
    normal = NormalDist()
    median_days = TEDS_IOP_MEDIAN_LOS_DAYS_BY_REASON[reason]
    spread = LOS_LOG_SPREAD_BY_REASON[reason]
    stays = [
        median_days * math.exp(spread * normal.inv_cdf((index + 0.5) / count))
        for index in range(count)
    ]
    rng.shuffle(stays)
    return stays

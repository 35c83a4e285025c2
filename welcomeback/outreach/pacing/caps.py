"""Caps: how many automated messages one client may get, across channels.

The FCC's health-care exemption allows "one message per day, up to three per
week" (47 CFR 64.1200(a)(9)(iv), 2015 TCPA Order; STANDARDS.md requirement 4).
Those are the shipped defaults; a program may lower them, never raise them.

"A day" and "a week" are rolling: any 24 hours and any 7 x 24 hours, measured
in absolute time. Why rolling rather than calendar days in the recipient's
zone:

- it does not depend on the zone, which may be uncertain (several candidate
  zones would give several different calendars);
- it is the stricter reading: messages at least 24 hours apart can never
  share a calendar day in any zone, and four messages in any calendar week
  (Sunday 08:00 to Saturday 21:00 once quiet hours apply) would span less
  than 168 hours, so a rolling cap keeps every calendar count too;
- DST days (23 or 25 hours) change nothing.

The price is that a message sent at 19:30 moves the next one to 19:30 the day
after, not to the next morning.
"""

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta

from welcomeback.outreach.pacing.quiet import require_aware

DAY = timedelta(hours=24)
WEEK = timedelta(days=7)
DEFAULT_PER_DAY = 1
DEFAULT_PER_WEEK = 3


@dataclass(frozen=True)
class Caps:
    """At most ``per_day`` automated messages in any 24 hours, ``per_week`` in any 7 days.

    A cap of 0 is allowed and means the program sends no automated messages:
    every one is held for staff, with a reason, never dropped.
    """

    per_day: int = DEFAULT_PER_DAY
    per_week: int = DEFAULT_PER_WEEK

    def __post_init__(self):
        if not 0 <= self.per_day <= DEFAULT_PER_DAY or not 0 <= self.per_week <= DEFAULT_PER_WEEK:
            raise ValueError(f"caps may only lower the defaults (1 a day, 3 a week): {self}")

    @classmethod
    def for_program(cls, per_day: int | None = None, per_week: int | None = None) -> "Caps":
        """A program's settings, clamped so they can only lower the defaults.

        None or a negative number (unset, or nonsense) keeps the default.
        """
        return cls(
            per_day=_lowered(per_day, DEFAULT_PER_DAY),
            per_week=_lowered(per_week, DEFAULT_PER_WEEK),
        )

    @property
    def sends_nothing(self) -> bool:
        return self.per_day == 0 or self.per_week == 0


def _lowered(value: int | None, default: int) -> int:
    if value is None or value < 0:
        return default
    return min(value, default)


def fits(moment: datetime, sent: list[datetime], limit: int, span: timedelta) -> bool:
    """Whether one more message at ``moment`` keeps every ``span`` within ``limit``.

    Any window of length ``span`` holds at most ``limit`` messages exactly when,
    in time order, every message is at least ``span`` after the one ``limit``
    places before it. Only the groups that include the new message are checked.
    """
    if limit == 0:
        return False
    times = sorted(sent)
    index = bisect.bisect_right(times, moment)
    times.insert(index, moment)
    for first in range(max(0, index - limit), index + 1):
        last = first + limit
        if last < len(times) and times[last] - times[first] < span:
            return False
    return True


def within_caps(moment: datetime, sent: list[datetime], caps: Caps) -> bool:
    return fits(moment, sent, caps.per_day, DAY) and fits(moment, sent, caps.per_week, WEEK)


def next_under_caps(now: datetime, sent_times: list[datetime], caps: Caps) -> datetime | None:
    """The earliest moment at or after ``now`` when one more message keeps the caps.

    ``sent_times`` are the automated messages already sent to this client, on
    any channel. The answer is ``now`` or the moment an old message leaves the
    24-hour or 7-day span; None only when a cap is 0.
    """
    now = require_aware(now)
    sent = [require_aware(moment) for moment in sent_times]
    if caps.sends_nothing:
        return None
    later = {moment + span for moment in sent for span in (DAY, WEEK)}
    for candidate in sorted({now} | {moment for moment in later if moment > now}):
        if within_caps(candidate, sent, caps):
            return candidate
    raise AssertionError("unreachable: a week after the last message always fits")

"""Quiet hours across every candidate zone: the next moment a message may go.

A moment is allowed when, in every candidate zone, the local wall clock reads
a time inside that local date's window (STANDARDS.md requirements 1-3). The
check converts the instant into each zone, so daylight-saving changes need no
special case: on a spring-forward day the clock never reads 02:30, and on a
fall-back day it reads 01:30 twice, and both are judged by what the clock says.

The search is exact without stepping minute by minute. The allowed moments
form intervals; an interval can only begin where, in some zone, the clock
reaches a window's start (either reading of it, on a fall-back day) or jumps
(a DST transition). So the earliest allowed moment at or after ``now`` is
``now`` itself or one of those boundaries, and we test them in order.
"""

import math
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from welcomeback.outreach.pacing.windows import Window

WindowFor = Callable[[date], Window | None]

# How far ahead to look. Windows repeat every week and holiday runs are a few
# days long, so two weeks without one common minute means the zones' windows do
# not overlap at all: the caller holds the message for staff, with the reason
# "no hour is allowed in every possible time zone", and never drops it.
HORIZON = timedelta(days=14)


def require_aware(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is a bug, so it raises."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("pacing needs aware datetimes (USE_TZ; STYLE.md 'Time one way')")
    return moment.astimezone(UTC)


def allowed_in(moment: datetime, zone: ZoneInfo, window_for: WindowFor) -> bool:
    local = moment.astimezone(zone)
    window = window_for(local.date())
    return window is not None and window.contains(local.time())


def allowed_everywhere(moment: datetime, zones: Iterable[ZoneInfo], window_for: WindowFor) -> bool:
    return all(allowed_in(moment, zone, window_for) for zone in zones)


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset()


def _transition(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first second of the new offset, by bisection (offsets differ at the ends).

    Works in whole seconds: transitions fall on whole seconds, so rounding the
    ends outwards keeps the old offset at one end and the new at the other.
    """
    old = _offset(zone, before)
    low, high = math.floor(before.timestamp()), math.ceil(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(zone, datetime.fromtimestamp(middle, UTC)) == old:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The instants between start and end when the zone's clock jumps.

    Checked a day at a time: no zone changes its offset twice within a day.
    """
    found = []
    moment = start
    while moment < end:
        step = min(moment + timedelta(days=1), end)
        if _offset(zone, moment) != _offset(zone, step):
            found.append(_transition(zone, moment, step))
        moment = step
    return found


def _local_days(zone: ZoneInfo, start: datetime, end: datetime) -> list[date]:
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def window_starts(zone: ZoneInfo, day: date, window_for: WindowFor) -> list[datetime]:
    """Each instant the zone's clock reads the day's window start (both readings)."""
    window = window_for(day)
    if window is None:
        return []
    local = datetime.combine(day, window.start, tzinfo=zone)
    return [local.replace(fold=fold).astimezone(UTC) for fold in (0, 1)]


def boundaries(zone: ZoneInfo, start: datetime, end: datetime, window_for: WindowFor):
    """Every instant in one zone where an allowed interval may begin."""
    for day in _local_days(zone, start, end):
        yield from window_starts(zone, day, window_for)
    yield from transitions(zone, start, end)


def next_allowed(
    now: datetime,
    zones: Iterable[str],
    window_for: WindowFor,
    horizon: timedelta = HORIZON,
) -> datetime | None:
    """The earliest moment at or after ``now`` allowed in every zone, or None.

    ``window_for(local_date)`` gives that date's window or None for a banned
    day; ``Rules.window_on`` is the usual one. Never earlier than ``now``.
    None means no common minute within ``horizon``: the caller must hold the
    message for staff ("no hour is allowed in every possible time zone").
    """
    now = require_aware(now)
    tzs = [ZoneInfo(name) for name in sorted(zones)]
    if not tzs:
        raise ValueError("at least one candidate zone is needed")
    if allowed_everywhere(now, tzs, window_for):
        return now
    end = now + horizon
    candidates = {moment for tz in tzs for moment in boundaries(tz, now, end, window_for)}
    for moment in sorted(moment for moment in candidates if now < moment <= end):
        if allowed_everywhere(moment, tzs, window_for):
            return moment
    return None

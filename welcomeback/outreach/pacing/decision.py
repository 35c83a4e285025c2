"""One answer for one message: when it may go, or why it is held.

Every rule can only move a message later, never earlier, and never drop it:
a message that cannot go is held with a reason staff can read (STANDARDS.md
requirement 3: "never dropped silently, never sent early"). The rules are
applied in turn until none moves the time any more, because one can push the
message into another's way (a cap moves it to 19:30 tomorrow, which may be
quiet time in a second zone, and so on). Each rule returns the earliest time
it allows at or after the time it is given, so the first time all of them
accept is the earliest time at all: the loop never overshoots.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from welcomeback.outreach.pacing.caps import WEEK, Caps, fits, next_under_caps
from welcomeback.outreach.pacing.holds import (
    live_conversation_hold,
    pause_end,
    respect_pause,
)
from welcomeback.outreach.pacing.quiet import next_allowed, require_aware
from welcomeback.outreach.pacing.windows import Rules

# A safety bound: each round moves the time to a later boundary (a window
# start, a cap expiring), so a handful of rounds settle any real history.
MAX_ROUNDS = 50


class Hold(StrEnum):
    """Why a message is not going now (stored as short lowercase strings)."""

    QUIET_HOURS = "quiet_hours"
    PAUSED = "paused"
    DAILY_CAP = "daily_cap"
    WEEKLY_CAP = "weekly_cap"
    LIVE_CONVERSATION = "live_conversation"
    STAFF_HANDLING = "staff_handling"
    NO_COMMON_HOUR = "no_common_hour"
    NO_ALLOWED_HOUR = "no_allowed_hour"
    NO_AUTOMATED = "no_automated"
    NO_TIME_FOUND = "no_time_found"


@dataclass(frozen=True)
class Decision:
    """When a message may go (``send_at``), or None when staff must decide.

    ``hold`` is the rule that delayed it longest (None when it goes now);
    ``holds`` lists every rule that moved it, in the order they did.
    ``reason`` renders in the active language when read, so staff see it in
    their own language; times are shown in ``zone``.
    """

    now: datetime
    send_at: datetime | None
    hold: Hold | None
    zone: str
    holds: tuple[Hold, ...] = ()
    caps: Caps = Caps()
    paused_until: date | None = None

    @property
    def sends_now(self) -> bool:
        return self.send_at is not None and self.send_at == self.now

    @property
    def needs_staff(self) -> bool:
        return self.send_at is None

    @property
    def reason(self) -> str:
        return reason_text(self)


def _when(moment: datetime, now: datetime, zone: str, *, with_day: bool = False) -> str:
    """'09:00 EST' today, 'Tuesday 09:00 EST' this week, else the full date.

    ``with_day`` names the weekday even today, for "next on Monday 19:30".
    """
    local, today = moment.astimezone(ZoneInfo(zone)), now.astimezone(ZoneInfo(zone)).date()
    if local.date() == today and not with_day:
        shown = dateformat.format(local, "H:i")
    elif local.date() - today < timedelta(days=7):
        shown = dateformat.format(local, "l H:i")
    else:
        shown = dateformat.format(local, "Y-m-d H:i")
    return f"{shown} {local.tzname()}"


def reason_text(decision: Decision) -> str:
    """The reason in plain words, for staff."""
    hold, send_at = decision.hold, decision.send_at
    when = _when(send_at, decision.now, decision.zone) if send_at else ""
    day = _when(send_at, decision.now, decision.zone, with_day=True) if send_at else ""
    if hold is None:
        return _("not held: it goes now")
    if hold == Hold.QUIET_HOURS:
        return _("held: quiet hours until %(when)s") % {"when": when}
    if hold == Hold.PAUSED:
        return _("held: paused until %(date)s") % {"date": decision.paused_until.isoformat()}
    if hold == Hold.DAILY_CAP:
        count = decision.caps.per_day
        return ngettext(
            "held: at most %(count)d message a day; next on %(when)s",
            "held: at most %(count)d messages a day; next on %(when)s",
            count,
        ) % {"count": count, "when": day}
    if hold == Hold.WEEKLY_CAP:
        count = decision.caps.per_week
        return ngettext(
            "held: at most %(count)d message a week; next on %(when)s",
            "held: at most %(count)d messages a week; next on %(when)s",
            count,
        ) % {"count": count, "when": day}
    return _held_for_staff_text(hold, when)


def _held_for_staff_text(hold: Hold, when: str) -> str:
    if hold == Hold.LIVE_CONVERSATION:
        return _("held: a live conversation — 30 minutes after their last message (%(when)s)") % {
            "when": when
        }
    texts = {
        Hold.STAFF_HANDLING: _("held: a person on the staff is talking with them"),
        Hold.NO_COMMON_HOUR: _("held: no hour is allowed in every possible time zone"),
        Hold.NO_ALLOWED_HOUR: _("held: no hour is allowed by their sending window and state rules"),
        Hold.NO_AUTOMATED: _("held: this program sends no automated messages"),
        Hold.NO_TIME_FOUND: _("held: no time meets every rule; staff decide"),
    }
    return texts[hold]


def _cap_hold(moment: datetime, sent: list[datetime], caps: Caps) -> Hold:
    return Hold.WEEKLY_CAP if not fits(moment, sent, caps.per_week, WEEK) else Hold.DAILY_CAP


def _pause_moment(paused_until: date | datetime | None, zones: list[str]) -> datetime | None:
    if paused_until is None or isinstance(paused_until, datetime):
        return paused_until
    return pause_end(paused_until, zones)


def _pause_day(paused_until: date | datetime | None, zone: str) -> date | None:
    if isinstance(paused_until, datetime):
        return paused_until.astimezone(ZoneInfo(zone)).date()
    return paused_until


def _steps(zones, rules, caps, sent, pause, last_inbound_at):
    """Each rule as (hold, step): step(t) is the earliest time >= t it allows."""
    return [
        (Hold.LIVE_CONVERSATION, lambda t: live_conversation_hold(t, last_inbound_at, False)),
        (Hold.PAUSED, lambda t: respect_pause(t, pause)),
        (Hold.DAILY_CAP, lambda t: next_under_caps(t, sent, caps)),
        (Hold.QUIET_HOURS, lambda t: next_allowed(t, zones, rules.window_on)),
    ]


def _settle(now, steps, sent, caps) -> tuple[datetime | None, dict[Hold, timedelta]]:
    """Apply the rules until none moves the time; None if one finds no time."""
    moment, delays = now, {}
    for _round in range(MAX_ROUNDS):
        moved = False
        for hold, step in steps:
            later = step(moment)
            if later is None:
                return None, {Hold.NO_COMMON_HOUR: timedelta(0)}
            if later > moment:
                hold = _cap_hold(moment, sent, caps) if hold == Hold.DAILY_CAP else hold
                delays[hold] = delays.get(hold, timedelta(0)) + (later - moment)
                moment, moved = later, True
        if not moved:
            return moment, delays
    return None, {Hold.NO_TIME_FOUND: timedelta(0)}


def earliest_send_time(
    now: datetime,
    *,
    zones: Iterable[str],
    rules: Rules | None = None,
    caps: Caps | None = None,
    sent_times: Iterable[datetime] = (),
    paused_until: date | datetime | None = None,
    last_inbound_at: datetime | None = None,
    staff_handling: bool = False,
    display_zone: str | None = None,
) -> Decision:
    """The earliest moment at or after ``now`` that every rule allows, with the reason.

    ``zones`` are the candidate zones (``candidate_zones``); ``rules`` the
    windows (``Rules``, with the candidate states); ``sent_times`` the
    automated messages already sent to this client on any channel;
    ``paused_until`` the end of the person's pause (a date means "from that
    day on"); ``last_inbound_at`` when they last wrote in; ``staff_handling``
    whether someone on the staff is actively handling their return request.
    Times in the reason are shown in ``display_zone`` (default: the first
    candidate zone).
    """
    now, zones = require_aware(now), sorted(zones)
    if not zones:
        raise ValueError("at least one candidate zone is needed (see candidate_zones)")
    rules, caps = rules or Rules(), caps or Caps()
    sent = [require_aware(moment) for moment in sent_times]
    show = display_zone or zones[0]
    held = _early_hold(staff_handling, caps)
    common = {
        "now": now,
        "zone": show,
        "caps": caps,
        "paused_until": _pause_day(paused_until, show),
    }
    if held:
        return Decision(send_at=None, hold=held, holds=(held,), **common)
    pause = _pause_moment(paused_until, zones)
    steps = _steps(zones, rules, caps, sent, pause, last_inbound_at)
    send_at, delays = _settle(now, steps, sent, caps)
    if Hold.NO_COMMON_HOUR in delays and _some_zone_never_allowed(now, zones, rules):
        delays = {Hold.NO_ALLOWED_HOUR: timedelta(0)}
    main = max(delays, key=delays.get) if delays else None
    return Decision(send_at=send_at, hold=main, holds=tuple(delays), **common)


def _some_zone_never_allowed(now: datetime, zones: list[str], rules: Rules) -> bool:
    """Whether the window itself is empty somewhere, not just the zones' overlap."""
    return any(next_allowed(now, [zone], rules.window_on) is None for zone in zones)


def _early_hold(staff_handling: bool, caps: Caps) -> Hold | None:
    if staff_handling:
        return Hold.STAFF_HANDLING
    if caps.sends_nothing:
        return Hold.NO_AUTOMATED
    return None

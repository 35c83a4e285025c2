"""Holds that come from the person and from staff, not from the clock.

- The person's "not yet" or "pause" sets a paused-until moment that every
  automated send respects.
- A live conversation belongs to people: nothing automated goes while someone
  on the staff is actively handling the client's return request, nor within
  30 minutes after the person last wrote in.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from welcomeback.outreach.pacing.quiet import require_aware

# How long after the person's last message automation stays quiet (the issue:
# "nor within 30 minutes after the person last wrote in").
CONVERSATION_QUIET = timedelta(minutes=30)


def pause_end(paused_until: date, zones: Iterable[str]) -> datetime:
    """When a pause "until 4 December" ends: the 4th has begun in every zone.

    The person asked not to hear from us until that day, so we wait for the
    latest local midnight among the places they may be. Quiet hours then move
    the message to that morning's window.
    """
    midnights = [datetime.combine(paused_until, time(0), tzinfo=ZoneInfo(zone)) for zone in zones]
    return max(midnights).astimezone(UTC)


def respect_pause(now: datetime, paused_until: datetime | None) -> datetime:
    """``now``, or the end of the person's pause when it is later."""
    now = require_aware(now)
    if paused_until is None:
        return now
    return max(now, require_aware(paused_until))


def live_conversation_hold(
    now: datetime, last_inbound_at: datetime | None, staff_handling: bool
) -> datetime | None:
    """When automated sending may resume; None while staff handle the return.

    None means held for as long as a person on the staff is actively handling
    the client's return request: the caller records "held: a person on the
    staff is talking with them" and asks again when that ends.
    """
    now = require_aware(now)
    if staff_handling:
        return None
    if last_inbound_at is None:
        return now
    return max(now, require_aware(last_inbound_at) + CONVERSATION_QUIET)

"""The engagement status rules, as plain functions of time and facts.

Nothing here touches the database, so every rule is easy to test.

The drift clock runs from the last contact (an attended or late session,
drop-ins included), or from the start of the episode when the person has not
attended yet. A status other than "engaged" needs at least one expected
session that passed without attendance since that contact: excused and
program-cancelled sessions never count, and a schedule gap is not drift.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, ngettext

from welcomeback.engagement.models import Status


@dataclass(frozen=True)
class Thresholds:
    lapsing: int = 7
    disengaged: int = 14
    interrupted: int = 28
    inactive: int = 90

    @classmethod
    def of(cls, program) -> "Thresholds":
        return cls(
            lapsing=program.lapsing_after_days,
            disengaged=program.disengaged_after_days,
            interrupted=program.interrupted_after_days,
            inactive=program.inactive_after_days,
        )

    def ladder(self) -> list[tuple[str, int]]:
        return [
            (Status.LAPSING, self.lapsing),
            (Status.DISENGAGED, self.disengaged),
            (Status.INTERRUPTED, self.interrupted),
            (Status.INACTIVE, self.inactive),
        ]


def status_at(
    now: datetime, anchor: datetime, first_missed_at: datetime | None, thresholds: Thresholds
) -> tuple[str, datetime | None]:
    """The status now, and when the person crossed into it."""
    if first_missed_at is None:
        return Status.ENGAGED, None
    status, crossed = Status.MISSED, first_missed_at
    for candidate, days in thresholds.ladder():
        threshold = anchor + timedelta(days=days)
        if now >= threshold:
            status, crossed = candidate, max(threshold, first_missed_at)
    return status, crossed


def next_threshold(
    now: datetime, anchor: datetime, first_missed_at: datetime | None, thresholds: Thresholds
) -> datetime | None:
    """When the status would next move if nothing else happened."""
    if first_missed_at is None:
        return None
    upcoming = [anchor + timedelta(days=days) for _status, days in thresholds.ladder()]
    later = [moment for moment in upcoming if moment > now]
    return min(later) if later else None


class Words(NamedTuple):
    """Where the reason's words come from: the active language, or the
    source language, in which the sweep stores reasons."""

    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    weekday: Callable[[int], str]


# What Django's gettext, ngettext and WEEKDAYS give with translations off
# (override(None)), without looking up the active language for each word:
# the sweep writes a reason for every row it checks.
SOURCE_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SOURCE = Words(
    gettext=str,
    ngettext=lambda singular, plural, n: singular if n == 1 else plural,
    weekday=SOURCE_WEEKDAYS.__getitem__,
)
# What date_format(when, "l") returns, without its per-call cost.
TRANSLATED = Words(gettext, ngettext, lambda day: str(WEEKDAYS[day]))


def _join(items: list[str], words: Words) -> str:
    if len(items) <= 1:
        return "".join(items)
    return words.gettext("%(first)s and %(last)s") % {
        "first": ", ".join(items[:-1]),
        "last": items[-1],
    }


def describe_misses(recent: list[dict], zone, words: Words = TRANSLATED) -> str:
    """'Tuesday and Thursday Evening group' from the last few misses."""
    by_group: dict[str, list[str]] = {}
    for miss in recent:
        when = datetime.fromisoformat(miss["at"]).astimezone(zone)
        day = words.weekday(when.weekday())
        # Individual appointments have no group name.
        days = by_group.setdefault(miss["group"] or words.gettext("appointment"), [])
        if day not in days:
            days.append(day)
    return _join([f"{_join(days, words)} {group}" for group, days in by_group.items()], words)


def days_ago(now: datetime, moment: datetime, words: Words = TRANSLATED) -> str:
    days = max((now - moment).days, 0)
    if days == 0:
        return words.gettext("today")
    if days == 1:
        return words.gettext("yesterday")
    return words.ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}


def reason_text(
    now: datetime,
    last_contact_at: datetime | None,
    started_at: datetime,
    missed_count: int,
    recent_missed: list[dict],
    zone,
    words: Words = TRANSLATED,
) -> str:
    """One line, in plain and kind words, saying why the status is what it is."""
    _ = words.gettext
    if last_contact_at:
        contact = _("last attended %(when)s") % {"when": days_ago(now, last_contact_at, words)}
    else:
        contact = _("has not attended yet; started %(when)s") % {
            "when": days_ago(now, started_at, words)
        }
    if missed_count == 0:
        return contact[:1].upper() + contact[1:]
    shown = describe_misses(recent_missed, zone, words)
    if missed_count > len(recent_missed):
        missed = words.ngettext(
            "Missed %(n)d session, most recently %(shown)s",
            "Missed %(n)d sessions, most recently %(shown)s",
            missed_count,
        ) % {"n": missed_count, "shown": shown}
    else:
        missed = _("Missed %(shown)s") % {"shown": shown}
    return f"{missed}; {contact}"


def came_back_text(now: datetime, last_contact_at: datetime, words: Words = TRANSLATED) -> str:
    """The reason for "engaged" again after a resumed episode: the first
    session they attended since the return."""
    return words.gettext("Came back and attended %(when)s") % {
        "when": days_ago(now, last_contact_at, words)
    }

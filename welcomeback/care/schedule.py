"""Group schedules and the sessions they generate.

Schedule maths happens in the program's local calendar; each local start is
converted to UTC before any duration is added, so a DST change never moves a
group off its wall-clock time (spring and autumn cases are tested).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.models import Group, GroupSlot, Session, SessionKind, SessionStatus

MINUTES_IN_WEEK = 7 * 24 * 60

# Sent after the program cancels a session. Argument: session. Engagement
# listens: a session cancelled after the fact may already count as a miss.
session_cancelled = Signal()


@dataclass(frozen=True)
class Slot:
    weekday: int
    starts_at: time

    def week_minute(self) -> int:
        return self.weekday * 24 * 60 + self.starts_at.hour * 60 + self.starts_at.minute

    def describe(self) -> str:
        day = dict(GroupSlot._meta.get_field("weekday").choices)[self.weekday]
        return f"{day} {self.starts_at:%H:%M}"


def find_overlaps(slots: Iterable[Slot], duration_minutes: int) -> list[tuple[Slot, Slot]]:
    """Pairs of slots whose meetings would overlap, wrapping round the week."""
    ordered = sorted(set(slots), key=Slot.week_minute)
    overlaps = []
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            gap = second.week_minute() - first.week_minute()
            if gap < duration_minutes or MINUTES_IN_WEEK - gap < duration_minutes:
                overlaps.append((first, second))
    return overlaps


def validate_schedule(slots: Iterable[Slot], duration_minutes: int) -> None:
    overlaps = find_overlaps(slots, duration_minutes)
    if overlaps:
        pairs = "; ".join(f"{a.describe()} and {b.describe()}" for a, b in overlaps)
        raise ValidationError(
            _("These meeting times overlap (each meeting lasts %(minutes)s minutes): %(pairs)s.")
            % {"minutes": duration_minutes, "pairs": pairs},
            code="overlapping_slots",
        )


def set_schedule(group: Group, slots: Iterable[Slot]) -> None:
    """Replace a group's weekly schedule, refusing overlapping slots.

    Sessions already generated ahead follow the new schedule: otherwise
    everyone expected at the group would be counted missing meetings that
    no longer take place.
    """
    slots = list(dict.fromkeys(slots))  # the same slot twice is one slot
    validate_schedule(slots, group.duration_minutes)
    with transaction.atomic():
        group.slots.all().delete()
        GroupSlot.objects.bulk_create(
            GroupSlot(group=group, weekday=s.weekday, starts_at=s.starts_at) for s in slots
        )
        reschedule_ahead(group, timezone.now())


def reschedule_ahead(group: Group, now: datetime) -> None:
    """Drop the group's future sessions that are off its schedule (cancel
    those that already carry marks), and fill the same days in anew."""
    ahead = Session.objects.filter(group=group, starts_at__gt=now)
    last = ahead.order_by("-starts_at").first()
    if last is None:
        return
    zone = group.program.zone
    first_day, last_day = now.astimezone(zone).date(), last.starts_at.astimezone(zone).date()
    stale = ahead.exclude(starts_at__in=occurrences(group, first_day, last_day))
    marked = stale.filter(Q(attendance__isnull=False) | Q(expectations__isnull=False))
    for session in marked.exclude(status=SessionStatus.CANCELLED).distinct():
        cancel_session(session, _("No longer on the group's schedule"))
    stale.exclude(pk__in=marked.values("pk")).delete()
    generate_sessions(group, first_day, last_day)


def local_start_to_utc(day: date, start: time, zone) -> datetime:
    # fold=0 resolves an autumn repeated hour to its first occurrence and
    # moves a spring-gap time forward by the gap, as wall clocks do.
    return datetime.combine(day, start, tzinfo=zone).astimezone(UTC)


def occurrences(group: Group, first_day: date, last_day: date) -> list[datetime]:
    """UTC start times of the group's meetings between two local dates."""
    zone = group.program.zone
    slots = list(group.slots.all())
    starts = []
    day = first_day
    while day <= last_day:
        for slot in slots:
            if slot.weekday == day.weekday():
                starts.append(local_start_to_utc(day, slot.starts_at, zone))
        day += timedelta(days=1)
    # A slot in the spring gap moves forward onto the next wall-clock hour,
    # which may be another slot's start: one meeting, not two.
    return sorted(set(starts))


def generate_sessions(group: Group, first_day: date, last_day: date) -> int:
    """Create the group's sessions between two local dates; idempotent.

    Returns how many sessions were created.
    """
    duration = timedelta(minutes=group.duration_minutes)
    zone = group.program.zone
    starts = occurrences(group, first_day, last_day)
    existing = set(
        Session.objects.filter(group=group, starts_at__in=starts).values_list(
            "starts_at", flat=True
        )
    )
    new = [
        Session(
            program_id=group.program_id,
            group=group,
            kind=SessionKind.GROUP,
            starts_at=start,
            ends_at=start + duration,
            local_weekday=start.astimezone(zone).weekday(),
        )
        for start in starts
        if start not in existing
    ]
    Session.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def generate_ahead(now: datetime | None = None) -> int:
    """Keep every active group's sessions generated for its rolling horizon."""
    now = now or timezone.now()
    created = 0
    for group in Group.objects.filter(active=True).select_related("program"):
        today = now.astimezone(group.program.zone).date()
        horizon = today + timedelta(days=group.program.session_horizon_days)
        created += generate_sessions(group, today, horizon)
    return created


def cancel_session(session: Session, reason: str) -> None:
    """The program cancels one occurrence; nobody is counted as missing it,
    even when it is cancelled after the fact."""
    with transaction.atomic():
        Session.objects.filter(pk=session.pk).update(
            status=SessionStatus.CANCELLED, cancelled_reason=reason[:200]
        )
        session.status = SessionStatus.CANCELLED
        session.cancelled_reason = reason[:200]
        session_cancelled.send(Session, session=session)

"""Recording many attendance marks at once: an import, a day's roll calls,
the demo's six months of history.

Validation and meaning are the same as ``record_attendance()``: a cancelled
session is refused, an unknown mark is refused, a person nobody expected is
kept as a drop-in, and recording a mark again updates the same row. What
differs is the cost: a few queries per thousand marks instead of about five
per mark. It returns the episodes it touched, and the caller hands them to
``welcomeback.engagement.rebuild.rescan()`` in the same transaction; for
the floors above that react to a person coming back (returns), it sends one
``attendance_recorded_in_bulk`` signal with the people who attended.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.attendance import ACTIVE_FIRST, CancelledSessionError
from welcomeback.care.models import (
    CONTACT_STATUSES,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Episode,
    EpisodeStatus,
    Expectation,
    Session,
)
from welcomeback.care.signals import attendance_recorded_in_bulk

# Keeps each IN (...) list and each INSERT well under SQLite's limit on
# bound parameters, whatever the size of the import.
CHUNK = 500

WRITTEN_FIELDS = ["episode", "status", "drop_in", "source", "recorded_by", "recorded_at"]


@dataclass(frozen=True)
class Mark:
    """One attendance mark to record."""

    session: Session
    client_id: int
    status: str
    recorded_at: datetime | None = None


def record_attendance_many(
    marks: Iterable[Mark], source: str = AttendanceSource.IMPORT, recorded_by=None
) -> set[int]:
    """Write many marks in one transaction; return the touched episode ids.

    Nothing is written if any mark is invalid. When the same (session,
    client) appears twice, the later mark wins, as two calls would.
    """
    marks = latest_marks(marks)
    for mark in marks:
        validate(mark)
    now = timezone.now()
    episodes = current_episodes({(m.client_id, m.session.program_id) for m in marks})
    expectations = expectations_of({episode.pk for episode in episodes.values()})
    rows = []
    for mark in marks:
        episode = episodes.get((mark.client_id, mark.session.program_id))
        expected = episode is not None and is_covered(
            expectations.get(episode.pk, []), mark.session
        )
        rows.append(
            Attendance(
                session=mark.session,
                client_id=mark.client_id,
                episode=episode,
                status=mark.status,
                drop_in=not expected,
                source=source,
                recorded_by=recorded_by,
                recorded_at=mark.recorded_at or now,
            )
        )
    with transaction.atomic():
        for chunk in chunks(rows):
            Attendance.objects.bulk_create(
                chunk,
                update_conflicts=True,
                unique_fields=["session", "client"],
                update_fields=WRITTEN_FIELDS,
            )
        contacts = {
            (m.client_id, m.session.program_id) for m in marks if m.status in CONTACT_STATUSES
        }
        if contacts:
            attendance_recorded_in_bulk.send(sender=Attendance, pairs=contacts)
    return {row.episode_id for row in rows if row.episode_id is not None}


def latest_marks(marks: Iterable[Mark]) -> list[Mark]:
    # PostgreSQL refuses an upsert that touches one row twice.
    by_key = {(mark.session.pk, mark.client_id): mark for mark in marks}
    return list(by_key.values())


def validate(mark: Mark) -> None:
    if mark.session.is_cancelled:
        raise CancelledSessionError(
            _("The program cancelled this session, so attendance can't be recorded for it."),
            code="cancelled_session",
        )
    if mark.status not in AttendanceStatus.values:
        raise ValidationError(
            _("Unknown attendance mark: %(status)s"), params={"status": mark.status}
        )


def current_episodes(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Episode]:
    """Each (client, program)'s current episode, chosen as episode_for()
    chooses it: the active one first, then the newest."""
    found: dict[tuple[int, int], Episode] = {}
    client_ids = sorted({client_id for client_id, _program_id in pairs})
    for chunk in chunks(client_ids):
        candidates = (
            Episode.objects.filter(client_id__in=chunk)
            .exclude(status=EpisodeStatus.CANCELLED)
            .annotate(rank=ACTIVE_FIRST)
            .order_by("rank", "-created", "-pk")
            .only("pk", "client_id", "program_id")
        )
        for episode in candidates:
            key = (episode.client_id, episode.program_id)
            if key in pairs and key not in found:
                found[key] = episode
    return found


def expectations_of(episode_ids: set[int]) -> dict[int, list[Expectation]]:
    by_episode: dict[int, list[Expectation]] = {}
    for chunk in chunks(sorted(episode_ids)):
        for expectation in Expectation.objects.filter(episode_id__in=chunk):
            by_episode.setdefault(expectation.episode_id, []).append(expectation)
    return by_episode


def is_covered(expectations: list[Expectation], session: Session) -> bool:
    """The same test as attendance.is_expected(), on rows already loaded."""
    return any(expectation.covers(session) for expectation in expectations)


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

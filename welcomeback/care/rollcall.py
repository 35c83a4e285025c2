"""Who a roll call lists for a session, and saving it."""

from dataclasses import dataclass

from django.db import transaction

from welcomeback.care.attendance import record_attendance
from welcomeback.care.expectations import covering
from welcomeback.care.models import (
    Attendance,
    AttendanceSource,
    Client,
    EpisodeStatus,
    Expectation,
    Session,
)


@dataclass
class RosterLine:
    client: Client
    mark: Attendance | None
    expected: bool


def expected_client_ids(session: Session) -> set[int]:
    return set(
        Expectation.objects.filter(
            covering(session), episode__status=EpisodeStatus.ACTIVE
        ).values_list("episode__client_id", flat=True)
    )


def roster(session: Session) -> list[RosterLine]:
    """Everyone expected, plus anyone already marked (drop-ins), by name."""
    marks = {m.client_id: m for m in Attendance.objects.filter(session=session)}
    expected = expected_client_ids(session)
    clients = Client.objects.filter(pk__in=expected | set(marks)).order_by(
        "last_name", "first_name"
    )
    return [RosterLine(c, marks.get(c.pk), c.pk in expected) for c in clients]


def drop_in_candidates(session: Session, listed: set[int]):
    """Clients with an active episode in the session's program, not listed."""
    return (
        Client.objects.filter(
            episodes__program_id=session.program_id, episodes__status=EpisodeStatus.ACTIVE
        )
        .exclude(pk__in=listed)
        .distinct()
        .order_by("last_name", "first_name")
    )


def save_roll_call(session: Session, marks: dict[int, str], by=None) -> int:
    """Record each mark given; unmarked people are left as they are.

    Saving the same roll call twice updates the same rows.
    """
    organization_id = session.program.site.organization_id
    clients = Client.objects.in_bulk(list(marks))
    saved = 0
    with transaction.atomic():
        for client_id, status in marks.items():
            client = clients.get(client_id)
            if client is None or client.organization_id != organization_id:
                continue
            record_attendance(session, client, status, AttendanceSource.ROLL_CALL, by)
            saved += 1
    return saved

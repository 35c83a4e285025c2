"""Recording attendance: the one function every source goes through."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.expectations import covering
from welcomeback.care.models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Client,
    Episode,
    EpisodeStatus,
    Expectation,
    Session,
)
from welcomeback.care.signals import attendance_recorded


class CancelledSessionError(ValidationError):
    pass


def episode_for(client_id: int, program_id: int) -> Episode | None:
    """The client's current episode in this program: the active one first."""
    return (
        Episode.objects.filter(client_id=client_id, program_id=program_id)
        .exclude(status__in=[EpisodeStatus.CANCELLED])
        .order_by(ACTIVE_FIRST, "-created")
        .first()
    )


ACTIVE_FIRST = Case(
    When(status=EpisodeStatus.ACTIVE, then=Value(0)),
    When(status=EpisodeStatus.ON_HOLD, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def is_expected(episode: Episode | None, session: Session) -> bool:
    if episode is None:
        return False
    return Expectation.objects.filter(episode=episode).filter(covering(session)).exists()


def record_attendance(
    session: Session,
    client: Client,
    status: str,
    source: str = AttendanceSource.ROLL_CALL,
    recorded_by=None,
    recorded_at=None,
) -> Attendance:
    """Write one attendance mark; recording it again updates the same row.

    A client nobody expected at this session is kept as a drop-in: it is
    contact, never rejected. A constant number of queries, whatever the
    history size (tests assert it).
    """
    if session.is_cancelled:
        raise CancelledSessionError(
            _("The program cancelled this session, so attendance can't be recorded for it."),
            code="cancelled_session",
        )
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Unknown attendance mark: %(status)s"), params={"status": status})
    episode = episode_for(client.pk, session.program_id)
    drop_in = not is_expected(episode, session)
    with transaction.atomic():
        attendance, created = Attendance.objects.update_or_create(
            session=session,
            client=client,
            defaults={
                "episode": episode,
                "status": status,
                "drop_in": drop_in,
                "source": source,
                "recorded_by": recorded_by,
                "recorded_at": recorded_at or timezone.now(),
            },
        )
        # Sent inside the transaction so the engagement row moves with it.
        attendance_recorded.send(Attendance, attendance=attendance, created=created)
    return attendance

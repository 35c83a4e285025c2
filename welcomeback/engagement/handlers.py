"""How engagement reacts to the care record (signals from `care`).

Every update here also drops any sweep's claim on the row: a sweep that read
the row before this change would otherwise write its stale copy back over
it (its write is conditional on still holding the claim, so it is refused
and the row is looked at again; see sweep.process_batch).
"""

from django.db.models import Case, F, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.dispatch import receiver
from django.utils import timezone

from welcomeback.care.expectations import covering
from welcomeback.care.models import (
    CONTACT_STATUSES,
    Attendance,
    EpisodeStatus,
    Expectation,
)
from welcomeback.care.schedule import session_cancelled
from welcomeback.care.signals import attendance_recorded, episode_status_changed
from welcomeback.engagement.models import Engagement
from welcomeback.engagement.rebuild import latest_contact

# Forget what the sweep has counted so far: it scans again from the last contact.
RESCAN = {
    "scanned_until": None,
    "first_missed_at": None,
    "missed_count": 0,
    "recent_missed": [],
}
# Makes an in-flight sweep's write of this row fail (it re-reads it next).
UNCLAIMED = {"claim_token": None, "claimed_until": None}


@receiver(attendance_recorded)
def recheck_after_attendance(sender, attendance, created=True, **kwargs):
    """One UPDATE, whatever the history size: move the contact time and ask
    the sweep to look again from the last contact."""
    if attendance.episode_id is None:
        return
    changes = {
        # recorded_at is "now" except when history is loaded after the fact.
        "next_check_at": attendance.recorded_at,
        **RESCAN,
        **UNCLAIMED,
    }
    if attendance.status in CONTACT_STATUSES:
        session = attendance.session
        at = session.starts_at
        # Coalesce first: SQLite's MAX() is NULL if any argument is.
        changes["last_contact_at"] = Greatest(Coalesce(F("last_contact_at"), Value(at)), Value(at))
        changes["returning_since"] = counting_session_in_progress(session)
    elif not created:
        # A corrected mark (attended -> missed) may take a contact back.
        changes["last_contact_at"] = last_contact_subquery(attendance.episode_id)
    Engagement.objects.filter(pk=attendance.episode_id).exclude(next_check_at=None).update(
        **changes
    )


def counting_session_in_progress(session) -> Case:
    """A returning person who attends a session that was already running
    when their episode was resumed has come back too: the resume moves back
    to that session's start, so the sweep counts the contact."""
    return Case(
        When(
            returning_since__gt=Value(session.starts_at),
            returning_since__lte=Value(session.ends_at),
            then=Value(session.starts_at),
        ),
        default=F("returning_since"),
    )


def last_contact_subquery(episode_id: int) -> Subquery:
    contacts = Attendance.objects.filter(episode_id=episode_id, status__in=CONTACT_STATUSES)
    return Subquery(contacts.order_by("-session__starts_at").values("session__starts_at")[:1])


@receiver(session_cancelled)
def recheck_after_cancellation(sender, session, **kwargs):
    """A session cancelled after the fact may already count as a miss:
    everyone expected at it is scanned again."""
    expected = Expectation.objects.filter(covering(session))
    Engagement.objects.filter(pk__in=expected.values("episode_id")).exclude(
        next_check_at=None
    ).update(next_check_at=timezone.now(), **RESCAN, **UNCLAIMED)


@receiver(episode_status_changed)
def follow_episode_status(sender, episode, from_status, at=None, **kwargs):
    if episode.status == EpisodeStatus.ACTIVE:
        start_watching(episode, at or timezone.now())
    else:
        # Only active episodes are swept; the row and its history stay.
        Engagement.objects.filter(pk=episode.pk).update(next_check_at=None, **UNCLAIMED)


def start_watching(episode, at) -> None:
    now = timezone.now()
    started = episode.started or at
    engagement, created = Engagement.objects.get_or_create(
        episode=episode,
        defaults={
            "program_id": episode.program_id,
            "since": started,
            "started_at": started,
            "next_check_at": now,
        },
    )
    if not created:
        # A resumed episode: the drift clock restarts from the return, and
        # what was expected while it was on hold is never counted. They are
        # "returning" until they attend: no misses since the resume is not
        # yet being engaged again (sweep.evaluate).
        Engagement.objects.filter(pk=engagement.pk).update(
            started_at=at,
            returning_since=returning_since(episode, at),
            # Attendance marked while on hold moved nothing (the row was not
            # watched); take the latest contact from the record.
            last_contact_at=latest_contact(),
            next_check_at=now,
            **RESCAN,
            **UNCLAIMED,
        )


def returning_since(episode, at):
    """The resume time, or the start of an attended session that was still
    running then: a mark recorded before the resume (often the very one
    that resumed the episode) counts as coming back."""
    in_progress = (
        Attendance.objects.filter(
            episode_id=episode.pk,
            status__in=CONTACT_STATUSES,
            session__starts_at__lt=at,
            session__ends_at__gte=at,
        )
        .order_by("session__starts_at")
        .values_list("session__starts_at", flat=True)
        .first()
    )
    return min(at, in_progress) if in_progress else at

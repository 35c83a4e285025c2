"""How engagement reacts to the care record (signals from `care`)."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.dispatch import receiver
from django.utils import timezone

from welcomeback.care.models import CONTACT_STATUSES, EpisodeStatus
from welcomeback.care.signals import attendance_recorded, episode_status_changed
from welcomeback.engagement.models import Engagement


@receiver(attendance_recorded)
def recheck_after_attendance(sender, attendance, **kwargs):
    """One UPDATE, whatever the history size: move the contact time and ask
    the sweep to look again from the last contact."""
    if attendance.episode_id is None:
        return
    changes = {
        # recorded_at is "now" except when history is loaded after the fact.
        "next_check_at": attendance.recorded_at,
        "scanned_until": None,
        "first_missed_at": None,
        "missed_count": 0,
        "recent_missed": [],
    }
    if attendance.status in CONTACT_STATUSES:
        at = attendance.session.starts_at
        # Coalesce first: SQLite's MAX() is NULL if any argument is.
        changes["last_contact_at"] = Greatest(Coalesce(F("last_contact_at"), Value(at)), Value(at))
    Engagement.objects.filter(pk=attendance.episode_id).exclude(next_check_at=None).update(
        **changes
    )


@receiver(episode_status_changed)
def follow_episode_status(sender, episode, from_status, **kwargs):
    if episode.status == EpisodeStatus.ACTIVE:
        start_watching(episode)
    else:
        # Only active episodes are swept; the row and its history stay.
        Engagement.objects.filter(pk=episode.pk).update(next_check_at=None)


def start_watching(episode) -> None:
    now = timezone.now()
    started = episode.started or now
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
        Engagement.objects.filter(pk=engagement.pk).update(next_check_at=now, scanned_until=None)

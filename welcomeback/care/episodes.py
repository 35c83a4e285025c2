"""Episode status changes: one function, and a history never overwritten."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.models import Episode, EpisodeStatus, EpisodeStatusChange
from welcomeback.care.signals import episode_status_changed

ENDED = {EpisodeStatus.FINISHED, EpisodeStatus.CANCELLED}


def change_episode_status(
    episode: Episode,
    to_status: str,
    by=None,
    note: str = "",
    discharge_reason: int | None = None,
    at=None,
) -> Episode:
    at = at or timezone.now()
    if to_status not in EpisodeStatus.values:
        raise ValidationError(_("Unknown episode status."))
    if to_status == EpisodeStatus.FINISHED and discharge_reason is None:
        raise ValidationError(_("A discharge needs its reason code."), code="reason_required")
    from_status = episode.status
    if from_status == to_status:
        return episode
    episode.status = to_status
    fields = ["status"]
    if to_status == EpisodeStatus.ACTIVE and episode.started is None:
        episode.started = at
        fields.append("started")
    if to_status in ENDED:
        episode.ended = at
        episode.discharge_reason = discharge_reason
        fields += ["ended", "discharge_reason"]
    with transaction.atomic():
        episode.save(update_fields=fields)
        EpisodeStatusChange.objects.create(
            episode=episode, from_status=from_status, to_status=to_status, at=at, by=by, note=note
        )
        # `at` too: a resumed episode's drift clock restarts from it.
        episode_status_changed.send(Episode, episode=episode, from_status=from_status, at=at)
    return episode


def open_episode(client, program, at=None, by=None, previous=None, level_of_care=None) -> Episode:
    """Start an active episode for a client in a program."""
    at = at or timezone.now()
    episode = Episode.objects.create(
        client=client,
        program=program,
        previous=previous,
        level_of_care=level_of_care or program.level_of_care,
        created=at,
    )
    EpisodeStatusChange.objects.create(
        episode=episode, from_status="", to_status=EpisodeStatus.PLANNED, at=at, by=by
    )
    return change_episode_status(episode, EpisodeStatus.ACTIVE, by=by, at=at)

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
    if to_status == EpisodeStatus.ACTIVE and from_status in ENDED:
        # Resumed after a discharge: the history row of the discharge keeps
        # when and why; the episode itself is running again.
        episode.ended = None
        episode.discharge_reason = None
        fields += ["ended", "discharge_reason"]
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


def change_level_of_care(
    episode: Episode,
    *,
    asam_edition: str,
    level: str,
    weekly_hours,
    transition: str = "",
    until=None,
    by=None,
    note: str = "",
    at=None,
):
    """Record a level-of-care decision: a history row every time, and the
    episode's current edition, level and planned weekly hours."""
    from welcomeback.care.models import ASAM_LEVELS, LevelOfCareChange

    at = at or timezone.now()
    if level not in ASAM_LEVELS.get(asam_edition, {}):
        raise ValidationError(
            _("%(level)s is not a level of care in that ASAM edition."), params={"level": level}
        )
    with transaction.atomic():
        change = LevelOfCareChange.objects.create(
            episode=episode,
            at=at,
            by=by,
            asam_edition=asam_edition,
            from_level=episode.level_of_care,
            to_level=level,
            weekly_hours=weekly_hours,
            transition=transition,
            until=until,
            note=note[:300],
        )
        episode.asam_edition = asam_edition
        episode.level_of_care = level
        episode.weekly_hours = weekly_hours
        episode.save(update_fields=["asam_edition", "level_of_care", "weekly_hours"])
    return change

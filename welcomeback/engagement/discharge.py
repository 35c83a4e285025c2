"""Discharge is always a person's decision, never the sweep's."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.episodes import ENDED, change_episode_status
from welcomeback.care.models import DischargeReason, EpisodeStatus
from welcomeback.engagement.models import Engagement
from welcomeback.engagement.sweep import drift_anchor


def discharge(episode, reason: int, by, note: str = "", now=None):
    """Finish an episode with its TEDS-D reason code.

    "Dropped out" (code 2) is refused before the program's inactivity period
    has passed since the last contact: until then the person is drifting,
    not gone (STANDARDS.md requirement 29).
    """
    now = now or timezone.now()
    if reason not in DischargeReason.values:
        raise ValidationError(_("Choose a discharge reason."), code="reason_required")
    if episode.status in ENDED:
        # Otherwise a second discharge would silently keep the first reason.
        raise ValidationError(_("This episode has already ended."), code="already_ended")
    if reason == DischargeReason.DROPPED_OUT:
        # Read afresh: a cached episode.engagement may predate the last contact.
        engagement = Engagement.objects.filter(pk=episode.pk).first()
        anchor = drift_anchor(engagement) if engagement else episode.started or now
        allowed_from = anchor + timedelta(days=episode.program.inactive_after_days)
        if now < allowed_from:
            raise ValidationError(
                _(
                    "It is too soon to record this as dropped out: the program waits "
                    "%(days)s days without contact (until %(date)s)."
                ),
                params={
                    "days": episode.program.inactive_after_days,
                    "date": allowed_from.astimezone(episode.program.zone).date().isoformat(),
                },
                code="too_soon",
            )
    return change_episode_status(
        episode, EpisodeStatus.FINISHED, by=by, note=note, discharge_reason=reason, at=now
    )

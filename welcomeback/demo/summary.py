"""What the demo holds, measured the way TEDS-D measures discharges, so the
seed can show (and the tests can check) how close it is to its targets."""

from dataclasses import dataclass
from statistics import median

from django.db.models import Count, Max, Q

from welcomeback.care.models import (
    CONTACT_STATUSES,
    Attendance,
    Client,
    DischargeReason,
    Episode,
    EpisodeStatus,
    Session,
    SessionStatus,
)
from welcomeback.engagement.models import Engagement, Status


@dataclass
class Summary:
    clients: int
    episodes: int
    sessions: int
    cancelled_sessions: int
    attendance: int
    active_statuses: dict[str, int]
    finished: int
    dropout_share: float | None
    median_stay_days: float | None
    median_stay_days_dropped_out: float | None


def summarize() -> Summary:
    stays = finished_stays()
    dropped = [days for reason, days in stays if reason == DischargeReason.DROPPED_OUT]
    return Summary(
        clients=Client.objects.count(),
        episodes=Episode.objects.count(),
        sessions=Session.objects.count(),
        cancelled_sessions=Session.objects.filter(status=SessionStatus.CANCELLED).count(),
        attendance=Attendance.objects.count(),
        active_statuses=active_statuses(),
        finished=len(stays),
        dropout_share=len(dropped) / len(stays) if stays else None,
        median_stay_days=median(days for _reason, days in stays) if stays else None,
        median_stay_days_dropped_out=median(dropped) if dropped else None,
    )


def active_statuses() -> dict[str, int]:
    counts = dict(
        Engagement.objects.filter(episode__status=EpisodeStatus.ACTIVE)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Status.values}


def finished_stays() -> list[tuple[int, int]]:
    """(reason, length of stay in days) of every finished episode.

    As in TEDS-D: from admission to the earlier of the last contact and the
    discharge, in the program's calendar days.
    """
    episodes = (
        Episode.objects.filter(status=EpisodeStatus.FINISHED)
        .select_related("program")
        .annotate(
            last_contact=Max(
                "attendance__session__starts_at",
                filter=Q(attendance__status__in=CONTACT_STATUSES),
            )
        )
    )
    return [(episode.discharge_reason, stay_days(episode)) for episode in episodes]


def stay_days(episode) -> int:
    zone = episode.program.zone
    end = min(episode.last_contact or episode.ended, episode.ended)
    return (end.astimezone(zone).date() - episode.started.astimezone(zone).date()).days

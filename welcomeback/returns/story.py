"""The whole story of a person's care across episodes, oldest first:
drift, outreach, the request, re-assessment, the plan, the return.

``return_events(client)`` gives only what the returns app records (requests,
contact attempts, assessments, plans, level-of-care changes, milestones),
shaped like the staff timeline's events, for a page that already shows the
rest; ``story(client)`` gives everything, for the person's timeline.
Assessment events carry the instrument, band and flag, never the answers.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welcomeback.care.models import (
    Attendance,
    EpisodeStatusChange,
    LevelOfCareChange,
    Milestone,
)
from welcomeback.engagement.models import StatusChange
from welcomeback.outreach.models import Message
from welcomeback.returns.assessments import display_name
from welcomeback.returns.models import Assessment, ReentryPlan, RequestEvent, RequestStatus


@dataclass
class StoryEvent:
    at: datetime
    kind: str  # episode, drift, outreach, request, contact, assessment, plan, level, ...
    title: str
    detail: str = ""
    status: str = ""
    episode_id: int | None = None


def story(client, program_ids=None) -> list[StoryEvent]:
    """Every event of the person's care, oldest first, across episodes."""
    events = care_events(client, program_ids) + return_events(client, program_ids)
    return sorted(events, key=lambda event: event.at)


def _only(rows, field, program_ids):
    return rows if program_ids is None else rows.filter(**{f"{field}__in": program_ids})


def care_events(client, program_ids=None) -> list[StoryEvent]:
    events = []
    changes = _only(
        EpisodeStatusChange.objects.filter(episode__client=client), "episode__program", program_ids
    ).select_related("episode__program")
    for change in changes:
        title = _("Episode in %(program)s: %(status)s") % {
            "program": change.episode.program,
            "status": change.get_to_status_display(),
        }
        events.append(
            StoryEvent(
                change.at, "episode", title, change.note, change.to_status, change.episode_id
            )
        )
    drift = _only(
        StatusChange.objects.filter(engagement__episode__client=client),
        "engagement__program",
        program_ids,
    )
    for change in drift:
        events.append(
            StoryEvent(
                change.at,
                "drift",
                _("Engagement: %(status)s") % {"status": change.get_to_status_display()},
                change.reason,
                change.to_status,
                change.engagement_id,
            )
        )
    messages = _only(Message.objects.filter(client=client), "program", program_ids)
    for message in messages:
        events.append(
            StoryEvent(
                message.created,
                "outreach",
                _("%(channel)s: %(purpose)s")
                % {
                    "channel": message.get_channel_display(),
                    "purpose": message.get_purpose_display(),
                },
                message.reason,
                message.state,
                message.episode_id,
            )
        )
    marks = _only(Attendance.objects.filter(client=client), "session__program", program_ids)
    for mark in marks.select_related("session__group"):
        session = mark.session
        events.append(
            StoryEvent(
                session.starts_at,
                "attendance",
                f"{mark.get_status_display()}: {session.group or session.get_kind_display()}",
                "",
                mark.status,
                mark.episode_id,
            )
        )
    return events


REQUEST_TITLES = {
    "opened": gettext_lazy("Asked to come back"),
    "wrote_again": gettext_lazy("Wrote again"),
    "status": gettext_lazy("Request: %(status)s"),
    "assigned": gettext_lazy("Request assigned"),
    "escalated": gettext_lazy("Request past its response time"),
    "contact": gettext_lazy("Contact attempt %(note)s"),
    "reasons": gettext_lazy("Reasons noted"),
    "assessment": gettext_lazy("Re-assessment: %(note)s"),
    "plan": gettext_lazy("Re-entry plan agreed"),
    "resumed_episode": gettext_lazy("Episode resumed"),
    "new_episode": gettext_lazy("New episode, linked to the last"),
    "returned": gettext_lazy("Came back"),
    "door_open": gettext_lazy("Door-open message"),
    "referred": gettext_lazy("Referred elsewhere"),
}


def return_events(client, program_ids=None) -> list[StoryEvent]:
    events = []
    rows = _only(
        RequestEvent.objects.filter(request__client=client), "request__program", program_ids
    ).select_related("request")
    for row in rows:
        if row.kind in ("assessment", "plan"):
            continue  # told below, with their details
        template = REQUEST_TITLES.get(row.kind, row.kind)
        status = dict(RequestStatus.choices).get(row.to_status, row.to_status)
        title = str(template) % {"status": status, "note": row.note}
        events.append(
            StoryEvent(row.at, "request", title, row.note, row.to_status, row.request.episode_id)
        )
    assessments = _only(
        Assessment.objects.filter(episode__client=client), "episode__program", program_ids
    )
    for assessment in assessments:
        detail = assessment.band
        if assessment.flagged:
            detail = _("%(band)s; flagged for a clinician") % {"band": assessment.band}
        events.append(
            StoryEvent(
                assessment.at,
                "assessment",
                _("Re-assessment: %(name)s") % {"name": display_name(assessment.instrument)},
                detail,
                "flagged" if assessment.flagged else "",
                assessment.episode_id,
            )
        )
    plans = _only(
        ReentryPlan.objects.filter(episode__client=client), "episode__program", program_ids
    )
    for plan in plans:
        events.append(
            StoryEvent(
                plan.agreed_at,
                "plan",
                _("Re-entry plan: %(steps)s") % {"steps": "; ".join(plan.step_labels())},
                plan.notes,
                plan.transition,
                plan.episode_id,
            )
        )
    levels = _only(
        LevelOfCareChange.objects.filter(episode__client=client), "episode__program", program_ids
    )
    for change in levels:
        events.append(
            StoryEvent(
                change.at,
                "level",
                _("Level of care %(level)s, %(hours)s hours a week")
                % {"level": change.to_level, "hours": change.weekly_hours},
                change.get_transition_display() if change.transition else "",
                change.transition,
                change.episode_id,
            )
        )
    milestones = _only(
        Milestone.objects.filter(episode__client=client), "episode__program", program_ids
    )
    for milestone in milestones.select_related("episode__program"):
        zone = milestone.episode.program.zone
        at = datetime.combine(milestone.met_on, time(12), tzinfo=zone)
        events.append(StoryEvent(at, "milestone", milestone.title, "", "", milestone.episode_id))
    return events

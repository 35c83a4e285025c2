"""One person's story across all their episodes, newest first.

Seen through programs: ``program_ids`` keeps only what happened in the
programs the viewer works in (None: all of them), and ``clinical_program_ids``
the programs where clinical details (discharge reasons and notes) are shown
(minimum necessary, accounts/permissions.py)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from welcomeback.care.models import Attendance, Episode, EpisodeStatusChange, Expectation
from welcomeback.engagement.models import StatusChange
from welcomeback.outreach.models import ConsentEvent, Message, StepOutcome
from welcomeback.outreach.timeline import inbound_events
from welcomeback.worklist.models import Task


@dataclass
class Event:
    at: datetime
    kind: str  # attendance, episode, expectation, engagement
    title: str
    detail: str = ""
    status: str = ""


def person_timeline(client, program_ids=None, clinical_program_ids=None) -> list[Event]:
    def only(rows, field):
        return rows if program_ids is None else rows.filter(**{f"{field}__in": program_ids})

    events = (
        attendance_events(client, only)
        + episode_events(client, only, clinical_program_ids)
        + expectation_events(client, only)
        + engagement_events(client, only)
        + outreach_events(client, only)
        + consent_events(client)
        + task_events(client, only)
        + inbound_events(client)
        + coming_back_events(client, program_ids, clinical_program_ids)
    )
    return sorted(events, key=lambda event: event.at, reverse=True)


def coming_back_events(client, program_ids=None, clinical_program_ids=None) -> list[Event]:
    """The returns part of the story (returns.story): each request and its
    contact attempts, seen where the viewer works; re-assessments (band and
    flag, never the answers), plans, levels of care and milestones only
    where clinical details are shown."""
    from welcomeback.returns.story import return_events

    clinical = program_ids if clinical_program_ids is None else clinical_program_ids
    told = [e for e in return_events(client, program_ids) if e.kind == "request"]
    told += [e for e in return_events(client, clinical) if e.kind != "request"]
    return [Event(e.at, e.kind, e.title, e.detail, e.status) for e in told]


def everything(rows, field):
    return rows


def attendance_events(client, only=everything) -> list[Event]:
    marks = only(Attendance.objects.filter(client=client), "session__program").select_related(
        "session__group"
    )
    events = []
    for mark in marks:
        session = mark.session
        title = f"{mark.get_status_display()}: {session.group or session.get_kind_display()}"
        detail = _("Drop-in: not expected at this session") if mark.drop_in else ""
        events.append(Event(session.starts_at, "attendance", title, detail, mark.status))
    return events


def episode_events(client, only=everything, clinical_program_ids=None) -> list[Event]:
    changes = only(
        EpisodeStatusChange.objects.filter(episode__client=client), "episode__program"
    ).select_related("episode__program")
    events = []
    for change in changes:
        title = _("Episode in %(program)s: %(status)s") % {
            "program": change.episode.program,
            "status": change.get_to_status_display(),
        }
        detail = change.note
        if change.to_status == "finished" and change.episode.discharge_reason:
            detail = change.episode.get_discharge_reason_display()
        if clinical_program_ids is not None and change.episode.program_id not in (
            clinical_program_ids
        ):
            detail = ""
        events.append(Event(change.at, "episode", title, detail, change.to_status))
    return events


def expectation_events(client, only=everything) -> list[Event]:
    expectations = only(
        Expectation.objects.filter(episode__client=client), "episode__program"
    ).select_related("group", "session__group")
    events = []
    for expectation in expectations:
        what = expectation.group or expectation.session
        events.append(
            Event(expectation.starts, "expectation", _("Expected at %(what)s") % {"what": what})
        )
        if expectation.ends:
            events.append(
                Event(
                    expectation.ends,
                    "expectation",
                    _("No longer expected at %(what)s") % {"what": what},
                )
            )
    return events


def engagement_events(client, only=everything) -> list[Event]:
    changes = only(
        StatusChange.objects.filter(engagement__episode__client=client), "engagement__program"
    )
    return [
        Event(
            change.at,
            "engagement",
            _("Now %(status)s") % {"status": change.get_to_status_display().lower()},
            change.reason,
            change.to_status,
        )
        for change in changes
    ]


def episodes_of(client, program_ids=None):
    episodes = Episode.objects.filter(client=client)
    if program_ids is not None:
        episodes = episodes.filter(program_id__in=program_ids)
    return episodes.select_related("program", "engagement__program").order_by("-created")


def outreach_events(client, only=everything) -> list[Event]:
    """Each message with its state and reason, and each cadence step that
    made no message (tasks, steps noted as too late)."""
    events = []
    for message in only(Message.objects.filter(client=client), "program"):
        title = _("%(channel)s: %(state)s") % {
            "channel": message.get_channel_display(),
            "state": message.get_state_display().lower(),
        }
        events.append(Event(message.created, "outreach", title, message.reason, message.state))
    steps = only(
        StepOutcome.objects.filter(episode__client=client, message__isnull=True), "episode__program"
    )
    for step in steps:
        events.append(Event(step.at, "outreach", _("Outreach step"), step.summary))
    return events


def consent_events(client) -> list[Event]:
    addresses = [address for address in (client.phone, client.email.lower()) if address]
    events = []
    for event in ConsentEvent.objects.filter(address__in=addresses):
        title = (_("Agreed to %(channel)s") if event.granted else _("Stopped %(channel)s")) % {
            "channel": event.get_channel_display().lower()
        }
        events.append(Event(event.at, "consent", title, event.get_source_display()))
    return events


def task_events(client, only=everything) -> list[Event]:
    return [
        Event(
            task.created,
            "task",
            _("Task: %(title)s") % {"title": task.title},
            task.outcome or task.get_status_display(),
        )
        for task in only(Task.objects.filter(client=client), "program")
    ]

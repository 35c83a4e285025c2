"""Cadences: what the program does, step by step, while someone drifts.

Each program has steps keyed to an engagement status and the days since the
person entered it (a same-day text after a miss, a call task on day 3 of
lapsing, …). The planner runs on every sweep loop and only looks at episodes
whose next step is due, claimed with a conditional update like the sweep.
A cadence stops when the person attends again (the status goes back to
engaged), replies (a person takes over), or opts out of every channel;
"not yet" and "pause" hold it until the date they chose.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from welcomeback.care.models import EpisodeStatus
from welcomeback.engagement.models import Status
from welcomeback.engagement.sweep import drift_anchor
from welcomeback.lib.bulk import insert_rows
from welcomeback.outreach import consent, outbox
from welcomeback.outreach.models import (
    CadenceState,
    CadenceStep,
    Channel,
    InboundMessage,
    MessageState,
    Purpose,
    StepAction,
    StepOutcome,
)
from welcomeback.outreach.templating import render_parts, template_for, version_parts
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

log = logging.getLogger(__name__)

BATCH = 200
LEASE = timedelta(minutes=5)
# A "same-day text" a week late is not kind, it is odd: a step that came due
# longer ago than this (after downtime, or history loaded in bulk) is noted
# and not taken.
TOO_LATE = timedelta(days=2)

# (status, after days, action, template purpose, repeat every N days)
DEFAULT_STEPS = [
    (Status.MISSED, 0, StepAction.SMS, Purpose.MISSED, None),
    (Status.LAPSING, 3, StepAction.SMS, Purpose.LAPSING, None),
    (Status.LAPSING, 3, StepAction.CALL, Purpose.LAPSING, None),
    (Status.DISENGAGED, 0, StepAction.EMAIL, Purpose.DISENGAGED, None),
    (Status.INTERRUPTED, 0, StepAction.LETTER, Purpose.INTERRUPTED, None),
    (Status.INTERRUPTED, 30, StepAction.SMS, Purpose.CHECK_IN, 30),
    (Status.INACTIVE, 30, StepAction.SMS, Purpose.CHECK_IN, 30),
]


def install_default_cadence(program) -> int:
    if CadenceStep.objects.filter(program=program).exists():
        return 0
    CadenceStep.objects.bulk_create(
        CadenceStep(
            program=program,
            status=status,
            after_days=days,
            action=action,
            purpose=purpose,
            repeat_every_days=repeat,
        )
        for status, days, action, purpose, repeat in DEFAULT_STEPS
    )
    return len(DEFAULT_STEPS)


def follow_status(episode_id: int, seq: int, status: str, since: datetime) -> None:
    """A status changed: start that status's steps, or stop when engaged."""
    if status == Status.ENGAGED:
        CadenceState.objects.filter(pk=episode_id).update(
            status=status,
            status_since=since,
            engagement_seq=seq,
            next_step_at=None,
            stopped_reason=_("They came back"),
        )
        return
    defaults = {
        "status": status,
        "status_since": since,
        "engagement_seq": seq,
        "next_step_at": since,
        "stopped_reason": "",
    }
    state, created = CadenceState.objects.get_or_create(pk=episode_id, defaults=defaults)
    if not created and state.engagement_seq < seq:
        CadenceState.objects.filter(pk=episode_id, engagement_seq__lt=seq).update(**defaults)


def on_statuses_changed(sender, changes, **kwargs) -> None:
    """A sweep batch's changes, in two statements whatever their number:
    the sweep's claims mean no other writer has these episodes now, so the
    latest change per episode simply wins."""
    latest = {episode_id: (seq, status, at) for episode_id, seq, status, at in changes}
    came_back = [pk for pk, (_seq, status, _at) in latest.items() if status == Status.ENGAGED]
    if came_back:
        CadenceState.objects.filter(pk__in=came_back).update(
            status=Status.ENGAGED, next_step_at=None, stopped_reason=_("They came back")
        )
    drifting = [
        CadenceState(
            episode_id=pk,
            status=status,
            status_since=at,
            engagement_seq=seq,
            next_step_at=at,
            stopped_reason="",
        )
        for pk, (seq, status, at) in latest.items()
        if status != Status.ENGAGED
    ]
    # One INSERT … ON CONFLICT from a single JSON parameter: compiling
    # bulk_create's placeholders cost more than the rest of the receiver.
    insert_rows(
        CadenceState,
        drifting,
        unique_fields=["episode"],
        update_fields=[
            "status",
            "status_since",
            "engagement_seq",
            "next_step_at",
            "stopped_reason",
        ],
    )


def plan_due(now: datetime | None = None) -> int:
    """Take every due step; returns how many steps were taken."""
    now = now or timezone.now()
    token = uuid.uuid4()
    taken = 0
    while rows := claim(now, token):
        for state in rows:
            try:
                taken += advance(state, now)
            except Exception:
                log.exception("outreach planner failed for episode %s", state.pk)
                release(state, now + timedelta(hours=1))
    return taken


def claim(now, token) -> list[CadenceState]:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    due = CadenceState.objects.filter(free, next_step_at__lte=now)
    ids = list(due.order_by("next_step_at").values_list("pk", flat=True)[:BATCH])
    if not ids or not due.filter(pk__in=ids).update(claim_token=token, claimed_until=now + LEASE):
        return []
    return list(
        CadenceState.objects.filter(claim_token=token).select_related(
            "episode__client", "episode__program__site", "episode__engagement"
        )
    )


def release(state: CadenceState, next_at, reason: str | None = None) -> None:
    changes = {"next_step_at": next_at, "claim_token": None, "claimed_until": None}
    if reason is not None:
        changes["stopped_reason"] = reason
    CadenceState.objects.filter(pk=state.pk, claim_token=state.claim_token).update(**changes)


def advance(state: CadenceState, now) -> int:
    episode = state.episode
    stop = stop_reason(state, episode, now)
    if stop:
        release(state, None, stop)
        return 0
    taken = 0
    upcoming = []
    for step in steps_for(episode.program, state.status):
        due, cycle = step_due(step, state.status_since, now)
        if due <= now - TOO_LATE:
            note_too_late(step, state, cycle, now)
        elif due <= now:
            taken += take(step, state, cycle, now)
        upcoming.append(next_due(step, state.status_since, now))
    later = [moment for moment in upcoming if moment and moment > now]
    release(state, min(later) if later else None)
    return taken


def stop_reason(state, episode, now) -> str:
    if episode.status != EpisodeStatus.ACTIVE:
        return _("The episode is no longer active")
    client = episode.client
    # Any message from them since they last came means a person takes over,
    # for this stay in a status and every later one, until they attend.
    drift_began = drift_anchor(episode.engagement)
    if InboundMessage.objects.filter(client=client, received__gte=drift_began).exists():
        return _("They replied; a person takes it from here")
    if opted_out_everywhere(client):
        return _("They opted out of messages")
    for check in _stop_checks:
        reason = check(state, episode, now)
        if reason:
            return reason
    return ""


# Higher floors that may stop a cadence register a check here at start-up:
# returns stops it while a person talks with them about coming back, after
# "not now", and once they were unreachable (it sends its own check-ins).
_stop_checks: list = []


def register_stop_check(check) -> None:
    """``check(state, episode, now) -> str``: a reason to stop, or ''."""
    if check not in _stop_checks:
        _stop_checks.append(check)


def opted_out_everywhere(client) -> bool:
    addresses = [(Channel.SMS, client.phone), (Channel.EMAIL, client.email)]
    known = [(channel, address) for channel, address in addresses if address]
    if not known:
        return False
    latest = [consent.latest(channel, address) for channel, address in known]
    return all(event is not None and not event.granted for event in latest)


def steps_for(program, status) -> list[CadenceStep]:
    return list(CadenceStep.objects.filter(program=program, status=status, active=True))


def step_due(step, since, now) -> tuple[datetime, int]:
    """When the step's latest cycle was due, and which cycle that is. Missed
    repeats are never backfilled: only the latest one is taken."""
    first = since + timedelta(days=step.after_days)
    if not step.repeat_every_days or now < first:
        return first, 0
    cycle = int((now - first) / timedelta(days=step.repeat_every_days))
    return first + timedelta(days=cycle * step.repeat_every_days), cycle


def next_due(step, since, now) -> datetime | None:
    first = since + timedelta(days=step.after_days)
    if now < first:
        return first
    if not step.repeat_every_days:
        return None
    due, _cycle = step_due(step, since, now)
    return due + timedelta(days=step.repeat_every_days)


def take(step, state, cycle, now) -> int:
    """Take one step once: (episode, step, status stay, cycle) is unique."""
    key = f"cadence:{state.pk}:{step.pk}:{state.engagement_seq}:{cycle}"
    if StepOutcome.objects.filter(
        episode_id=state.pk, step=step, engagement_seq=state.engagement_seq, cycle=cycle
    ).exists():
        return 0
    episode = state.episode
    message, task, summary = ACTIONS[step.action](step, episode, key, now)
    try:
        with transaction.atomic():
            StepOutcome.objects.create(
                episode=episode,
                step=step,
                engagement_seq=state.engagement_seq,
                cycle=cycle,
                at=now,
                message=message,
                task_id=task.pk if task else None,
                summary=summary[:300],
            )
    except IntegrityError:
        return 0
    return 1


def note_too_late(step, state, cycle, now) -> None:
    with override(None):
        summary = _("Not taken: it came due more than 2 days ago")
    StepOutcome.objects.get_or_create(
        episode_id=state.pk,
        step=step,
        engagement_seq=state.engagement_seq,
        cycle=cycle,
        defaults={"at": now, "summary": summary},
    )


def send_step(channel):
    def action(step, episode, key, now):
        message = outbox.queue_from_template(
            client=episode.client,
            program=episode.program,
            channel=channel,
            purpose=step.purpose,
            key=key,
            episode=episode,
            now=now,
        )
        if message is None:
            return None, None, _("not sent: the program has no text for this yet")
        return message, None, describe(message)

    return action


def describe(message) -> str:
    with override(None):
        what = _("Text") if message.channel == Channel.SMS else _("Email")
        if message.state == MessageState.SUPPRESSED:
            return f"{what} {message.reason}"
        if message.not_before:
            return f"{what} {message.reason or _('held')}"
        return _("%(what)s queued") % {"what": what}


def task_step(kind, channel):
    def action(step, episode, key, now):
        client = episode.client
        version = template_for(episode.program, channel, client.language, step.purpose)
        script = ""
        if version:
            values = outbox.values_for(client, episode.program, staff_name=_("(your name)"))
            script = render_parts(version_parts(version), values)["body"]
        title = {
            TaskKind.CALL: _("Call %(name)s") % {"name": client.display_name},
            TaskKind.LETTER: _("Send a letter to %(name)s") % {"name": client.display_name},
        }[kind]
        task = open_task(
            kind=kind,
            program=episode.program,
            client=client,
            episode=episode,
            title=title,
            detail=script,
            due_at=now,
            key=key,
        )
        with override(None):
            return None, task, _("Task for staff: %(title)s") % {"title": task.get_kind_display()}

    return action


ACTIONS = {
    StepAction.SMS: send_step(Channel.SMS),
    StepAction.EMAIL: send_step(Channel.EMAIL),
    StepAction.CALL: task_step(TaskKind.CALL, Channel.VOICEMAIL),
    StepAction.LETTER: task_step(TaskKind.LETTER, Channel.LETTER),
}


def sync_all(now=None) -> int:
    """Bring cadence states in line with current engagement (after a bulk
    load, or on first start): one pass over drifting active episodes."""
    from welcomeback.engagement.models import Engagement

    rows = (
        Engagement.objects.filter(episode__status=EpisodeStatus.ACTIVE)
        .exclude(status=Status.ENGAGED)
        .values_list("pk", "seq", "status", "since")
    )
    count = 0
    for episode_id, seq, status, since in rows.iterator():
        follow_status(episode_id, seq, status, since)
        count += 1
    return count

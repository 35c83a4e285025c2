"""How a return request ends, and what the sweep checks for it.

Each outcome closes the request through ``requests.change_status`` and is
recorded as a request event:

- returned: the first attended session after the request (automatic, from
  the attendance signal);
- declined: one door-open message that passed the tone check, then no
  outreach unless the person writes again;
- referred elsewhere;
- unreachable: after the program's number of tries without reaching them;
  then only occasional check-ins, at their pace, which STOP or the pause
  link end (outreach's consent and pacing apply to every one).

After every sweep pass (``engagement.hooks``): planned return dates that
passed with no attendance open a gentle follow-up task, and due check-ins
are sent.
"""

import logging
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from welcomeback.care.models import CONTACT_STATUSES, Attendance, EpisodeStatus
from welcomeback.care.schedule import local_start_to_utc
from welcomeback.outreach import outbox
from welcomeback.outreach.models import Channel, InboundMessage, Message, Purpose
from welcomeback.returns.models import (
    OPEN_STATUSES,
    ContactAttempt,
    RequestEvent,
    RequestStatus,
    ReturnRequest,
)
from welcomeback.returns.requests import change_status
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

log = logging.getLogger(__name__)

CHECK_IN_EVERY = timedelta(days=60)
BATCH = 200


# -- outcomes -----------------------------------------------------------------------


def mark_returned(request: ReturnRequest, attendance=None, by=None, now=None) -> ReturnRequest:
    """They came back: the first attended session after the request."""
    now = now or timezone.now()
    if not request.is_open:
        return request
    with transaction.atomic():
        if request.episode_id and request.episode.status == EpisodeStatus.ON_HOLD:
            from welcomeback.returns.reentry import resume

            resume(request, by=by, now=now)
        note = f"session {attendance.session_id}" if attendance is not None else ""
        RequestEvent.objects.create(request=request, at=now, by=by, kind="returned", note=note)
        return change_status(request, RequestStatus.RESUMED, by=by, note=note, now=now)


def returned_on_attendance(attendance) -> ReturnRequest | None:
    """Called for each attendance mark: close the person's open request in
    that program when this is contact after the request was made."""
    if attendance.status not in CONTACT_STATUSES:
        return None
    session = attendance.session
    request = (
        ReturnRequest.objects.filter(
            client_id=attendance.client_id,
            program_id=session.program_id,
            status__in=OPEN_STATUSES,
            created__lte=session.ends_at,
        )
        .order_by("created")
        .first()
    )
    if request is None:
        return None
    return mark_returned(request, attendance=attendance, now=attendance.recorded_at)


def returned_after_bulk(pairs) -> list[ReturnRequest]:
    """Marks written many at once: close each open request of these people
    (``pairs`` of client and program ids) whose first attended session came
    after it was made. One query when none of them has an open request."""
    wanted = set(pairs)
    client_ids = sorted({client_id for client_id, _program in wanted})
    closed = []
    for start in range(0, len(client_ids), 500):
        candidates = ReturnRequest.objects.filter(
            client_id__in=client_ids[start : start + 500], status__in=OPEN_STATUSES
        ).order_by("created")
        for request in candidates:
            if (request.client_id, request.program_id) not in wanted:
                continue
            first = (
                Attendance.objects.filter(
                    client_id=request.client_id,
                    session__program_id=request.program_id,
                    session__ends_at__gte=request.created,
                    status__in=CONTACT_STATUSES,
                )
                .order_by("session__starts_at")
                .first()
            )
            if first is not None:
                closed.append(mark_returned(request, attendance=first, now=first.recorded_at))
    return closed


def mark_declined(request: ReturnRequest, by=None, note: str = "", now=None) -> Message | None:
    """They'd rather not come back now. Send ONE door-open message (the
    shipped template passes the tone check; outreach's consent, hours and
    caps still apply), close the request, and stop outreach until they
    write again (``cadence_stop_reason``). Returns the message, if any."""
    now = now or timezone.now()
    with transaction.atomic():
        change_status(request, RequestStatus.DECLINED, by=by, note=note, now=now)
        ReturnRequest.objects.filter(pk=request.pk).update(check_in_at=None)
        message = send_door_open(request, by, now)
        RequestEvent.objects.create(
            request=request,
            at=now,
            by=by,
            kind="door_open",
            note=f"message {message.pk}" if message else "no message: no way to reach them",
        )
    return message


def send_door_open(request: ReturnRequest, by, now) -> Message | None:
    client = request.client
    if client is None:
        return None
    for channel in preferred_channels(client):
        message = outbox.queue_from_template(
            client=client,
            program=request.program,
            channel=channel,
            purpose=Purpose.DOOR_OPEN,
            key=f"door-open:{request.pk}",
            episode=request.episode,
            created_by=by,
            now=now,
        )
        if message is not None:
            return message
    return None


def preferred_channels(client) -> list[str]:
    channels = []
    if client.phone and client.sms_allowed:
        channels.append(Channel.SMS)
    if client.email and client.email_allowed:
        channels.append(Channel.EMAIL)
    return channels


def mark_referred(request: ReturnRequest, to: str = "", by=None, now=None) -> ReturnRequest:
    """They are better served elsewhere (a referral, often up to more care)."""
    now = now or timezone.now()
    note = (to or "").strip()[:500]
    with transaction.atomic():
        RequestEvent.objects.create(request=request, at=now, by=by, kind="referred", note=note)
        return change_status(request, RequestStatus.REFERRED, by=by, note=note, now=now)


def mark_unreachable(request: ReturnRequest, by=None, now=None) -> ReturnRequest:
    """Tried enough without reaching them: close the request; from now on
    only an occasional check-in, every 60 days, which they can stop."""
    now = now or timezone.now()
    with transaction.atomic():
        request = change_status(
            request,
            RequestStatus.UNREACHABLE,
            by=by,
            note=_("Not reached after %(count)s tries") % {"count": request.attempts.count()},
            now=now,
        )
        ReturnRequest.objects.filter(pk=request.pk).update(check_in_at=now + CHECK_IN_EVERY)
    request.refresh_from_db()
    return request


# -- what outreach's cadence asks before each step --------------------------------------


def cadence_stop_reason(state, episode, now) -> str:
    """Why the drift cadence should not write to this person now, or ''.

    A person is talking with them (an open request); they said "not now"
    and have not written since; or they were unreachable and get only the
    occasional check-ins sent from here."""
    latest = (
        ReturnRequest.objects.filter(client_id=episode.client_id, program_id=episode.program_id)
        .order_by("-created", "-pk")
        .only("status", "closed_at")
        .first()
    )
    if latest is None:
        return ""
    with override(None):
        if latest.status in OPEN_STATUSES:
            return _("A person is talking with them about coming back")
        if latest.status == RequestStatus.DECLINED:
            wrote = InboundMessage.objects.filter(
                client_id=episode.client_id, received__gt=latest.closed_at
            ).exists()
            return "" if wrote else _("They said not for now; the door stays open")
        if latest.status == RequestStatus.UNREACHABLE:
            return _("Not reached: occasional check-ins only")
    return ""


# -- after each sweep pass --------------------------------------------------------------


def after_pass(now: datetime) -> None:
    follow_up_planned_dates(now)
    send_check_ins(now)


def follow_up_planned_dates(now: datetime | None = None) -> int:
    """A day they said they'd come has passed with no attendance: open a
    gentle follow-up task, once per attempt (claimed with a conditional
    update, so two sweeps never both act)."""
    now = now or timezone.now()
    candidates = (
        ContactAttempt.objects.filter(
            planned_date__isnull=False,
            planned_checked_at__isnull=True,
            planned_date__lt=now.date(),
        )
        .select_related("request__program", "request__client")
        .order_by("planned_date")[:BATCH]
    )
    opened = 0
    for attempt in candidates:
        request = attempt.request
        program = request.program
        if attempt.planned_date >= now.astimezone(program.zone).date():
            continue  # still the planned day where they are
        claimed = ContactAttempt.objects.filter(
            pk=attempt.pk, planned_checked_at__isnull=True
        ).update(planned_checked_at=now)
        if not claimed or not request.is_open or request.client is None:
            continue
        if came_since(request, attempt.planned_date):
            continue
        open_task(
            kind=TaskKind.FOLLOW_UP,
            program=program,
            client=request.client,
            episode=request.episode,
            title=(_("A gentle check-in with %(name)s") % {"name": request.client.display_name})[
                :200
            ],
            detail=_(
                "They planned to come on %(date)s and we haven't seen them yet. Nothing is "
                "wrong with that: ask how they are and whether another day would suit them."
            )
            % {"date": attempt.planned_date.isoformat()},
            due_at=now,
            key=f"planned:{attempt.pk}",
        )
        opened += 1
    return opened


def came_since(request: ReturnRequest, day) -> bool:
    start = local_start_to_utc(day, time(0), request.program.zone)
    return Attendance.objects.filter(
        client_id=request.client_id,
        session__program_id=request.program_id,
        session__starts_at__gte=start,
        status__in=CONTACT_STATUSES,
    ).exists()


def send_check_ins(now: datetime | None = None) -> int:
    """Occasional check-ins after an unreachable request. Each is claimed by
    moving its time on with a conditional update. They end when the person
    writes or asks to come back (a newer request), or has opted out of
    every channel; a pause holds them (outreach pacing)."""
    from welcomeback.outreach.cadence import opted_out_everywhere

    now = now or timezone.now()
    due = ReturnRequest.objects.filter(check_in_at__lte=now).select_related("client", "program")
    sent = 0
    for request in due.order_by("check_in_at")[:BATCH]:
        claimed = ReturnRequest.objects.filter(
            pk=request.pk, check_in_at=request.check_in_at
        ).update(check_in_at=now + CHECK_IN_EVERY)
        if not claimed:
            continue
        client = request.client
        newer = ReturnRequest.objects.filter(
            client_id=request.client_id, program_id=request.program_id, created__gt=request.created
        ).exists()
        if (
            client is None
            or newer
            or request.status != RequestStatus.UNREACHABLE
            or opted_out_everywhere(client)
        ):
            ReturnRequest.objects.filter(pk=request.pk).update(check_in_at=None)
            continue
        cycle = int((now - request.closed_at) / CHECK_IN_EVERY)
        for channel in preferred_channels(client):
            message = outbox.queue_from_template(
                client=client,
                program=request.program,
                channel=channel,
                purpose=Purpose.CHECK_IN,
                key=f"check-in:{request.pk}:{cycle}",
                episode=request.episode,
                now=now,
            )
            if message is not None:
                sent += 1
                break
    return sent

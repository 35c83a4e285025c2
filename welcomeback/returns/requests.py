"""Opening and moving return requests: the one function for each change.

A request is committed before anyone is told "received". Crisis language on
any channel flags it at once, pages the on-call staff by text and email, and
answers the sender with 988 and 911. A trusted person's request on someone's
behalf never learns whether that person is known (42 CFR 2.13(c)).
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.lib.phones import to_e164
from welcomeback.outreach import outbox
from welcomeback.outreach.contact_points import match_sender
from welcomeback.outreach.models import Channel, Purpose
from welcomeback.returns.clock import response_due
from welcomeback.returns.models import (
    OPEN_STATUSES,
    ContactAttempt,
    ContactMethod,
    ContactResult,
    Origin,
    RequestEvent,
    RequestStatus,
    ReturnRequest,
)
from welcomeback.returns.triage import crisis_reply, triage
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

log = logging.getLogger(__name__)

# A second message from the same person within this time joins their open
# request instead of starting another.
SAME_CONVERSATION = timedelta(days=14)


def normalise_phone(raw: str) -> str:
    """E.164, from any common US format; '' when it isn't a phone number."""
    return to_e164(raw)


def find_client(phone: str, email: str):
    for kind, address in (("phone", phone), ("email", email)):
        if address:
            point = match_sender(kind, address)
            if point:
                return point.client
    return None


def open_request(
    *,
    program,
    channel,
    phone="",
    email="",
    message="",
    name="",
    best_time="",
    language="en",
    reasons=(),
    first_steps=(),
    origin=Origin.SELF,
    client=None,
    inbound=None,
    proxy=None,
    by=None,
    now=None,
) -> ReturnRequest:
    """Record a request to come back and start its clock."""
    now = now or timezone.now()
    phone = normalise_phone(phone) or (phone or "").strip()[:20]
    email = (email or "").strip().lower()
    if not phone and not email:
        raise ValidationError(_("Enter a phone number or an email so we can reach you."))
    if client is None:
        client = find_client(phone, email)
    outcome = triage(message or "", language)
    with transaction.atomic():
        existing = open_conversation(program, client, phone, email, now) if not proxy else None
        if existing:
            return add_to_request(existing, message, outcome, inbound, by, now)
        request = ReturnRequest.objects.create(
            program=program,
            client=client,
            episode=current_episode(client, program),
            origin=origin,
            channel=channel,
            phone=phone,
            email=email,
            name=name[:200],
            message=message,
            best_time=best_time[:100],
            language=language,
            reasons=list(reasons),
            first_steps=list(first_steps),
            intent=outcome.kind[:8],
            crisis=outcome.is_crisis,
            crisis_category=outcome.category or "",
            inbound=inbound,
            created=now,
            due_at=response_due(program, now, outcome.is_crisis),
            **(proxy or {}),
        )
        RequestEvent.objects.create(
            request=request, at=now, by=by, kind="opened", to_status=RequestStatus.NEW
        )
        if request.crisis:
            transaction.on_commit(lambda: escalate_crisis(request.pk))
        if origin == Origin.PROXY and client is not None:
            ask_staff_to_reach_out(request, client, now)
    log.info(
        "return request %s opened (channel %s, crisis %s)", request.pk, channel, request.crisis
    )
    return request


def open_conversation(program, client, phone, email, now):
    recent = ReturnRequest.objects.filter(
        program=program, status__in=OPEN_STATUSES, created__gte=now - SAME_CONVERSATION
    )
    if client is not None:
        return recent.filter(client=client).order_by("-created").first()
    for field, value in (("phone", phone), ("email", email)):
        if value:
            found = recent.filter(**{field: value}, client__isnull=True).order_by("-created")
            if found.exists():
                return found.first()
    return None


def add_to_request(request, message, outcome, inbound, by, now) -> ReturnRequest:
    """They wrote again: keep the words, and escalate if it is now a crisis."""
    RequestEvent.objects.create(
        request=request, at=now, by=by, kind="wrote_again", note=(message or "")[:500]
    )
    if outcome.is_crisis and not request.crisis:
        due = min(request.due_at, response_due(request.program, now, crisis=True))
        ReturnRequest.objects.filter(pk=request.pk).update(
            crisis=True, crisis_category=outcome.category or "", intent="crisis", due_at=due
        )
        request.refresh_from_db()
        transaction.on_commit(lambda: escalate_crisis(request.pk))
    return request


def current_episode(client, program):
    if client is None:
        return None
    return client.episodes.filter(program=program).order_by("-created").first()


def ask_staff_to_reach_out(request, client, now) -> None:
    """Behind the on-behalf form: a known person gets a call from us
    directly; the trusted person is told nothing more (42 CFR 2.13(c))."""
    open_task(
        kind=TaskKind.FOLLOW_UP,
        program=request.program,
        client=client,
        title=_("Reach out to %(name)s directly") % {"name": client.display_name},
        detail=_(
            "Someone who cares about them asked us to. Don't confirm anything to that "
            "person unless a Part 2 consent names them."
        ),
        due_at=request.due_at,
        key=f"proxy:{request.pk}",
    )


def escalate_crisis(request_id: int) -> None:
    """Page the on-call staff and answer the sender with 988 and 911."""
    request = ReturnRequest.objects.select_related("program", "client").get(pk=request_id)
    program = request.program
    page_on_call(request)
    if request.origin == Origin.SELF and request.channel in ("sms", "email", "web"):
        reply_in_crisis(request, program)


def page_on_call(request) -> None:
    program = request.program
    link = staff_link(request)
    text = _("Welcome Back: a request needs a person now. Open Today: %(link)s") % {"link": link}
    for channel, address in (
        (Channel.SMS, program.on_call_phone),
        (Channel.EMAIL, program.on_call_email),
    ):
        if address:
            outbox.queue(
                outbox.Draft(
                    client=None,
                    program=program,
                    channel=channel,
                    purpose=Purpose.STAFF_ALERT,
                    key=f"page:{request.pk}:{channel}",
                    parts={"subject": _("A request needs a person now"), "body": text},
                ),
                to_address=address,
            )


def reply_in_crisis(request, program) -> None:
    channel = Channel.SMS if request.phone else Channel.EMAIL
    address = request.phone or request.email
    body = crisis_reply(request.language, channel, program.neutral_name)
    outbox.queue(
        outbox.Draft(
            client=request.client,
            program=program,
            channel=channel,
            purpose=Purpose.CRISIS_REPLY,
            key=f"crisis-reply:{request.pk}",
            parts={"subject": _("We're here"), "body": body},
            automated=True,
        ),
        to_address=address,
    )


def staff_link(request) -> str:
    from django.conf import settings

    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("staff:request", args=[request.pk])


def change_status(
    request: ReturnRequest, to_status: str, by=None, note: str = "", now=None
) -> ReturnRequest:
    now = now or timezone.now()
    if to_status not in RequestStatus.values:
        raise ValidationError(_("Unknown request status."))
    from_status = request.status
    if from_status == to_status:
        return request
    changes = {"status": to_status}
    if to_status not in OPEN_STATUSES:
        changes["closed_at"] = now
    with transaction.atomic():
        ReturnRequest.objects.filter(pk=request.pk).update(**changes)
        RequestEvent.objects.create(
            request=request,
            at=now,
            by=by,
            kind="status",
            from_status=from_status,
            to_status=to_status,
            note=note[:500],
        )
    request.refresh_from_db()
    return request


def assign(request: ReturnRequest, user, by=None, now=None) -> ReturnRequest:
    now = now or timezone.now()
    with transaction.atomic():
        ReturnRequest.objects.filter(pk=request.pk).update(assignee=user)
        RequestEvent.objects.create(
            request=request,
            at=now,
            by=by,
            kind="assigned",
            note=user.get_username() if user else "",
        )
    request.refresh_from_db()
    return request


def log_contact(
    request: ReturnRequest,
    method: str,
    result: str,
    by=None,
    note: str = "",
    now=None,
    why_not_reached: str = "",
    planned_date=None,
) -> ContactAttempt:
    """Every try is numbered; the first one stops the response clock, and
    reaching them moves a new request to "contacted". ``planned_date`` is a
    day they said they plan to come (the sweep checks it). After the
    program's number of tries in a row without reaching them, the request
    closes as unreachable (returns.outcomes.mark_unreachable)."""
    now = now or timezone.now()
    if method not in ContactMethod.values or result not in ContactResult.values:
        raise ValidationError(_("Choose how you tried and what happened."))
    fields = {
        "at": now,
        "by": by,
        "method": method,
        "result": result,
        "note": note[:500],
        "why_not_reached": "" if result == ContactResult.REACHED else why_not_reached[:300],
        "planned_date": planned_date,
    }
    with transaction.atomic():
        attempt = next_attempt(request, fields)
        ReturnRequest.objects.filter(pk=request.pk, first_response_at__isnull=True).update(
            first_response_at=now
        )
        RequestEvent.objects.create(
            request=request, at=now, by=by, kind="contact", note=f"{attempt.number}: {result}"
        )
    request.refresh_from_db()
    if result == ContactResult.REACHED and request.status == RequestStatus.NEW:
        change_status(request, RequestStatus.CONTACTED, by=by, now=now)
    elif (
        result != ContactResult.REACHED
        and request.is_open
        and tries_without_reaching(request) >= request.program.unreachable_after_attempts
    ):
        from welcomeback.returns.outcomes import mark_unreachable

        mark_unreachable(request, by=by, now=now)
    return attempt


def next_attempt(request: ReturnRequest, fields: dict, tries: int = 10) -> ContactAttempt:
    """The next number, safe when two people log at once: the unique
    (request, number) refuses a duplicate, and the loser takes the next."""
    for _try in range(tries):
        last = request.attempts.aggregate(last=Max("number"))["last"] or 0
        try:
            with transaction.atomic():
                return ContactAttempt.objects.create(request=request, number=last + 1, **fields)
        except IntegrityError:
            continue
    raise IntegrityError("could not number a contact attempt")


def tries_without_reaching(request: ReturnRequest) -> int:
    """Tries since they were last reached (all of them if never)."""
    attempts = request.attempts.order_by("-number").values_list("result", flat=True)
    count = 0
    for result in attempts:
        if result == ContactResult.REACHED:
            break
        count += 1
    return count


def escalate_overdue(now=None) -> int:
    """Tell the program director about requests past their response time,
    once each (a conditional update claims each one)."""
    now = now or timezone.now()
    overdue = ReturnRequest.objects.filter(
        status__in=OPEN_STATUSES,
        first_response_at__isnull=True,
        escalated_at__isnull=True,
        due_at__lt=now,
    ).select_related("program")
    escalated = 0
    for request in overdue[:200]:
        claimed = ReturnRequest.objects.filter(pk=request.pk, escalated_at__isnull=True).update(
            escalated_at=now
        )
        if not claimed:
            continue
        RequestEvent.objects.create(request=request, at=now, kind="escalated")
        tell_director(request)
        escalated += 1
    return escalated


def tell_director(request) -> None:
    program = request.program
    if not program.director_email:
        return
    text = _("Welcome Back: a return request is past its response time. Open it: %(link)s") % {
        "link": staff_link(request)
    }
    outbox.queue(
        outbox.Draft(
            client=None,
            program=program,
            channel=Channel.EMAIL,
            purpose=Purpose.STAFF_ALERT,
            key=f"overdue:{request.pk}",
            parts={"subject": _("A request is waiting past its time"), "body": text},
        ),
        to_address=program.director_email,
    )

"""The one way to write the audit trail (HIPAA 45 CFR 164.312(b); STANDARDS.md
requirement 24): ``record(...)`` and a few helpers named for what happened.

    audit.viewed(request, client)                      # a person's page
    audit.viewed(request, return_request)              # client id from the row
    audit.viewed_clients(request, ids, obj=session)    # roll call: one per person
    audit.exported(request, "staff.outreach_log", client_ids=ids)
    audit.changed(obj, ["status"], user=by)            # a write that bypassed save()
    audit.message_sent(message)

Who: the user given, else the signed-in user of the request being served
(``AuditMiddleware`` keeps it), else the label set with ``acting_as("sweep")``,
else "public" inside a request and "system" outside one. Where from: the
client address, a truncated user agent and the path without its query
string. What: ids and field names, never values — no PHI in the trail.

Failing closed. ``record`` raises if the event cannot be written, so a view
that records before it answers shows nothing it could not audit: for the
viewing of records HIPAA's audit control matters more than availability, and
an audit write fails mostly when the database is down, when the page could
not be shown anyway. Only the access-refused events of ``AuditMiddleware``
pass ``required=False``: the answer is already a refusal, and refusing it
again would hide the cause.
"""

import ipaddress
import json
import logging
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from welcomeback.accounts.audit_chain import AuditWriteError, append
from welcomeback.accounts.models import AuditAction, AuditEvent, AuditOutcome

logger = logging.getLogger(__name__)

Action = AuditAction
Outcome = AuditOutcome

SYSTEM = "system"
PUBLIC = "public"
# Detail is for ids and field names; anything longer is a mistake.
MAX_DETAIL = 2000

_current_request: ContextVar = ContextVar("audit_request", default=None)
_acting_as: ContextVar = ContextVar("audit_acting_as", default=None)


# ---------------------------------------------------------------- context


@contextmanager
def serving(request):
    """Attribute events recorded while serving ``request`` (by model signals,
    or by domain code that is not handed the request) to its user and source."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


@contextmanager
def acting_as(label: str):
    """Name the process for events recorded outside a request, e.g. "sweep"."""
    token = _acting_as.set(label[:150])
    try:
        yield
    finally:
        _acting_as.reset(token)


def current_request():
    return _current_request.get()


# ---------------------------------------------------------------- record


def record(
    action: str,
    *,
    request=None,
    user=None,
    obj=None,
    object_type: str = "",
    object_id="",
    client_id: int | None = None,
    program_id: int | None = None,
    outcome: str = AuditOutcome.SUCCESS,
    detail: dict | None = None,
    actor_label: str | None = None,
    required: bool = True,
    on_commit: bool = False,
) -> AuditEvent | None:
    """Append one event; see the module docstring for who, where and what.

    ``obj`` is a model instance: its type and id, and its client and program
    when it has ``client_id`` / ``program_id`` (or is a care.Client), fill in
    what is not given. Two queries. ``on_commit=True`` writes it once the
    caller's transaction commits (and not at all if it rolls back), so a long
    transaction does not hold the chain.
    """
    event = build(
        action,
        request=request,
        user=user,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        program_id=program_id,
        outcome=outcome,
        detail=detail,
        actor_label=actor_label,
    )
    if on_commit:
        transaction.on_commit(lambda: _write([event], required))
        return event
    return event if _write([event], required) else None


def record_many(events: list[AuditEvent], *, required: bool = True) -> list[AuditEvent]:
    """Append events made with ``build`` as one block (3–4 queries)."""
    _write(events, required)
    return events


def build(
    action,
    *,
    request=None,
    user=None,
    obj=None,
    object_type="",
    object_id="",
    client_id=None,
    program_id=None,
    outcome=AuditOutcome.SUCCESS,
    detail=None,
    actor_label=None,
) -> AuditEvent:
    """An unsaved event, filled in from the arguments and the context."""
    if action not in AuditAction.values or outcome not in AuditOutcome.values:
        raise ValueError(f"unknown audit action or outcome: {action!r}, {outcome!r}")
    request = request if request is not None else _current_request.get()
    actor, label = _actor(request, user)
    ip, agent, path = source(request)
    own_type, own_id, own_client, own_program = describe(obj)
    return AuditEvent(
        at=timezone.now(),
        actor=actor,
        actor_label=clean(actor_label or label, 150),
        action=action,
        object_type=clean(object_type or own_type, 100),
        object_id=clean(str(object_id or own_id), 64),
        client_id=client_id if client_id is not None else own_client,
        program_id=program_id if program_id is not None else own_program,
        outcome=outcome,
        ip=ip,
        user_agent=agent,
        path=path,
        detail=detail_text(detail),
    )


def _write(events: list[AuditEvent], required: bool) -> bool:
    try:
        append(events)
    except (DatabaseError, AuditWriteError):
        if required:
            raise
        logger.exception("audit: could not record %s event(s)", len(events))
        return False
    return True


# ---------------------------------------------------------------- helpers


def viewed(request, obj, client_id: int | None = None, *, detail: dict | None = None):
    """A person's record, or a row of it, was shown (read access)."""
    return record(AuditAction.VIEW, request=request, obj=obj, client_id=client_id, detail=detail)


def viewed_clients(request, client_ids: Iterable[int], *, obj=None, object_type: str = ""):
    """A page showed several people's records (a roll call, a list): one
    event per person, so each one's access report lists it."""
    return _for_each_client(AuditAction.VIEW, request, client_ids, obj, object_type, None)


def exported(
    request,
    object_type: str,
    *,
    client_ids: Iterable[int] = (),
    detail: dict | None = None,
    action: str = AuditAction.EXPORT,
):
    """A file left the system (CSV, FHIR bundle, printout): one event per
    person in it, or one event when it names nobody. ``action`` may be
    DOWNLOAD or PRINT."""
    ids = list(client_ids)
    if not ids:
        return [record(action, request=request, object_type=object_type, detail=detail)]
    return _for_each_client(action, request, ids, None, object_type, detail)


def changed(obj, fields: Iterable[str], *, request=None, user=None, on_commit: bool = True):
    """A change written without ``save()`` (a conditional ``update()``), which
    the model signals cannot see. Field names only."""
    return record(
        AuditAction.UPDATE,
        request=request,
        user=user,
        obj=obj,
        detail={"fields": sorted(fields)},
        on_commit=on_commit,
    )


def message_sent(message, *, user=None, on_commit: bool = False):
    """An outbound message was accepted by the provider."""
    return record(AuditAction.MESSAGE_SENT, user=user, obj=message, on_commit=on_commit)


def disclosed(request, obj, client_id: int | None = None, *, detail: dict | None = None):
    """Information left the program under a consent or an emergency
    (42 CFR 2.32, 2.51): ids of the consent and recipient in ``detail``."""
    return record(
        AuditAction.DISCLOSURE, request=request, obj=obj, client_id=client_id, detail=detail
    )


def denied(request, obj=None, client_id: int | None = None, *, detail: dict | None = None):
    """An action was refused (a role, a missing consent). Record it outside
    any transaction that will roll back, or the refusal is lost with it."""
    return record(
        AuditAction.ACCESS_DENIED,
        request=request,
        obj=obj,
        client_id=client_id,
        outcome=AuditOutcome.DENIED,
        detail=detail,
    )


def break_glass(request, obj, client_id: int | None = None, *, detail: dict | None = None):
    """Emergency access (164.312(a)(2)(ii)); flagged for review by its action."""
    return record(
        AuditAction.BREAK_GLASS, request=request, obj=obj, client_id=client_id, detail=detail
    )


def client_view(kwarg: str = "pk"):
    """Decorate a staff view whose URL names a client (``people/<pk>/``): each
    response that shows the record is audited as a view of that person.
    Redirects, refusals and errors are not views (the 403s are recorded by
    AuditMiddleware)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if shows_record(response):
                client_id = int(kwargs[kwarg])
                record(
                    AuditAction.VIEW,
                    request=request,
                    object_type="care.client",
                    object_id=client_id,
                    client_id=client_id,
                )
            return response

        return wrapper

    return decorator


def shows_record(response) -> bool:
    status = response.status_code
    return status < 300 or status in (400, 409, 422)


def _for_each_client(action, request, client_ids, obj, object_type, detail):
    events = [
        build(
            action,
            request=request,
            obj=obj,
            object_type=object_type,
            client_id=client_id,
            detail=detail,
        )
        for client_id in dict.fromkeys(client_ids)
    ]
    return record_many(events)


# ---------------------------------------------------------------- fields


def _actor(request, user):
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, user.get_username()
    if _acting_as.get():
        return None, _acting_as.get()
    return None, PUBLIC if request is not None else SYSTEM


def describe(obj) -> tuple[str, str, int | None, int | None]:
    """(object type, object id, client id, program id) of a model instance."""
    if obj is None:
        return "", "", None, None
    label = obj._meta.label_lower
    client_id = obj.pk if label == "care.client" else getattr(obj, "client_id", None)
    return label, str(obj.pk or ""), client_id, getattr(obj, "program_id", None)


def source(request) -> tuple[str, str, str]:
    """(address, user agent, path) of a request; never the query string."""
    if request is None:
        return "", "", ""
    agent = request.META.get("HTTP_USER_AGENT", "")
    return client_address(request), clean(agent, 200), clean(request.path, 300)


def client_address(request) -> str:
    """REMOTE_ADDR, or behind our TLS proxy the address it saw: the last
    X-Forwarded-For entry (earlier ones are whatever the client sent)."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "AUDIT_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def detail_text(detail: dict | None) -> str:
    """Canonical JSON: sorted keys, no spaces, ASCII."""
    if not detail:
        return ""
    text = json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    if len(text) > MAX_DETAIL:
        raise ValueError("audit detail is for ids and field names; this is too long")
    return text


def clean(text: str, limit: int) -> str:
    """Without NUL (PostgreSQL text refuses it), cut to the column's length."""
    return (text or "").replace("\x00", "")[:limit]

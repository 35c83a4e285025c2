"""The return form's inbox: accept a request in one statement, open it on the
task worker moments later.

Why: opening a request is a dozen statements (a known person? an open
conversation to join? the request, its history, the audit chain) and most
of a public form's time went there. The guarantee that matters — an
accepted request is committed before the person sees "received" — needs only
the one INSERT of ``accept``. Everything else is done by ``drain``:

- ``wake`` enqueues the ``drain_inbox`` task to run at the end of a short
  window (``WINDOW``), at most once per window and web process, so a
  request shows on Today within a couple of seconds and a busy form adds a
  task now and then, not one per request.
- ``drain_inbox`` opens ``TASK_BATCH`` rows and enqueues itself again while
  rows remain, so an urgent task never waits behind a long burst.
- ``drain`` claims rows with a conditional UPDATE (a claim token and a time
  limit), then for each row, in one transaction, deletes it — only if the
  claim is still its own — and opens its request with
  ``returns.requests.open_request``. A request is therefore opened once; a
  row whose worker stopped is claimed again after ``CLAIM_FOR``.
- The sweep loop drains too (``AppConfig.ready``), so nothing waits long if
  a task was lost.

A message in crisis never waits here: the view reads it with triage first
and opens that request at once, paging the on-call staff.
"""

import logging
import secrets
import time
from datetime import datetime, timedelta
from functools import cache

import psycopg
from django.contrib.auth.models import AnonymousUser
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from welcomeback.accounts import audit
from welcomeback.portal.models import Intake
from welcomeback.returns.models import RequestChannel
from welcomeback.returns.requests import open_request

log = logging.getLogger(__name__)

# A web process enqueues at most one drain per window; the drain runs at the
# window's end, so it finds every row the process accepted in the window.
WINDOW = timedelta(milliseconds=500)
# A claimed row that is still here after this was left by a worker that
# stopped; another drain takes it.
CLAIM_FOR = timedelta(minutes=5)
BATCH = 200
TASK_BATCH = 25  # about a third of a second of a worker's time
# Where a form came from, for the audit event of the request it opens.
FORM_PATH = "/come-back/"

_next_drain = 0.0  # time.monotonic() of this process's next enqueued drain


def accept(*, program, contact, data: dict, request, now: datetime) -> None:
    """Commit the request as typed: one INSERT, in autocommit."""
    row = {
        "program_id": program.pk,
        "received": now,
        "phone": contact.phone,
        "email": contact.email,
        "message": data["message"],
        "best_time": data["best_time"][:100],
        "language": data["language"],
        "reasons": list(data["reasons"]),
        "first_steps": list(data["first_steps"]),
        "visitor_address": audit.client_address(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        "claim": "",
        "claimed_until": None,
    }
    connection = connections[router.db_for_write(Intake)]
    with _prepared_cursor(connection) as cursor:
        # Each value still goes through its field's own adaptation; a model
        # instance only to read them back was about 4 % of the form's answer.
        cursor.execute(
            _insert_sql(connection),
            [field.get_db_prep_save(row[field.attname], connection) for field in _FIELDS],
        )


def _prepared_cursor(connection):
    """On PostgreSQL, a cursor whose statements the server prepares once per
    connection: parsing and planning the INSERT again for every form was
    half of PostgreSQL's share of the answer. Django's own cursors bind
    parameters client-side and never prepare. Elsewhere, Django's cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    cursor = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


class _PreparingCursor(psycopg.Cursor):
    """Server-side binding, prepared on first use (psycopg 3)."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


# Every column but the id. The ORM's create() spent a third of a millisecond
# of the form's answer building this same statement for each row; it is
# built once.
_FIELDS = [field for field in Intake._meta.concrete_fields if not field.primary_key]


@cache
def _insert_sql(connection) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _FIELDS)
    values = ", ".join(["%s"] * len(_FIELDS))
    return f"INSERT INTO {quote(Intake._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608


def wake() -> None:
    """Have the inbox drained soon (see the module docstring)."""
    global _next_drain
    moment = time.monotonic()
    if moment < _next_drain:
        return  # a drain is already due at the end of this window
    _next_drain = moment + WINDOW.total_seconds()
    try:
        drain_inbox.using(run_after=timezone.now() + WINDOW).enqueue()
    except Exception:
        # The request is committed; the sweep drains it if no task does.
        _next_drain = 0.0
        log.exception("portal: could not enqueue the inbox drain; the sweep will drain it")


@task()
def drain_inbox() -> int:
    """Open a short batch; when more wait, ask for another task rather than
    hold the worker: between batches a worker takes its most urgent task
    first (a page to the on-call staff goes ahead, outreach/dispatch.py)."""
    opened = drain(limit=TASK_BATCH)
    if opened == TASK_BATCH:
        drain_inbox.enqueue()
    return opened


def drain_after_pass(now: datetime) -> None:
    """The sweep's safety net: anything a task did not reach."""
    drain(now=now)


def drain(now: datetime | None = None, limit: int = BATCH) -> int:
    """Open a request for every row in the inbox (up to ``limit``); the
    number opened."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ids = list(Intake.objects.filter(free).order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    Intake.objects.filter(free, pk__in=ids).update(claim=token, claimed_until=now + CLAIM_FOR)
    opened = 0
    for row in Intake.objects.filter(pk__in=ids, claim=token).select_related("program"):
        try:
            opened += open_from(row, token)
        except Exception:
            # Left claimed: tried again after CLAIM_FOR. Ids only in the log.
            log.exception("portal: intake %s could not be opened; it will be tried again", row.pk)
    return opened


def open_from(row: Intake, token: str) -> int:
    """Open the request and delete the row, in one transaction; 0 when
    another drain took the row first."""
    with transaction.atomic():
        deleted, _ = Intake.objects.filter(pk=row.pk, claim=token).delete()
        if not deleted:
            return 0
        # Written as the public visitor's, from their address, whichever
        # process drains it (a task worker, or the sweep acting as itself).
        with audit.serving(Visitor(row)), audit.acting_as(audit.PUBLIC):
            open_request(
                program=row.program,
                channel=RequestChannel.WEB,
                phone=row.phone,
                email=row.email,
                message=row.message,
                best_time=row.best_time,
                language=row.language,
                reasons=row.reasons,
                first_steps=row.first_steps,
                now=row.received,
            )
    return 1


class Visitor:
    """What the audit trail reads from a web request, as the form arrived:
    the request is written as the public visitor's, from their address."""

    path = FORM_PATH

    def __init__(self, row: Intake):
        self.user = AnonymousUser()
        self.META = {"REMOTE_ADDR": row.visitor_address, "HTTP_USER_AGENT": row.user_agent}

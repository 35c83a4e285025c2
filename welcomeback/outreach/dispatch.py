"""Dispatch: sending each queued message at most once, through Django Tasks.

A ``deliver`` task is only a trigger. The Message row carries the state and
every move is a conditional update whose row count is checked, so a task
that runs twice, or on four workers at once, sends once::

    queued ──claim──▶ sending ──accepted──▶ sent ──callback──▶ delivered
      ▲                  │
      │ 5xx (backoff)    ├── 4xx ─────────────▶ failed (reason; a bad address
      └──────────────────┤                       marks the contact point)
                         ├── 5 tries ─────────▶ failed ("gave up after 5 tries")
                         ├── no answer ───────▶ unknown
                         └── worker died ─────▶ unknown (recover_stuck)
    unknown ──provider's status report or staff──▶ sent | queued again

(``suppressed`` is written by the outbox, never here.)

Never a blind resend. The attempt is committed before the provider is
called; from then on only an answer from the provider, its status report or
a person may say the message was not taken. A timeout or a worker killed
mid-call leaves "outcome unknown", never "queued".

No second "calling the provider now" marker: the committed attempt *is* that
marker — between its commit and the call there is only Python, no I/O — so a
second write would cost a round trip per message to tell apart a crash
window of microseconds.

How a provider tells the dispatcher whether a TemporaryProviderError means
"not taken": an explicit ``maybe_sent`` attribute on the error wins;
otherwise a numeric code (an HTTP status or the provider's own error code,
i.e. the provider answered "no") or ``connect`` (nothing was sent) means not
taken and is retried, and anything else (``timeout``, a dropped connection,
no code) is ambiguous and becomes "outcome unknown".

Logs carry message ids and states only, never addresses or text.
"""

import functools
import logging
import random
import time
import traceback
from datetime import datetime, timedelta

from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from welcomeback.accounts import audit
from welcomeback.outreach.contact_points import kind_for_channel, mark_failing
from welcomeback.outreach.models import (
    AttemptOutcome,
    Message,
    MessageState,
    Purpose,
    SendAttempt,
)
from welcomeback.outreach.outbox import next_allowed_hour, paced
from welcomeback.outreach.providers import (
    Accepted,
    PermanentProviderError,
    TemporaryProviderError,
    provider_for,
)

logger = logging.getLogger(__name__)

# Who the audit trail names for the dispatcher's own changes.
ACTOR = "dispatch"

MAX_ATTEMPTS = 5
# 1 min, 5 min, 25 min, 2 h 05 between tries, each ±20% so a provider outage
# does not bring every message back in the same second.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_FACTOR = 5
BACKOFF_JITTER = 0.2
# A send takes seconds (providers time out well under a minute); a message
# still "sending" after this was left by a worker that stopped.
STUCK_AFTER = timedelta(minutes=5)
# release_due() leaves a message alone this long after anyone touched it,
# so the task enqueued with it has time to run before a second is added.
RELEASE_AFTER = timedelta(minutes=2)
BATCH = 500
# Codes of a TemporaryProviderError that mean nothing reached the provider.
NOT_SENT_CODES = frozenset({"connect"})
# Seconds between tries of the write after the provider answered (a
# database restart takes a few seconds).
DB_RETRY_PAUSES = (0.5, 2, 5)

REASON_NO_ANSWER = "the provider did not answer; waiting for its status report"
REASON_WORKER_STOPPED = "outcome unknown: a worker stopped mid-send"
REASON_PROVIDER_BROKE = "outcome unknown: the provider client failed unexpectedly"
REASON_RETRY = "the provider could not take it (%s); trying again later"
REASON_GAVE_UP = "gave up after %d tries"
REASON_NO_HOUR = "not retried: no hour is allowed in every time zone they may be in"
REASON_REFUSED = "the provider refused it (%s)"
REASON_ADDRESS = "the provider says this address does not work (%s)"
REASON_STAFF_SENT = "a person confirmed it was sent"
REASON_STAFF_RESEND = "a person found it was not sent; sending again"
REASON_REPORTED_SENT = "the provider's status report says it was sent"
REASON_REPORTED_NOT_SENT = "the provider's status report says it was not sent; sending again"

# A message in these states may still receive its own attempt's answer: a
# slow provider can answer after recover_stuck() gave up waiting.
IN_FLIGHT = (MessageState.SENDING, MessageState.UNKNOWN)


# ---------------------------------------------------------------- the task


@task()
def deliver(message_id: int) -> str:
    """Send one queued message if it is due and nobody else has it.

    Returns the state the message was left in ("skipped" when this run had
    nothing to do), which the task backend keeps as the result.
    """
    with audit.acting_as(ACTOR):
        return _deliver(message_id)


def _deliver(message_id: int) -> str:
    attempt = claim(message_id, timezone.now())
    if attempt is None:
        return "skipped"
    message = attempt.message
    try:
        accepted = provider_for(message.channel).send(message)
    except TemporaryProviderError as error:
        return _after_temporary(attempt, error)
    except PermanentProviderError as error:
        return _after_permanent(attempt, error)
    except Exception as error:
        # A bug or an unexpected library error: the provider may have taken
        # it. Record that, then fail the task so it shows.
        _settle(
            attempt, MessageState.UNKNOWN, AttemptOutcome.TEMPORARY, reason=REASON_PROVIDER_BROKE
        )
        raise _crashed(message.pk, error) from None
    return _after_accepted(attempt, accepted)


class ProviderCrashed(Exception):
    """A provider client raised something other than a ProviderError."""


def _crashed(message_id: int, error: Exception) -> ProviderCrashed:
    """The error's type and where it was raised, for the log and the task's
    result; never its text, which may quote an address or the message."""
    where = "".join(traceback.format_tb(error.__traceback__))
    name = type(error).__name__
    logger.error("dispatch: message %s: the provider client raised %s\n%s", message_id, name, where)
    return ProviderCrashed(f"the provider client raised {name}")


def claim(message_id: int, now: datetime) -> SendAttempt | None:
    """queued → sending, and the attempt row, in one commit — or None when
    the message is not queued, not due yet, or another worker took it."""
    with transaction.atomic():
        message = _claim_row(message_id, now)
        if message is None:
            return None
        return _start_attempt(message, now)


def _after_accepted(attempt: SendAttempt, accepted: Accepted) -> str:
    now = timezone.now()
    return _settle(
        attempt,
        MessageState.SENT,
        AttemptOutcome.ACCEPTED,
        now=now,
        provider_id=accepted.provider_id[:64],
        provider_status=accepted.status[:32],
        sent_at=now,
        reason="",
        error_code="",
    )


def _after_temporary(attempt: SendAttempt, error: TemporaryProviderError) -> str:
    if maybe_taken(error):
        return _settle(
            attempt, MessageState.UNKNOWN, AttemptOutcome.TEMPORARY, error, reason=REASON_NO_ANSWER
        )
    if attempt.number >= MAX_ATTEMPTS:
        reason = REASON_GAVE_UP % attempt.number
        return _settle(attempt, MessageState.FAILED, AttemptOutcome.TEMPORARY, error, reason=reason)
    now = timezone.now()
    retry_at = retry_time(attempt.message, now + backoff(attempt.number))
    if retry_at is None:
        return _settle(
            attempt, MessageState.FAILED, AttemptOutcome.TEMPORARY, error, reason=REASON_NO_HOUR
        )
    return _settle(
        attempt,
        MessageState.QUEUED,
        AttemptOutcome.TEMPORARY,
        error,
        now=now,
        not_before=retry_at,
        reason=REASON_RETRY % (error.code or "no code"),
    )


def retry_time(message: Message, after_backoff: datetime) -> datetime | None:
    """A retry waits out its backoff and then, for outreach, any quiet
    hours it would land in: a message never goes in quiet time, retried or
    not. None when no hour is allowed in every zone the person may be in."""
    if not paced(message):
        return after_backoff
    return next_allowed_hour(message.client, message.program, after_backoff)


def _after_permanent(attempt: SendAttempt, error: PermanentProviderError) -> str:
    template = REASON_ADDRESS if error.address_failed else REASON_REFUSED
    reason = template % (error.code or "no code")
    state = _settle(attempt, MessageState.FAILED, AttemptOutcome.PERMANENT, error, reason=reason)
    message = attempt.message
    if error.address_failed and message.client_id:
        kind = kind_for_channel(message.channel)
        mark_failing(message.client, message.program, kind, message.to_address, reason)
    return state


def maybe_taken(error: TemporaryProviderError) -> bool:
    """Could the provider have accepted the message despite this error?"""
    explicit = getattr(error, "maybe_sent", None)
    if explicit is not None:
        return bool(explicit)
    return not (error.code.isdigit() or error.code in NOT_SENT_CODES)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed tries."""
    delay = BACKOFF_FIRST * BACKOFF_FACTOR ** (attempts - 1)
    return delay * random.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER)


def _settle(attempt, state, outcome, error=None, now=None, **fields) -> str:
    """Write the provider's answer: the message moves only if it is still
    this attempt's (a person may have resolved it meanwhile); the attempt
    row records the answer either way. Retried through a database restart,
    since the provider has already answered and losing that answer would
    turn a clear outcome into an unknown one."""
    now = now or timezone.now()
    for pause in DB_RETRY_PAUSES:
        try:
            return _write_outcome(attempt, state, outcome, error, now, fields)
        except (OperationalError, InterfaceError):
            logger.warning(
                "dispatch: database error saving message %s; retrying", attempt.message_id
            )
            close_old_connections()
            time.sleep(pause)
    return _write_outcome(attempt, state, outcome, error, now, fields)


def _write_outcome(attempt, state, outcome, error, now, fields) -> str:
    if error is not None:
        fields.setdefault("error_code", error.code[:32])
    answer = {
        "outcome": outcome,
        "finished": now,
        "error_code": error.code[:32] if error else "",
        "detail": error.detail[:300] if error else "",
    }
    with transaction.atomic():
        moved = _update(
            Message,
            {"state": state, "updated": now, **fields},
            where="id = %s AND attempts = %s AND state IN (%s, %s)",
            params=[attempt.message_id, attempt.number, *IN_FLIGHT],
        )
        _update(SendAttempt, answer, where="id = %s", params=[attempt.pk])
        if moved:
            _audit(attempt.message, state, fields)
        if moved and state == MessageState.QUEUED:
            not_before = fields["not_before"]
            purpose = attempt.message.purpose
            transaction.on_commit(
                lambda: _enqueue(attempt.message_id, not_before, now, purpose=purpose)
            )
    if not moved:
        logger.info(
            "dispatch: message %s had moved on; attempt %s recorded only",
            attempt.message_id,
            attempt.number,
        )
        return "moved-on"
    logger.debug("dispatch: message %s attempt %s -> %s", attempt.message_id, attempt.number, state)
    return state


def _audit(message: Message, state: str, fields: dict) -> None:
    """The audit trail hears of each move in the same commit: these writes
    are SQL, which sends no model signal (docs/security.md). A sent message
    is recorded as such; the chain position it takes is held only until
    this short transaction commits."""
    if state == MessageState.SENT:
        audit.message_sent(message)
    else:
        audit.changed(message, ["state", "updated", *fields], on_commit=False)


# ---------------------------------------------------------------- the SQL of every send
#
# Each send claims its row and records its answer with the statements below,
# written as SQL rather than ORM calls: compiling ORM queries was about half
# of a worker's CPU per message (bench/RESULTS.md), and the ORM has no
# UPDATE … RETURNING to claim and read a row in one statement. The SQL is
# the same on PostgreSQL and SQLite (3.35 and later); identifiers come from
# the models, values are always parameters. Rare paths use the ORM.


def _claim_row(message_id: int, now: datetime) -> Message | None:
    """The conditional update queued → sending (attempts + 1), returning the
    row; None when no row matched (already taken, not queued, or held)."""
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(), [MessageState.SENDING, at, message_id, MessageState.QUEUED, at]
        )
        row = cursor.fetchone()
    return None if row is None else _message_from_row(row)


@functools.cache
def _claim_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in Message._meta.concrete_fields)
    return (
        f"UPDATE {quote(Message._meta.db_table)}"  # noqa: S608 (identifiers from the model)
        " SET state = %s, attempts = attempts + 1, updated = %s"
        " WHERE id = %s AND state = %s AND (not_before IS NULL OR not_before <= %s)"
        f" RETURNING {columns}"
    )


def _message_from_row(row) -> Message:
    """A Message from a row of its columns, each value converted as a query
    would (SQLite returns datetimes as text, for one)."""
    values = []
    for value, (column, converters) in zip(row, _converters(), strict=True):
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    names = [field.attname for field in Message._meta.concrete_fields]
    return Message.from_db(connection.alias, names, values)


@functools.cache
def _converters() -> list:
    # Cached once per process: the converters depend only on the backend.
    table = Message._meta.db_table
    columns = [field.get_col(table) for field in Message._meta.concrete_fields]
    return [
        (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        for column in columns
    ]


def _start_attempt(message: Message, now: datetime) -> SendAttempt:
    """Insert the "started" attempt (see _claim_row for why SQL)."""
    attempt = SendAttempt(message=message, number=message.attempts, started=now)
    quote = connection.ops.quote_name
    fields = [field for field in SendAttempt._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [
        field.get_db_prep_save(getattr(attempt, field.attname), connection) for field in fields
    ]
    table = quote(SendAttempt._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        attempt.pk = cursor.fetchone()[0]
    attempt._state.adding = False
    return attempt


def _update(model, values: dict, where: str, params: list) -> int:
    """UPDATE one model's table; each value is prepared by its field, as the
    ORM's update() does. Returns the row count."""
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    prepared = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*prepared, *params])
        return cursor.rowcount


# ---------------------------------------------------------------- queueing


def enqueue_message(message_id: int) -> None:
    """Ask a worker to send this message, at its hold time if it is held.

    Call it with ``transaction.on_commit`` after writing a queued message.
    """
    found = Message.objects.filter(pk=message_id).values_list("not_before", "purpose").first()
    if found:
        _enqueue(message_id, found[0], timezone.now(), purpose=found[1])


# A page to the on-call staff and the answer to a message in crisis go ahead
# of everything else a worker has waiting (the return form's inbox, routine
# outreach): workers take tasks by priority first.
URGENT = {Purpose.STAFF_ALERT, Purpose.CRISIS_REPLY}
URGENT_PRIORITY = 50


def _enqueue(message_id: int, not_before: datetime | None, now: datetime, purpose="") -> None:
    priority = URGENT_PRIORITY if purpose in URGENT else None
    if not_before is not None and not_before > now:
        deliver.using(run_after=not_before, priority=priority).enqueue(message_id)
    else:
        deliver.using(priority=priority).enqueue(message_id)


def release_due(now: datetime | None = None) -> int:
    """Enqueue queued messages that are due and that no task is waiting for:
    holds that have just ended, and messages whose task was lost (a worker
    killed between taking the task and claiming the message, a crash right
    after a commit). Runs after each sweep pass. Returns how many."""
    now = now or timezone.now()
    candidates = _release_candidates(now)
    waiting = _waiting_for_task([pk for pk, _updated in candidates])
    released = 0
    for pk, updated in candidates:
        if pk not in waiting and _touch(pk, updated, now):
            transaction.on_commit(lambda pk=pk: deliver.enqueue(pk))
            released += 1
    if released:
        logger.info("dispatch: released %d queued message(s)", released)
    return released


def _release_candidates(now: datetime) -> list[tuple[int, datetime]]:
    """Due queued messages untouched since their hold ended, or for a while.

    ``updated`` doubles as the lease: releasing a message sets it to now,
    so the same message is not released again for RELEASE_AFTER.
    """
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    unattended = Q(updated__lte=now - RELEASE_AFTER) | Q(updated__lt=F("not_before"))
    rows = Message.objects.filter(due, unattended, state=MessageState.QUEUED)
    return list(rows.order_by("pk").values_list("pk", "updated")[:BATCH])


def _touch(pk: int, updated: datetime, now: datetime) -> bool:
    """Take the lease; False if another sweep or a worker got there first."""
    return bool(
        Message.objects.filter(pk=pk, state=MessageState.QUEUED, updated=updated).update(
            updated=now
        )
    )


def _waiting_for_task(ids: list[int]) -> set[int]:
    """Which of these messages already have a deliver task waiting in the
    django-tasks-db queue. Other backends cannot be asked; a duplicate task
    there is harmless (the claim) and bounded (the lease)."""
    from django_tasks_db.backend import DatabaseBackend

    backend = deliver.get_backend()
    if not ids or not isinstance(backend, DatabaseBackend):
        return set()
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        backend_name=backend.alias,
        task_path=deliver.module_path,
        args_kwargs__args__0__in=ids,
    ).values_list("args_kwargs__args__0", flat=True)
    return {int(pk) for pk in rows}


# ---------------------------------------------------------------- recovery


def recover_stuck(now: datetime | None = None) -> int:
    """Messages left "sending" by a worker that stopped become "outcome
    unknown" — never queued again: the provider may have taken them. Runs
    after each sweep pass. Returns how many."""
    now = now or timezone.now()
    cutoff = now - STUCK_AFTER
    stuck = Message.objects.filter(state=MessageState.SENDING, updated__lt=cutoff)
    moved = [
        message.pk
        for message in stuck.order_by("pk").only("pk", "client_id", "program_id")[:BATCH]
        if _give_up_waiting(message, cutoff, now)
    ]
    if moved:
        logger.warning("dispatch: %d stuck message(s) now outcome-unknown: %s", len(moved), moved)
    return len(moved)


def _give_up_waiting(message: Message, cutoff: datetime, now: datetime) -> bool:
    """sending → unknown, unless its worker finished in the meantime (then
    the row no longer matches)."""
    with transaction.atomic():
        changed = Message.objects.filter(
            pk=message.pk, state=MessageState.SENDING, updated__lt=cutoff
        ).update(state=MessageState.UNKNOWN, reason=REASON_WORKER_STOPPED, updated=now)
        if changed:
            with audit.acting_as(ACTOR):
                audit.changed(message, ["state", "reason", "updated"], on_commit=False)
    return bool(changed)


def resolve_unknown(message: Message, sent: bool, by=None) -> bool:
    """A person (``by``) or the provider's status report (``by=None``)
    settles an outcome-unknown message: sent, or not sent and queued again.

    Returns False when the message was no longer unknown.
    """
    now = timezone.now()
    with transaction.atomic():
        if sent:
            changed = _resolve_as_sent(message.pk, now, by)
        else:
            changed = _resolve_as_not_sent(message.pk, now, by)
        if changed:
            _close_attempt(message.pk, now, sent, by)
            _audit_resolution(message, sent, by)
    message.refresh_from_db()
    logger.info(
        "dispatch: message %s unknown -> %s (changed=%s)", message.pk, message.state, changed
    )
    return changed


def _audit_resolution(message: Message, sent: bool, by) -> None:
    """Found sent: recorded as a sent message (once: it never was before);
    found not sent: a change. By the person, or by the provider's report."""
    with audit.acting_as("provider status report"):
        if sent:
            audit.message_sent(message, user=by)
        else:
            audit.changed(message, ["state", "reason", "not_before"], user=by, on_commit=False)


def _resolve_as_sent(pk: int, now: datetime, by) -> bool:
    reason = REASON_STAFF_SENT if by is not None else REASON_REPORTED_SENT
    started = _latest_attempt(pk).values_list("started", flat=True).first()
    unknown = Message.objects.filter(pk=pk, state=MessageState.UNKNOWN)
    return bool(
        unknown.update(state=MessageState.SENT, sent_at=started or now, reason=reason, updated=now)
    )


def _resolve_as_not_sent(pk: int, now: datetime, by) -> bool:
    reason = REASON_STAFF_RESEND if by is not None else REASON_REPORTED_NOT_SENT
    unknown = Message.objects.filter(pk=pk, state=MessageState.UNKNOWN)
    changed = unknown.update(state=MessageState.QUEUED, not_before=None, reason=reason, updated=now)
    if changed:
        transaction.on_commit(lambda: deliver.enqueue(pk))
    return bool(changed)


def _close_attempt(pk: int, now: datetime, sent: bool, by) -> None:
    """The attempt keeps its outcome ("started" stays "we never heard");
    it is finished, with who settled it."""
    who = f"staff user {by.pk}" if by is not None else "the provider's status report"
    verdict = "sent" if sent else "not sent"
    _latest_attempt(pk).filter(finished__isnull=True).update(
        finished=now, detail=f"outcome settled by {who}: {verdict}"
    )


def _latest_attempt(pk: int):
    return SendAttempt.objects.filter(
        pk__in=SendAttempt.objects.filter(message_id=pk).order_by("-number").values("pk")[:1]
    )

"""Appending events to the audit hash chain, and walking it to prove that
nothing was edited, deleted, inserted or reordered (HIPAA 164.312(b) audit
controls, 164.312(c)(1) integrity).

How two processes append at once without forking the chain, on SQLite and
PostgreSQL alike: the chain position ``seq`` is the primary key, so the
database allows one row per position. An appender reads the latest
(seq, hash), hashes its event on top of it and inserts with
``ON CONFLICT (seq) DO NOTHING``; if another appender took that position
first, nothing is inserted, and it reads the new head and tries again. On
PostgreSQL an insert that meets another transaction's uncommitted row for
the same seq waits for that transaction: it then does nothing if the other
committed, or inserts if the other rolled back, so a rolled-back event
leaves no gap. On SQLite writers are serialized by the database lock.

Why not a one-row head table moved with a conditional update: that costs a
third statement per event for the same serialization, since the unique key
already is the lock. Why not ``SELECT … FOR UPDATE``: SQLite ignores it
(STYLE.md: no locks that silently do nothing on one database).

The price of a single chain is that appends serialize: a position is held
from the insert until the inserting transaction ends. So events are written
in autocommit (views) or after the business transaction commits (the model
signals use ``transaction.on_commit``), never held across long work.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connections, router, transaction

from welcomeback.accounts.models import GENESIS, AuditEvent

# Appenders that lose the race retry; each loss means another event was
# written, so this only runs out under extreme contention.
MAX_TRIES = 200
# Rows per INSERT: 16 parameters each stays far below SQLite's limit.
BATCH = 500


class AuditWriteError(Exception):
    """The event could not be added to the chain."""


class _PositionTaken(Exception):
    pass


def append(events: Sequence[AuditEvent]) -> Sequence[AuditEvent]:
    """Add unsaved events to the end of the chain, in order, as one block."""
    for start in range(0, len(events), BATCH):
        _append_batch(events[start : start + BATCH])
    return events


def head() -> tuple[int, str]:
    """The latest event's (seq, hash); (0, GENESIS) for an empty chain."""
    row = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return row or (0, GENESIS)


def _append_batch(events: Sequence[AuditEvent]) -> None:
    alias = router.db_for_write(AuditEvent)
    for _try in range(MAX_TRIES):
        link(events, *head())
        if _insert(events, alias):
            for event in events:
                event._state.adding, event._state.db = False, alias
            return
    raise AuditWriteError(f"no free chain position after {MAX_TRIES} tries")


def link(events: Iterable[AuditEvent], seq: int, prev_hash: str) -> None:
    """Number and hash events as the successors of (seq, prev_hash)."""
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev_hash
        event.hash = prev_hash = event.compute_hash()


def _insert(events: Sequence[AuditEvent], alias: str) -> bool:
    """Insert all the events or none; False when a position was taken."""
    if len(events) == 1:  # one row is all or nothing by itself
        return _insert_rows(events, alias) == 1
    try:
        with transaction.atomic(using=alias):
            if _insert_rows(events, alias) < len(events):
                raise _PositionTaken  # rolls back the rows that did go in
    except _PositionTaken:
        return False
    return True


def _insert_rows(events: Sequence[AuditEvent], alias: str) -> int:
    """One INSERT … ON CONFLICT (seq) DO NOTHING RETURNING seq; the number of
    rows inserted. SQL because the ORM cannot say "insert unless the seq is
    taken, and tell me which" (bulk_create's ignore_conflicts returns
    nothing); identifiers come from the model, values are parameters. The
    same SQL runs on PostgreSQL and SQLite (3.35 and later)."""
    connection = connections[alias]
    fields = AuditEvent._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    seq = quote(AuditEvent._meta.pk.column)
    sql = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES {', '.join([row] * len(events))} "
        f"ON CONFLICT ({seq}) DO NOTHING RETURNING {seq}"
    )
    params = [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for event in events
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


# ---------------------------------------------------------------- verifying


@dataclass(frozen=True)
class Break:
    """The first place the chain is broken."""

    seq: int
    problem: str


@dataclass
class Walk:
    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    broken: Break | None = None


def walk(
    events: Iterable[AuditEvent],
    start: tuple[int, str] = (0, GENESIS),
    on_event: Callable[[], object] | None = None,
) -> Walk:
    """Check events given in seq order, after ``start`` (the seq and hash of
    the event before the first one; the genesis unless older events were
    archived). Stops at the first break."""
    result = Walk(last_seq=start[0], last_hash=start[1])
    for event in events:
        result.broken = problem(event, result.last_seq + 1, result.last_hash)
        if result.broken:
            return result
        result.checked += 1
        result.last_seq, result.last_hash = event.seq, event.hash
        if on_event:
            on_event()
    return result


def problem(event: AuditEvent, expected_seq: int, expected_prev: str) -> Break | None:
    """What is wrong with this event as the successor of the one before."""
    if event.seq != expected_seq:
        return Break(
            expected_seq,
            f"events {expected_seq} to {event.seq - 1} are missing: deleted from the database",
        )
    if event.compute_hash() != event.hash:
        return Break(event.seq, "its contents do not match its hash: edited in the database")
    if event.prev_hash != expected_prev:
        return Break(
            event.seq,
            f"it does not follow event {event.seq - 1}: an event was inserted, "
            f"reordered or rewritten there",
        )
    return None

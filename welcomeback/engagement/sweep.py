"""The sweep: finds engagement rows whose check is due and brings them up
to date. Time passing is the event; nobody "does" a missed session.

Several sweeps may run at once. Each claims a batch with a conditional
UPDATE (only rows that are due and not claimed), then writes its results
with a second conditional UPDATE that only touches rows still claimed by its
own token; the history's unique (engagement, seq) makes a double transition
impossible even if a claim expired. This is correct on SQLite and
PostgreSQL alike; no row locks are needed (STYLE.md).
"""

from __future__ import annotations

import functools
import json
import logging
import multiprocessing
import os
import uuid
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import DateTimeField, Q
from django.utils import timezone

from welcomeback.care.models import (
    CONTACT_STATUSES,
    NOT_COUNTED_STATUSES,
    Attendance,
    Episode,
    Expectation,
    Group,
    Program,
    Session,
    SessionStatus,
)
from welcomeback.engagement import policy
from welcomeback.engagement.models import Engagement, Status, StatusChange
from welcomeback.engagement.signals import statuses_changed
from welcomeback.lib.bulk import insert_rows, update_from_values

log = logging.getLogger(__name__)

# Rows per claim: fewer, bigger batches save round trips. CLAIM_LEASE must
# stay far longer than a batch takes (under a second; bench/RESULTS.md).
BATCH_SIZE = 1000
CLAIM_LEASE = timedelta(minutes=5)
# Processes sharing a big pass on PostgreSQL (run_once); two cores' worth.
PROCESSES = 2
# How far ahead to look for the next expected session.
LOOKAHEAD = timedelta(days=8)
# With nothing expected and no threshold ahead, look again after this.
IDLE_RECHECK = timedelta(days=1)
# A row whose evaluation fails is retried after this, so one bad row
# cannot crash-loop the sweep.
ERROR_BACKOFF = timedelta(hours=1)
RECENT_KEPT = 3
# Plain strings: a TextChoices member hashes by its name, not its value.
CONTACT = frozenset(str(status) for status in CONTACT_STATUSES)
NOT_COUNTED = frozenset(str(status) for status in NOT_COUNTED_STATUSES)

# Every column, as the claim returns them.
ROW_FIELDS = tuple(f.attname for f in Engagement._meta.concrete_fields)
WRITTEN_FIELDS = [
    "status",
    "since",
    "reason",
    "last_contact_at",
    "scanned_until",
    "first_missed_at",
    "missed_count",
    "recent_missed",
    "next_check_at",
    "checked_at",
    "returning_since",
    "seq",
    "claim_token",
    "claimed_until",
]


@dataclass
class PassResult:
    checked: int = 0
    changed: int = 0
    errors: int = 0
    lost: int = 0
    transitions: list = field(default_factory=list)

    def merge(self, other: PassResult) -> None:
        self.checked += other.checked
        self.changed += other.changed
        self.errors += other.errors
        self.lost += other.lost
        self.transitions += other.transitions


@dataclass(slots=True)
class ExpectedSession:
    starts_at: datetime
    ends_at: datetime
    label: str
    attendance: str | None


def run_once(
    now: datetime | None = None, batch_size: int = BATCH_SIZE, processes: int = 1
) -> PassResult:
    """One pass over every due row; running it twice changes nothing more.

    With ``processes`` > 1, a pass that finds more than one batch due forks
    helpers that claim batches beside it. One process alternates between
    its own Python and the database's work; two keep both cores busy
    (bench/RESULTS.md). Claims keep them apart, as they keep separate
    sweeps apart.
    """
    now = now or timezone.now()
    result = PassResult()
    token = uuid.uuid4()
    claimed = claim_batch(now, token, batch_size)
    helpers = []
    if processes > 1 and len(claimed) == batch_size and can_fork():
        helpers = start_helpers(now, batch_size, processes - 1)
    try:
        while claimed:
            process_batch(claimed, now, token, result)
            claimed = claim_batch(now, token, batch_size)
    finally:
        for helper in helpers:
            result.merge(helper.join())
    return result


def default_processes() -> int:
    """What ``manage.py sweep`` runs: two processes on PostgreSQL, where the
    database server works beside them; one on SQLite, which has one writer."""
    return PROCESSES if connection.vendor == "postgresql" else 1


def can_fork() -> bool:
    """A child process needs its own connection to the same database: not
    an in-memory SQLite one, and not in the middle of a transaction."""
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    return hasattr(os, "fork") and not in_memory and not connection.in_atomic_block


class Helper:
    """A forked process that sweeps beside this one until nothing is due."""

    def __init__(self, now: datetime, batch_size: int):
        context = multiprocessing.get_context("fork")
        self.receiving, sending = context.Pipe(duplex=False)
        self.process = context.Process(
            target=helper_pass, args=(now, batch_size, sending), daemon=True
        )
        self.process.start()
        sending.close()

    def join(self) -> PassResult:
        try:
            result = self.receiving.recv()
        except EOFError:  # it died; its claims lapse after CLAIM_LEASE
            log.error("a sweep helper process ended without a result")
            result = PassResult(errors=1)
        self.process.join()
        return result


def start_helpers(now: datetime, batch_size: int, count: int) -> list[Helper]:
    # The children must not share this connection's socket: close it first;
    # each process opens its own on its next query.
    connection.close()
    return [Helper(now, batch_size) for _ in range(count)]


def helper_pass(now: datetime, batch_size: int, sending) -> None:
    result = PassResult()
    token = uuid.uuid4()
    try:
        while claimed := claim_batch(now, token, batch_size):
            process_batch(claimed, now, token, result)
    except Exception:
        log.exception("a sweep helper process failed")
        result.errors += 1
    finally:
        sending.send(result)
        sending.close()
        connection.close()


def due_rows(now: datetime):
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Engagement.objects.filter(next_check_at__lte=now).filter(free)


def claim_batch(now: datetime, token: uuid.UUID, batch_size: int) -> list[SweepRow]:
    """Claim up to ``batch_size`` due rows for ``token`` and return them;
    an empty list only when nothing is left due for this pass."""
    while due_ids := find_due(now, batch_size):
        with fast_timestamps():
            rows = claim(due_ids, now, token)
        if rows:
            attach_programs(rows)
            in_utc(rows)
            return rows
        # Another sweep (or a helper of this one) read the same due rows and
        # claimed them first: they are no longer free, so the next look
        # finds others. Stopping here would leave the rest to the others.
    return []


class SweepRow:
    """An Engagement row as the sweep reads and writes it: the model's
    columns as plain attributes, and its program. Building a model instance
    for each of 100,000 rows cost more than evaluating them."""

    __slots__ = (*ROW_FIELDS, "program")

    def __init__(self, values):
        for name, value in zip(ROW_FIELDS, values, strict=True):
            setattr(self, name, value)
        if isinstance(self.recent_missed, str):  # a plain cursor gives the JSON text
            self.recent_missed = json.loads(self.recent_missed)

    @property
    def pk(self) -> int:
        return self.episode_id


# What the status rules read and write: a SweepRow, or an Engagement model
# instance (outreach's cadence asks drift_anchor about one).
Row = SweepRow | Engagement


@dataclass(slots=True)
class Transition:
    """A StatusChange row to insert (bulk.insert_rows reads the same names)."""

    engagement_id: int
    seq: int
    from_status: str
    to_status: str
    at: datetime
    reason: str
    recorded: datetime


def claim(ids: list[int], now: datetime, token: uuid.UUID) -> list[SweepRow]:
    """The conditional UPDATE that takes the rows of ``ids`` still due and
    unclaimed for ``token``; returns the rows it took (RETURNING saves
    reading them again)."""
    lease = now + CLAIM_LEASE
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        claimed = due_rows(now).filter(pk__in=ids).update(claim_token=token, claimed_until=lease)
        mine = Engagement.objects.filter(pk__in=ids, claim_token=token)
        return [SweepRow(values) for values in mine.values_list(*ROW_FIELDS)] if claimed else []
    meta = Engagement._meta
    q = connection.ops.quote_name
    column = {name: q(meta.get_field(name).column) for name in ROW_FIELDS}
    prep = {
        name: meta.get_field(name).get_db_prep_value(value, connection)
        for name, value in (
            ("claim_token", token),
            ("claimed_until", lease),
            ("next_check_at", now),
        )
    }
    in_ids, ids_param = pk_in(ids)
    sql = (
        f"UPDATE {q(meta.db_table)} SET {column['claim_token']} = %s, "  # noqa: S608
        f"{column['claimed_until']} = %s "
        f"WHERE {column[meta.pk.attname]} {in_ids} AND {column['next_check_at']} <= %s "
        f"AND ({column['claimed_until']} IS NULL OR {column['claimed_until']} < %s) "
        f"RETURNING {', '.join(column.values())}"
    )
    at = prep["next_check_at"]
    params = [prep["claim_token"], prep["claimed_until"], ids_param, at, at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [SweepRow(values) for values in cursor.fetchall()]


def pk_in(ids: list[int]) -> tuple[str, object]:
    """``IN (ids)`` as one parameter, whatever the number of ids: an array
    on PostgreSQL, a JSON list on SQLite."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", list(ids)
    return "IN (SELECT value FROM json_each(%s))", json.dumps(list(ids))


def find_due(now: datetime, batch_size: int) -> list[int]:
    """The ids of due_rows(now), oldest first: the partial index
    ``engagement_due`` answers it. Plain SQL, because with nothing due this
    is a whole pass and the ORM would spend longer compiling it than the
    database spends answering it."""
    at = Engagement._meta.get_field("next_check_at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(due_sql(connection.vendor), [at, at, batch_size])
        return [pk for (pk,) in cursor.fetchall()]


@functools.cache
def due_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    meta = Engagement._meta
    column = {name: q(meta.get_field(name).column) for name in ("next_check_at", "claimed_until")}
    return (
        f"SELECT {q(meta.pk.column)} FROM {q(meta.db_table)} "  # noqa: S608
        f"WHERE {column['next_check_at']} <= %s "
        f"AND ({column['claimed_until']} IS NULL OR {column['claimed_until']} < %s) "
        f"ORDER BY {column['next_check_at']} LIMIT %s"
    )


def in_utc(rows: list[SweepRow]) -> None:
    """Datetimes in ``datetime.UTC``, as Django's loader gives them."""
    fields = [f.attname for f in Engagement._meta.concrete_fields if isinstance(f, DateTimeField)]
    for row in rows:
        for name in fields:
            value = getattr(row, name)
            if value is not None and getattr(value, "tzinfo", None) is not UTC:
                setattr(row, name, as_utc(value))


def attach_programs(rows: list[SweepRow]) -> None:
    """One query for the batch's few programs instead of a join per row."""
    programs = Program.objects.in_bulk({row.program_id for row in rows})
    for row in rows:
        row.program = programs[row.program_id]


def process_batch(rows: list[SweepRow], now: datetime, token, result: PassResult) -> None:
    sessions = expected_sessions(rows, now)
    changes = []
    for row in rows:
        try:
            change = evaluate(row, sessions.get(row.pk, []), now)
        except Exception:
            log.exception("sweep could not evaluate engagement %s", row.pk)
            result.errors += 1
            row.next_check_at = now + ERROR_BACKOFF
            change = None
        row.claim_token = None
        row.claimed_until = None
        if change:
            changes.append(change)
    while rows:
        try:
            write_batch(rows, changes, token)
            break
        except LostClaimError:
            # Some rows' leases ran out and another sweep has them now: keep
            # what is still ours and write that, so the rest never waits.
            rows, changes, lost = still_ours(rows, changes, token)
            log.warning("sweep lost its claim on %s rows of a batch", lost)
            result.lost += lost
    result.checked += len(rows)
    result.changed += len(changes)
    result.transitions += [(c.engagement_id, c.from_status, c.to_status) for c in changes]
    if changes:
        announce = [(c.engagement_id, c.seq, c.to_status, c.at) for c in changes]
        statuses_changed.send(Engagement, changes=announce)


def write_batch(rows, changes, token) -> None:
    with transaction.atomic():
        written = update_from_values(
            Engagement,
            WRITTEN_FIELDS,
            rows,
            where_sql="t.claim_token = %s",
            where_params=[
                Engagement._meta.get_field("claim_token").get_db_prep_save(token, connection)
            ],
        )
        if written != len(rows):
            raise LostClaimError
        # The unique (engagement, seq) refuses a transition written twice.
        insert_rows(StatusChange, changes)


def still_ours(rows, changes, token):
    ours = set(
        Engagement.objects.filter(pk__in=[row.pk for row in rows], claim_token=token).values_list(
            "pk", flat=True
        )
    )
    kept = [row for row in rows if row.pk in ours]
    return kept, [c for c in changes if c.engagement_id in ours], len(rows) - len(kept)


class LostClaimError(Exception):
    pass


def evaluate(row: Row, sessions: list[ExpectedSession], now: datetime):
    """Bring one row up to date in memory; return the StatusChange, if any."""
    program = row.program
    grace = timedelta(minutes=program.missed_grace_minutes)
    next_session_check = scan(row, sessions, now, grace)
    anchor = drift_anchor(row)
    thresholds = policy.Thresholds.of(program)
    status, crossed = policy.status_at(now, anchor, row.first_missed_at, thresholds)
    status, came_back, new_stay = after_return(row, status)
    row.reason = (
        policy.came_back_text(now, row.last_contact_at, policy.SOURCE)
        if came_back
        else reason(row, now)
    )
    candidates = [
        moment
        for moment in (
            next_session_check,
            policy.next_threshold(now, anchor, row.first_missed_at, thresholds),
        )
        if moment is not None
    ]
    row.next_check_at = min(candidates) if candidates else now + IDLE_RECHECK
    row.checked_at = now
    if status == row.status and not new_stay:
        return None
    change = Transition(
        engagement_id=row.pk,
        seq=row.seq + 1,
        from_status=row.status,
        to_status=status,
        # A status never starts before the one it follows; "engaged" again
        # starts at the contact (or the resume) that ended the drift.
        at=max(crossed or drift_anchor(row), row.since),
        reason=row.reason,
        recorded=now,
    )
    row.seq += 1
    row.status = status
    row.since = change.at
    return change


def after_return(row: Row, status: str) -> tuple[str, bool, bool]:
    """The status for someone whose episode was resumed (``returning_since``),
    whether they just came back, and whether a kept status starts anew.

    Nothing missed since the resume is not yet being engaged again: they
    keep the status they had until they attend. The first attended (or
    late) session since clears ``returning_since``."""
    if row.returning_since is None:
        return status, False, False
    if row.last_contact_at is not None and row.last_contact_at >= row.returning_since:
        row.returning_since = None
        return status, status == Status.ENGAGED and row.status != Status.ENGAGED, False
    if status == Status.ENGAGED:
        return row.status, False, False
    # A session missed since the resume: even in the status they kept from
    # before (say "missed"), it is a new stay, from that miss.
    return status, False, row.since < row.returning_since


def reason(row: Row, now: datetime) -> str:
    """Stored in the source language, whatever the active one; staff pages
    word it again in theirs."""
    return policy.reason_text(
        now,
        row.last_contact_at,
        row.started_at,
        row.missed_count,
        row.recent_missed,
        row.program.zone,
        policy.SOURCE,
    )[:300]


def drift_anchor(row: Row) -> datetime:
    """The drift clock runs from the later of the last contact and the
    (re)start of the episode."""
    if row.last_contact_at and row.last_contact_at > row.started_at:
        return row.last_contact_at
    return row.started_at


def scan(row: Row, sessions: list[ExpectedSession], now: datetime, grace) -> datetime | None:
    """Walk expected sessions after the scan mark, in time order.

    Counts misses, takes attended sessions as contact, and returns when the
    earliest session still in progress can be judged. The scan mark only
    moves past sessions that are settled, so a late roll call is never lost.
    """
    waiting_since = None
    # Misses since the last contact, noted once at the end: a contact
    # forgets the misses before it, and only the last few are described.
    missed = []
    for session in sessions:
        if session.attendance in CONTACT:
            note_contact(row, session.starts_at)
            missed = []
            if waiting_since is None:
                row.scanned_until = session.starts_at
            continue
        uncounted = session.attendance in NOT_COUNTED
        if not (uncounted or session.ends_at + grace <= now):
            if waiting_since is None:
                waiting_since = session.ends_at + grace
            continue
        if waiting_since is not None:
            continue
        row.scanned_until = session.starts_at
        if not uncounted:
            missed.append(session)
    note_misses(row, missed)
    return waiting_since


def note_contact(row: Row, at: datetime) -> None:
    if row.last_contact_at is None or at > row.last_contact_at:
        row.last_contact_at = at
    row.first_missed_at = None
    row.missed_count = 0
    row.recent_missed = []


def note_misses(row: Row, sessions: list[ExpectedSession]) -> None:
    """The same as noting each miss in turn, describing only those kept."""
    if not sessions:
        return
    row.first_missed_at = row.first_missed_at or sessions[0].starts_at
    row.missed_count += len(sessions)
    described = [{"at": s.starts_at.isoformat(), "group": s.label} for s in sessions[-RECENT_KEPT:]]
    row.recent_missed = [*row.recent_missed, *described][-RECENT_KEPT:]


def expected_sessions(rows: list[Row], now: datetime) -> dict[int, list[ExpectedSession]]:
    """Each row's expected, scheduled sessions after its scan mark, up to
    a week ahead, with the person's attendance mark if any; one query for
    the whole batch, whatever the history size."""
    if not rows:
        return {}
    by_episode: dict[int, list[ExpectedSession]] = {row.pk: [] for row in rows}
    lower = {row.pk: row.scanned_until or drift_anchor(row) for row in rows}
    for episode_id, starts_at, ends_at, label, mark in read_expected(
        *expected_sessions_sql(list(by_episode), now + LOOKAHEAD, now)
    ):
        starts_at, ends_at = as_utc(starts_at), as_utc(ends_at)
        if starts_at <= lower[episode_id]:
            continue
        by_episode[episode_id].append(ExpectedSession(starts_at, ends_at, label or "", mark))
    for sessions in by_episode.values():
        sessions.sort(key=lambda s: s.starts_at)
    return by_episode


def read_expected(sql: str, params: list) -> list[tuple]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # A few index lookups per row: a parallel plan or JIT compilation only
    # adds start-up time to it, whatever the planner estimates. (A speed-up
    # only; the results are the same.)
    with transaction.atomic(), fast_timestamps(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('max_parallel_workers_per_gather', '0', true), "
            "set_config('jit', 'off', true)"
        )
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def fast_timestamps():
    """Read timestamptz columns with psycopg's own loader, written in C: the
    same instants, aware and in UTC, as Django's, which wraps the
    pure-Python loader and would cost the sweep more than all its other
    reading. Only for the sweep's own queries (a Django execute wrapper)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.execute_wrapper(register_fast_timestamps):
        yield


def register_fast_timestamps(execute, sql, params, many, context):
    adapters = getattr(context["cursor"].cursor, "adapters", None)  # psycopg 3
    if adapters is not None:
        from psycopg.types.datetime import TimestamptzLoader

        adapters.register_loader("timestamptz", TimestamptzLoader)
    return execute(sql, params, many, context)


def expected_sessions_sql(
    episode_ids: list[int], until: datetime, now: datetime | None = None
) -> tuple[str, list]:
    """The batch's expectations are found once (the index on episode), then
    a group's sessions through the index on (group, start), or the one
    appointment by its key; each mark is one lookup in attendance's unique
    (session, client) index. The rule is care.expectations.covering's.

    Ahead of ``now`` only the sessions up to the first one still to be
    judged matter to ``scan``: it waits on that one and skips the rest, so
    each group expectation stops there (one more probe of the same index
    finds it). That keeps a week of look-ahead from tripling the rows.
    """
    q = connection.ops.quote_name
    tables = {
        "x": Expectation._meta.db_table,
        "s": Session._meta.db_table,
        "g": Group._meta.db_table,
        "e": Engagement._meta.db_table,
        "ep": Episode._meta.db_table,
        "a": Attendance._meta.db_table,
    }
    t = {alias: q(name) for alias, name in tables.items()}
    ids, ids_param = pk_in(episode_ids)
    settled, settled_param = values_in(sorted(CONTACT | NOT_COUNTED))
    found = f"""
        SELECT x.episode_id, x.group_id, x.session_id, x.weekday, x.starts, x.ends,
            ep.client_id,
            g.name AS label,
            COALESCE(e.scanned_until, CASE WHEN e.last_contact_at > e.started_at
                THEN e.last_contact_at ELSE e.started_at END) AS lower
        FROM {t["x"]} x
        JOIN {t["e"]} e ON e.episode_id = x.episode_id
        JOIN {t["ep"]} ep ON ep.id = x.episode_id
        LEFT JOIN {t["g"]} g ON g.id = x.group_id
        WHERE x.episode_id {ids}
    """  # noqa: S608 -- quoted names only; the values are parameters
    in_range = """
        s.status = %s
        AND s.starts_at >= x.starts AND (x.ends IS NULL OR s.starts_at < x.ends)
        AND s.starts_at > x.lower AND s.starts_at <= %s
    """
    # A reduced schedule: only the group's sessions on that weekday.
    on_weekday = "AND (x.weekday IS NULL OR s.local_weekday = x.weekday)"
    mark = (
        f"SELECT a.status FROM {t['a']} a "  # noqa: S608 -- quoted names only
        "WHERE a.session_id = s.id AND a.client_id = x.client_id"
    )
    # The first session after now with no mark that settles it (attended,
    # late, excused, cancelled): scan waits on it.
    first_pending = (
        f"SELECT s.starts_at FROM {t['s']} s "  # noqa: S608 -- quoted names only
        f"WHERE s.group_id = x.group_id AND {in_range} {on_weekday} AND s.starts_at > %s "
        # The mark as a scalar lookup in the unique (session, client) index:
        # as NOT EXISTS, PostgreSQL would read all the person's marks instead.
        f"AND NOT (COALESCE(({mark}), '') {settled}) "
        "ORDER BY s.starts_at LIMIT 1"
    )
    expected = f"SELECT x.*, COALESCE(({first_pending}), %s) AS upper FROM found x"  # noqa: S608
    sql = (
        f"WITH found AS ({found}), expected AS ({expected}) "  # noqa: S608
        f"SELECT x.episode_id, s.starts_at, s.ends_at, x.label, ({mark}) "
        f"FROM expected x JOIN {t['s']} s ON s.group_id = x.group_id "
        f"WHERE {in_range} {on_weekday} AND s.starts_at <= x.upper "
        f"UNION ALL "
        f"SELECT x.episode_id, s.starts_at, s.ends_at, g.name, ({mark}) "
        f"FROM found x JOIN {t['s']} s ON s.id = x.session_id "
        f"LEFT JOIN {t['g']} g ON g.id = s.group_id WHERE {in_range}"
    )
    field = Session._meta.get_field("starts_at")
    db_until = field.get_db_prep_value(until, connection)
    db_now = field.get_db_prep_value(now or timezone.now(), connection)
    condition = [SessionStatus.SCHEDULED, db_until]
    return sql, [
        ids_param,
        *condition,
        db_now,
        settled_param,
        db_until,
        *condition,
        *condition,
    ]


def values_in(values: list[str]) -> tuple[str, object]:
    """``IN (values)`` as one parameter, like pk_in."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", list(values)
    return "IN (SELECT value FROM json_each(%s))", json.dumps(list(values))


def as_aware(value) -> datetime:
    if isinstance(value, str):  # SQLite returns raw text from a plain cursor
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


# psycopg's loader gives datetimes in the session's time zone, which Django
# sets to UTC: ZoneInfo("UTC"), a cached instance.
SESSION_UTC = zoneinfo.ZoneInfo("UTC")


def as_utc(value) -> datetime:
    """An aware datetime in ``datetime.UTC``, as Django's own loaders give
    (comparing datetimes with two different tzinfo objects is slower)."""
    zone = getattr(value, "tzinfo", None)
    if zone is UTC:
        return value
    if zone is SESSION_UTC:
        return value.replace(tzinfo=UTC)
    return as_aware(value).astimezone(UTC)

"""The sweep: finds engagement rows whose check is due and brings them up
to date. Time passing is the event; nobody "does" a missed session.

Several sweeps may run at once. Each claims a batch with a conditional
UPDATE (only rows that are due and not claimed), then writes its results
with a second conditional UPDATE that only touches rows still claimed by its
own token; the history's unique (engagement, seq) makes a double transition
impossible even if a claim expired. This is correct on SQLite and
PostgreSQL alike; no row locks are needed (STYLE.md).
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import override

from welcomeback.care.models import (
    CONTACT_STATUSES,
    NOT_COUNTED_STATUSES,
    Attendance,
    Episode,
    Expectation,
    Group,
    Session,
    SessionStatus,
)
from welcomeback.engagement import policy
from welcomeback.engagement.models import Engagement, StatusChange
from welcomeback.lib.bulk import update_from_values

log = logging.getLogger(__name__)

BATCH_SIZE = 500
CLAIM_LEASE = timedelta(minutes=5)
# How far ahead to look for the next expected session.
LOOKAHEAD = timedelta(days=8)
# With nothing expected and no threshold ahead, look again after this.
IDLE_RECHECK = timedelta(days=1)
# A row whose evaluation fails is retried after this, so one bad row
# cannot crash-loop the sweep.
ERROR_BACKOFF = timedelta(hours=1)
RECENT_KEPT = 3

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


@dataclass
class ExpectedSession:
    starts_at: datetime
    ends_at: datetime
    label: str
    attendance: str | None


def run_once(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> PassResult:
    """One pass over every due row; running it twice changes nothing more."""
    now = now or timezone.now()
    result = PassResult()
    token = uuid.uuid4()
    while claimed := claim_batch(now, token, batch_size):
        process_batch(claimed, now, token, result)
    return result


def due_rows(now: datetime):
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Engagement.objects.filter(next_check_at__lte=now).filter(free)


def claim_batch(now: datetime, token: uuid.UUID, batch_size: int) -> list[Engagement]:
    due_ids = list(
        due_rows(now).order_by("next_check_at").values_list("pk", flat=True)[:batch_size]
    )
    if not due_ids:
        return []
    claimed = (
        due_rows(now)
        .filter(pk__in=due_ids)
        .update(claim_token=token, claimed_until=now + CLAIM_LEASE)
    )
    if claimed == 0:
        return []  # another sweep took them all first
    return list(Engagement.objects.filter(claim_token=token).select_related("program", "episode"))


def process_batch(rows: list[Engagement], now: datetime, token, result: PassResult) -> None:
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
    try:
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
            StatusChange.objects.bulk_create(changes)
    except LostClaimError:
        # Our lease ran out and another sweep has these rows now.
        log.warning("sweep lost its claim on a batch of %s rows", len(rows))
        result.lost += len(rows)
        return
    result.checked += len(rows)
    result.changed += len(changes)
    result.transitions += [(c.engagement_id, c.from_status, c.to_status) for c in changes]


class LostClaimError(Exception):
    pass


def evaluate(row: Engagement, sessions: list[ExpectedSession], now: datetime):
    """Bring one row up to date in memory; return the StatusChange, if any."""
    program = row.program
    grace = timedelta(minutes=program.missed_grace_minutes)
    next_session_check = scan(row, sessions, now, grace)
    anchor = drift_anchor(row)
    thresholds = policy.Thresholds.of(program)
    status, crossed = policy.status_at(now, anchor, row.first_missed_at, thresholds)
    with override(None):
        row.reason = policy.reason_text(
            now,
            row.last_contact_at,
            row.started_at,
            row.missed_count,
            row.recent_missed,
            program.zone,
        )[:300]
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
    if status == row.status:
        return None
    change = StatusChange(
        engagement_id=row.pk,
        seq=row.seq + 1,
        from_status=row.status,
        to_status=status,
        at=crossed or row.last_contact_at or now,
        reason=row.reason,
        recorded=now,
    )
    row.seq += 1
    row.status = status
    row.since = change.at
    return change


def drift_anchor(row: Engagement) -> datetime:
    """The drift clock runs from the later of the last contact and the
    (re)start of the episode."""
    if row.last_contact_at and row.last_contact_at > row.started_at:
        return row.last_contact_at
    return row.started_at


def scan(row: Engagement, sessions: list[ExpectedSession], now: datetime, grace) -> datetime | None:
    """Walk expected sessions after the scan mark, in time order.

    Counts misses, takes attended sessions as contact, and returns when the
    earliest session still in progress can be judged. The scan mark only
    moves past sessions that are settled, so a late roll call is never lost.
    """
    waiting_since = None
    for session in sessions:
        if session.attendance in CONTACT_STATUSES:
            note_contact(row, session.starts_at)
            if waiting_since is None:
                row.scanned_until = session.starts_at
            continue
        settled = session.attendance in NOT_COUNTED_STATUSES or session.ends_at + grace <= now
        if not settled:
            if waiting_since is None:
                waiting_since = session.ends_at + grace
            continue
        if waiting_since is not None:
            continue
        row.scanned_until = session.starts_at
        if session.attendance not in NOT_COUNTED_STATUSES:
            note_miss(row, session)
    return waiting_since


def note_contact(row: Engagement, at: datetime) -> None:
    if row.last_contact_at is None or at > row.last_contact_at:
        row.last_contact_at = at
    row.first_missed_at = None
    row.missed_count = 0
    row.recent_missed = []


def note_miss(row: Engagement, session: ExpectedSession) -> None:
    row.first_missed_at = row.first_missed_at or session.starts_at
    row.missed_count += 1
    recent = [*row.recent_missed, {"at": session.starts_at.isoformat(), "group": session.label}]
    row.recent_missed = recent[-RECENT_KEPT:]


def expected_sessions(rows: list[Engagement], now: datetime) -> dict[int, list[ExpectedSession]]:
    """Each row's expected, scheduled sessions after its scan mark, up to
    a week ahead, with the person's attendance mark if any; two queries'
    worth of SQL for the whole batch, whatever the history size."""
    if not rows:
        return {}
    by_episode: dict[int, list[ExpectedSession]] = {row.pk: [] for row in rows}
    lower = {row.pk: row.scanned_until or drift_anchor(row) for row in rows}
    with connection.cursor() as cursor:
        cursor.execute(*expected_sessions_sql(list(by_episode), now + LOOKAHEAD))
        for episode_id, starts_at, ends_at, label, mark in cursor.fetchall():
            starts_at = as_aware(starts_at)
            if starts_at <= lower[episode_id]:
                continue
            by_episode[episode_id].append(
                ExpectedSession(starts_at, as_aware(ends_at), label or "", mark)
            )
    for sessions in by_episode.values():
        sessions.sort(key=lambda s: s.starts_at)
    return by_episode


def expected_sessions_sql(episode_ids: list[int], until: datetime) -> tuple[str, list]:
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
    ids = ", ".join(["%s"] * len(episode_ids))
    lower = (
        "COALESCE(e.scanned_until, CASE WHEN e.last_contact_at > e.started_at "
        "THEN e.last_contact_at ELSE e.started_at END)"
    )
    common = f"""
        JOIN {t["e"]} e ON e.episode_id = x.episode_id
        JOIN {t["ep"]} ep ON ep.id = x.episode_id
        LEFT JOIN {t["g"]} g ON g.id = s.group_id
        LEFT JOIN {t["a"]} a ON a.session_id = s.id AND a.client_id = ep.client_id
        WHERE x.episode_id IN ({ids})
          AND s.status = %s
          AND s.starts_at >= x.starts AND (x.ends IS NULL OR s.starts_at < x.ends)
          AND s.starts_at > {lower}
          AND s.starts_at <= %s
    """
    select = "SELECT x.episode_id, s.starts_at, s.ends_at, g.name, a.status"
    sql = (
        f"{select} FROM {t['x']} x JOIN {t['s']} s ON s.group_id = x.group_id {common} "
        f"UNION ALL "
        f"{select} FROM {t['x']} x JOIN {t['s']} s ON s.id = x.session_id {common}"
    )
    db_until = Session._meta.get_field("starts_at").get_db_prep_value(until, connection)
    params = [*episode_ids, SessionStatus.SCHEDULED, db_until]
    return sql, params * 2


def as_aware(value) -> datetime:
    if isinstance(value, str):  # SQLite returns raw text from a plain cursor
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value

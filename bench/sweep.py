"""Benchmark the sweep (ARCHITECTURE.md, Targets).

Builds a dedicated database with N active enrollments (episodes with their
Engagement rows, each expected at a real group meeting three times a week)
and M attendance rows, then measures in one run:

- a full pass, every active row due (the state a first sweep finds after a
  history import: each row as ``recheck_after_attendance`` left it);
- a pass with nothing due (the same ``now``, right after the full pass);
- the bare SQL query that finds the same due rows,
  ``SELECT episode_id FROM engagement WHERE next_check_at <= now``,
  while everything is due and again while nothing is.

Targets: full pass <= 10 s; idle pass <= 50 ms; idle pass <= 3x the bare
query (bench/RESULTS.md says why the ratio is read on the idle pass).

    .venv/bin/python bench/sweep.py                      # PostgreSQL, full size
    .venv/bin/python bench/sweep.py --keep               # reuse the built data
    .venv/bin/python bench/sweep.py --database-url sqlite:///var/bench.sqlite3 \\
        --enrollments 10000 --attendance 1000000

The data is built with set-based SQL (INSERT ... SELECT over
generate_series on PostgreSQL, a recursive CTE on SQLite), never the ORM.
"""

import argparse
import contextlib
import math
import os
import platform
import resource
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wb_bench"
BUILD_VERSION = "1"  # bump when the data's shape changes, so --keep rebuilds

# The shape of the data.
GROUP_SIZE = 12  # active people per group
ENROLLMENTS_PER_PROGRAM = 2000
WEEKS_BACK = 26  # ~6 months of past sessions...
WEEKS_AHEAD = 4  # ...and the program's 28-day horizon ahead
SESSIONS_PER_GROUP = (WEEKS_BACK + WEEKS_AHEAD) * 3
PAST_FOR_SURE = WEEKS_BACK * 3  # session numbers below this ended before this week
DISCHARGED_HISTORY = 40  # sessions attended by each discharged client
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
]
# Weekly slot patterns, by group number modulo 4: (weekdays, local start).
PATTERNS = [
    ((0, 2, 4), clock(9, 0)),
    ((0, 2, 4), clock(18, 0)),
    ((1, 3, 5), clock(10, 0)),
    ((1, 3, 5), clock(17, 30)),
]
DURATION_MINUTES = 180

# Filled in by main() once Django is set up.
connection = None
quote = None
SWEEP_ONLY = [False]  # --sweep-only


# ---------------------------------------------------------------- set-up


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_SWEEP_DATABASE_URL", DEFAULT_URL),
        help=f"A dedicated benchmark database, created if missing (default {DEFAULT_URL}).",
    )
    parser.add_argument("--enrollments", type=int, default=100_000)
    parser.add_argument("--attendance", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="Reuse data built by an earlier run.")
    parser.add_argument("--batch-size", type=int, default=None, help="Default: the sweep's own.")
    parser.add_argument("--repeat", type=int, default=50, help="Idle-pass and bare-query runs.")
    parser.add_argument("--explain", action="store_true", help="Print the main query plans.")
    parser.add_argument(
        "--sweeps", type=int, default=1, help="Also time this many sweeps sweeping at once."
    )
    parser.add_argument(
        "--sweep-only",
        action="store_true",
        help="Disconnect the receivers of engagement's statuses_changed signal (outreach's "
        "cadence) to time the sweep's own work.",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="Processes sharing the full pass, as run_once(processes=N) (default: what "
        "manage.py sweep runs, 2 on PostgreSQL and 1 on SQLite).",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        default=None,
        help="Run the full pass under cProfile and write its stats to FILE (the timings "
        "of that run are inflated by the profiler).",
    )
    parser.add_argument(
        "--dump",
        metavar="DIR",
        default=None,
        help="Write every Engagement and StatusChange row to DIR after the full pass and after "
        "a second pass 30 hours later, to compare two versions of the sweep (diff the files).",
    )
    return parser.parse_args()


def database_name(url: str) -> tuple[str, dict]:
    import dj_database_url

    config = dj_database_url.parse(url)
    return config["ENGINE"].rsplit(".", 1)[-1], config


def refuse_shared_databases(engine: str, config: dict) -> None:
    name = str(config["NAME"])
    if engine == "sqlite3":
        if Path(name).resolve() == (ROOT / "var" / "welcomeback.sqlite3").resolve():
            sys.exit("Refusing to benchmark in the development database; pick another file.")
        return
    if name in ("test", "postgres") or name.startswith("test_"):
        sys.exit(f"Refusing to benchmark in database {name!r}: the tests use it. Pick another.")


def create_postgres_database(config: dict) -> None:
    import psycopg

    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            print(f"creating database {config['NAME']}")
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup_django(url: str) -> None:
    global connection, quote
    os.environ["DATABASE_URL"] = url
    # Measure what production runs: DEBUG off (no query log kept).
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "welcomeback.settings"
    import django

    django.setup()
    from django.db import connection as default_connection

    connection = default_connection
    quote = connection.ops.quote_name


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# ------------------------------------------------------------ SQL helpers


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def run(sql: str, params=()) -> int:
    """Execute; always with a parameter list, so a literal % is written %%."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
        return row[0] if row else None


def table(model) -> str:
    return quote(model._meta.db_table)


def series(lo: int, hi: int) -> str:
    """A FROM item with one integer column ``i`` for lo <= i < hi."""
    if on_postgres():
        return f"generate_series({lo}, {hi - 1}) AS s(i)"
    return (
        f"(WITH RECURSIVE r(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM r "
        f"WHERE i + 1 < {hi}) SELECT i FROM r) AS s"
    )


def mix(expr: str, salt: int, modulo: int) -> str:
    """A well-spread pseudo-random 0 <= n < modulo from an integer (Fibonacci
    hashing; the same numbers on PostgreSQL and SQLite)."""
    return f"(((({expr}) * 2654435761 + {salt * 40503}) %% 4294967296) / 65536 %% {modulo})"


def dt(value: datetime) -> str:
    """A datetime literal in the form the ORM stores it."""
    if on_postgres():
        return f"CAST('{value.isoformat()}' AS timestamptz)"
    return f"'{connection.ops.adapt_datetimefield_value(value)}'"


def minutes_after(expr: str, minutes: str) -> str:
    if on_postgres():
        return f"(({expr}) + ({minutes}) * INTERVAL '1 minute')"
    return f"datetime({expr}, printf('%%+d minutes', {minutes}))"


def insert_select(model, values: dict[str, str], source: str) -> int:
    """INSERT INTO the model's table SELECT the given expressions FROM
    source. Columns left out get the field's default as a parameter, so a
    field added to a model later does not break the benchmark."""
    columns, selects, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.attname in values:
            columns.append(quote(field.column))
            selects.append(values[field.attname])
            continue
        if field.primary_key:
            continue  # the database numbers it
        # The default, or "" for a blank text field, or None.
        value = field.get_db_prep_save(field.get_default(), connection)
        if value is None and not field.null:
            raise RuntimeError(f"bench/sweep.py needs a value for {model.__name__}.{field.name}")
        columns.append(quote(field.column))
        selects.append("%s")
        params.append(value)
    sql = (
        f"INSERT INTO {table(model)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {source}"
    )
    return run(sql, params)


# ------------------------------------------------------------- the build


def models():
    from welcomeback.care import models as care
    from welcomeback.engagement import models as engagement

    return care, engagement


def bulky_tables():
    care, engagement = models()
    return [
        care.Attendance,
        care.Session,
        care.Client,
        care.Episode,
        care.Expectation,
        engagement.Engagement,
    ]


def empty_database(engine: str, config: dict) -> None:
    """Start from nothing: every care and engagement table emptied."""
    from django.apps import apps

    bench_tables = ["meta", "enrollment", "discharged", "baseline", "slot", "pattern"]
    for name in (f"bench_{suffix}" for suffix in bench_tables):
        run(f"DROP TABLE IF EXISTS {name}")
    if engine == "sqlite3":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{config['NAME']}{suffix}").unlink(missing_ok=True)
        migrate()
        return
    tables = [
        table(model)
        for label in ("care", "engagement")
        for model in apps.get_app_config(label).get_models()
    ]
    run(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def drop_secondary_indexes() -> list[str]:
    """Drop the big tables' secondary indexes and unique constraints for the
    load; returns the statements that put them back."""
    names = [model._meta.db_table for model in bulky_tables()]
    with connection.cursor() as cursor:
        if on_postgres():
            cursor.execute(PG_INDEXES_SQL, [names, names])
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.execute(
                "SELECT 'DROP INDEX ' || quote(name), sql FROM sqlite_master "
                f"WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
                names,
            )
        pairs = cursor.fetchall()
    for drop, _create in pairs:
        run(drop)
    return [create for _drop, create in pairs]


PG_INDEXES_SQL = """
    SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', cl.relname, co.conname),
           format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', cl.relname, co.conname,
                  pg_get_constraintdef(co.oid))
    FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
    WHERE co.contype = 'u' AND cl.relname = ANY(%s)
    UNION ALL
    SELECT format('DROP INDEX %%I', ix.relname), pg_get_indexdef(ix.oid)
    FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid
    JOIN pg_class cl ON cl.oid = i.indrelid
    WHERE cl.relname = ANY(%s) AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = ix.oid)
"""


def foreign_key_checks(enabled: bool) -> None:
    """Off while loading data that is consistent by construction."""
    if on_postgres():
        # Not a superuser: load with the checks on.
        with contextlib.suppress(Exception):
            run(f"SET session_replication_role = {'origin' if enabled else 'replica'}")
        return
    run(f"PRAGMA foreign_keys = {'ON' if enabled else 'OFF'}")


class Plan:
    """Sizes derived from the requested enrollments and attendance."""

    def __init__(self, enrollments: int, attendance: int, now: datetime):
        self.now = now
        self.enrollments = enrollments
        self.attendance = attendance
        self.groups = math.ceil(enrollments / GROUP_SIZE)
        self.programs = max(1, math.ceil(enrollments / ENROLLMENTS_PER_PROGRAM))
        self.discharged = 0  # known once the active attendance is in


def build(plan: Plan, progress) -> None:
    steps = [
        ("programs", lambda: build_programs(plan)),
        ("groups", lambda: build_groups(plan)),
        ("sessions", lambda: build_sessions(plan)),
        ("enrollments", lambda: build_enrollments(plan)),
    ]
    for label, step in steps:
        progress.set_postfix_str(label)
        step()
    progress.set_postfix_str("attendance")
    active = build_active_attendance(plan, progress)
    build_discharged(plan, active, progress)


def build_programs(plan: Plan) -> None:
    care, _ = models()
    insert_select(care.Organization, {"id": "1", "name": "'Benchmark Health'"}, series(0, 1))
    insert_select(
        care.Site,
        {"id": "i + 1", "organization_id": "1", "name": "'Site ' || (i + 1)"},
        series(0, plan.programs),
    )
    zones = " ".join(f"WHEN {n} THEN '{zone}'" for n, zone in enumerate(ZONES))
    insert_select(
        care.Program,
        {
            "id": "i + 1",
            "site_id": "i + 1",
            "name": "'Adult IOP ' || (i + 1)",
            "neutral_name": "'Program ' || (i + 1)",
            "time_zone": f"CASE i %% {len(ZONES)} {zones} END",
        },
        series(0, plan.programs),
    )


def build_groups(plan: Plan) -> None:
    care, _ = models()
    insert_select(
        care.Group,
        {
            "id": "i + 1",
            "program_id": f"i %% {plan.programs} + 1",
            "name": "'Group ' || (i + 1)",
            "duration_minutes": str(DURATION_MINUTES),
        },
        series(0, plan.groups),
    )
    run("CREATE TABLE bench_pattern (pattern int, n int, weekday int, t varchar(8))")
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_pattern VALUES (%s, %s, %s, %s)",
            [
                (pattern, n, day, f"{start:%H:%M:%S}")
                for pattern, (days, start) in enumerate(PATTERNS)
                for n, day in enumerate(days)
            ],
        )
    insert_select(
        care.GroupSlot,
        {
            "id": "(g.id - 1) * 3 + p.n + 1",
            "group_id": "g.id",
            "weekday": "p.weekday",
            "starts_at": "CAST(p.t AS time)" if on_postgres() else "p.t",
        },
        f"{table(care.Group)} g JOIN bench_pattern p ON p.pattern = (g.id - 1) %% 4",
    )
    run("DROP TABLE bench_pattern")


def slot_times(plan: Plan) -> list[tuple]:
    """(program, pattern, n, starts, ends) for every session number of each
    program's slot patterns: local calendar maths, then UTC, exactly as
    welcomeback.care.schedule does, so DST never moves a group."""
    from welcomeback.care.schedule import local_start_to_utc

    rows = []
    duration = timedelta(minutes=DURATION_MINUTES)
    for program in range(plan.programs):
        zone = zoneinfo_for(ZONES[program % len(ZONES)])
        today = plan.now.astimezone(zone).date()
        monday = today - timedelta(days=today.weekday(), weeks=WEEKS_BACK)
        for pattern, (days, start) in enumerate(PATTERNS):
            for n in range(SESSIONS_PER_GROUP):
                week, slot = divmod(n, len(days))
                day = monday + timedelta(weeks=week, days=days[slot])
                starts = local_start_to_utc(day, start, zone)
                rows.append((program + 1, pattern, n, starts, starts + duration))
    return rows


def zoneinfo_for(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


def build_sessions(plan: Plan) -> None:
    care, _ = models()
    stamp = "timestamptz" if on_postgres() else "text"
    run(
        f"CREATE TABLE bench_slot (program_id bigint, pattern int, n int, "
        f"starts_at {stamp}, ends_at {stamp})"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_slot VALUES (%s, %s, %s, %s, %s)",
            [(p, pat, n, adapt(s), adapt(e)) for p, pat, n, s, e in slot_times(plan)],
        )
    # About one session in a hundred is cancelled by the program (holidays).
    insert_select(
        care.Session,
        {
            "id": f"(g.id - 1) * {SESSIONS_PER_GROUP} + b.n + 1",
            "program_id": "g.program_id",
            "group_id": "g.id",
            "kind": "'group'",
            "starts_at": "b.starts_at",
            "ends_at": "b.ends_at",
            "status": f"CASE WHEN {mix('g.id * 1000 + b.n', 1, 100)} = 0 "
            "THEN 'cancelled' ELSE 'scheduled' END",
        },
        f"{table(care.Group)} g JOIN bench_slot b "
        "ON b.program_id = g.program_id AND b.pattern = (g.id - 1) %% 4",
    )
    run("DROP TABLE bench_slot")


def gap_minutes(i: str) -> str:
    """How long ago each active person last came, as a mix: most come,
    some just missed, others lapse, disengage or drift away."""
    bucket = mix(i, 3, 100)
    day = 1440
    return (
        f"(CASE WHEN {bucket} < 55 THEN 0 "
        f"WHEN {bucket} < 65 THEN {day} * (2 + {mix(i, 4, 5)}) "
        f"WHEN {bucket} < 75 THEN {day} * (7 + {mix(i, 4, 7)}) "
        f"WHEN {bucket} < 85 THEN {day} * (14 + {mix(i, 4, 14)}) "
        f"WHEN {bucket} < 95 THEN {day} * (28 + {mix(i, 4, 62)}) "
        f"ELSE {day} * (90 + {mix(i, 4, 90)}) END)"
    )


def build_enrollments(plan: Plan) -> None:
    """One client, active episode, expectation and Engagement row each."""
    started_minutes = f"(1440 * (1 + {mix('i', 1, 182)}) + {mix('i', 2, 600)})"
    now = dt(plan.now)
    run(
        "CREATE TABLE bench_enrollment AS SELECT i, "
        f"i %% {plan.groups} + 1 AS group_id, "
        f"(i %% {plan.groups}) %% {plan.programs} + 1 AS program_id, "
        f"{minutes_after(now, '-' + started_minutes)} AS start_at, "
        f"{minutes_after(now, '-' + gap_minutes('i'))} AS last_at "
        f"FROM {series(0, plan.enrollments)}"
    )
    run("CREATE INDEX bench_enrollment_i ON bench_enrollment (i)")
    people(plan, "bench_enrollment b", active=True)


def people(plan: Plan, source: str, active: bool) -> None:
    """Clients, episodes, expectations and engagement rows for ``source``
    (columns i, group_id, program_id, start_at and, if discharged, end_at)."""
    care, engagement = models()
    now = dt(plan.now)
    insert_select(
        care.Client,
        {
            "id": "b.i + 1",
            "organization_id": "1",
            "external_id": "'B' || (b.i + 1)",
            "first_name": "'Person' || (b.i + 1)",
            "last_name": "'Bench'",
            "created": "b.start_at",
        },
        source,
    )
    insert_select(
        care.Episode,
        {
            "id": "b.i + 1",
            "client_id": "b.i + 1",
            "program_id": "b.program_id",
            "status": "'active'" if active else "'finished'",
            "started": "b.start_at",
            "ended": "NULL" if active else "b.end_at",
            "discharge_reason": "NULL" if active else f"1 + {mix('b.i', 7, 2)}",
            "created": "b.start_at",
        },
        source,
    )
    insert_select(
        care.Expectation,
        {
            "id": "b.i + 1",
            "episode_id": "b.i + 1",
            "group_id": "b.group_id",
            "starts": "b.start_at",
            "ends": "NULL" if active else "b.end_at",
        },
        source,
    )
    insert_select(
        engagement.Engagement,
        {
            "episode_id": "b.i + 1",
            "program_id": "b.program_id",
            "status": "'engaged'",
            "since": "b.start_at",
            "started_at": "b.start_at",
            "next_check_at": "NULL",
            "checked_at": "NULL" if active else now,
        },
        source,
    )


def build_active_attendance(plan: Plan, progress) -> int:
    """Roll call for every past session since each person started: mostly
    attended before their last visit; missed after it, with one in seven
    misses never marked at all."""
    care, _ = models()
    before = minutes_after(dt(plan.now), "-60")
    mark = mix("s.id + b.i * 7919", 5, 100)
    status = (
        f"CASE WHEN s.starts_at > b.last_at THEN 'missed' "
        f"WHEN {mark} < 80 THEN 'attended' WHEN {mark} < 88 THEN 'late' "
        f"WHEN {mark} < 96 THEN 'missed' ELSE 'excused' END"
    )
    total = 0
    chunk = max(1, plan.enrollments // 50)
    for lo in range(0, plan.enrollments, chunk):
        written = insert_select(
            care.Attendance,
            {
                "session_id": "s.id",
                "client_id": "b.i + 1",
                "episode_id": "b.i + 1",
                "status": status,
                "drop_in": "FALSE",
                "source": "'import'",
                "recorded_at": minutes_after("s.ends_at", "10"),
            },
            f"bench_enrollment b JOIN {table(care.Session)} s ON s.group_id = b.group_id "
            f"AND s.starts_at >= b.start_at AND s.ends_at <= {before} "
            f"AND s.status = 'scheduled' "
            f"WHERE b.i >= {lo} AND b.i < {lo + chunk} "
            f"AND (s.starts_at <= b.last_at OR {mark} < 86)",
        )
        total += written
        progress.update(written)
    return total


def build_discharged(plan: Plan, active: int, progress) -> None:
    """The rest of the attendance belongs to people discharged during the
    six months: each attended a run of sessions of one group."""
    care, _ = models()
    rows = plan.attendance - active
    if rows <= 0:
        print(f"\nnote: the active enrollments alone have {active} attendance rows")
        return
    first = plan.enrollments
    plan.discharged = math.ceil(rows / DISCHARGED_HISTORY)
    progress.set_postfix_str("discharged people")
    offset = mix("b.i", 6, PAST_FOR_SURE - DISCHARGED_HISTORY)
    session_id = f"(b.group_id - 1) * {SESSIONS_PER_GROUP} + {offset} + 1"
    # Started the day before their first session; discharged 100 days later.
    run(
        "CREATE TABLE bench_discharged AS SELECT q.*, "
        f"{minutes_after('s.starts_at', '-1440')} AS start_at, "
        f"{minutes_after('s.starts_at', str(100 * 1440))} AS end_at FROM ("
        f"SELECT i, i %% {plan.groups} + 1 AS group_id, "
        f"(i %% {plan.groups}) %% {plan.programs} + 1 AS program_id "
        f"FROM {series(first, first + plan.discharged)}) AS q "
        f"JOIN {table(care.Session)} s ON s.id = (q.group_id - 1) * {SESSIONS_PER_GROUP} "
        f"+ {mix('q.i', 6, PAST_FOR_SURE - DISCHARGED_HISTORY)} + 1"
    )
    run("CREATE INDEX bench_discharged_i ON bench_discharged (i)")
    people(plan, "bench_discharged b", active=False)
    mark = mix("s.id + b.i * 7919", 8, 100)
    status = (
        "CASE WHEN s.status = 'cancelled' THEN 'cancelled' "
        f"WHEN {mark} < 70 THEN 'attended' WHEN {mark} < 78 THEN 'late' "
        f"WHEN {mark} < 93 THEN 'missed' ELSE 'excused' END"
    )
    chunk = 200_000
    progress.set_postfix_str("attendance, discharged")
    for lo in range(0, rows, chunk):
        hi = min(rows, lo + chunk)
        written = insert_select(
            care.Attendance,
            {
                "session_id": "s.id",
                "client_id": "b.i + 1",
                "episode_id": "b.i + 1",
                "status": status,
                "drop_in": "FALSE",
                "source": "'import'",
                "recorded_at": minutes_after("s.ends_at", "10"),
            },
            f"(SELECT {first} + i / {DISCHARGED_HISTORY} AS i, i %% {DISCHARGED_HISTORY} AS n "
            f"FROM {series(lo, hi)}) AS r "
            f"JOIN bench_discharged b ON b.i = r.i "
            f"JOIN {table(care.Session)} s ON s.id = {session_id} + r.n",
        )
        progress.update(written)
    run("DROP TABLE bench_discharged")


def finish_build(plan: Plan, indexes: list[str]) -> None:
    from django.core.management.color import no_style

    care, engagement = models()
    for create in indexes:
        run(create)
    sequenced = [care.Organization, care.Site, care.Program, care.Group, care.GroupSlot]
    sequenced += bulky_tables()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), sequenced):
            cursor.execute(statement)
    run(
        "CREATE TABLE bench_baseline AS SELECT a.episode_id, "
        "MAX(CASE WHEN a.status IN ('attended', 'late') THEN s.starts_at END) "
        "AS last_contact_at, MAX(a.recorded_at) AS last_recorded_at "
        f"FROM {table(care.Attendance)} a JOIN {table(care.Session)} s ON s.id = a.session_id "
        f"WHERE a.episode_id <= {plan.enrollments} GROUP BY a.episode_id"
    )
    run("CREATE TABLE bench_meta (k varchar(40) PRIMARY KEY, v varchar(200))")
    meta = {
        "version": BUILD_VERSION,
        "now": plan.now.isoformat(),
        "enrollments": plan.enrollments,
        "attendance": plan.attendance,
    }
    for key, value in meta.items():
        run("INSERT INTO bench_meta VALUES (%s, %s)", [key, str(value)])


def read_meta() -> dict | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT k, v FROM bench_meta", [])
            return dict(cursor.fetchall())
    except Exception:
        if not connection.get_autocommit():
            connection.rollback()
        return None


def reusable(meta: dict | None, args) -> bool:
    return bool(meta) and meta == {
        "version": BUILD_VERSION,
        "now": meta["now"],
        "enrollments": str(args.enrollments),
        "attendance": str(args.attendance),
    }


def build_all(args, engine: str, config: dict) -> datetime:
    from tqdm import tqdm

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    plan = Plan(args.enrollments, args.attendance, now)
    empty_database(engine, config)
    if on_postgres():
        run("SET maintenance_work_mem = '1GB'")
        run("SET synchronous_commit = off")
    foreign_key_checks(False)
    indexes = drop_secondary_indexes()
    started = time.perf_counter()
    with tqdm(total=plan.attendance, unit=" rows", unit_scale=True, desc="building") as bar:
        build(plan, bar)
        bar.set_postfix_str("indexes")
        finish_build(plan, indexes)
    foreign_key_checks(True)
    analyze()
    print(f"built in {time.perf_counter() - started:.0f} s")
    return now


def analyze() -> None:
    run("VACUUM ANALYZE" if on_postgres() else "ANALYZE")


# ----------------------------------------------------------- measurement


def reset_engagement(enrollments: int) -> None:
    """Every active row as ``recheck_after_attendance`` left it after the
    person's last roll call: due, nothing scanned, no sweep run yet; and
    nothing left of what an earlier pass set off in other apps."""
    _, engagement = models()
    empty_downstream()
    run(f"DELETE FROM {table(engagement.StatusChange)}")
    run(
        f"UPDATE {table(engagement.Engagement)} SET status = 'engaged', since = started_at, "
        "reason = '', last_contact_at = NULL, scanned_until = NULL, first_missed_at = NULL, "
        "missed_count = 0, recent_missed = '[]', next_check_at = started_at, "
        "checked_at = NULL, seq = 0, claim_token = NULL, claimed_until = NULL "
        f"WHERE episode_id <= {enrollments}"
    )
    run(
        f"UPDATE {table(engagement.Engagement)} AS t SET last_contact_at = b.last_contact_at, "
        "next_check_at = b.last_recorded_at FROM bench_baseline b "
        "WHERE t.episode_id = b.episode_id"
    )
    analyze()


def downstream_models() -> list:
    """Models of other apps that hang off episodes or engagement rows,
    directly or through each other (outreach's cadence and messages, tasks,
    return requests...). The build puts nothing there, so whatever they
    hold came from an earlier pass's signal receivers."""
    from django.apps import apps

    care, engagement = models()
    found = {care.Episode, engagement.Engagement, engagement.StatusChange}
    others = [m for m in apps.get_models() if m._meta.app_label not in ("care", "engagement")]
    while True:
        more = {
            model
            for model in others
            if model not in found
            and any(f.related_model in found for f in model._meta.concrete_fields if f.is_relation)
        }
        if not more:
            return [model for model in others if model in found]
        found |= more


def empty_downstream() -> None:
    tables = [table(model) for model in downstream_models()]
    if not tables:
        return
    if on_postgres():
        run(f"TRUNCATE {', '.join(tables)} CASCADE")
        return
    foreign_key_checks(False)
    for name in tables:
        run(f"DELETE FROM {name}")
    foreign_key_checks(True)


@contextlib.contextmanager
def receivers(enabled: bool):
    """With --sweep-only, nobody hears engagement's statuses_changed."""
    try:
        from welcomeback.engagement.signals import statuses_changed
    except ImportError:
        yield
        return
    if enabled:
        yield
        return
    saved = statuses_changed.receivers
    statuses_changed.receivers = []
    statuses_changed.sender_receivers_cache.clear()
    try:
        yield
    finally:
        statuses_changed.receivers = saved
        statuses_changed.sender_receivers_cache.clear()


def bare_query_sql() -> str:
    _, engagement = models()
    return f"SELECT episode_id FROM {table(engagement.Engagement)} WHERE next_check_at <= %s"


def bare_query(now: datetime) -> tuple[float, int]:
    param = connection.ops.adapt_datetimefield_value(now)
    sql = bare_query_sql()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def sweep_pass(now: datetime, batch_size: int | None, processes: int = 1):
    from welcomeback.engagement import sweep

    kwargs = {"batch_size": batch_size} if batch_size else {}
    with receivers(not SWEEP_ONLY[0]):
        started = time.perf_counter()
        result = sweep.run_once(now, processes=processes, **kwargs)
        return time.perf_counter() - started, result


def downstream_rows() -> int:
    """Rows the full pass's signal receivers wrote in other apps."""
    return sum(model.objects.count() for model in downstream_models())


def status_mix(enrollments: int) -> dict[str, int]:
    _, engagement = models()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, COUNT(*) FROM {table(engagement.Engagement)} "
            f"WHERE episode_id <= {enrollments} GROUP BY status",
            [],
        )
        return dict(sorted(cursor.fetchall(), key=lambda row: -row[1]))


def backend_pid() -> int | None:
    return scalar("SELECT pg_backend_pid()") if on_postgres() else None


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time of a local process (the PostgreSQL backend serving this
    connection); None when it can't be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def full_pass(now: datetime, args, figures: dict) -> None:
    """The timed full pass, with the CPU time it took on each side: on a
    busy shared machine client + server CPU is what it would take alone."""
    pid = backend_pid()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    server, client = cpu_seconds(pid), process_cpu()
    with helper_cpu() as helpers:
        figures["full"], figures["result"] = sweep_pass(now, args.batch_size, args.processes)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    figures["client_cpu"] = process_cpu() - client
    if pid != backend_pid():
        # The pass forked helpers: the backend it began with closed then (its
        # CPU was read just before), and a new one served the rest.
        after = helpers["server"] + (cpu_seconds(backend_pid()) or 0.0)
    else:
        after = cpu_seconds(pid)
        after = None if after is None else after + helpers["server"]
    figures["server_cpu"] = None if server is None or after is None else after - server
    figures["load"] = os.getloadavg()[0]


def process_cpu() -> float:
    """CPU of this process and of its ended children (the pass's helpers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def helper_cpu():
    """Adds up the CPU of the PostgreSQL backends that served the pass's
    forked helpers, and of the one the parent closed when it forked them.
    Each is read just before its connection closes."""
    from welcomeback.engagement import sweep

    spent = {"server": 0.0}
    start_helpers, helper_pass = sweep.start_helpers, sweep.helper_pass

    def measured_start(*args):
        spent["server"] += cpu_seconds(backend_pid()) or 0.0
        return start_helpers(*args)

    def measured_helper(now, batch_size, sending):
        helper_pass(now, batch_size, Reporting(sending))

    class Reporting:
        """The helper's end of the pipe: its result carries its backend's CPU."""

        def __init__(self, sending):
            self.sending = sending

        def send(self, result):
            result.server_cpu = cpu_seconds(backend_pid()) or 0.0
            self.sending.send(result)

        def close(self):
            self.sending.close()

    join = sweep.Helper.join

    def measured_join(helper):
        result = join(helper)
        spent["server"] += getattr(result, "server_cpu", 0.0)
        return result

    sweep.start_helpers, sweep.helper_pass, sweep.Helper.join = (
        measured_start,
        measured_helper,
        measured_join,
    )
    try:
        yield spent
    finally:
        sweep.start_helpers, sweep.helper_pass, sweep.Helper.join = start_helpers, helper_pass, join


def idle_passes(now: datetime, args) -> tuple[list[float], list[float]]:
    """Idle pass and bare query, interleaved so that both see the same load."""
    idle, bare = [], []
    for _ in range(args.repeat):
        seconds, idle_result = sweep_pass(now, args.batch_size)
        assert idle_result.checked == 0, "the idle pass found due rows"
        idle.append(seconds)
        bare.append(bare_query(now)[0])
    return idle, bare


def measure(now: datetime, args) -> dict:
    figures = {}
    reset_engagement(args.enrollments)
    bare_query(now)  # warm the cache and the connection
    figures["bare_full"], figures["due"] = min(bare_query(now) for _ in range(5))
    if args.explain:
        explain(now, args.batch_size)
    full_pass(now, args, figures)
    figures["mix"] = status_mix(args.enrollments)
    figures["downstream"] = downstream_rows()
    # Straight after the pass the old index entries of 100k updated rows
    # are still there; the statistics still say everything is due.
    idle, bare = idle_passes(now, args)
    figures["idle_after"], figures["bare_after"] = statistics.median(idle), statistics.median(bare)
    # What the next passes see once autovacuum has been by.
    analyze()
    idle, bare = idle_passes(now, args)
    figures["idle"], figures["bare_idle"] = statistics.median(idle), statistics.median(bare)
    figures["idle_p95"] = sorted(idle)[max(0, math.ceil(len(idle) * 0.95) - 1)]
    if args.dump:
        dump_results(now, args)
    if args.sweeps > 1:
        reset_engagement(args.enrollments)
        figures["parallel"] = parallel_pass(now, args)
    return figures


def dump_results(now: datetime, args) -> None:
    """The equivalence check: every column the sweep writes, after the full
    pass and after a second pass 30 hours later (when many rows are due
    again), one file each; the same data and ``now`` must give the same
    files whatever the sweep's code."""
    directory = Path(args.dump)
    directory.mkdir(parents=True, exist_ok=True)
    dump_tables(directory / "first.tsv")
    later = now + timedelta(hours=30)
    _seconds, result = sweep_pass(later, args.batch_size)
    print(f"second pass 30 h later: {result.checked:,} checked, {result.changed:,} changed")
    dump_tables(directory / "second.tsv")
    print(f"equivalence dumps written to {directory}/first.tsv and second.tsv")


def dump_tables(path: Path) -> None:
    _, engagement = models()
    recent = "CAST(recent_missed AS text)" if on_postgres() else "json(recent_missed)"
    queries = [
        f"SELECT episode_id, program_id, status, since, reason, last_contact_at, started_at, "
        f"scanned_until, first_missed_at, missed_count, {recent}, next_check_at, checked_at, "
        f"seq, claim_token, claimed_until FROM {table(engagement.Engagement)} "
        "ORDER BY episode_id",
        f"SELECT engagement_id, seq, from_status, to_status, at, reason, recorded "
        f"FROM {table(engagement.StatusChange)} ORDER BY engagement_id, seq",
    ]
    with path.open("w") as out, connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, [])
            while rows := cursor.fetchmany(10_000):
                out.writelines("\t".join(map(str, row)) + "\n" for row in rows)


def parallel_pass(now: datetime, args) -> tuple[float, int]:
    """``--sweeps`` processes sweeping the same due rows at once, each
    looping like ``manage.py sweep`` until nothing is left due."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    connection.close()  # each process opens its own
    start = context.Barrier(args.sweeps + 1)
    checked = context.Queue()
    workers = [
        context.Process(target=sweep_until_done, args=(now, args, start, checked))
        for _ in range(args.sweeps)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    return seconds, sum(checked.get() for _ in workers)


def sweep_until_done(now: datetime, args, start, checked) -> None:
    from welcomeback.engagement import sweep
    from welcomeback.engagement.models import Engagement

    kwargs = {"batch_size": args.batch_size} if args.batch_size else {}
    left = Engagement.objects.filter(next_check_at__lte=now)
    total, deadline = 0, time.monotonic() + 600
    start.wait()
    while time.monotonic() < deadline:
        with receivers(not SWEEP_ONLY[0]):
            result = sweep.run_once(now, **kwargs)
        total += result.checked
        if not result.checked:
            # The other sweeps hold what is left, or nothing is.
            if not left.exists():
                break
            time.sleep(0.01)
    connection.close()
    checked.put(total)


def explain(now: datetime, batch_size: int | None) -> None:
    """EXPLAIN (ANALYZE) the claim and the expected-sessions query for the
    first batch, without changing anything."""
    from welcomeback.engagement import sweep

    size = batch_size or sweep.BATCH_SIZE
    due = sweep.due_rows(now).order_by("next_check_at")
    rows = list(due.select_related("program")[:size])
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if on_postgres() else "EXPLAIN QUERY PLAN "
    sql, params = due.values_list("pk", flat=True)[:size].query.sql_with_params()
    print_plan("claim: the due ids", prefix + sql, params)
    sql, params = sweep.expected_sessions_sql([row.pk for row in rows], now + sweep.LOOKAHEAD, now)
    print_plan("expected sessions of one batch", prefix + sql, params)


def print_plan(title: str, sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        lines = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
    print(f"\n-- {title}\n" + "\n".join(lines))


# --------------------------------------------------------------- report


def machine() -> dict[str, str]:
    import django

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        memory = f"{int(memory) / 1024 / 1024:.0f} GB"
    except OSError:
        memory = "unknown"
    if on_postgres():
        database = scalar("SELECT version()", []).split(" on ")[0]
        settings = ", ".join(
            f"{name} {scalar(f'SHOW {name}', [])}" for name in ("shared_buffers", "work_mem", "jit")
        )
        database = f"{database} ({settings})"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores, {memory} RAM",
        "os": platform.platform(),
        "python": f"Python {platform.python_version()}, Django {django.get_version()}",
        "database": database,
    }


def counts() -> dict[str, int]:
    care, engagement = models()
    names = {
        "groups": care.Group,
        "sessions": care.Session,
        "clients": care.Client,
        "episodes": care.Episode,
        "attendance": care.Attendance,
        "engagement rows": engagement.Engagement,
    }
    return {name: scalar(f"SELECT COUNT(*) FROM {table(model)}") for name, model in names.items()}


def report(figures: dict, args, info: dict, sizes: dict) -> None:
    ms = 1000
    due = figures["due"]
    per_row = figures["full"] / max(due, 1) * 1e6
    full_ratio = figures["full"] / figures["bare_full"]
    idle_ratio = figures["idle"] / figures["bare_idle"]
    checks = {
        "full pass <= 10 s": figures["full"] <= 10,
        "idle pass <= 50 ms": max(figures["idle"], figures["idle_after"]) <= 0.050,
        "idle pass <= 3x bare query": idle_ratio <= 3,
    }
    result = figures["result"]
    cpu = f"client CPU {figures['client_cpu']:.1f} s"
    if figures["server_cpu"] is not None:
        both = figures["client_cpu"] + figures["server_cpu"]
        cpu += f", PostgreSQL backend CPU {figures['server_cpu']:.1f} s, together {both:.1f} s"
    print()
    for key, value in info.items():
        print(f"{key:>10}: {value}")
    print("     sizes: " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
    batch = args.batch_size or "default"
    print(f"     batch: {batch}; idle and bare query medians of {args.repeat} runs each")
    heard = "off (--sweep-only)" if args.sweep_only else "on, as deployed"
    print(f"    signal: statuses_changed receivers {heard}")
    print(f" processes: {args.processes} sharing the full pass (run_once(processes=N))")
    print()
    print(f"bare due-rows query, all due     {figures['bare_full'] * ms:10.1f} ms  ({due:,} rows)")
    print(
        f"full pass                        {figures['full'] * ms:10.1f} ms  "
        f"({result.checked:,} checked, {result.changed:,} changed, "
        f"{result.errors} errors, {result.lost} lost)"
    )
    print(f"  {cpu}; load average {figures['load']:.1f}")
    print(f"  rows the receivers wrote in other apps: {figures['downstream']:,}")
    print(f"  per row                        {per_row:10.1f} µs")
    print(f"  vs bare query                  {full_ratio:10.1f} x")
    if "parallel" in figures:
        seconds, checked = figures["parallel"]
        print(
            f"full pass, {args.sweeps} sweeps at once      {seconds * ms:10.1f} ms  "
            f"({checked:,} checked)"
        )
    print(
        f"right after the full pass: idle pass {figures['idle_after'] * ms:.3f} ms, "
        f"bare query {figures['bare_after'] * ms:.3f} ms (stale statistics)"
    )
    print("after ANALYZE (autovacuum):")
    print(f"  bare due-rows query, none due  {figures['bare_idle'] * ms:10.3f} ms")
    print(
        f"  idle pass                      {figures['idle'] * ms:10.3f} ms  "
        f"(p95 {figures['idle_p95'] * ms:.3f} ms)"
    )
    print(f"  vs bare query                  {idle_ratio:10.2f} x")
    mix = ", ".join(f"{status} {count:,}" for status, count in figures["mix"].items())
    print(f"statuses after the full pass: {mix}")
    print()
    for name, met in checks.items():
        print(f"  [{'met' if met else 'MISSED'}] {name}")
    print()
    print(
        "| date | database | enrollments | attendance | receivers | processes | full pass "
        "| per row | CPU client + server | load | idle pass | bare query, none due | idle ÷ bare "
        "| full ÷ bare (all due) | targets met |"
    )
    met = ", ".join(name for name, ok in checks.items() if ok) or "none"
    server = figures["server_cpu"]
    cpu_cell = f"{figures['client_cpu']:.1f}" + (f" + {server:.1f}" if server is not None else "")
    cpu_cell += " s"
    print(
        f"| {datetime.now(UTC):%Y-%m-%d} | {info['database'].split(' (')[0]} "
        f"| {args.enrollments:,} | {sizes['attendance']:,} "
        f"| {'off' if args.sweep_only else 'on'} | {args.processes} | {figures['full']:.2f} s "
        f"| {per_row:.0f} µs | {cpu_cell} | {figures['load']:.1f} | {figures['idle'] * ms:.2f} ms "
        f"| {figures['bare_idle'] * ms:.2f} ms | {idle_ratio:.1f}× | {full_ratio:.0f}× | {met} |"
    )


def main() -> None:
    args = parse_args()
    SWEEP_ONLY[0] = args.sweep_only
    engine, config = database_name(args.database_url)
    refuse_shared_databases(engine, config)
    if engine == "sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    else:
        create_postgres_database(config)
    setup_django(args.database_url)
    migrate()
    meta = read_meta()
    if args.keep and reusable(meta, args):
        now = datetime.fromisoformat(meta["now"])
        print(f"reusing the data built for {now:%Y-%m-%d %H:%M} UTC")
    else:
        if args.keep:
            print("no reusable data (missing, or built for other sizes): building")
        now = build_all(args, engine, config)
    if args.processes is None:
        from welcomeback.engagement.sweep import default_processes

        args.processes = default_processes()
    info = machine()
    sizes = counts()
    figures = measure(now, args)
    report(figures, args, info, sizes)


if __name__ == "__main__":
    main()

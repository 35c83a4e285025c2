"""Benchmark the CSV import (ARCHITECTURE.md, Targets: 1M attendance rows
from CSV into PostgreSQL in <= 60 s and <= 300 MB peak memory, with a
progress bar).

Builds a dedicated database (``wb_bench_import``, dropped and made afresh
each run) with one program, GROUPS groups meeting three times a week and
GROUP_SIZE people in each, all loaded through the import itself (clients,
groups, expectations files). Then writes a synthetic attendance export of
``--rows`` rows in var/bench_import/ (chronological, as an EHR's attendance
report is) and measures, in one run:

1. ``manage.py importcsv attendance FILE`` in a child process, exactly as
   an operator runs it (progress bar on stderr): wall time, rows/s, and the
   child's peak resident memory (``getrusage(RUSAGE_CHILDREN)``).
2. The same file again: every row unchanged, nothing written.
3. The baseline: PostgreSQL's own ``COPY`` of the same file into a scratch
   table of four text columns (no keys, no checks), from this process.
   The import's time over COPY's is the price of checking and resolving
   every row.

    .venv/bin/python bench/import.py                 # 1M rows on PostgreSQL
    .venv/bin/python bench/import.py --rows 100000   # a quick look
"""

import argparse
import csv
import json
import os
import platform
import random
import secrets
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wb_bench_import"
OUT = ROOT / "var" / "bench_import"
GROUP_SIZE = 12
FIRST_DAY = date(2024, 9, 2)  # a Monday: a million rows end before today
# Weekly patterns by group number modulo 4: (weekdays, local start).
PATTERNS = [("Mon 09:00; Wed 09:00; Fri 09:00"), ("Mon 18:00; Wed 18:00; Fri 18:00")]
PATTERNS += [("Tue 10:00; Thu 10:00; Sat 10:00"), ("Tue 17:30; Thu 17:30; Sat 17:30")]
DAYS_OF = {0: [0, 2, 4], 1: [0, 2, 4], 2: [1, 3, 5], 3: [1, 3, 5]}
MARKS = ["attended"] * 80 + ["late"] * 8 + ["missed"] * 8 + ["excused"] * 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_IMPORT_URL", DEFAULT_URL))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=250)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the database's people, groups and expectations; only drop the attendance "
        "and its sessions (the set-up imports take minutes).",
    )
    return parser.parse_args()


def recreate_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if name in ("test", "postgres", "welcomeback") or name.startswith("test_"):
        sys.exit(f"Refusing to benchmark in database {name!r}; pick a dedicated one.")
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    params = {k: v for k, v in params.items() if v is not None}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "welcomeback.settings"
    import django

    django.setup()


def write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


def write_setup_files(groups: int) -> dict[str, Path]:
    """Clients, groups and expectations, in Welcome Back's own format."""
    OUT.mkdir(parents=True, exist_ok=True)
    paths = {kind: OUT / f"{kind}.csv" for kind in ("clients", "groups", "expectations")}
    start = FIRST_DAY.isoformat()
    write_csv(
        paths["groups"],
        ["group", "name", "schedule", "duration_minutes"],
        ([f"G{g}", f"Group {g}", PATTERNS[g % 4], 180] for g in range(groups)),
    )
    people = range(groups * GROUP_SIZE)
    write_csv(
        paths["clients"],
        ["client", "first_name", "last_name", "admitted"],
        ([f"P{p}", "Bench", f"Person {p}", start] for p in people),
    )
    write_csv(
        paths["expectations"],
        ["client", "group", "starts"],
        ([f"P{p}", f"G{p // GROUP_SIZE}", start] for p in people),
    )
    return paths


def attendance_rows(rows: int, groups: int):
    """Chronological: each day, each group meeting that day, each member."""
    rng = random.Random(7)
    written = 0
    day = FIRST_DAY
    while True:
        for g in range(groups):
            if day.weekday() not in DAYS_OF[g % 4]:
                continue
            when = day.isoformat()
            for member in range(GROUP_SIZE):
                yield (f"P{g * GROUP_SIZE + member}", f"G{g}", when, rng.choice(MARKS))
                written += 1
                if written == rows:
                    return
        day += timedelta(days=1)


def import_command(kind: str, path: Path, program_id: int, url: str, quiet=False):
    """Runs manage.py importcsv in a child; returns (seconds, peak RSS in MB,
    its output). The child's own peak, from wait4()."""
    env = {**os.environ, "DATABASE_URL": url}
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "importcsv",
        kind,
        str(path),
        "--program",
        str(program_id),
    ]
    if quiet:
        command.append("--no-progress")
    started = time.perf_counter()
    out = OUT / "command.out"
    server_cpu: dict[int, float] = {}
    with open(out, "w") as stdout:
        child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=stdout)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            watch_backends(server_cpu)
            time.sleep(0.5)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"importcsv {kind} failed ({child.returncode})")
    SERVER_CPU.append(sum(server_cpu.values()))
    CPU.append(usage.ru_utime + usage.ru_stime)
    # Linux reports ru_maxrss in kilobytes.
    return seconds, usage.ru_maxrss / 1024, out.read_text().strip()


CPU: list[float] = []  # each child's CPU seconds (user + system), in order
SERVER_CPU: list[float] = []  # the CPU seconds of the PostgreSQL backend serving it


def watch_backends(seen: dict[int, float]) -> None:
    """The CPU time so far of every other backend in this database (the
    child's), read from /proc: PostgreSQL runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        pids = [row[0] for row in cursor.fetchall()]
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[pid] = (int(fields[11]) + int(fields[12])) / tick


def api_bench(program, calls: int = 5, size: int = 10_000) -> tuple[float, int]:
    """The REST API's bulk attendance at ``size`` rows a call, in-process
    through Django's test client (the whole view, auth, audit and writes; no
    socket): each call re-sends ``size`` recorded marks with a new status, so
    every row is an update. Returns (rows per second, calls)."""
    from django.db import connection
    from django.test import Client

    from welcomeback.api.keys import create_key

    _key, token = create_key(program, "bench", "write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    flip = {"attended": "late", "late": "attended", "missed": "excused", "excused": "missed"}
    elapsed = 0.0
    for call in range(calls):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT session_id, client_id, status FROM care_attendance "
                "ORDER BY id LIMIT %s OFFSET %s",
                [size, call * size],
            )
            rows = [
                {"session_id": s, "client_id": c, "status": flip.get(status, "attended")}
                for s, c, status in cursor.fetchall()
            ]
        body = json.dumps({"rows": rows})
        started = time.perf_counter()
        answer = client.post(
            "/api/v1/attendance", body, content_type="application/json", secure=True
        )
        elapsed += time.perf_counter() - started
        assert answer.status_code == 200, answer.content[:300]
        assert answer.json()["written"] == size, answer.json()["refused"]
    return calls * size / elapsed, calls


def copy_baseline(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_copy; "
            "CREATE UNLOGGED TABLE bench_copy (client text, grp text, day text, status text)"
        )
        started = time.perf_counter()
        with (
            open(path, "rb") as stream,
            cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while block := stream.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def main():
    args = parse_args()
    if not args.reuse:
        recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from welcomeback.care.models import Attendance, Organization, Program, Site

    attendance = OUT / f"attendance_{args.rows}.csv"
    if args.reuse:
        program = Program.objects.get()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE care_attendance")
            cursor.execute("DELETE FROM care_session WHERE kind = 'group'")
            cursor.execute("VACUUM FULL engagement_engagement")
        print("reusing the set-up; attendance and its sessions dropped")
    else:
        call_command("migrate", interactive=False, verbosity=0)
        organization = Organization.objects.create(name="Bench Health")
        site = Site.objects.create(organization=organization, name="Bench")
        program = Program.objects.create(site=site, name="Bench IOP", neutral_name="Bench")
        print(f"writing files in {OUT.relative_to(ROOT)}")
        setup = write_setup_files(args.groups)
        header = ["client", "group", "date", "status"]
        write_csv(attendance, header, attendance_rows(args.rows, args.groups))
        for kind in ("groups", "clients", "expectations"):
            seconds, _mb, output = import_command(
                kind, setup[kind], program.pk, args.database_url, True
            )
            print(f"set-up {kind}: {seconds:.1f} s: {output.splitlines()[0]}")
    size_mb = attendance.stat().st_size / 1e6
    print(f"attendance file: {args.rows:,} rows, {size_mb:.1f} MB")

    seconds, peak_mb, output = import_command(
        "attendance", attendance, program.pk, args.database_url
    )
    cpu = CPU[-1]
    print(output)
    count = Attendance.objects.count()
    assert count == args.rows, (count, args.rows)
    again, again_mb, output_again = import_command(
        "attendance", attendance, program.pk, args.database_url, True
    )
    print(output_again.splitlines()[0])
    copy_seconds = copy_baseline(attendance)
    try:
        api_rate, api_calls = api_bench(program)
    except ImportError:
        api_rate, api_calls = None, 0  # the REST API is not in this checkout

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    rate = args.rows / seconds
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"PostgreSQL {server}")
    print(f"import: {seconds:.1f} s, {rate:,.0f} rows/s, peak RSS {peak_mb:.0f} MB")
    server = SERVER_CPU[-2]
    print(
        f"  CPU: importing process {cpu:.1f} s + PostgreSQL backend {server:.1f} s "
        f"= {cpu + server:.1f} s"
    )
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"same file again (all unchanged): {again:.1f} s, {args.rows / again:,.0f} rows/s, "
        f"peak RSS {again_mb:.0f} MB, CPU {CPU[-1]:.1f} s"
    )
    ratio = seconds / copy_seconds
    print(f"baseline COPY into a scratch table: {copy_seconds:.1f} s; import / COPY = {ratio:.1f}x")
    if api_rate:
        print(f"REST API bulk attendance, 10,000 rows a call x {api_calls}: {api_rate:,.0f} rows/s")
    met_time = "yes" if seconds <= 60 else "NO"
    met_memory = "yes" if peak_mb <= 300 else "NO"
    print(f"targets: <= 60 s {met_time}; <= 300 MB {met_memory}")
    print()
    print(
        "| date | rows | import s | CPU client + server s | rows/s | peak RSS MB "
        "| re-import s | COPY s | ratio | API rows/s |"
    )
    print(
        f"| {date.today()} | {args.rows:,} | {seconds:.1f} | {cpu:.1f} + {server:.1f} "  # noqa: DTZ011
        f"| {rate:,.0f} | {peak_mb:.0f} | {again:.1f} | {copy_seconds:.1f} "
        f"| {seconds / copy_seconds:.1f}× | {api_rate or 0:,.0f} |"
    )


if __name__ == "__main__":
    main()

"""Benchmark dispatch (ARCHITECTURE.md, Targets and Reliability).

Messages per second through the Django Tasks queue (django-tasks-db) to a
loopback provider, with real ``manage.py db_worker`` processes on
PostgreSQL, and a soak that kills workers with SIGKILL at random points.

- Throughput: the workers start and go idle; then N messages and their
  ``deliver`` tasks are committed in one transaction, and the clock runs
  from that commit until every message is "sent". The loopback receiver
  counts each message id it accepts, so duplicates are counted where a
  person would get them. Target: >= 200 messages/s with 4 workers, zero
  duplicates.
- ``--kill-soak``: keeps the workers busy and kills a random one (SIGKILL)
  every 0.05-0.3 s, starting a new one each time, until it has killed 100.
  Then it does what the sweep and the provider's status reports do later
  on: ``recover_stuck`` and ``release_due`` (run "10 minutes later"),
  drains, settles each outcome-unknown message from the receiver's record
  (it got it → sent; it did not → queued again), drains again, and checks:
  zero duplicates, nothing lost (every message sent, received exactly once).

- ``--baseline``: the same, with tasks for messages that do not exist, so
  each does one UPDATE that finds nothing: what django-tasks-db's queue and
  worker cost on their own.

    .venv/bin/python bench/dispatch.py                    # throughput
    .venv/bin/python bench/dispatch.py --messages 3000 --workers 1
    .venv/bin/python bench/dispatch.py --baseline
    .venv/bin/python bench/dispatch.py --kill-soak        # 100 kills

As production runs: ``DEBUG=false``, connections kept (``DATABASE_CONN_MAX_AGE``;
with 0 the worker reconnects for every task), ``db_worker -v 0``. The
tables are vacuumed and analysed before each run and the task table
analysed after each burst, as autovacuum keeps them (bench/RESULTS.md says
why that matters). It prints the CPU time per message of the workers, of
their PostgreSQL backends and of this process (the receiver), and the rate
that CPU cost allows on this machine's cores.

A dedicated database is created (and migrated) if missing; the benchmark
only deletes its own rows (messages keyed ``bench-dispatch:``) and tasks.
"""

import argparse
import os
import platform
import random
import secrets
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wb_bench_dispatch"
KEY_PREFIX = "bench-dispatch:"
DEADLINE_SECONDS = 600


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DISPATCH_DATABASE_URL", DEFAULT_URL),
        help=f"A dedicated PostgreSQL database, created if missing (default {DEFAULT_URL}).",
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--interval", type=float, default=0.1, help="db_worker --interval")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="Tasks for messages that do not exist: what the queue and worker cost alone.",
    )
    parser.add_argument("--kill-soak", action="store_true", help="Kill workers at random.")
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--soak-batch", type=int, default=1000, help="Messages queued per refill.")
    return parser.parse_args()


# ---------------------------------------------------------------- set-up


def prepare(url: str) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("This benchmark runs on PostgreSQL (the target names it).")
    name = config["NAME"]
    if name in ("test", "postgres") or name.startswith("test_"):
        sys.exit(f"Refusing to benchmark in database {name!r}: the tests use it.")
    create_database(config)
    os.environ.update(
        {
            "DATABASE_URL": url,
            # Measure what production runs: DEBUG off, connections kept.
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
            "DATABASE_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
            "OUTREACH_SMS_PROVIDER": "welcomeback.outreach.providers.loopback.LoopbackSms",
            "DJANGO_SETTINGS_MODULE": "welcomeback.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def create_database(config: dict) -> None:
    import psycopg

    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    params = {k: v for k, v in params.items() if v is not None}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if not found.fetchone():
            print(f"creating database {config['NAME']}")
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def clean() -> None:
    from django_tasks_db.models import DBTaskResult

    from welcomeback.outreach.dispatch import deliver
    from welcomeback.outreach.models import Message, SendAttempt

    DBTaskResult.objects.filter(task_path=deliver.module_path).delete()
    Message.objects.filter(key__startswith=KEY_PREFIX).delete()
    vacuum(DBTaskResult, Message, SendAttempt)


def vacuum(*models) -> None:
    """Start each run from tables without dead rows, as autovacuum keeps
    them. (It is off on some benchmark servers: check SHOW autovacuum; a
    queue table churns, so production needs it on.)"""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def recipient():
    from welcomeback.care.models import Client, Organization, Program, Site

    organization, _ = Organization.objects.get_or_create(name="Bench Health")
    site, _ = Site.objects.get_or_create(organization=organization, name="Bench")
    program, _ = Program.objects.get_or_create(
        site=site, name="Bench IOP", defaults={"neutral_name": "Bench", "time_zone": "UTC"}
    )
    client, _ = Client.objects.get_or_create(
        organization=organization,
        first_name="Bench",
        last_name="Person",
        defaults={"phone": "+15555550199"},
    )
    return client, program


def queue(count: int, start: int, client, program) -> tuple[list[int], float]:
    """Write ``count`` queued messages and their tasks in one transaction;
    returns the ids and the commit time (time.monotonic())."""
    from django.db import transaction
    from django.utils import timezone

    from welcomeback.outreach.dispatch import deliver
    from welcomeback.outreach.models import Message

    now = timezone.now()
    rows = [
        Message(
            client=client,
            program=program,
            channel="sms",
            purpose="missed",
            to_address=client.phone,
            sender_name="Bench",
            body="We missed you today. Reply any time.",
            key=f"{KEY_PREFIX}{start + n}",
            created=now,
            updated=now,
        )
        for n in range(count)
    ]
    with transaction.atomic():
        ids = [m.pk for m in Message.objects.bulk_create(rows)]
        for pk in ids:
            deliver.enqueue(pk)
    committed = time.monotonic()
    analyze_queue()
    return ids, committed


def analyze_queue() -> None:
    """Fresh planner statistics for the task table, as autovacuum keeps
    them in steady state. Without them, right after a burst, the workers'
    "next task" query sorts every ready row (bench/RESULTS.md)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(DBTaskResult._meta.db_table)}")


# ---------------------------------------------------------------- workers


class Workers:
    def __init__(self, receiver_url: str, interval: float):
        self.env = {**os.environ, "OUTREACH_LOOPBACK_URL": receiver_url}
        self.interval = interval
        self.running: dict[subprocess.Popen, str] = {}
        self.started = 0

    def start(self, *extra: str) -> subprocess.Popen:
        self.started += 1
        worker_id = f"bench-{os.getpid()}-{self.started}"
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "-v", "0"]
        command += ["--no-startup-delay", "--interval", str(self.interval)]
        command += ["--worker-id", worker_id, *extra]
        process = subprocess.Popen(command, cwd=ROOT, env=self.env)  # noqa: S603
        self.running[process] = worker_id
        return process

    def kill_one(self) -> None:
        """SIGKILL a random worker that has started working, start another."""
        wait_for(lambda: self.working(), "a worker to take a task")
        victim = random.choice(self.working())
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        del self.running[victim]
        self.start()

    def working(self) -> list[subprocess.Popen]:
        """Workers that have taken a task: past Django's start-up, so a kill
        lands somewhere in the work."""
        from django_tasks_db.models import DBTaskResult

        return [
            process
            for process, worker_id in self.running.items()
            if DBTaskResult.objects.filter(worker_ids__contains=[worker_id]).exists()
        ]

    def drain(self) -> None:
        """A batch worker: runs every ready task, then exits."""
        process = self.start("--batch")
        process.wait(timeout=DEADLINE_SECONDS)
        del self.running[process]

    def stop(self, how=signal.SIGTERM) -> None:
        for process in self.running:
            process.send_signal(how)
        for process in self.running:
            process.wait(timeout=DEADLINE_SECONDS)
        self.running = {}

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.stop(signal.SIGKILL)  # whatever is left when the run fails


def cpu_seconds(pids) -> float:
    """User + system CPU of these processes so far, from /proc (Linux)."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def backend_pids() -> list[int]:
    """The PostgreSQL server processes serving the workers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


class CpuMeter:
    """CPU used by the workers, their database backends and this process
    (the receiver and the poller) between start() and stop()."""

    def start(self, workers) -> None:
        self.workers = [p.pid for p in workers.running]
        self.backends = backend_pids()
        self.before = self._now()

    def stop(self) -> None:
        after = self._now()
        self.used = [b - a for a, b in zip(self.before, after, strict=True)]

    def _now(self):
        return (cpu_seconds(self.workers), cpu_seconds(self.backends), time.process_time())


def sent_count(ids_from: int) -> int:
    from welcomeback.outreach.models import Message, MessageState

    return Message.objects.filter(pk__gte=ids_from, state=MessageState.SENT).count()


def ready_tasks() -> int:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"gave up waiting for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------- the runs


def throughput(args, receiver, client, program) -> None:
    with Workers(receiver.url, args.interval) as workers:
        measure_throughput(args, receiver, client, program, workers)


def measure_throughput(args, receiver, client, program, workers) -> None:
    for _ in range(args.workers):
        workers.start()
    # Let them start, connect and go idle.
    wait_for(lambda: len(backend_pids()) >= args.workers, "the workers to connect")
    time.sleep(1)
    meter = CpuMeter()
    started = time.monotonic()
    if args.baseline:
        ids, committed = queue_idle_tasks(args.messages)
        count_done = finished_tasks
    else:
        ids, committed = queue(args.messages, 0, client, program)
        count_done = lambda: sent_count(ids[0])  # noqa: E731
    meter.start(workers)
    quarters = quarter_times(count_done, len(ids), committed)
    meter.stop()
    workers.stop()
    report_throughput(args, receiver, ids, committed - started, quarters, meter)


def quarter_times(count_done, total: int, committed: float) -> list[float]:
    """Seconds from the commit until a quarter, half, three quarters and
    all of the work was done (a rate that falls along the run shows the
    tables filling with dead rows)."""
    marks, times = [total * q // 4 for q in (1, 2, 3, 4)], []
    deadline = committed + DEADLINE_SECONDS
    while marks:
        done = count_done()
        while marks and done >= marks[0]:
            marks.pop(0)
            times.append(time.monotonic() - committed)
        if time.monotonic() > deadline:
            sys.exit("gave up waiting for the work to finish")
        time.sleep(0.05)
    return times


def report_throughput(args, receiver, ids, enqueue_seconds, quarters, meter) -> None:
    what = "tasks that find nothing to send" if args.baseline else "messages"
    elapsed = quarters[-1]
    spans = [b - a for a, b in zip([0.0, *quarters], quarters, strict=False)]
    print(f"{what:18} {len(ids)}")
    print(f"workers            {args.workers} (db_worker --interval {args.interval})")
    print(f"enqueue            {enqueue_seconds:.2f} s (in one transaction)")
    print(f"commit → all done  {elapsed:.2f} s")
    print(f"throughput         {len(ids) / elapsed:.0f} per second (target >= 200 messages/s)")
    print("by quarter         " + ", ".join(f"{len(ids) / 4 / span:.0f}" for span in spans))
    if not args.baseline:
        print(f"duplicates         {len(receiver.duplicates())}")
        print(f"not received       {len(set(ids) - set(receiver.received))}")
    per_task = [1000 * used / len(ids) for used in meter.used]
    print(
        "CPU per task       {:.2f} ms workers + {:.2f} ms PostgreSQL backends"
        " + {:.2f} ms receiver and poller".format(*per_task)
    )
    print(
        f"CPU-bound ceiling  {1000 * os.cpu_count() / sum(per_task):.0f} per second"
        " if these processes had every CPU"
    )


def queue_idle_tasks(count: int) -> tuple[list[int], float]:
    """``deliver`` tasks for message ids that do not exist: the queue and the
    worker alone, plus the one UPDATE that finds nothing to claim."""
    from django.db import transaction

    from welcomeback.outreach.dispatch import deliver

    ids = [-1 - n for n in range(count)]
    with transaction.atomic():
        for pk in ids:
            deliver.enqueue(pk)
    committed = time.monotonic()
    analyze_queue()
    return ids, committed


def finished_tasks() -> int:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from welcomeback.outreach.dispatch import deliver

    finished = DBTaskResult.objects.filter(task_path=deliver.module_path)
    return finished.filter(status=TaskResultStatus.SUCCESSFUL).count()


def kill_soak(args, receiver, client, program) -> None:
    with Workers(receiver.url, args.interval) as workers:
        soak(args, receiver, client, program, workers)


def soak(args, receiver, client, program, workers) -> None:
    started = time.monotonic()
    ids = keep_killing(args, client, program, workers)
    soak_seconds = time.monotonic() - started
    stuck, released, unknown, seen = clean_up_after(receiver, workers)
    states = final_states()
    duplicates = receiver.duplicates()
    missing = set(ids) - set(receiver.received)
    print(f"messages                 {len(ids)}")
    print(f"workers killed (SIGKILL) {args.kills} in {soak_seconds:.0f} s")
    print(f"left sending → unknown   {stuck}")
    print(f"queued, task lost        {released} (re-enqueued by release_due)")
    print(f"unknown, receiver had it {seen} (settled as sent)")
    print(f"unknown, receiver hadn't {unknown - seen} (queued again, sent once)")
    print(f"final states             {states}")
    print(f"duplicates               {len(duplicates)}")
    print(f"lost (never received)    {len(missing)}")
    ok = not duplicates and not missing and states == {"sent": len(ids)}
    print("RESULT                   " + ("ok: nothing lost, nothing twice" if ok else "FAILED"))
    if not ok:
        sys.exit(1)


def keep_killing(args, client, program, workers) -> list[int]:
    """Busy workers, one killed every 0.05-0.3 s; returns the messages queued."""
    for _ in range(args.workers):
        workers.start()
    ids: list[int] = []
    for _ in range(args.kills):
        if ready_tasks() < args.soak_batch // 4:
            ids += queue(args.soak_batch, len(ids), client, program)[0]
        time.sleep(random.uniform(0.05, 0.3))
        workers.kill_one()
    wait_for(lambda: ready_tasks() == 0, "the queue to empty")
    workers.stop()
    return ids


def clean_up_after(receiver, workers) -> tuple[int, int, int, int]:
    """What the sweep and the provider's status reports do later on: stuck
    sends become unknown, lost tasks are re-enqueued, each unknown outcome is
    settled (the receiver's record stands in for the status report)."""
    from django.utils import timezone

    from welcomeback.outreach import dispatch
    from welcomeback.outreach.models import Message, MessageState

    later = timezone.now() + timedelta(minutes=10)
    stuck = dispatch.recover_stuck(later)
    released = 0
    while batch := dispatch.release_due(later):
        released += batch
    workers.drain()
    unknown = list(Message.objects.filter(state=MessageState.UNKNOWN))
    seen = sum(1 for message in unknown if receiver.received[message.pk])
    for message in unknown:
        dispatch.resolve_unknown(message, sent=receiver.received[message.pk] > 0)
    workers.drain()
    return stuck, released, len(unknown), seen


def final_states() -> dict[str, int]:
    from django.db.models import Count

    from welcomeback.outreach.models import Message

    rows = Message.objects.filter(key__startswith=KEY_PREFIX).values_list("state")
    return dict(rows.annotate(n=Count("id")).order_by())


def autovacuum() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        return cursor.fetchone()[0]


def main() -> None:
    args = parse_args()
    prepare(args.database_url)
    from welcomeback.outreach.providers.loopback import LoopbackReceiver

    clean()
    client, program = recipient()
    print(f"{platform.node()} · {os.cpu_count()} CPUs · load {os.getloadavg()[0]:.1f}")
    print(f"PostgreSQL autovacuum {autovacuum()} (the tables were vacuumed before this run)")
    with LoopbackReceiver() as receiver:
        if args.kill_soak:
            kill_soak(args, receiver, client, program)
        else:
            throughput(args, receiver, client, program)
    print(f"load average after   {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

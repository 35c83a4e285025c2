"""Four real ``db_worker`` processes on PostgreSQL never send a message twice,
even when they are killed with SIGKILL at random points.

The provider is a loopback HTTP receiver in this process; it counts each
message id it accepts, so a duplicate is seen where it would reach a person.
"""

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import person, riverbend
from welcomeback.accounts.models import AuditEvent
from welcomeback.outreach import dispatch
from welcomeback.outreach.models import Message, MessageState
from welcomeback.outreach.providers import reset_providers
from welcomeback.outreach.providers.loopback import LoopbackReceiver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = 2000  # the figure
KILLS = 12  # the soak (bench/dispatch.py --kill-soak) does 100
BATCH = 500  # messages queued at a time in the kill test, to keep workers busy
DEADLINE_SECONDS = 90


@pytest.fixture
def receiver():
    with LoopbackReceiver() as running:
        yield running


@pytest.fixture
def drain(receiver, monkeypatch):
    """A worker in this process, in batch mode: runs what is ready, then
    returns (no second Django start-up to wait for)."""
    monkeypatch.setenv("OUTREACH_LOOPBACK_URL", receiver.url)
    loopback = {"sms": "welcomeback.outreach.providers.loopback.LoopbackSms"}

    def run() -> None:
        reset_providers()
        with override_settings(OUTREACH_PROVIDERS=loopback):
            call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        reset_providers()

    return run


@pytest.fixture
def pool(receiver, tmp_path):
    workers = WorkerPool(receiver.url, tmp_path)
    yield workers
    workers.stop_all(graceful=False)


class WorkerPool:
    """``manage.py db_worker`` processes on the test database."""

    def __init__(self, receiver_url: str, log_dir: Path):
        self.log = (log_dir / "workers.log").open("ab")
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DATABASE_CONN_MAX_AGE": "60",
            "OUTREACH_SMS_PROVIDER": "welcomeback.outreach.providers.loopback.LoopbackSms",
            "OUTREACH_LOOPBACK_URL": receiver_url,
            "LOG_LEVEL": "WARNING",
        }
        self.processes: dict[subprocess.Popen, str] = {}
        self.started = 0

    def start(self, *extra: str) -> subprocess.Popen:
        self.started += 1
        worker_id = f"test-worker-{self.started}"
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "-v", "0"]
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            [*command, "--no-startup-delay", "--interval", "0.1", "--worker-id", worker_id, *extra],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        self.processes[process] = worker_id
        return process

    def kill_one(self) -> None:
        """SIGKILL a random working worker; start another."""
        wait_until(self._working)
        victim = random.choice(self._working())
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        del self.processes[victim]
        self.start()

    def _working(self) -> list[subprocess.Popen]:
        """Workers that have taken a task: past their start-up, so a kill
        lands somewhere in the work rather than in Django's set-up."""
        return [
            process
            for process, worker_id in self.processes.items()
            if DBTaskResult.objects.filter(worker_ids__contains=[worker_id]).exists()
        ]

    def stop_all(self, graceful: bool = True) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM if graceful else signal.SIGKILL)
        for process in self.processes:
            process.wait(timeout=DEADLINE_SECONDS)
        self.processes = {}


def database_url() -> str:
    """The test database, for the worker processes."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{quote(db['USER'])}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def maya():
    program = riverbend()
    return person(program, "Maya"), program


def queue_messages(maya, count: int, first: int = 0) -> list[int]:
    """Queued messages and their tasks, committed together."""
    client, program = maya
    now = timezone.now()
    rows = [
        Message(
            client=client,
            program=program,
            channel="sms",
            purpose="missed",
            to_address=client.phone,
            sender_name="Riverbend",
            body="We missed you today.",
            key=f"workers:{n}",
            created=now,
            updated=now,
        )
        for n in range(first, first + count)
    ]
    with transaction.atomic():
        ids = [m.pk for m in Message.objects.bulk_create(rows)]
        for pk in ids:
            dispatch.deliver.enqueue(pk)
    analyze_queue()
    return ids


def analyze_queue() -> None:
    """Planner statistics for the task table, as autovacuum keeps them: with
    none, the workers' next-task query sorts every ready row, each time."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(DBTaskResult._meta.db_table)}")


def states() -> dict[str, int]:
    rows = Message.objects.values_list("state").order_by()
    counts: dict[str, int] = {}
    for (state,) in rows:
        counts[state] = counts.get(state, 0) + 1
    return counts


def wait_until(condition, seconds: float = DEADLINE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out; states now {states()}"
        time.sleep(0.1)


def sent_events() -> list[int]:
    rows = AuditEvent.objects.filter(action="message_sent", object_type="outreach.message")
    return sorted(int(pk) for pk in rows.values_list("object_id", flat=True))


def ready_tasks() -> int:
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()


def test_four_workers_send_two_thousand_messages_each_once(receiver, pool, maya):
    ids = queue_messages(maya, MESSAGES)

    for _ in range(4):
        pool.start()
    wait_until(lambda: states().get(MessageState.SENT) == MESSAGES)
    pool.stop_all()

    assert receiver.duplicates() == {}
    assert sorted(receiver.received) == sorted(ids)
    assert states() == {MessageState.SENT: MESSAGES}
    assert sent_events() == sorted(ids)  # each once, and the chain is whole
    call_command("verifyaudit", verbosity=0)


def test_workers_killed_at_random_points_lose_nothing_and_send_nothing_twice(
    receiver, pool, drain, maya
):
    ids = queue_messages(maya, BATCH)
    for _ in range(4):
        pool.start()
    for _ in range(KILLS):
        if ready_tasks() < BATCH // 2:
            ids += queue_messages(maya, BATCH, first=len(ids))
        time.sleep(random.uniform(0.05, 0.3))
        pool.kill_one()
    wait_until(lambda: ready_tasks() == 0)
    pool.stop_all()

    # What the sweep does after its passes, run "later" than STUCK_AFTER.
    later = timezone.now() + timedelta(minutes=10)
    stuck = dispatch.recover_stuck(later)
    released = dispatch.release_due(later)
    drain()
    # The provider's status reports settle each unknown outcome; here the
    # receiver's own record stands in for them.
    unknown = list(Message.objects.filter(state=MessageState.UNKNOWN))
    for message in unknown:
        dispatch.resolve_unknown(message, sent=receiver.received[message.pk] > 0)
    drain()

    print(f"{len(ids)} messages, {KILLS} kills: stuck {stuck}, released {released}, ", end="")
    print(f"unknown {len(unknown)}")
    assert receiver.duplicates() == {}
    assert sorted(receiver.received) == sorted(ids)
    assert states() == {MessageState.SENT: len(ids)}
    assert sent_events() == sorted(ids)
    call_command("verifyaudit", verbosity=0)

"""Dispatch: one task per message, the message row carries the state, and a
message is sent at most once whatever the provider answers.

The provider here is a fake that answers from a script; the real worker
(``manage.py db_worker --batch``) runs in the last tests, and four worker
processes race on PostgreSQL in test_dispatch_workers.py.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import person, riverbend, travel
from welcomeback.accounts.models import AuditEvent
from welcomeback.engagement import hooks
from welcomeback.outreach import dispatch
from welcomeback.outreach.models import (
    AttemptOutcome,
    ContactPoint,
    Message,
    MessageState,
    PointKind,
    SendAttempt,
)
from welcomeback.outreach.providers import (
    Accepted,
    PermanentProviderError,
    TemporaryProviderError,
    reset_providers,
)
from welcomeback.outreach.providers.loopback import LoopbackReceiver
from welcomeback.worklist.models import Task, TaskKind

MONDAY_NOON = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # 12:00 in New York


class FakeSms:
    """Answers from ``script`` in order (an exception to raise, or None to
    accept), then accepts; ``asked`` lists every message id it was given."""

    script: list = []
    asked: list = []
    on_send = None

    def send(self, message):
        FakeSms.asked.append(message.pk)
        if FakeSms.on_send:
            FakeSms.on_send(message)
        outcome = FakeSms.script.pop(0) if FakeSms.script else None
        if outcome is not None:
            raise outcome
        return Accepted(provider_id=f"SM{message.pk}x{len(FakeSms.asked)}")


@pytest.fixture(autouse=True)
def fake_provider():
    FakeSms.script, FakeSms.asked, FakeSms.on_send = [], [], None
    reset_providers()
    with override_settings(OUTREACH_PROVIDERS={"sms": "tests.test_dispatch.FakeSms"}):
        yield FakeSms
    reset_providers()


@pytest.fixture
def maya():
    program = riverbend()
    return person(program, "Maya"), program


def queued(maya, n=1, **fields):
    client, program = maya
    values = {
        "client": client,
        "program": program,
        "channel": "sms",
        "purpose": "missed",
        "to_address": client.phone,
        "sender_name": "Riverbend",
        "body": "We missed you today. Reply any time.",
        "key": f"missed:{client.pk}:{n}",
        "created": timezone.now(),
        "updated": timezone.now(),
    }
    return Message.objects.create(**{**values, **fields})


def reload(message):
    message.refresh_from_db()
    return message


def attempts(message):
    return list(message.send_attempts.order_by("number").values_list("outcome", flat=True))


def tasks_for(message):
    return DBTaskResult.objects.filter(
        task_path=dispatch.deliver.module_path, args_kwargs__args__0=message.pk
    )


# ---------------------------------------------------------------- sending


@pytest.mark.django_db
def test_a_queued_message_is_sent_and_its_attempt_recorded(maya, fake_provider):
    message = queued(maya)

    with travel(MONDAY_NOON):
        assert dispatch.deliver.call(message.pk) == MessageState.SENT

    message = reload(message)
    assert (message.state, message.attempts, message.sent_at) == ("sent", 1, MONDAY_NOON)
    assert message.provider_id == f"SM{message.pk}x1"
    attempt = message.send_attempts.get()
    assert (attempt.number, attempt.outcome, attempt.finished) == (1, "accepted", MONDAY_NOON)


@pytest.mark.django_db
def test_a_task_that_runs_twice_sends_once(maya, fake_provider):
    message = queued(maya)

    first = dispatch.deliver.call(message.pk)
    second = dispatch.deliver.call(message.pk)

    assert (first, second) == (MessageState.SENT, "skipped")
    assert fake_provider.asked == [message.pk]
    assert reload(message).attempts == 1


@pytest.mark.django_db
def test_a_held_message_waits_for_its_time(maya, fake_provider):
    message = queued(maya, not_before=MONDAY_NOON + timedelta(hours=1))

    with travel(MONDAY_NOON):
        assert dispatch.deliver.call(message.pk) == "skipped"
    assert (reload(message).state, fake_provider.asked) == ("queued", [])

    with travel(MONDAY_NOON + timedelta(hours=1)):
        assert dispatch.deliver.call(message.pk) == MessageState.SENT


@pytest.mark.django_db
def test_a_held_message_is_enqueued_for_the_end_of_its_hold(
    maya, django_capture_on_commit_callbacks
):
    later = MONDAY_NOON + timedelta(minutes=20)
    message = queued(maya, not_before=later)

    with travel(MONDAY_NOON):
        dispatch.enqueue_message(message.pk)

    assert tasks_for(message).get().run_after == later


@pytest.mark.django_db
def test_an_attempt_is_on_record_before_the_provider_is_called(maya, fake_provider):
    message = queued(maya)
    seen = []
    fake_provider.on_send = lambda m: seen.append((reload(m).state, attempts(m)))

    dispatch.deliver.call(message.pk)

    assert seen == [("sending", ["started"])]


# ---------------------------------------------------------------- 5xx and retries


@pytest.mark.django_db
def test_a_5xx_puts_it_back_in_the_queue_with_backoff_then_it_goes(
    maya, fake_provider, django_capture_on_commit_callbacks
):
    message = queued(maya)
    fake_provider.script = [TemporaryProviderError("503", "busy")]

    with travel(MONDAY_NOON), django_capture_on_commit_callbacks(execute=True):
        assert dispatch.deliver.call(message.pk) == MessageState.QUEUED

    message = reload(message)
    wait = message.not_before - MONDAY_NOON
    assert timedelta(seconds=48) <= wait <= timedelta(seconds=72)
    assert (message.state, message.error_code) == ("queued", "503")
    assert "trying again later" in message.reason
    assert attempts(message) == ["temporary"]
    assert tasks_for(message).get().run_after == message.not_before

    with travel(MONDAY_NOON + timedelta(seconds=30)):
        assert dispatch.deliver.call(message.pk) == "skipped"  # still backing off
    with travel(MONDAY_NOON + timedelta(minutes=2)):
        assert dispatch.deliver.call(message.pk) == MessageState.SENT

    message = reload(message)
    assert (message.state, message.attempts, message.error_code) == ("sent", 2, "")
    assert attempts(message) == ["temporary", "accepted"]


def test_backoff_grows_five_fold_with_jitter():
    for tries, minutes in [(1, 1), (2, 5), (3, 25), (4, 125)]:
        wait = dispatch.backoff(tries)
        assert timedelta(minutes=minutes * 0.8) <= wait <= timedelta(minutes=minutes * 1.2)


@pytest.mark.django_db
def test_it_gives_up_after_five_tries(maya, fake_provider):
    message = queued(maya)
    fake_provider.script = [TemporaryProviderError("500", "oops") for _ in range(5)]
    now = MONDAY_NOON

    for _ in range(5):
        with travel(now):
            dispatch.deliver.call(message.pk)
        now = max(now, reload(message).not_before or now) + timedelta(seconds=1)

    message = reload(message)
    assert (message.state, message.reason, message.attempts) == (
        "failed",
        "gave up after 5 tries",
        5,
    )
    assert attempts(message) == ["temporary"] * 5
    with travel(now):
        assert dispatch.deliver.call(message.pk) == "skipped"
    assert len(fake_provider.asked) == 5


@pytest.mark.django_db
def test_a_retry_that_would_land_in_quiet_hours_waits_for_the_morning(maya, fake_provider):
    client, program = maya
    message = queued(maya, automated=True)
    fake_provider.script = [TemporaryProviderError("503", "busy")]
    just_before_quiet = datetime(2026, 3, 3, 0, 59, 30, tzinfo=UTC)  # 19:59:30 in New York

    with travel(just_before_quiet):
        assert dispatch.deliver.call(message.pk) == MessageState.QUEUED

    morning = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)  # 09:00 in New York
    assert (program.messages_from.hour, program.messages_until.hour) == (9, 20)
    assert reload(message).not_before == morning
    with travel(morning - timedelta(minutes=1)):
        assert dispatch.deliver.call(message.pk) == "skipped"
    with travel(morning):
        assert dispatch.deliver.call(message.pk) == MessageState.SENT


@pytest.mark.django_db
def test_a_reply_someone_is_waiting_for_is_retried_after_its_backoff_alone(maya, fake_provider):
    message = queued(maya, automated=False)
    fake_provider.script = [TemporaryProviderError("503", "busy")]
    late_evening = datetime(2026, 3, 3, 1, 58, tzinfo=UTC)  # 20:58 in New York

    with travel(late_evening):
        dispatch.deliver.call(message.pk)

    assert reload(message).not_before - late_evening < timedelta(minutes=2)


@pytest.mark.django_db
def test_a_connection_that_never_opened_is_retried(maya, fake_provider):
    message = queued(maya)
    fake_provider.script = [TemporaryProviderError("connect", "refused")]

    assert dispatch.deliver.call(message.pk) == MessageState.QUEUED


# ---------------------------------------------------------------- 4xx


@pytest.mark.django_db
def test_a_permanent_error_fails_it_without_a_retry(
    maya, fake_provider, django_capture_on_commit_callbacks
):
    message = queued(maya)
    fake_provider.script = [PermanentProviderError("21610", "blocked")]

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.deliver.call(message.pk) == MessageState.FAILED

    message = reload(message)
    assert (message.state, message.error_code, message.not_before) == ("failed", "21610", None)
    assert message.reason == "the provider refused it (21610)"
    assert attempts(message) == ["permanent"]
    assert not tasks_for(message).exists()
    assert dispatch.deliver.call(message.pk) == "skipped"
    assert not ContactPoint.objects.filter(failing_since__isnull=False).exists()


@pytest.mark.django_db
def test_a_bad_number_stops_being_used_and_a_person_is_asked_for_a_new_one(maya, fake_provider):
    message = queued(maya)
    fake_provider.script = [PermanentProviderError("21211", "invalid", address_failed=True)]

    with travel(MONDAY_NOON):
        dispatch.deliver.call(message.pk)

    point = ContactPoint.objects.get(client=message.client, kind=PointKind.PHONE)
    assert (point.address, point.failing_since) == (message.to_address, MONDAY_NOON)
    task = Task.objects.get(client=message.client)
    assert (task.kind, task.program_id) == (TaskKind.NEW_CONTACT, message.program_id)
    assert "does not work" in reload(message).reason


# ---------------------------------------------------------------- unknown outcomes


@pytest.mark.django_db
def test_a_timeout_leaves_the_outcome_unknown_and_it_is_never_resent(maya, fake_provider):
    message = queued(maya)
    fake_provider.script = [TemporaryProviderError("timeout", "no answer")]

    with travel(MONDAY_NOON):
        assert dispatch.deliver.call(message.pk) == MessageState.UNKNOWN
    with travel(MONDAY_NOON + timedelta(days=1)):
        assert dispatch.deliver.call(message.pk) == "skipped"
        assert dispatch.release_due() == 0
        assert dispatch.recover_stuck() == 0

    message = reload(message)
    assert message.state == "unknown"
    assert message.reason == "the provider did not answer; waiting for its status report"
    assert fake_provider.asked == [message.pk]


@pytest.mark.django_db
def test_an_explicit_maybe_sent_flag_wins_over_the_code(maya, fake_provider):
    message = queued(maya)
    error = TemporaryProviderError("502", "gateway")
    error.maybe_sent = True
    fake_provider.script = [error]

    assert dispatch.deliver.call(message.pk) == MessageState.UNKNOWN


@pytest.mark.django_db
def test_an_unexpected_provider_failure_is_unknown_and_the_task_fails(maya, fake_provider):
    message = queued(maya)
    fake_provider.script = [KeyError("sid")]

    with pytest.raises(dispatch.ProviderCrashed, match="raised KeyError"):
        dispatch.deliver.call(message.pk)

    assert reload(message).state == "unknown"


@pytest.mark.django_db
def test_a_worker_that_stopped_mid_send_leaves_an_unknown_outcome(maya, fake_provider):
    message = queued(maya)
    with travel(MONDAY_NOON):
        dispatch.claim(message.pk, timezone.now())  # ...and the worker is killed

    with travel(MONDAY_NOON + timedelta(minutes=4)):
        assert dispatch.recover_stuck() == 0
    with travel(MONDAY_NOON + timedelta(minutes=6)):
        assert dispatch.recover_stuck() == 1
        assert dispatch.release_due() == 0

    message = reload(message)
    assert (message.state, message.reason) == (
        "unknown",
        "outcome unknown: a worker stopped mid-send",
    )
    assert attempts(message) == ["started"]
    assert fake_provider.asked == []


@pytest.mark.django_db
def test_a_late_answer_after_recovery_still_counts(maya):
    message = queued(maya)
    with travel(MONDAY_NOON):
        attempt = dispatch.claim(message.pk, timezone.now())
    with travel(MONDAY_NOON + timedelta(minutes=6)):
        dispatch.recover_stuck()
        # The "dead" worker was only slow; the provider answers now.
        dispatch._after_accepted(attempt, Accepted(provider_id="SM1"))

    message = reload(message)
    assert (message.state, message.provider_id) == ("sent", "SM1")


@pytest.mark.django_db
def test_staff_can_say_an_unknown_message_was_sent(maya, admin_user):
    message = queued(maya)
    with travel(MONDAY_NOON):
        dispatch.claim(message.pk, timezone.now())
    with travel(MONDAY_NOON + timedelta(minutes=10)):
        dispatch.recover_stuck()
        assert dispatch.resolve_unknown(message, sent=True, by=admin_user)
        assert not dispatch.resolve_unknown(message, sent=True, by=admin_user)

    assert (message.state, message.sent_at) == ("sent", MONDAY_NOON)
    assert events(message)[-1][:2] == ("message_sent", admin_user.get_username())
    attempt = message.send_attempts.get()
    assert f"staff user {admin_user.pk}: sent" in attempt.detail


@pytest.mark.django_db
def test_staff_can_say_it_was_not_sent_and_it_goes_again(
    maya, fake_provider, admin_user, django_capture_on_commit_callbacks
):
    message = queued(maya)
    fake_provider.script = [TemporaryProviderError("timeout", "no answer")]
    dispatch.deliver.call(message.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.resolve_unknown(message, sent=False, by=admin_user)
    assert (message.state, message.not_before) == ("queued", None)
    assert tasks_for(message).count() == 1

    assert dispatch.deliver.call(message.pk) == MessageState.SENT
    assert attempts(reload(message)) == ["temporary", "accepted"]


@pytest.mark.django_db
def test_a_stale_answer_does_not_overwrite_a_later_attempt(maya, fake_provider, admin_user):
    message = queued(maya)
    first = dispatch.claim(message.pk, timezone.now())
    with travel(timezone.now() + timedelta(minutes=10)):
        dispatch.recover_stuck()
        dispatch.resolve_unknown(message, sent=False, by=admin_user)
        dispatch.deliver.call(message.pk)  # the second attempt is accepted

    assert dispatch._after_temporary(first, TemporaryProviderError("503")) == "moved-on"
    message = reload(message)
    assert (message.state, message.attempts) == ("sent", 2)
    assert attempts(message) == ["temporary", "accepted"]


# ---------------------------------------------------------------- the audit trail


def events(message):
    rows = AuditEvent.objects.filter(object_type="outreach.message", object_id=str(message.pk))
    return list(rows.order_by("seq").values_list("action", "actor_label", "client_id", "detail"))


@pytest.mark.django_db
def test_a_sent_message_is_in_the_audit_trail(maya):
    message = queued(maya)

    dispatch.deliver.call(message.pk)

    assert events(message) == [("message_sent", "dispatch", message.client_id, "")]


@pytest.mark.django_db
def test_every_other_move_is_in_the_audit_trail_with_its_fields(maya, fake_provider, admin_user):
    message = queued(maya)
    fake_provider.script = [TemporaryProviderError("timeout", "no answer")]
    dispatch.deliver.call(message.pk)
    dispatch.resolve_unknown(message, sent=False, by=admin_user)

    (unknown, resolved) = events(message)
    assert unknown[:2] == ("update", "dispatch")
    assert "state" in unknown[3] and "error_code" in unknown[3]
    assert resolved[:2] == ("update", admin_user.get_username())


@pytest.mark.django_db
def test_recovery_of_a_stuck_send_is_in_the_audit_trail(maya):
    message = queued(maya)
    with travel(MONDAY_NOON):
        dispatch.claim(message.pk, timezone.now())
    with travel(MONDAY_NOON + timedelta(minutes=6)):
        dispatch.recover_stuck()

    assert [row[:3] for row in events(message)] == [("update", "dispatch", message.client_id)]


# ---------------------------------------------------------------- release_due


@pytest.mark.django_db
def test_release_due_enqueues_a_message_whose_task_was_lost(
    maya, django_capture_on_commit_callbacks
):
    with travel(MONDAY_NOON):
        lost = queued(maya, 1)
    with travel(MONDAY_NOON + timedelta(minutes=2)):
        fresh = queued(maya, 2)  # its own task is on its way

    with (
        travel(MONDAY_NOON + timedelta(minutes=3)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert dispatch.release_due() == 1
        assert dispatch.release_due() == 0  # the lease holds it for a while

    assert (tasks_for(lost).count(), tasks_for(fresh).count()) == (1, 0)


@pytest.mark.django_db
def test_release_due_leaves_a_message_whose_task_is_waiting(maya):
    with travel(MONDAY_NOON):
        message = queued(maya)
        dispatch.enqueue_message(message.pk)

    with travel(MONDAY_NOON + timedelta(hours=1)):
        assert dispatch.release_due() == 0
    assert tasks_for(message).count() == 1


@pytest.mark.django_db
def test_release_due_sends_a_hold_that_has_just_ended(maya, django_capture_on_commit_callbacks):
    with travel(MONDAY_NOON):
        held = queued(maya, not_before=MONDAY_NOON + timedelta(minutes=10))

    with travel(MONDAY_NOON + timedelta(minutes=9)):
        assert dispatch.release_due() == 0
    with (
        travel(MONDAY_NOON + timedelta(minutes=10)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert dispatch.release_due() == 1
        assert dispatch.release_due() == 0
    assert tasks_for(held).count() == 1


def test_the_sweep_runs_recovery_and_release_after_each_pass():
    assert dispatch.recover_stuck in hooks._after_pass
    assert dispatch.release_due in hooks._after_pass


# ---------------------------------------------------------------- the real worker


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_sends_what_was_queued_on_commit(maya, fake_provider):
    from django.db import transaction

    with transaction.atomic():
        messages = [queued(maya, n) for n in range(3)]
        for message in messages:
            transaction.on_commit(lambda pk=message.pk: dispatch.enqueue_message(pk))
    dispatch.enqueue_message(messages[0].pk)  # a duplicate trigger

    run_worker()

    assert {reload(m).state for m in messages} == {"sent"}
    assert sorted(fake_provider.asked) == sorted(m.pk for m in messages)
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {TaskResultStatus.SUCCESSFUL}


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_retries_a_5xx_when_its_time_comes(maya, fake_provider):
    message = queued(maya)
    fake_provider.script = [TemporaryProviderError("503", "busy")]
    dispatch.enqueue_message(message.pk)

    run_worker()
    assert reload(message).state == "queued"  # its retry is not due yet
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )
    Message.objects.filter(pk=message.pk).update(not_before=timezone.now())
    run_worker()

    assert reload(message).state == "sent"
    assert SendAttempt.objects.filter(outcome=AttemptOutcome.ACCEPTED).count() == 1


# ---------------------------------------------------------------- the loopback provider


@pytest.fixture
def loopback(monkeypatch):
    """The loopback provider for SMS, pointed at a receiver run by the test."""

    def start(decide=None, timeout="2"):
        receiver = LoopbackReceiver(decide).start()
        monkeypatch.setenv("OUTREACH_LOOPBACK_URL", receiver.url)
        monkeypatch.setenv("OUTREACH_LOOPBACK_TIMEOUT", timeout)
        started.append(receiver)
        return receiver

    started = []
    reset_providers()
    with override_settings(
        OUTREACH_PROVIDERS={"sms": "welcomeback.outreach.providers.loopback.LoopbackSms"}
    ):
        yield start
    for receiver in started:
        receiver.stop()
    reset_providers()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "state", "error_code"),
    [
        (None, "sent", ""),
        ((503, {"error": "busy"}), "queued", "503"),
        ((429, {"error": "slow down"}), "queued", "429"),
        ((400, {"error": "bad request"}), "failed", "400"),
        ((404, {"error": "unreachable", "address_failed": True}), "failed", "404"),
    ],
)
def test_the_loopback_provider_answers_like_an_http_provider(
    maya, loopback, answer, state, error_code
):
    receiver = loopback(lambda _id: answer)
    message = queued(maya)

    dispatch.deliver.call(message.pk)

    message = reload(message)
    assert (message.state, message.error_code) == (state, error_code)
    assert receiver.received[message.pk] == (1 if answer is None else 0)


@pytest.mark.django_db
def test_a_receiver_that_is_not_there_means_nothing_was_sent(maya, loopback):
    receiver = loopback()
    receiver.stop()  # the port is closed now
    message = queued(maya)

    assert dispatch.deliver.call(message.pk) == MessageState.QUEUED
    assert reload(message).error_code == "connect"


@pytest.mark.django_db
def test_an_answer_too_late_is_unknown_and_the_provider_record_settles_it(maya, loopback):
    def slowly(_id):
        time.sleep(0.6)  # takes it, but after the sender stopped waiting

    receiver = loopback(slowly, timeout="0.2")
    message = queued(maya)

    assert dispatch.deliver.call(message.pk) == MessageState.UNKNOWN
    assert dispatch.deliver.call(message.pk) == "skipped"
    deadline = time.monotonic() + 10
    while not receiver.received[message.pk] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receiver.received[message.pk] == 1

    assert dispatch.resolve_unknown(message, sent=True)  # its status report
    assert (message.state, message.reason) == ("sent", dispatch.REASON_REPORTED_SENT)
    assert receiver.received[message.pk] == 1

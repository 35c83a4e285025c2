"""The return form's inbox (portal/intake.py): one INSERT on the form's
answer, opened as a return request by the task worker, once, even when a
worker stops half way."""

from datetime import timedelta

import pytest
from django.test import Client as Browser
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import ProgramFactory
from welcomeback.accounts.models import AuditEvent
from welcomeback.engagement.hooks import run_after_pass
from welcomeback.outreach.models import Message, Purpose
from welcomeback.portal import intake
from welcomeback.portal.models import Intake
from welcomeback.portal.wording import forget_programs
from welcomeback.returns.models import ReturnRequest

pytestmark = pytest.mark.django_db

PHONE = "+12125550142"


@pytest.fixture(autouse=True)
def fresh(settings):
    from django.core.cache import cache

    cache.clear()
    forget_programs()
    intake._next_drain = 0.0


@pytest.fixture
def program():
    return ProgramFactory(phone="+12125550100", neutral_name="Riverbend")


def send(ip="198.51.100.7", **fields):
    data = {"contact": PHONE, **fields}
    return Browser(HTTP_USER_AGENT="Test phone").post("/come-back/", data, REMOTE_ADDR=ip)


def test_the_form_answers_after_one_insert_and_opens_nothing_yet(program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = send(message="Can I come back on Tuesdays?", reasons=["work"])
    assert response.status_code == 302
    writes = [q["sql"] for q in queries if not q["sql"].startswith(("SELECT", "SAVEPOINT"))]
    assert [sql.split()[:3] for sql in writes if "portal_intake" in sql] == [
        ["INSERT", "INTO", '"portal_intake"']
    ]
    assert not ReturnRequest.objects.exists()
    row = Intake.objects.get()
    assert (row.phone, row.message, row.reasons) == (
        PHONE,
        "Can I come back on Tuesdays?",
        ["work"],
    )
    assert (row.visitor_address, row.user_agent) == ("198.51.100.7", "Test phone")


def test_a_busy_form_wakes_the_worker_once_per_window(program, monkeypatch):
    # A long window, so that a slow test machine stays inside it.
    monkeypatch.setattr(intake, "WINDOW", timedelta(seconds=30))
    before = timezone.now()
    for n in range(5):
        send(contact=f"person{n}@example.org", ip=f"198.51.100.{n}")
    tasks = list(DBTaskResult.objects.all())
    assert len(tasks) == 1
    assert tasks[0].task_path == "welcomeback.portal.intake.drain_inbox"
    # It runs at the window's end, so it finds every row of the window.
    assert before < tasks[0].run_after <= timezone.now() + intake.WINDOW
    intake._next_drain = 0.0  # the window is over
    send(contact="later@example.org", ip="198.51.100.99")
    assert DBTaskResult.objects.count() == 2


def test_the_worker_opens_each_request_as_it_was_sent(program):
    send(message="I'd like to come back", best_time="mornings", first_steps=["telehealth"])
    received = Intake.objects.get().received
    assert intake.drain_inbox.call() == 1
    request = ReturnRequest.objects.get()
    assert (request.phone, request.message, request.best_time) == (
        PHONE,
        "I'd like to come back",
        "mornings",
    )
    assert request.first_steps == ["telehealth"]
    # The clock started when they asked, not when the worker got to it.
    assert request.created == received
    assert not Intake.objects.exists()


def test_a_long_inbox_is_opened_in_short_tasks_that_follow_each_other(program, monkeypatch):
    monkeypatch.setattr(intake, "TASK_BATCH", 2)
    monkeypatch.setattr(intake, "wake", lambda: None)
    for n in range(5):
        send(contact=f"person{n}@example.org", ip=f"198.51.100.{n}")
    next_drains = DBTaskResult.objects.filter(task_path="welcomeback.portal.intake.drain_inbox")
    assert intake.drain_inbox.call() == 2
    assert next_drains.count() == 1  # more wait: another short task
    assert intake.drain_inbox.call() == 2
    assert intake.drain_inbox.call() == 1
    assert next_drains.count() == 2  # the last batch was not full: no more
    assert ReturnRequest.objects.count() == 5 and not Intake.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_audit_trail_names_the_visitor_who_sent_it():
    ProgramFactory(phone="+12125550100", neutral_name="Riverbend")
    forget_programs()
    send()
    intake.drain()
    event = AuditEvent.objects.get(object_type="returns.returnrequest", action="create")
    assert (event.actor_label, event.ip, event.path) == ("public", "198.51.100.7", "/come-back/")
    assert event.user_agent == "Test phone"


def test_a_second_message_joins_the_open_request(program):
    send(message="Hi")
    send(message="Me again")
    assert intake.drain() == 2
    request = ReturnRequest.objects.get()
    assert list(request.events.values_list("kind", flat=True).order_by("pk")) == [
        "opened",
        "wrote_again",
    ]


def test_a_claimed_row_waits_for_its_claim_and_is_opened_once(program):
    send()
    now = timezone.now()
    Intake.objects.update(claim="another-worker", claimed_until=now + timedelta(minutes=1))
    assert intake.drain(now=now) == 0
    row = Intake.objects.get()
    # The other worker stopped: its claim runs out and a drain takes the row.
    later = now + intake.CLAIM_FOR
    assert intake.drain(now=later) == 1
    # The stopped worker wakes up and tries: the row is no longer its own.
    assert intake.open_from(row, "another-worker") == 0
    assert ReturnRequest.objects.count() == 1


def test_a_row_that_fails_to_open_is_kept_and_tried_again(program, monkeypatch, caplog):
    send(message="Can we talk?")
    calls = []

    def failing(**kwargs):
        calls.append(1)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(intake, "open_request", failing)
    assert intake.drain() == 0
    assert Intake.objects.count() == 1 and len(calls) == 1
    assert "could not be opened" in caplog.text and PHONE not in caplog.text
    monkeypatch.undo()
    assert intake.drain() == 0  # still claimed by the failed try
    assert intake.drain(now=timezone.now() + intake.CLAIM_FOR + timedelta(seconds=1)) == 1
    assert ReturnRequest.objects.get().message == "Can we talk?"


def test_the_sweep_loop_drains_what_no_task_reached(program):
    send()
    run_after_pass(timezone.now())
    assert ReturnRequest.objects.count() == 1
    assert not Intake.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_crisis_words_open_the_request_at_once_and_page_the_on_call_staff():
    ProgramFactory(
        phone="+12125550100",
        neutral_name="Riverbend",
        on_call_phone="+12125550199",
        on_call_email="oncall@example.org",
    )
    forget_programs()
    browser = Browser()
    response = browser.post("/come-back/", {"contact": PHONE, "message": "I want to end my life"})
    assert response.status_code == 302
    request = ReturnRequest.objects.get()
    assert request.crisis and not Intake.objects.exists()
    pages = Message.objects.filter(purpose=Purpose.STAFF_ALERT)
    assert sorted(pages.values_list("to_address", flat=True)) == [
        "+12125550199",
        "oncall@example.org",
    ]
    assert Message.objects.filter(purpose=Purpose.CRISIS_REPLY, to_address=PHONE).exists()
    # Their sends go ahead of anything else a worker has waiting (a busy
    # inbox, routine outreach): the worker takes the highest priority first.
    sends = DBTaskResult.objects.filter(task_path="welcomeback.outreach.dispatch.deliver")
    assert sorted(sends.values_list("priority", flat=True)) == [50, 50, 50]
    drain = DBTaskResult.objects.filter(task_path="welcomeback.portal.intake.drain_inbox")
    assert all(task.priority < 50 for task in drain)
    # The confirmation gives the crisis clock: minutes, not an hour.
    page = browser.get("/come-back/thanks/").content.decode()
    due = timezone.localtime(request.due_at, request.program.zone)
    assert f"{due.hour % 12 or 12}:{due.minute:02d}" in page


@pytest.mark.django_db(transaction=True)
def test_drained_by_the_sweep_the_request_is_still_the_visitors():
    from welcomeback.accounts import audit

    ProgramFactory(phone="+12125550100", neutral_name="Riverbend")
    forget_programs()
    send()
    with audit.acting_as("sweep"):
        run_after_pass(timezone.now())
    event = AuditEvent.objects.get(object_type="returns.returnrequest", action="create")
    assert (event.actor_label, event.ip) == ("public", "198.51.100.7")

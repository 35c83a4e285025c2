"""How a return request ends: returned on the first attended session,
declined with exactly one door-open message and then quiet, referred,
unreachable after the program's number of tries (then occasional
check-ins that STOP ends), and a planned date that passes."""

import threading
from datetime import UTC, date, timedelta

import pytest
from django.db import connection

from tests.factories import travel
from tests.reentry_world import build_world, sweep_at
from welcomeback.engagement.hooks import run_after_pass
from welcomeback.outreach import cadence, consent
from welcomeback.outreach.checks import blocking, check_message
from welcomeback.outreach.models import Channel, ConsentSource, Message, Purpose
from welcomeback.outreach.templating import install_defaults
from welcomeback.returns.models import (
    ContactAttempt,
    ContactMethod,
    ContactResult,
    RequestEvent,
    RequestStatus,
)
from welcomeback.returns.outcomes import (
    cadence_stop_reason,
    mark_declined,
    mark_referred,
    send_check_ins,
)
from welcomeback.returns.requests import log_contact
from welcomeback.worklist.models import Task

pytestmark = pytest.mark.django_db

TEXT, CALL = ContactMethod.TEXT, ContactMethod.CALL
NO_ANSWER, REACHED = ContactResult.NO_ANSWER, ContactResult.REACHED


@pytest.fixture
def world():
    world = build_world()
    install_defaults(world.program)
    cadence.install_default_cadence(world.program)
    return world


def messages_to_ana(world):
    return Message.objects.filter(client=world.ana).exclude(purpose=Purpose.STAFF_ALERT)


# -- returned --------------------------------------------------------------------------


def test_the_first_attended_session_after_the_request_closes_it_as_returned(world):
    request = world.ask_to_come_back()
    world.attend(world.day_group(3, 2))  # the session that began before she asked counts
    request.refresh_from_db()
    assert request.status == RequestStatus.RESUMED
    assert request.closed_at is not None
    assert RequestEvent.objects.filter(request=request, kind="returned").count() == 1


def test_a_missed_mark_does_not_close_the_request(world):
    request = world.ask_to_come_back()
    world.attend(world.day_group(3, 4), status="missed")
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


# -- declined ----------------------------------------------------------------------------


def test_declined_sends_exactly_one_door_open_message_then_nothing(world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 15)):
        message = mark_declined(request, note="Not now, maybe in spring")
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert message.purpose == Purpose.DOOR_OPEN and message.channel == Channel.SMS
    assert message.state == "queued"
    assert "door stays open" in message.body
    findings = check_message({"body": message.body}, language="en", channel="sms", discreet=True)
    assert not blocking(findings)
    # Declining twice sends nothing more.
    with travel(world.at(3, 2, 16)):
        mark_declined(request)
    # Weeks pass while her status drifts further: the cadence stays quiet.
    for day in range(3, 31, 3):
        moment = world.at(3, day, 12)
        sweep_at(moment)
        with travel(moment):
            run_after_pass(moment)
            cadence.plan_due(moment)
    assert list(messages_to_ana(world).values_list("purpose", flat=True)) == [Purpose.DOOR_OPEN]
    assert not Task.objects.filter(client=world.ana, kind__in=["call", "letter"]).exists()


def test_the_door_open_texts_pass_the_tone_check_in_both_languages(world):
    from welcomeback.outreach.templating import default_text

    for language in ("en", "es"):
        for channel in ("sms", "email"):
            text = default_text(Purpose.DOOR_OPEN, channel, language)
            parts = {k: v for k, v in text.items() if v}
            findings = check_message(parts, language=language, channel=channel, discreet=True)
            assert not blocking(findings), (language, channel, findings)


def test_after_declining_a_message_from_them_lets_a_person_take_over(world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 15)):
        mark_declined(request)
    state = type("State", (), {})()
    assert cadence_stop_reason(state, world.episode, world.at(3, 3)) == (
        "They said not for now; the door stays open"
    )
    newer = world.ask_to_come_back(day=20)
    assert newer != request
    assert cadence_stop_reason(state, world.episode, world.at(3, 21)) == (
        "A person is talking with them about coming back"
    )


def test_referred_closes_the_request(world):
    request = world.ask_to_come_back()
    mark_referred(request, to="Partial hospitalization at Lakeside")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFERRED and not request.is_open


# -- unreachable -------------------------------------------------------------------------


def test_unreachable_after_the_programs_number_of_tries_in_a_row(world):
    world.program.unreachable_after_attempts = 3
    world.program.save()
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        log_contact(request, CALL, NO_ANSWER, why_not_reached="Voicemail full")
        log_contact(request, CALL, REACHED, planned_date=date(2026, 3, 4))
        log_contact(request, TEXT, NO_ANSWER)
        log_contact(request, CALL, ContactResult.LEFT_MESSAGE)
    request.refresh_from_db()
    assert request.status == RequestStatus.CONTACTED
    with travel(world.at(3, 3, 12)):
        log_contact(request, CALL, ContactResult.WRONG_NUMBER, why_not_reached="Not her number")
    request.refresh_from_db()
    assert request.status == RequestStatus.UNREACHABLE
    assert request.check_in_at == world.at(3, 3, 12).astimezone(UTC) + timedelta(days=60)
    attempts = list(request.attempts.order_by("number"))
    assert [a.number for a in attempts] == [1, 2, 3, 4, 5]
    assert attempts[0].why_not_reached == "Voicemail full"
    assert attempts[1].why_not_reached == "" and attempts[1].planned_date == date(2026, 3, 4)


def test_after_unreachable_only_occasional_check_ins_which_stop_ends(world):
    world.program.unreachable_after_attempts = 1
    world.program.save()
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        log_contact(request, CALL, NO_ANSWER)
    request.refresh_from_db()
    assert request.status == RequestStatus.UNREACHABLE
    state = type("State", (), {})()
    assert cadence_stop_reason(state, world.episode, world.at(3, 3)).startswith("Not reached")

    assert send_check_ins(world.at(4, 30, 12)) == 0  # not yet
    with travel(world.at(5, 1, 14)):
        assert send_check_ins(world.at(5, 1, 14)) == 1
        assert send_check_ins(world.at(5, 1, 14)) == 0
    check_ins = messages_to_ana(world).filter(purpose=Purpose.CHECK_IN)
    assert list(check_ins.values_list("state", flat=True)) == ["queued"]
    request.refresh_from_db()
    assert request.check_in_at == world.at(5, 1, 14).astimezone(UTC) + timedelta(days=60)

    # She replies STOP on every channel: the check-ins end.
    for channel, address in ((Channel.SMS, world.ana.phone), (Channel.EMAIL, world.ana.email)):
        consent.withdraw(
            channel=channel, address=address, wording="STOP", source=ConsentSource.KEYWORD
        )
    with travel(world.at(7, 1, 12)):
        assert send_check_ins(world.at(7, 1, 12)) == 0
    request.refresh_from_db()
    assert request.check_in_at is None
    assert check_ins.count() == 1


# -- numbering and planned dates ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_logging_at_once_get_different_numbers():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the retry is exercised on PostgreSQL")
    world = build_world()
    request = world.ask_to_come_back()
    barrier = threading.Barrier(4)
    errors = []

    def log():
        try:
            barrier.wait()
            log_contact(request, CALL, REACHED)
        except Exception as error:  # noqa: BLE001 -- reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=log) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(
        ContactAttempt.objects.filter(request=request).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4]


def test_a_planned_date_that_passes_without_attendance_opens_a_gentle_task(world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        attempt = log_contact(request, CALL, REACHED, planned_date=date(2026, 3, 4))
    run_after_pass(world.at(3, 4, 20))  # still the planned day
    assert not Task.objects.filter(key=f"planned:{attempt.pk}").exists()
    run_after_pass(world.at(3, 5, 9))
    task = Task.objects.get(key=f"planned:{attempt.pk}")
    assert task.title == "A gentle check-in with Ana Rivera"
    assert "2026-03-04" in task.detail
    run_after_pass(world.at(3, 6, 9))
    assert Task.objects.filter(key__startswith="planned:").count() == 1


def test_a_planned_date_kept_opens_no_task(world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        attempt = log_contact(request, CALL, REACHED, planned_date=date(2026, 3, 4))
    world.attend(world.day_group(3, 4))
    request.refresh_from_db()
    assert request.status == RequestStatus.RESUMED
    run_after_pass(world.at(3, 5, 9))
    assert not Task.objects.filter(key=f"planned:{attempt.pk}").exists()
    attempt.refresh_from_db()
    assert attempt.planned_checked_at == world.at(3, 5, 9)

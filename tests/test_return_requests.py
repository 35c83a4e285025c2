"""Return requests: the response clock, crisis escalation, the contact log,
escalation when overdue, replies that become requests, and the staff screens."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from tests.auth import roles_everywhere, sign_in
from tests.outreach_helpers import person, texting_program
from welcomeback.outreach.models import Channel, InboundMessage, Message, Purpose
from welcomeback.outreach.replies import handle_inbound
from welcomeback.returns.clock import response_due
from welcomeback.returns.models import (
    ContactMethod,
    ContactResult,
    Origin,
    RequestStatus,
    ReturnRequest,
)
from welcomeback.returns.requests import (
    escalate_crisis,
    escalate_overdue,
    log_contact,
    open_request,
)
from welcomeback.worklist.models import Task, TaskKind

pytestmark = pytest.mark.django_db

# Wednesday 2026-11-18, 10:00 in New York (program open 09:00-17:00 Mon-Fri).
OPEN_HOURS = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
FRIDAY_NIGHT = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # Fri 21:00 NY


@pytest.fixture
def program():
    return texting_program(
        on_call_phone="+15555550177",
        on_call_email="oncall@example.org",
        director_email="director@example.org",
    )


def test_a_request_while_open_is_due_within_the_hour(program):
    assert response_due(program, OPEN_HOURS) == OPEN_HOURS + timedelta(minutes=60)


def test_a_request_at_night_is_due_in_the_first_hour_of_the_next_opening(program):
    monday_ten = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Mon 10:00 NY
    assert response_due(program, FRIDAY_NIGHT) == monday_ten


def test_a_crisis_is_due_in_five_minutes_at_any_hour(program):
    assert response_due(program, FRIDAY_NIGHT, crisis=True) == FRIDAY_NIGHT + timedelta(minutes=5)


def test_a_web_request_opens_with_its_clock(program):
    request = open_request(
        program=program,
        channel="web",
        phone="(212) 555-0142",
        message="I'd like to come back",
        now=OPEN_HOURS,
    )
    assert request.phone == "+12125550142"
    assert request.status == RequestStatus.NEW
    assert request.intent == "return" and not request.crisis
    assert request.due_at == OPEN_HOURS + timedelta(minutes=60)
    assert request.events.get().kind == "opened"


def test_a_request_needs_one_way_to_reach_the_person(program):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="phone number or an email"):
        open_request(program=program, channel="web", message="hi")


def test_crisis_words_flag_it_page_on_call_and_answer_with_988(program):
    request = open_request(
        program=program,
        channel="sms",
        phone="+12125550142",
        message="I don't want to be here anymore",
        now=FRIDAY_NIGHT,
    )
    assert request.crisis and request.due_at == FRIDAY_NIGHT + timedelta(minutes=5)
    escalate_crisis(request.pk)  # runs on commit in production
    pages = Message.objects.filter(purpose=Purpose.STAFF_ALERT)
    assert {m.to_address for m in pages} == {"+15555550177", "oncall@example.org"}
    assert all("/staff/requests/" in m.body for m in pages)
    reply = Message.objects.get(purpose=Purpose.CRISIS_REPLY)
    assert reply.to_address == "+12125550142"
    assert "988" in reply.body and "911" in reply.body
    assert reply.state == "queued" and reply.not_before is None, "never held for quiet hours"


def test_the_first_contact_stops_the_clock_and_reaching_them_moves_it_on(program):
    request = open_request(program=program, channel="web", email="ana@example.org", now=OPEN_HOURS)
    staff = User.objects.create_user("casey", is_staff=True)
    first = log_contact(
        request,
        ContactMethod.CALL,
        ContactResult.NO_ANSWER,
        by=staff,
        now=OPEN_HOURS + timedelta(minutes=20),
    )
    second = log_contact(
        request,
        ContactMethod.TEXT,
        ContactResult.REACHED,
        by=staff,
        now=OPEN_HOURS + timedelta(minutes=50),
    )
    request.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert request.first_response_at == OPEN_HOURS + timedelta(minutes=20)
    assert request.status == RequestStatus.CONTACTED


def test_an_overdue_request_is_escalated_to_the_director_once(program):
    request = open_request(program=program, channel="web", email="ana@example.org", now=OPEN_HOURS)
    later = OPEN_HOURS + timedelta(minutes=61)
    assert escalate_overdue(later) == 1
    assert escalate_overdue(later + timedelta(minutes=5)) == 0
    [alert] = Message.objects.filter(purpose=Purpose.STAFF_ALERT, key=f"overdue:{request.pk}")
    assert alert.to_address == "director@example.org"


def test_an_answered_request_is_never_escalated(program):
    request = open_request(program=program, channel="web", email="ana@example.org", now=OPEN_HOURS)
    log_contact(
        request,
        ContactMethod.CALL,
        ContactResult.LEFT_MESSAGE,
        now=OPEN_HOURS + timedelta(minutes=10),
    )
    assert escalate_overdue(OPEN_HOURS + timedelta(hours=3)) == 0


def test_a_text_from_a_known_person_joins_their_record(program):
    client = person(program)
    from tests.factories import enrolled
    from welcomeback.outreach.contact_points import point_for
    from welcomeback.outreach.models import ContactPoint

    enrolled(client, program, OPEN_HOURS - timedelta(days=40))
    ContactPoint.objects.filter(pk=point_for(client, "phone", client.phone).pk).update(
        verified=True
    )
    with time_machine.travel(OPEN_HOURS, tick=False):
        inbound = InboundMessage.objects.create(
            channel=Channel.SMS,
            from_address=client.phone,
            body="can I come back next week?",
            client=client,
        )
        handle_inbound(inbound)
        again = InboundMessage.objects.create(
            channel=Channel.SMS,
            from_address=client.phone,
            body="thursdays work best",
            client=client,
        )
        handle_inbound(again)
    request = ReturnRequest.objects.get()
    assert request.client == client and request.channel == "sms"
    assert request.events.filter(kind="wrote_again").count() == 1


def test_a_stranger_starts_a_new_request_and_stop_opens_none(program):
    with time_machine.travel(OPEN_HOURS, tick=False):
        for body in ("STOP", "hi, my name is Sam, can I come back?"):
            inbound = InboundMessage.objects.create(
                channel=Channel.SMS, from_address="+13055550123", body=body
            )
            handle_inbound(inbound)
    request = ReturnRequest.objects.get()
    assert request.client is None and request.phone == "+13055550123"


def test_a_known_person_asked_about_by_someone_else_gets_a_call_task(program):
    client = person(program)
    from welcomeback.outreach.contact_points import point_for
    from welcomeback.outreach.models import ContactPoint

    ContactPoint.objects.filter(pk=point_for(client, "phone", client.phone).pk).update(
        verified=True
    )
    open_request(
        program=program,
        channel="web",
        phone=client.phone,
        name="Ana",
        origin=Origin.PROXY,
        client=None,
        now=OPEN_HOURS,
        proxy={"proxy_name": "Rosa", "proxy_relationship": "sister", "proxy_phone": "+12125550999"},
    )
    task = Task.objects.get(kind=TaskKind.FOLLOW_UP)
    assert task.client == client
    assert "Reach out to" in task.title


def test_someone_unknown_asked_about_makes_no_task_and_the_same_request(program):
    request = open_request(
        program=program,
        channel="web",
        phone="+13055550100",
        name="Sam",
        origin=Origin.PROXY,
        now=OPEN_HOURS,
        proxy={"proxy_name": "Rosa", "proxy_relationship": "friend"},
    )
    assert request.client is None and request.proxy_name == "Rosa"
    assert not Task.objects.exists()


@pytest.fixture
def staff(client):
    user = User.objects.create_user("casey", password="a-long-test-password", is_staff=True)
    with roles_everywhere(user):
        yield sign_in(client, user)


def test_today_lists_requests_crisis_first_then_by_time_left(staff, program):
    with time_machine.travel(OPEN_HOURS, tick=False):
        calm = open_request(
            program=program, channel="web", email="a@example.org", name="Calm Person"
        )
        urgent = open_request(
            program=program,
            channel="sms",
            phone="+12125550111",
            name="Urgent Person",
            message="took too many pills",
        )
        html = staff.get(reverse("staff:today")).content.decode()
    section = html.split('id="requests"')[1].split("</section>")[0]
    assert section.index("Urgent Person") < section.index("Calm Person")
    assert "answer within" in section
    assert urgent.crisis and not calm.crisis


def test_staff_log_a_walk_in_and_work_the_request(staff, program):
    response = staff.post(
        reverse("staff:request_new"),
        {
            "program": program.pk,
            "channel": "walk_in",
            "name": "Dee",
            "phone": "212 555 0188",
            "language": "en",
            "message": "Came by to ask about evening groups",
        },
    )
    request = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert request.channel == "walk_in" and request.phone == "+12125550188"
    staff.post(reverse("staff:request_take", args=[request.pk]))
    staff.post(
        reverse("staff:request_attempt", args=[request.pk]),
        {"method": "in_person", "result": "reached", "note": "Talked at the desk"},
    )
    staff.post(
        reverse("staff:request_status", args=[request.pk]),
        {"status": "booked", "note": "Thursday 5pm"},
    )
    request.refresh_from_db()
    assert request.assignee == staff.user
    assert request.status == RequestStatus.REASSESSMENT_BOOKED
    page = staff.get(reverse("staff:request", args=[request.pk])).content.decode()
    assert "Talked at the desk" in page


def test_a_walk_in_needs_a_way_to_reach_them_and_keeps_what_was_typed(staff, program):
    response = staff.post(
        reverse("staff:request_new"),
        {
            "program": program.pk,
            "channel": "phone",
            "name": "Dee",
            "language": "en",
            "message": "wants evening groups",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Add a phone number or an email" in html
    assert "wants evening groups" in html


def test_the_request_page_shows_crisis_guidance_to_staff(staff, program):
    request = open_request(
        program=program, channel="sms", phone="+12125550111", message="i want to kill myself"
    )
    html = staff.get(reverse("staff:request", args=[request.pk])).content.decode()
    assert "may be in crisis" in html and "988" in html and "911" in html

"""When a person writes in: STOP is honoured first with one confirmation,
START and HELP are answered, and "leave me alone" pauses texts at once."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import ClientFactory, enrolled
from tests.outreach_helpers import person, texting_program
from welcomeback.outreach import consent
from welcomeback.outreach.models import (
    Channel,
    InboundMessage,
    Message,
    MessageState,
    Purpose,
)
from welcomeback.outreach.replies import handle_inbound
from welcomeback.worklist.models import Task, TaskKind

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 18, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def text_from(client_or_number, body, program=None):
    number = getattr(client_or_number, "phone", client_or_number)
    client = client_or_number if hasattr(client_or_number, "phone") else None
    inbound = InboundMessage.objects.create(
        channel=Channel.SMS,
        from_address=number,
        to_address="+15555550100",
        body=body,
        client=client,
    )
    handle_inbound(inbound)
    return inbound


def replies_to(number):
    return list(Message.objects.filter(to_address=number).order_by("created"))


def test_stop_opts_out_at_once_with_exactly_one_confirmation():
    program = texting_program()
    client = person(program)
    enrolled(client, program, NOON)
    text_from(client, "STOP")
    assert not consent.has_consent(Channel.SMS, client.phone)
    sent = replies_to(client.phone)
    assert [m.purpose for m in sent] == [Purpose.OPT_OUT_CONFIRMATION]
    assert sent[0].state == MessageState.QUEUED
    assert "won't get more texts" in sent[0].body
    text_from(client, "stop")
    assert len(replies_to(client.phone)) == 1, "nothing after the one confirmation"


def test_stop_from_a_number_we_do_not_know_is_still_honoured():
    program = texting_program()
    text_from("+13055550199", "Parar", program)
    assert not consent.has_consent(Channel.SMS, "+13055550199")
    [confirmation] = replies_to("+13055550199")
    assert confirmation.client is None
    assert confirmation.purpose == Purpose.OPT_OUT_CONFIRMATION


def test_a_stop_from_a_shared_phone_stops_texts_to_everyone_on_it():
    program = texting_program()
    first = person(program)
    second = person(program, first_name="Luis", email="luis@example.org")
    text_from(first, "STOP")
    assert not consent.has_consent(Channel.SMS, second.phone)


def test_start_opts_back_in_and_confirms_frequency_rates_help_and_stop():
    program = texting_program()
    client = person(program)
    text_from(client, "STOP")
    text_from(client, "START")
    assert consent.has_consent(Channel.SMS, client.phone)
    confirmation = replies_to(client.phone)[-1]
    assert confirmation.purpose == Purpose.OPT_IN_CONFIRMATION
    for words in ("3 texts a week", "Msg & data rates may apply", "HELP", "STOP"):
        assert words in confirmation.body


def test_help_answers_with_the_program_name_and_number():
    program = texting_program()
    client = person(program, language="es")
    text_from(client, "ayuda")
    [answer] = replies_to(client.phone)
    assert answer.purpose == Purpose.HELP
    assert "Riverbend" in answer.body and "(555) 555-0100" in answer.body
    assert "PARAR" in answer.body


def test_leave_me_alone_pauses_automated_texts_and_asks_a_person_to_look():
    program = texting_program()
    client = person(program)
    enrolled(client, program, NOON)
    inbound = text_from(client, "please leave me alone")
    assert not consent.has_consent(Channel.SMS, client.phone)
    assert replies_to(client.phone) == [], "no automated answer to a person's words"
    task = Task.objects.get(kind=TaskKind.OPT_OUT_REVIEW)
    assert task.client == client
    inbound.refresh_from_db()
    assert inbound.kind == "opt_out_like"


def test_an_ordinary_reply_is_kept_for_a_person_and_gets_no_robot_answer():
    program = texting_program()
    client = ClientFactory(organization=program.site.organization, phone="+12125550142")
    inbound = text_from(client, "can I come back next week?")
    inbound.refresh_from_db()
    assert inbound.kind == "reply"
    assert replies_to(client.phone) == []

"""Twilio's status reports and incoming texts, signed as Twilio signs them
(the SDK's own RequestValidator), and refused when they are not."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from tests.channels import PUBLIC, a_client, a_program, outbound, point, record_replies
from welcomeback.outreach.models import InboundMessage, Message, MessageState
from welcomeback.worklist.models import Task, TaskKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(monkeypatch):
    return record_replies(monkeypatch)


TOKEN = "test-auth-token"
STATUS = "/o/twilio/status/"
INBOUND = "/o/twilio/inbound/"
SID = "SM" + "a1" * 16
NUMBER = "+15555550101"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = PUBLIC


def signed(client, path, params, token=TOKEN, url=None):
    """POST as Twilio would: signed over the public URL and the parameters."""
    signature = RequestValidator(token).compute_signature(url or PUBLIC + path, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def report(status, sid=SID, error_code=None, **extra):
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": NUMBER,
        "From": "+15005550006",
        "ApiVersion": "2010-04-01",
    }
    if error_code:
        params["ErrorCode"] = str(error_code)
    return {**params, **extra}


@pytest.fixture
def sent_text():
    program = a_program()
    return outbound(a_client(program), program, state="sent", provider_id=SID)


def state_of(message):
    message.refresh_from_db()
    return message.state


# -- status reports ----------------------------------------------------------


def test_a_delivered_report_marks_a_sent_text_delivered(client, sent_text):
    response = signed(client, STATUS, report("delivered"))
    assert response.status_code == 200
    assert state_of(sent_text) == MessageState.DELIVERED
    assert sent_text.delivered_at is not None
    assert sent_text.provider_status == "delivered"


def test_a_report_settles_an_outcome_unknown_text(client, sent_text):
    Message.objects.filter(pk=sent_text.pk).update(state=MessageState.UNKNOWN)
    signed(client, STATUS, report("delivered"))
    assert state_of(sent_text) == MessageState.DELIVERED


def test_a_sent_report_settles_an_unknown_text_as_sent(client, sent_text):
    Message.objects.filter(pk=sent_text.pk).update(state=MessageState.UNKNOWN)
    signed(client, STATUS, report("sent"))
    assert state_of(sent_text) == MessageState.SENT
    assert sent_text.sent_at is not None


def test_a_report_finds_a_text_whose_send_answer_was_lost(client):
    """The callback URL names our message; Twilio's id is learnt from it."""
    program = a_program()
    text = outbound(a_client(program), program, state="unknown", provider_id="")
    path = f"{STATUS}?m={text.pk}"
    response = signed(client, path, report("delivered"))
    assert response.status_code == 200
    assert state_of(text) == MessageState.DELIVERED
    assert text.provider_id == SID


def test_a_named_message_with_another_sid_is_left_alone(client, sent_text):
    path = f"{STATUS}?m={sent_text.pk}"
    signed(client, path, report("failed", sid="SM" + "9" * 32, error_code=30008))
    assert state_of(sent_text) == MessageState.SENT


def test_reports_never_move_a_text_backwards(client, sent_text):
    signed(client, STATUS, report("delivered"))
    signed(client, STATUS, report("sent"))
    signed(client, STATUS, report("undelivered", error_code=30003))
    assert state_of(sent_text) == MessageState.DELIVERED


def test_an_unreachable_number_fails_the_text_and_the_contact_point(client, sent_text):
    cell = point(sent_text.client, "phone", NUMBER)

    signed(client, STATUS, report("undelivered", error_code=30003))

    assert state_of(sent_text) == MessageState.FAILED
    assert sent_text.error_code == "30003"
    cell.refresh_from_db()
    assert cell.failing
    tasks = Task.objects.filter(kind=TaskKind.NEW_CONTACT, client=sent_text.client)
    assert tasks.count() == 1
    assert NUMBER not in tasks.get().detail


def test_the_same_report_twice_changes_nothing_the_second_time(client, sent_text):
    point(sent_text.client, "phone", NUMBER)
    signed(client, STATUS, report("undelivered", error_code=30003))
    before = Message.objects.values().get(pk=sent_text.pk)

    response = signed(client, STATUS, report("undelivered", error_code=30003))

    assert response.status_code == 200
    assert Message.objects.values().get(pk=sent_text.pk) == before
    assert Task.objects.filter(kind=TaskKind.NEW_CONTACT).count() == 1


def test_a_failure_that_is_not_the_number_leaves_the_contact_point_alone(client, sent_text):
    cell = point(sent_text.client, "phone", NUMBER)
    signed(client, STATUS, report("undelivered", error_code=30007))  # carrier filtering
    assert state_of(sent_text) == MessageState.FAILED
    cell.refresh_from_db()
    assert not cell.failing
    assert not Task.objects.exists()


def test_a_report_about_a_message_we_do_not_know_is_still_answered_200(client):
    response = signed(client, STATUS, report("delivered", sid="SM" + "7" * 32))
    assert response.status_code == 200


def test_a_late_report_is_answered_and_ignored(client, sent_text):
    Message.objects.filter(pk=sent_text.pk).update(created=timezone.now() - timedelta(days=8))
    response = signed(client, STATUS, report("delivered"))
    assert response.status_code == 200
    assert state_of(sent_text) == MessageState.SENT


def test_an_unsigned_report_is_refused_and_changes_nothing(client, sent_text):
    response = client.post(STATUS, report("failed", error_code=30003))
    assert response.status_code == 403
    assert state_of(sent_text) == MessageState.SENT


def test_a_report_signed_with_another_token_is_refused(client, sent_text):
    response = signed(client, STATUS, report("failed"), token="not-our-token")
    assert response.status_code == 403
    assert state_of(sent_text) == MessageState.SENT


def test_a_signature_for_another_url_is_refused(client, sent_text):
    url = "http://testserver" + STATUS  # what Django sees, not what Twilio called
    response = signed(client, STATUS, report("failed"), url=url)
    assert response.status_code == 403


def test_a_tampered_report_is_refused(client, sent_text):
    params = report("delivered")
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + STATUS, params)
    params["MessageStatus"] = "failed"
    response = client.post(STATUS, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    assert state_of(sent_text) == MessageState.SENT


def test_without_an_auth_token_nothing_is_accepted(client, sent_text, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    response = signed(client, STATUS, report("delivered"), token="")
    assert response.status_code == 403
    assert state_of(sent_text) == MessageState.SENT


def test_the_webhooks_take_only_post(client):
    assert client.get(STATUS).status_code == 405
    assert client.get(INBOUND).status_code == 405


# -- incoming texts ----------------------------------------------------------


def incoming(body="Hi, I'd like to come back", sid=SID, sender=NUMBER):
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        "FromState": "NY",
    }


def test_an_incoming_text_is_stored_and_answered_with_empty_twiml(client, handled):
    response = signed(client, INBOUND, incoming())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response />" in response.content
    stored = InboundMessage.objects.get()
    assert stored.channel == "sms"
    assert stored.from_address == NUMBER
    assert stored.to_address == "+15005550006"
    assert stored.body == "Hi, I'd like to come back"
    assert stored.provider_id == SID


def test_it_is_handed_to_the_replies_handler_once(client, handled):
    signed(client, INBOUND, incoming())
    assert [inbound.provider_id for inbound in handled] == [SID]


def test_a_retried_webhook_stores_nothing_twice(client, handled):
    signed(client, INBOUND, incoming())
    response = signed(client, INBOUND, incoming())
    assert response.status_code == 200
    assert InboundMessage.objects.count() == 1
    assert len(handled) == 1


def test_it_is_matched_to_the_client_with_that_verified_number(client, handled):
    program = a_program()
    person = a_client(program)
    cell = point(person, "phone", NUMBER)
    signed(client, INBOUND, incoming())
    stored = InboundMessage.objects.get()
    assert stored.client == person
    assert stored.contact_point == cell


def test_an_unverified_number_matches_nobody(client, handled):
    program = a_program()
    point(a_client(program), "phone", NUMBER, verified=False)
    signed(client, INBOUND, incoming())
    assert InboundMessage.objects.get().client is None


def test_a_text_from_an_unknown_number_is_kept_for_triage(client, handled):
    signed(client, INBOUND, incoming(sender="+15555559999"))
    stored = InboundMessage.objects.get()
    assert stored.client is None
    assert stored.contact_point is None
    assert handled == [stored]


def test_an_unsigned_incoming_text_is_refused_and_not_stored(client, handled):
    response = client.post(INBOUND, incoming())
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert handled == []


def test_a_forged_incoming_text_is_refused_and_not_stored(client, handled):
    response = signed(client, INBOUND, incoming(), token="guessed-token")
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_the_logs_carry_neither_the_number_nor_the_words(client, handled, caplog, sent_text):
    caplog.set_level(logging.DEBUG)
    signed(client, INBOUND, incoming(body="it's Ana, call me"))
    signed(client, STATUS, report("delivered"))
    client.post(INBOUND, incoming(body="it's Ana, call me"))
    assert caplog.records
    assert "5555550101" not in caplog.text
    assert "call me" not in caplog.text

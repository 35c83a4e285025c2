"""Email people send us and the email service's delivery events, through
Anymail's signals: stored, matched by verified address, shown on the
timeline; bounces stop using an address, complaints opt it out."""

import base64
import json
from datetime import UTC, datetime

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, inbound, tracking
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory

from tests.channels import a_client, a_program, outbound, point, record_replies
from welcomeback.outreach import webhooks  # noqa: F401  (connects the receivers)
from welcomeback.outreach.callbacks import provider_key
from welcomeback.outreach.models import ConsentEvent, InboundMessage, MessageState
from welcomeback.outreach.timeline import inbound_events
from welcomeback.worklist.models import Task, TaskKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(monkeypatch):
    return record_replies(monkeypatch)


ADDRESS = "ana@example.org"


def email_in(sender="Ana <Ana@Example.org>", message_id="<reply-1@mail.example.org>", **parts):
    headers = [("Message-ID", message_id)] if message_id else []
    values = {
        "from_email": sender,
        "to": "hello@wb.example.org",
        "subject": "Re: A monthly hello",
        "text": "I'd like to come back, can someone call me?",
        "headers": headers,
    }
    return AnymailInboundMessage.construct(**{**values, **parts})


def deliver(message, event_id="evt-1", timestamp=None):
    event = AnymailInboundEvent(
        event_type="inbound", message=message, event_id=event_id, timestamp=timestamp
    )
    inbound.send(sender=PostmarkInboundWebhookView, event=event, esp_name="Postmark")


# -- storing and matching ----------------------------------------------------


def test_an_email_is_stored_with_its_sender_subject_and_text(handled):
    received_at = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    deliver(email_in(), timestamp=received_at)

    stored = InboundMessage.objects.get()
    assert stored.channel == "email"
    assert stored.from_address == ADDRESS  # lower-cased, without the name
    assert stored.to_address == "hello@wb.example.org"
    assert stored.subject == "Re: A monthly hello"
    assert stored.body == "I'd like to come back, can someone call me?"
    assert stored.provider_id == "<reply-1@mail.example.org>"
    assert stored.received == received_at
    assert handled == [stored]


def test_it_is_matched_to_the_client_with_that_verified_address(handled):
    program = a_program()
    person = a_client(program)
    mailbox = point(person, "email", ADDRESS)
    deliver(email_in())
    stored = InboundMessage.objects.get()
    assert stored.client == person
    assert stored.contact_point == mailbox


def test_an_unverified_address_matches_nobody(handled):
    program = a_program()
    point(a_client(program), "email", ADDRESS, verified=False)
    deliver(email_in())
    assert InboundMessage.objects.get().client is None


def test_an_unknown_sender_is_kept_for_triage(handled):
    deliver(email_in(sender="someone@elsewhere.example"))
    stored = InboundMessage.objects.get()
    assert stored.client is None
    assert handled == [stored]


def test_the_same_email_delivered_twice_is_stored_once(handled):
    deliver(email_in())
    deliver(email_in(), event_id="evt-2")
    assert InboundMessage.objects.count() == 1
    assert len(handled) == 1


def test_a_long_message_id_is_kept_as_a_digest_and_still_stored_once(handled):
    long_id = "<" + "CAH" + "x" * 90 + "@mail.gmail.com>"
    deliver(email_in(message_id=long_id))
    deliver(email_in(message_id=long_id))
    stored = InboundMessage.objects.get()
    assert stored.provider_id == provider_key(long_id)
    assert len(stored.provider_id) <= 64


def test_an_html_only_email_is_kept_as_text(handled):
    deliver(email_in(text=None, html="<p>Hello <b>there</b></p>"))
    assert InboundMessage.objects.get().body == "Hello there"


def test_it_arrives_through_anymails_postmark_webhook_with_basic_auth(handled, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "user:secret"}
    payload = {
        "FromFull": {"Email": "Ana@Example.org", "Name": "Ana"},
        "ToFull": [{"Email": "hello@wb.example.org", "Name": ""}],
        "Subject": "Re: hello",
        "TextBody": "Back soon?",
        "MessageID": "postmark-uuid-1",
        "Headers": [{"Name": "Message-ID", "Value": "<pm-1@mail.example.org>"}],
    }
    auth = "Basic " + base64.b64encode(b"user:secret").decode()
    request = RequestFactory().post(
        "/o/email/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    response = PostmarkInboundWebhookView.as_view()(request)
    assert response.status_code == 200
    stored = InboundMessage.objects.get()
    assert (stored.from_address, stored.body) == (ADDRESS, "Back soon?")


def test_anymails_webhook_refuses_a_post_without_the_secret(handled, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "user:secret"}
    request = RequestFactory().post("/o/email/postmark/inbound/", "{}", "application/json")
    # A SuspiciousOperation, which Django answers with 400.
    with pytest.raises(SuspiciousOperation):
        PostmarkInboundWebhookView.as_view()(request)
    assert not InboundMessage.objects.exists()


# -- the timeline ------------------------------------------------------------


def test_matched_emails_and_texts_appear_on_the_persons_timeline(handled):
    program = a_program()
    person = a_client(program)
    point(person, "email", ADDRESS)
    deliver(email_in())
    deliver(email_in(sender="someone@elsewhere.example", message_id="<other@x.example>"))

    (event,) = inbound_events(person)

    assert event.kind == "inbound"
    assert event.title == "Email received: Re: A monthly hello"
    assert event.detail == "I'd like to come back, can someone call me?"
    assert event.status == "received"
    assert event.at == InboundMessage.objects.get(client=person).received


# -- delivery events ---------------------------------------------------------


def track(event_type, message_id, **fields):
    event = AnymailTrackingEvent(event_type=event_type, message_id=message_id, **fields)
    tracking.send(sender=PostmarkInboundWebhookView, event=event, esp_name="Postmark")


@pytest.fixture
def sent_email():
    program = a_program()
    person = a_client(program)
    point(person, "email", ADDRESS)
    return outbound(person, program, channel="email", to_address=ADDRESS, provider_id="pm-42")


def test_a_hard_bounce_fails_the_email_and_the_address(sent_email):
    track("bounced", "pm-42", reject_reason="bounced", mta_response="550 5.1.1 No such user")
    sent_email.refresh_from_db()
    assert sent_email.state == MessageState.FAILED
    mailbox = sent_email.client.contact_points.get()
    assert mailbox.failing
    assert Task.objects.filter(kind=TaskKind.NEW_CONTACT).count() == 1


def test_a_repeated_bounce_opens_no_second_task(sent_email):
    for _ in range(2):
        track("bounced", "pm-42", reject_reason="bounced", mta_response="550 5.1.1 No such user")
    assert Task.objects.filter(kind=TaskKind.NEW_CONTACT).count() == 1


def test_a_soft_bounce_fails_the_email_but_keeps_the_address(sent_email):
    track("bounced", "pm-42", reject_reason="bounced", mta_response="452 4.2.2 Mailbox full")
    sent_email.refresh_from_db()
    assert sent_email.state == MessageState.FAILED
    assert not sent_email.client.contact_points.get().failing


def test_a_rejected_invalid_address_is_failing(sent_email):
    track("rejected", "pm-42", reject_reason="invalid")
    assert sent_email.client.contact_points.get().failing


def test_a_delivery_event_marks_the_email_delivered(sent_email):
    track("delivered", "pm-42")
    sent_email.refresh_from_db()
    assert sent_email.state == MessageState.DELIVERED


def test_a_spam_complaint_opts_the_address_out(sent_email):
    track("complained", "pm-42")
    event = ConsentEvent.objects.get(channel="email", address=ADDRESS)
    assert event.granted is False
    assert event.source == "link"


def test_events_for_messages_we_do_not_know_are_ignored(sent_email):
    track("bounced", "someone-elses-id", mta_response="550 5.1.1")
    sent_email.refresh_from_db()
    assert sent_email.state == MessageState.SENT


def test_without_a_webhook_secret_anymails_webhooks_are_not_served(client, settings):
    # The routes are decided when the URLconf loads; the test settings have
    # no ANYMAIL_WEBHOOK_SECRET, so anyone posting a fake bounce finds nothing.
    assert "WEBHOOK_SECRET" not in settings.ANYMAIL
    assert client.post("/o/email/postmark/inbound/").status_code == 404
    assert client.post("/o/email/postmark/tracking/").status_code == 404

"""Email through Django's SMTP backend to a real SMTP server on loopback
(aiosmtpd), and the one-click unsubscribe every email carries."""

import socket
from base64 import urlsafe_b64decode
from email import message_from_bytes
from email import policy as email_policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client as BrowserClient

from tests.channels import PUBLIC, a_client, a_program, outbound
from welcomeback.outreach.models import ConsentEvent, Message, MessageState
from welcomeback.outreach.providers import PermanentProviderError, TemporaryProviderError
from welcomeback.outreach.providers.email import DjangoEmail
from welcomeback.outreach.unsubscribe import make_token, message_for_token

pytestmark = pytest.mark.django_db

ADDRESS = "ana@example.org"


class Mailbox:
    """An aiosmtpd handler: keeps what it accepts, or refuses recipients."""

    def __init__(self):
        self.envelopes = []
        self.refuse_with = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def received(self):
        (envelope,) = self.envelopes
        return message_from_bytes(envelope.content, policy=email_policy.default)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def email_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "hello@wb.example.org"
    settings.PUBLIC_BASE_URL = PUBLIC
    return settings


@pytest.fixture
def smtp_server(email_settings):
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    email_settings.EMAIL_PORT = port
    yield mailbox
    controller.stop()


@pytest.fixture
def an_email():
    program = a_program()
    person = a_client(program, first_name="Ana", last_name="Rivera")
    return outbound(
        person,
        program,
        channel="email",
        state="sending",
        to_address=ADDRESS,
        sender_name="Riverbend",
        subject="A monthly hello",
        preview="Just saying hello.",
        body="Hi Ana,\n\nJust our monthly hello & a wave.\n\nThe link below stops these.",
    )


# -- what goes out -----------------------------------------------------------


def test_it_sends_through_smtp_to_the_address(smtp_server, an_email):
    DjangoEmail().send(an_email)
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == [ADDRESS]
    assert envelope.mail_from == "hello@wb.example.org"


def test_the_sender_shows_only_the_discreet_name(smtp_server, an_email):
    DjangoEmail().send(an_email)
    sender = smtp_server.received()["From"].addresses[0]
    assert sender.display_name == "Riverbend"
    assert sender.addr_spec == "hello@wb.example.org"
    assert smtp_server.received()["Subject"] == "A monthly hello"


def test_it_carries_one_click_unsubscribe(smtp_server, an_email):
    DjangoEmail().send(an_email)
    received = smtp_server.received()
    links = [part.strip().strip("<>") for part in received["List-Unsubscribe"].split(",")]
    https, mailto = links
    assert https == f"{PUBLIC}/o/unsub/{make_token(an_email)}/"
    assert mailto == "mailto:hello@wb.example.org?subject=unsubscribe"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_unsubscribe_link_names_only_the_message(smtp_server, an_email):
    DjangoEmail().send(an_email)
    header = smtp_server.received()["List-Unsubscribe"]
    path = urlsplit(header.split(",")[0].strip().strip("<>")).path
    token = path.removeprefix("/o/unsub/").removesuffix("/")
    # The readable part of a signed token is its payload: the id, nothing else.
    payload = token.split(":")[0]
    assert urlsafe_b64decode(payload + "=" * (-len(payload) % 4)) == str(an_email.pk).encode()
    assert message_for_token(token) == an_email


def test_the_message_id_is_stored_as_the_provider_id(smtp_server, an_email):
    accepted = DjangoEmail().send(an_email)
    message_id = smtp_server.received()["Message-ID"]
    assert accepted.provider_id == message_id
    assert message_id.endswith("@wb.example.org>")
    assert len(accepted.provider_id) <= 64


def test_the_text_has_the_body_and_the_link_below_it(smtp_server, an_email):
    DjangoEmail().send(an_email)
    received = smtp_server.received()
    text = received.get_body(("plain",)).get_content()
    assert "Just our monthly hello & a wave." in text
    assert text.rstrip().endswith(f"/o/unsub/{make_token(an_email)}/")


def test_the_html_part_has_the_preview_as_its_preheader(smtp_server, an_email):
    DjangoEmail().send(an_email)
    html = smtp_server.received().get_body(("html",)).get_content()
    assert "Just saying hello." in html
    assert "hello &amp; a wave" in html
    assert f'href="{PUBLIC}/o/unsub/' in html


def test_automated_email_asks_autoresponders_not_to_answer(smtp_server, an_email):
    DjangoEmail().send(an_email)
    assert smtp_server.received()["Auto-Submitted"] == "auto-generated"


# -- what the server's refusals mean -----------------------------------------


def test_an_unknown_mailbox_is_permanent_and_marks_the_address(smtp_server, an_email):
    smtp_server.refuse_with = "550 5.1.1 <ana@example.org>: Recipient address rejected"
    with pytest.raises(PermanentProviderError) as caught:
        DjangoEmail().send(an_email)
    assert caught.value.code == "550"
    assert caught.value.address_failed is True
    assert ADDRESS not in str(caught.value)
    assert caught.value.__suppress_context__


def test_a_policy_block_is_permanent_but_not_the_address(smtp_server, an_email):
    smtp_server.refuse_with = "550 5.7.1 Relaying denied"
    with pytest.raises(PermanentProviderError) as caught:
        DjangoEmail().send(an_email)
    assert caught.value.address_failed is False


def test_try_again_later_is_temporary(smtp_server, an_email):
    smtp_server.refuse_with = "451 4.7.1 Greylisted, please try again later"
    with pytest.raises(TemporaryProviderError) as caught:
        DjangoEmail().send(an_email)
    assert caught.value.code == "451"


def test_no_mail_server_is_temporary_and_nothing_was_sent(email_settings, an_email):
    email_settings.EMAIL_PORT = free_port()
    with pytest.raises(TemporaryProviderError) as caught:
        DjangoEmail().send(an_email)
    assert caught.value.code == "connect"


def test_an_anymail_backend_reports_the_services_own_id(settings, an_email):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    accepted = DjangoEmail().send(an_email)
    (sent,) = mail.outbox
    assert accepted.provider_id == str(sent.anymail_status.message_id)
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# -- one-click unsubscribe ---------------------------------------------------


def unsubscribe_path(message):
    return urlsplit(f"{PUBLIC}/o/unsub/{make_token(message)}/").path


@pytest.fixture
def mail_program():
    """A client that, like a mail program, sends no cookie and no CSRF token
    — and is refused if the view were not exempt."""
    return BrowserClient(enforce_csrf_checks=True)


def opt_outs(address=ADDRESS):
    return ConsentEvent.objects.filter(channel="email", address=address, granted=False)


def test_one_click_opts_the_address_out_at_once(mail_program, an_email):
    response = mail_program.post(unsubscribe_path(an_email), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    event = opt_outs().get()
    assert event.client == an_email.client
    assert event.source == "link"
    assert "RFC 8058" in event.wording


def test_one_click_stops_emails_still_queued_for_the_address(mail_program, an_email):
    queued = outbound(
        an_email.client, an_email.program, channel="email", state="queued", to_address=ADDRESS
    )
    mail_program.post(unsubscribe_path(an_email), {"List-Unsubscribe": "One-Click"})
    queued.refresh_from_db()
    assert queued.state == MessageState.SUPPRESSED


def test_a_repeated_one_click_records_one_opt_out(mail_program, an_email):
    for _ in range(3):
        mail_program.post(unsubscribe_path(an_email), {"List-Unsubscribe": "One-Click"})
    assert opt_outs().count() == 1


def test_the_page_shows_a_button_and_changes_nothing_by_itself(client, an_email):
    response = client.get(unsubscribe_path(an_email))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="post">' in page
    assert 'name="List-Unsubscribe" value="One-Click"' in page
    assert not opt_outs().exists()


def test_the_page_reveals_no_name_and_nothing_about_care(client, an_email):
    page = client.get(unsubscribe_path(an_email)).content.decode()
    assert '<html lang="en">' in page
    for private in ("Ana", "Rivera", ADDRESS, an_email.program.name, "Riverbend", "IOP"):
        assert private not in page
    assert "<title>Email preferences</title>" in page
    assert "call or text" in page and "988" in page
    assert "<script" not in page and "http" not in page.replace('href="tel:988"', "")


def test_pressing_the_button_records_the_words_on_the_page(mail_program, an_email):
    page = mail_program.get(unsubscribe_path(an_email)).content.decode()
    mail_program.post(unsubscribe_path(an_email), {"List-Unsubscribe": "One-Click", "via": "page"})
    event = opt_outs().get()
    assert "Stop these emails?" in event.wording
    assert "Stop emails" in page and "[Stop emails]" in event.wording


def test_a_tampered_link_gets_a_kind_page_and_changes_nothing(mail_program, an_email):
    token = make_token(an_email)
    tampered = f"/o/unsub/{token[:-2]}xx/"
    response = mail_program.post(tampered, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "isn't working" in response.content.decode()
    assert "988" in response.content.decode()
    assert not opt_outs().exists()
    assert mail_program.get(tampered).status_code == 400


def test_a_link_for_a_text_message_is_no_unsubscribe_link(mail_program):
    program = a_program()
    text = outbound(a_client(program), program, channel="sms")
    response = mail_program.post(unsubscribe_path(text), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert not ConsentEvent.objects.exists()


def test_a_post_without_the_one_click_field_changes_nothing(mail_program, an_email):
    response = mail_program.post(unsubscribe_path(an_email), {})
    assert response.status_code == 400
    assert not opt_outs().exists()


def test_the_sent_message_is_untouched_by_the_opt_out(mail_program, an_email):
    mail_program.post(unsubscribe_path(an_email), {"List-Unsubscribe": "One-Click"})
    assert Message.objects.get(pk=an_email.pk).state == MessageState.SENDING


def test_the_demo_file_backend_keeps_the_email_in_the_outbox(settings, tmp_path, an_email):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    settings.PUBLIC_BASE_URL = PUBLIC
    DjangoEmail().send(an_email)
    (written,) = tmp_path.glob("*.log")
    content = written.read_text()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in content
    assert "Subject: A monthly hello" in content

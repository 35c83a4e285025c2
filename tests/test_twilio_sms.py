"""Texts through the real Twilio SDK, against a loopback stand-in for
Twilio's API that records each call and answers as Twilio does."""

import base64
import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.channels import PUBLIC, a_client, a_program, outbound
from welcomeback.outreach.providers import PermanentProviderError, TemporaryProviderError
from welcomeback.outreach.providers.twilio_sms import RecipientOptedOut, TwilioSms

pytestmark = pytest.mark.django_db

ACCOUNT = "AC" + "0123456789abcdef" * 2
TOKEN = "test-auth-token"
SID = "SM" + "fedcba9876543210" * 2


@dataclass
class Call:
    path: str
    form: dict
    authorization: str


class FakeTwilio:
    """What the stand-in answers, and what it was asked."""

    def __init__(self):
        self.calls: list[Call] = []
        self.status = 201
        self.payload = None
        self.stall = 0.0
        self.released = threading.Event()

    def answer(self, status, payload):
        self.status, self.payload = status, payload


def created_message(form) -> dict:
    """Twilio's answer to a create, as its API documents it."""
    return {
        "sid": SID,
        "account_sid": ACCOUNT,
        "api_version": "2010-04-01",
        "status": "queued",
        "direction": "outbound-api",
        "to": form["To"][0],
        "from": form.get("From", [None])[0],
        "messaging_service_sid": form.get("MessagingServiceSid", [None])[0],
        "body": form["Body"][0],
        "num_segments": "1",
        "num_media": "0",
        "price": None,
        "price_unit": "USD",
        "error_code": None,
        "error_message": None,
        "date_created": "Thu, 26 Nov 2026 21:00:00 +0000",
        "date_updated": "Thu, 26 Nov 2026 21:00:00 +0000",
        "date_sent": None,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{SID}.json",
        "subresource_uris": {},
    }


def handler_for(api: FakeTwilio):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            form = parse_qs(body)
            api.calls.append(Call(self.path, form, self.headers.get("Authorization", "")))
            if api.stall:
                api.released.wait(api.stall)
            payload = api.payload if api.payload is not None else created_message(form)
            data = json.dumps(payload).encode()
            try:
                self.send_response(api.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (the timeout test)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def twilio_settings(settings):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_TIMEOUT_SECONDS = 2
    settings.PUBLIC_BASE_URL = PUBLIC
    return settings


@pytest.fixture
def fake_twilio(twilio_settings):
    api = FakeTwilio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(api))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    twilio_settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield api
    api.released.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def text():
    program = a_program()
    return outbound(a_client(program), program, state="sending", body="Hi Ana, hello.")


def send_failing(message, error_class):
    with pytest.raises(error_class) as caught:
        TwilioSms().send(message)
    return caught.value


# -- what the SDK sends ------------------------------------------------------


def test_it_creates_the_message_through_the_sdk_and_returns_twilios_id(fake_twilio, text):
    accepted = TwilioSms().send(text)

    assert accepted.provider_id == SID
    (call,) = fake_twilio.calls
    assert call.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert call.form["To"] == ["+15555550101"]
    assert call.form["Body"] == ["Hi Ana, hello."]
    assert call.form["From"] == ["+15005550006"]
    assert "MessagingServiceSid" not in call.form


def test_it_authenticates_as_the_account(fake_twilio, text):
    TwilioSms().send(text)
    expected = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
    assert fake_twilio.calls[0].authorization == f"Basic {expected}"


def test_its_status_callback_is_our_public_webhook_naming_the_message(fake_twilio, text):
    TwilioSms().send(text)
    callback = fake_twilio.calls[0].form["StatusCallback"][0]
    assert callback == f"{PUBLIC}/o/twilio/status/?m={text.pk}"
    assert "_" not in callback  # the SDK: underscores are not allowed


def test_a_messaging_service_chooses_the_sender_when_configured(fake_twilio, text, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    TwilioSms().send(text)
    form = fake_twilio.calls[0].form
    assert form["MessagingServiceSid"] == ["MG" + "1" * 32]
    assert "From" not in form


def test_it_refuses_to_start_without_credentials_or_a_sender(twilio_settings):
    twilio_settings.TWILIO_AUTH_TOKEN = ""
    with pytest.raises(ImproperlyConfigured):
        TwilioSms()
    twilio_settings.TWILIO_AUTH_TOKEN = TOKEN
    twilio_settings.TWILIO_FROM_NUMBER = ""
    with pytest.raises(ImproperlyConfigured):
        TwilioSms()


# -- what its errors mean ----------------------------------------------------


def twilio_error(code, status, message="An error"):
    return {"code": code, "message": message, "more_info": "", "status": status}


def test_a_server_error_is_temporary_and_says_twilio_answered(fake_twilio, text):
    fake_twilio.answer(500, twilio_error(20500, 500, "Internal Server Error"))
    error = send_failing(text, TemporaryProviderError)
    # A numeric code: Twilio answered "no", so the dispatcher may retry.
    assert error.code == "20500"


def test_a_server_error_without_a_twilio_body_is_still_temporary(fake_twilio, text):
    fake_twilio.answer(503, {})
    error = send_failing(text, TemporaryProviderError)
    assert error.code == "503"


def test_too_many_requests_is_temporary(fake_twilio, text):
    fake_twilio.answer(429, twilio_error(20429, 429, "Too Many Requests"))
    send_failing(text, TemporaryProviderError)


def test_an_invalid_number_is_permanent_and_marks_the_address(fake_twilio, text):
    quoted = "The 'To' number +15555550101 is not a valid phone number."
    fake_twilio.answer(400, twilio_error(21211, 400, quoted))
    error = send_failing(text, PermanentProviderError)
    assert error.code == "21211"
    assert error.address_failed is True
    # Twilio's own words quote the number; ours do not.
    assert "5555550101" not in str(error)
    assert error.__cause__ is None and error.__suppress_context__


def test_a_landline_is_a_failing_address(fake_twilio, text):
    fake_twilio.answer(400, twilio_error(21614, 400))
    assert send_failing(text, PermanentProviderError).address_failed is True


def test_a_number_that_texted_stop_is_an_opt_out_not_a_bad_number(fake_twilio, text):
    fake_twilio.answer(400, twilio_error(21610, 400, "Attempt to send to unsubscribed recipient"))
    error = send_failing(text, RecipientOptedOut)
    assert error.code == "21610"
    assert error.address_failed is False


def test_a_refusal_about_our_own_sender_is_permanent_but_not_the_address(fake_twilio, text):
    fake_twilio.answer(400, twilio_error(21606, 400, "The From number is not SMS-capable"))
    error = send_failing(text, PermanentProviderError)
    assert error.address_failed is False


def test_no_answer_in_time_is_temporary_and_may_have_been_sent(fake_twilio, text, settings):
    settings.TWILIO_TIMEOUT_SECONDS = 0.3
    fake_twilio.stall = 5
    error = send_failing(text, TemporaryProviderError)
    # Not numeric and not "connect": the dispatcher marks the outcome unknown.
    assert error.code == "timeout"
    assert len(fake_twilio.calls) == 1  # asked once, never retried by the SDK


def test_a_refused_connection_is_temporary_and_nothing_was_sent(twilio_settings, text):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    twilio_settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{port}"
    error = send_failing(text, TemporaryProviderError)
    assert error.code == "connect"

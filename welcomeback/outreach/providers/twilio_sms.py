"""Text messages through Twilio's official SDK (docs/sms-twilio.md).

Errors become the dispatcher's two kinds. The SDK's own error text can
quote the phone number, so it is never passed on, logged or chained:
each error carries Twilio's numeric code and our own words for it.
"""

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from welcomeback.outreach.callbacks import public_url
from welcomeback.outreach.providers.base import (
    Accepted,
    PermanentProviderError,
    TemporaryProviderError,
)
from welcomeback.outreach.providers.transport import transport_error

# Twilio error codes that mean the number itself cannot take texts, so the
# contact point is marked failing (https://www.twilio.com/docs/api/errors).
BAD_NUMBER_CODES = {
    21211: "not a valid phone number",
    21614: "not a mobile number",
    # Twilio notes 30003 can be a phone off for days; staff are asked to
    # find another way, and can put the number back.
    30003: "the phone is unreachable",
    30005: "the number does not exist",
    30006: "a landline, or a carrier that cannot take texts",
}
OPTED_OUT_CODE = 21610
# 401: our credentials, not the message; 429: too many requests. Both
# clear up, so the message waits rather than fails.
TEMPORARY_STATUSES = {401, 429}


class RecipientOptedOut(PermanentProviderError):
    """Twilio 21610: this number replied STOP to our sender, and the carrier
    blocks texts to it. Not a bad number: the person's choice, which the
    consent log should record as an opt-out."""

    def __init__(self):
        super().__init__(str(OPTED_OUT_CODE), "the number opted out at the carrier (STOP)")


class TwilioSms:
    def __init__(self):
        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
            raise ImproperlyConfigured("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set.")
        if not (settings.TWILIO_FROM_NUMBER or settings.TWILIO_MESSAGING_SERVICE_SID):
            raise ImproperlyConfigured(
                "Set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER to send texts."
            )
        self.client = build_client()

    def send(self, message) -> Accepted:
        try:
            created = self.client.messages.create(**message_params(message))
        except (TwilioRestException, TwilioServiceException) as error:
            raise api_error(error) from None
        except requests.RequestException as error:
            raise transport_error(error, "Twilio") from error
        return Accepted(provider_id=created.sid)


def build_client() -> Client:
    # No retries inside the SDK (requests' default): a retried create could
    # send twice. The dispatcher decides what happens after an error.
    http_client = TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT_SECONDS)
    # environment={}: configuration comes from settings only, never from
    # TWILIO_EDGE or TWILIO_REGION lying around in the environment.
    client = Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=http_client,
        environment={},
    )
    if settings.TWILIO_API_BASE_URL:
        # The Api domain's base URL is a plain attribute of the SDK's Domain
        # class; tests point it at a loopback server.
        client.api.base_url = settings.TWILIO_API_BASE_URL
    return client


def message_params(message) -> dict:
    params = {
        "to": message.to_address,
        "body": message.body,
        "status_callback": status_callback_url(message),
    }
    if settings.TWILIO_MESSAGING_SERVICE_SID:
        params["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
    else:
        params["from_"] = settings.TWILIO_FROM_NUMBER
    return params


def status_callback_url(message) -> str:
    """Our status webhook, naming the message: if Twilio's answer to the
    send is lost, its status report still finds the message. (The SDK says
    underscores are not allowed in a callback URL; this one has none.)"""
    return public_url(f"{reverse('outreach:twilio-status')}?m={message.pk}")


def api_error(error) -> PermanentProviderError | TemporaryProviderError:
    status = int(error.status or 0)
    code = int(error.code or status or 0)
    if code == OPTED_OUT_CODE:
        return RecipientOptedOut()
    if status >= 500 or status in TEMPORARY_STATUSES:
        return TemporaryProviderError(str(code), f"Twilio answered HTTP {status}")
    if code in BAD_NUMBER_CODES:
        return PermanentProviderError(str(code), BAD_NUMBER_CODES[code], address_failed=True)
    return PermanentProviderError(str(code), f"Twilio refused the message (HTTP {status})")

"""What providers and mail programs call: Twilio's status reports and
incoming texts, Anymail's email events, and the one-click unsubscribe.

Each checks who is calling before anything is stored, hands the work to
``callbacks`` or ``unsubscribe``, and logs ids only: never a number, an
address or a word of anyone's message.
"""

import logging
import re

from anymail.signals import inbound, tracking
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import render
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from welcomeback.outreach import replies
from welcomeback.outreach.callbacks import (
    PROVIDER_STATES,
    adopt_provider_id,
    message_for_report,
    public_url,
    record_provider_status,
    store_inbound,
)
from welcomeback.outreach.models import Channel
from welcomeback.outreach.providers.twilio_sms import BAD_NUMBER_CODES
from welcomeback.outreach.unsubscribe import message_for_token, record_email_unsubscribe

logger = logging.getLogger(__name__)


def webhook(view):
    """POST only; no CSRF token or login (a provider has neither); POST
    values hidden from Django's error reports, which could otherwise email
    a number and a message to the admins."""
    return csrf_exempt(login_not_required(sensitive_post_parameters()(require_POST(view))))


# -- Twilio -----------------------------------------------------------------


def twilio_signed(request) -> bool:
    """X-Twilio-Signature, checked by the SDK against the public URL Twilio
    called (behind a proxy Django sees another scheme and host)."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not (token and signature):
        # An empty token would make every forged signature "valid".
        return False
    url = public_url(request.get_full_path())
    return RequestValidator(token).validate(url, request.POST, signature)


@webhook
def twilio_status(request):
    if not twilio_signed(request):
        logger.warning("twilio status: missing or invalid signature; ignored")
        return HttpResponseForbidden()
    apply_twilio_status(request.POST, request.GET.get("m", ""))
    # Always 200 to a signed report, whether or not it changed anything, so
    # Twilio does not retry it.
    return HttpResponse()


def apply_twilio_status(data, named_id: str) -> None:
    sid = data.get("MessageSid", "")
    status = data.get("MessageStatus") or data.get("SmsStatus", "")
    code = data.get("ErrorCode", "")
    message = message_for_report(Channel.SMS, sid)
    if message is None and sid and named_id.isdigit():
        message = adopt_provider_id(int(named_id), Channel.SMS, sid)
    if message is None:
        logger.info("twilio status: %s for a message we do not know", status)
        return
    bad_number = code.isdigit() and int(code) in BAD_NUMBER_CODES
    moved = record_provider_status(message, status, code, address_failed=bad_number)
    logger.info("twilio status: message %s reported %s (moved=%s)", message.pk, status, moved)


@webhook
def twilio_inbound(request):
    if not twilio_signed(request):
        logger.warning("twilio inbound: missing or invalid signature; ignored")
        return HttpResponseForbidden()
    sid = request.POST.get("MessageSid", "")
    if not sid:
        return HttpResponseBadRequest()
    received, created = store_inbound(
        channel=Channel.SMS,
        from_address=request.POST.get("From", ""),
        to_address=request.POST.get("To", ""),
        body=request.POST.get("Body", ""),
        provider_id=sid,
    )
    after_storing(received, created, "twilio inbound")
    # An empty answer: replies go out through our own queue, which checks
    # consent, quiet hours and caps and keeps the record; never as TwiML.
    return HttpResponse(str(MessagingResponse()), content_type="text/xml")


def after_storing(received, created: bool, source: str) -> None:
    """A retried webhook stores nothing new and is not handled twice."""
    logger.info(
        "%s: inbound %s (new=%s, matched=%s)",
        source,
        received.pk,
        created,
        bool(received.client_id),
    )
    if created:
        replies.handle_inbound(received)


# -- email through Anymail --------------------------------------------------


@receiver(inbound, dispatch_uid="outreach.email_inbound")
def email_inbound(sender, event, esp_name, **kwargs):
    message = event.message
    received, created = store_inbound(
        channel=Channel.EMAIL,
        from_address=first_address(message.from_email),
        to_address=message.envelope_recipient or first_address(message.to),
        subject=message.subject or "",
        body=message.text or strip_tags(message.html or ""),
        provider_id=message["Message-ID"] or event.event_id or "",
        received=event.timestamp,
    )
    after_storing(received, created, f"{esp_name} inbound")


def first_address(value) -> str:
    """Anymail gives one address, or a list (To, or a rare multiple From)."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value.addr_spec if value else ""


# Opt-outs reported by the email service: its own unsubscribe, or "this is
# spam" (a feedback loop). Either means: stop emailing this address.
OPT_OUT_EVENTS = {"unsubscribed", "complained"}
OPT_OUT_WORDING = {
    "unsubscribed": "They unsubscribed through the email service ({esp}).",
    "complained": "They reported an email as spam to their email service ({esp}).",
}


@receiver(tracking, dispatch_uid="outreach.email_tracking")
def email_tracking(sender, event, esp_name, **kwargs):
    message = message_for_report(Channel.EMAIL, event.message_id or "")
    if message is None:
        return
    if event.event_type in OPT_OUT_EVENTS:
        wording = OPT_OUT_WORDING[event.event_type].format(esp=esp_name)
        record_email_unsubscribe(message, wording, note=f"{esp_name} {event.event_type}")
    elif event.event_type in PROVIDER_STATES:
        code = event.reject_reason or event.event_type
        failed = bad_mailbox(event)
        moved = record_provider_status(message, event.event_type, code, address_failed=failed)
        logger.info("%s: message %s reported %s (moved=%s)", esp_name, message.pk, code, moved)


# An enhanced status code (RFC 3463) in the receiving server's answer.
ENHANCED_CODE = re.compile(r"\b([245])\.(\d{1,3})\.\d{1,3}\b")


def bad_mailbox(event) -> bool:
    """Does this event say the address itself is bad? A hard bounce does;
    a soft one (4.x.x) or a policy block (5.7.x) does not; a rejection does
    when the service says the address is invalid or bounced before."""
    if event.event_type == "rejected":
        return event.reject_reason in ("invalid", "bounced")
    if event.event_type != "bounced":
        return False
    found = ENHANCED_CODE.search(event.mta_response or "")
    return not found or (found[1] == "5" and found[2] != "7")


# -- one-click unsubscribe (RFC 8058) ---------------------------------------

HEADING = _("Stop these emails?")
EXPLANATION = _("Press the button and we'll stop emailing this address. Nothing else changes.")
BUTTON = _("Stop emails")
# What a person pressing their mail program's own Unsubscribe button saw.
ONE_CLICK = _("The Unsubscribe button of their email program (one-click, RFC 8058).")


# RFC 8058: the mail program POSTs with no cookies and no token, so no CSRF
# check and no login; the signed token is the authority.
@csrf_exempt
@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    message = message_for_token(token)
    if message is None:
        return render(request, "outreach/unsubscribe_invalid.html", status=400)
    if request.method == "GET":
        # A GET changes nothing: link scanners open every link in a mail.
        copy = {"heading": HEADING, "explanation": EXPLANATION, "button": BUTTON}
        return render(request, "outreach/unsubscribe.html", copy)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return render(request, "outreach/unsubscribe_invalid.html", status=400)
    on_page = request.POST.get("via") == "page"
    wording = f"{HEADING} {EXPLANATION} [{BUTTON}]" if on_page else str(ONE_CLICK)
    note = "unsubscribe page" if on_page else "one-click from the mail program"
    record_email_unsubscribe(message, wording, note=note)
    logger.info("unsubscribe: the address of message %s opted out of email", message.pk)
    return render(request, "outreach/unsubscribe_done.html")

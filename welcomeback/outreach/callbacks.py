"""What providers tell us after the fact: delivery reports, bounces, and the
texts and emails people send in.

``record_provider_status`` is the one place a provider's report moves a
message; ``store_inbound`` is the one place a message someone sent us is
kept. The webhooks (``webhooks.py``) only check signatures and call these.
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from welcomeback.outreach.contact_points import kind_for_channel, mark_failing, match_sender
from welcomeback.outreach.contact_points import normalise as normalise_address
from welcomeback.outreach.models import InboundMessage, Message, MessageState

S = MessageState

# A provider's word for where a message is, in ours: Twilio's message
# statuses and Anymail's normalised event types share most words.
PROVIDER_STATES = {
    "accepted": S.SENT,
    "scheduled": S.SENT,
    "queued": S.SENT,
    "sending": S.SENT,
    "sent": S.SENT,
    "delivered": S.DELIVERED,
    "read": S.DELIVERED,
    "undelivered": S.FAILED,
    "failed": S.FAILED,
    "canceled": S.FAILED,
    "bounced": S.FAILED,
    "rejected": S.FAILED,
}

# Reports only ever move a message forward; delivered and failed are final.
# "sending -> sent" is left to the dispatcher, which holds the attempt; a
# report settles an outcome-unknown message as sent (the provider has it).
MOVES_FROM = {
    S.SENT: (S.UNKNOWN,),
    S.DELIVERED: (S.SENDING, S.UNKNOWN, S.SENT),
    S.FAILED: (S.SENDING, S.UNKNOWN, S.SENT),
}

# Plain English, like the dispatcher's reasons; staff screens translate.
REASON_REPORTED_SENT = "the provider's status report says it was sent"
REASON_UNDELIVERED = "the provider could not deliver it (%s)"

# Both id columns hold 64 characters; email Message-IDs can run to 250.
PROVIDER_ID_LENGTH = 64


def provider_key(value: str) -> str:
    """A provider's id as stored: as given when it fits, else a digest of it,
    so a long email Message-ID still matches itself and nothing else."""
    value = (value or "").strip()
    if len(value) <= PROVIDER_ID_LENGTH:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()[: PROVIDER_ID_LENGTH - 7]


def public_url(path: str) -> str:
    """The address the outside world uses for one of our paths. Providers
    sign and call this, not what Django sees behind a proxy."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


# -- delivery reports -------------------------------------------------------


def message_for_report(channel: str, provider_id: str) -> Message | None:
    if not provider_id:
        return None
    return (
        Message.objects.filter(channel=channel, provider_id=provider_key(provider_id))
        .select_related("client", "program")
        .first()
    )


def takes_reports(message: Message, now: datetime) -> bool:
    """Reports are accepted for a bounded time after the message was written;
    a provider retrying a report for a months-old message is answered and
    ignored (STYLE: status callbacks are accepted for a bounded time)."""
    window = timedelta(days=settings.OUTREACH_CALLBACK_WINDOW_DAYS)
    return message.created >= now - window


def record_provider_status(
    message: Message,
    status: str,
    error_code: str = "",
    now: datetime | None = None,
    *,
    address_failed: bool = False,
) -> bool:
    """Apply a provider's report to a message; True when the message moved.

    A conditional update does the move, so two copies of one report (or a
    report racing the dispatcher) change the row once. ``address_failed``
    says the failure was the number or address itself: the contact point is
    then marked failing, which stops its use and asks staff for another way.
    """
    now = now or timezone.now()
    target = PROVIDER_STATES.get((status or "").lower())
    if target is None or not takes_reports(message, now):
        return False
    fields = _fields_for(target, status, str(error_code or ""), now)
    moved = Message.objects.filter(pk=message.pk, state__in=MOVES_FROM[target]).update(**fields)
    if not moved:
        return False
    message.refresh_from_db()
    if target == S.FAILED and address_failed and message.client_id:
        kind = kind_for_channel(message.channel)
        mark_failing(message.client, message.program, kind, message.to_address, message.reason, now)
    return True


def _fields_for(target: str, status: str, error_code: str, now: datetime) -> dict:
    fields = {
        "state": target,
        "provider_status": status[:32],
        "error_code": error_code[:32],
        "updated": now,
    }
    if target == S.FAILED:
        fields["reason"] = REASON_UNDELIVERED % (error_code or status)
        return fields
    # Sent or delivered: it left, whenever the dispatcher hears of it.
    fields["sent_at"] = Coalesce(F("sent_at"), Value(now))
    if target == S.SENT:
        fields["reason"] = REASON_REPORTED_SENT
    else:
        fields.update(delivered_at=now, reason="")
    return fields


def adopt_provider_id(message_id: int, channel: str, provider_id: str) -> Message | None:
    """The message our callback URL names, when its provider id is not yet
    known: the provider's report can arrive before (or instead of) the
    answer to our send, e.g. when that answer timed out."""
    key = provider_key(provider_id)
    Message.objects.filter(pk=message_id, channel=channel, provider_id="").update(provider_id=key)
    return (
        Message.objects.filter(pk=message_id, channel=channel, provider_id=key)
        .select_related("client", "program")
        .first()
    )


# -- inbound ----------------------------------------------------------------


def store_inbound(
    *, channel, from_address, provider_id, to_address="", subject="", body="", received=None
) -> tuple[InboundMessage, bool]:
    """Keep a text or email someone sent us, matched to a client by a
    verified contact point (or to nobody). A provider retrying the same
    message id stores nothing new; returns (inbound, created)."""
    kind = kind_for_channel(channel)
    from_address = normalise_address(kind, from_address)
    point = match_sender(kind, from_address)
    fields = {
        "channel": channel,
        "from_address": from_address[:254],
        "to_address": (to_address or "")[:254],
        "subject": (subject or "")[:300],
        "body": body or "",
        "received": received or timezone.now(),
        "client": point.client if point else None,
        "contact_point": point,
    }
    if not provider_id:
        return InboundMessage.objects.create(**fields), True
    # get_or_create rides out a race with a concurrent retry of the same id.
    return InboundMessage.objects.get_or_create(
        provider_id=provider_key(provider_id), defaults=fields
    )

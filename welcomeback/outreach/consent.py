"""Consent to each channel, per number or address, as an append-only log.

The latest event for (channel, address) is the one in force. Withdrawal
takes effect the moment it is recorded (FCC 24-24 allows up to 10 business
days; we never need them): queued automated messages to that address are
suppressed in the same transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.outreach.contact_points import kind_for_channel, normalise
from welcomeback.outreach.models import ConsentEvent, Message, MessageState

OPTED_OUT = _("not sent: they opted out of this channel")


def latest(channel: str, address: str) -> ConsentEvent | None:
    address = normalise(kind_for_channel(channel), address)
    return (
        ConsentEvent.objects.filter(channel=channel, address=address).order_by("-at", "-pk").first()
    )


def has_consent(channel: str, address: str) -> bool:
    event = latest(channel, address)
    return bool(event and event.granted)


def grant(*, channel, address, wording, source, client=None, by=None, note="", at=None):
    return _record(True, channel, address, wording, source, client, by, note, at)


def withdraw(*, channel, address, wording, source, client=None, by=None, note="", at=None):
    """Record an opt-out and stop every automated message queued for it."""
    with transaction.atomic():
        event = _record(False, channel, address, wording, source, client, by, note, at)
        Message.objects.filter(
            channel=channel,
            to_address=event.address,
            automated=True,
            state=MessageState.QUEUED,
        ).update(state=MessageState.SUPPRESSED, reason=OPTED_OUT, updated=event.at)
    return event


def _record(granted, channel, address, wording, source, client, by, note, at) -> ConsentEvent:
    return ConsentEvent.objects.create(
        client=client,
        channel=channel,
        address=normalise(kind_for_channel(channel), address),
        granted=granted,
        wording=wording,
        source=source,
        captured_by=by,
        note=note[:300],
        at=at or timezone.now(),
    )

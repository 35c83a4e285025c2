"""One-tap links in outreach: "I'd like to talk", "Not yet, ask me again
later", "Stop messages" — signed, expiring, single-purpose, no login.

A link names only a client id, how many days it is valid, and (for a pause)
a short fingerprint of the person's pause as it was when the link was made.
It is signed with django.core.signing and a salt per purpose, so a "talk"
link never works as a "stop" link. Nothing personal and nothing about care
is readable in it (STANDARDS.md requirement 15).

Single use, where it makes sense:
- stop: acting twice changes nothing (the opt-out is already in force);
- pause: once used, the pause it was made for has changed, so a second use
  reads as ``UsedLink`` and the page shows the same confirmation;
- talk: a second use joins the request the first one opened (the returns
  app keeps one open conversation per person).

The pages that use these links live in ``welcomeback.portal``.
"""

import hashlib
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.models import Client
from welcomeback.outreach import consent
from welcomeback.outreach.models import (
    Channel,
    ConsentSource,
    ContactPoint,
    Message,
    MessageState,
    PointKind,
)

TALK = "talk"
PAUSE = "pause"
STOP = "stop"
PURPOSES = (TALK, PAUSE, STOP)
# Links older than this never work, whatever they say.
LONGEST_DAYS = 60
# "Not yet": the choices a person has, in days.
PAUSE_CHOICES = {"week": 7, "month": 30}


class BadLink(Exception):
    """Tampered with, cut short, or for another purpose."""


class ExpiredLink(BadLink):
    """Genuine, but past its time."""


class UsedLink(BadLink):
    """Genuine, and already used; ``client_id`` says whose it was."""

    def __init__(self, client_id: int):
        super().__init__(client_id)
        self.client_id = client_id


def _signer(purpose: str) -> signing.TimestampSigner:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return signing.TimestampSigner(salt=f"welcomeback.outreach.link.{purpose}")


def _fingerprint(client, purpose: str) -> str:
    """What a link is bound to, so that using it once uses it up."""
    if purpose != PAUSE:
        return ""
    paused = client.paused_until.isoformat() if client.paused_until else "-"
    return hashlib.sha256(paused.encode()).hexdigest()[:8]


def make_token(client, purpose: str, days_valid: int = 7) -> str:
    days = max(1, min(int(days_valid), LONGEST_DAYS))
    value = f"{client.pk}.{days}.{_fingerprint(client, purpose)}"
    return _signer(purpose).sign(value)


def make_link(client, purpose: str, days_valid: int = 7) -> str:
    """The path of a one-tap link (prefix settings.PUBLIC_BASE_URL for a
    message), e.g. /l/talk/<token>/."""
    return reverse("portal:link", args=[purpose, make_token(client, purpose, days_valid)])


def read_link(token: str, purpose: str) -> int:
    """The client id a link names, or BadLink / ExpiredLink / UsedLink."""
    signer = _signer(purpose)
    try:
        value = signer.unsign(token, max_age=timedelta(days=LONGEST_DAYS))
        client_id, days, fingerprint = _parse(value)
        signer.unsign(token, max_age=timedelta(days=days))
    except signing.SignatureExpired as expired:
        raise ExpiredLink() from expired
    except (signing.BadSignature, ValueError) as bad:
        raise BadLink() from bad
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise BadLink()
    if _used(client, purpose, fingerprint):
        raise UsedLink(client_id)
    return client_id


def _parse(value: str) -> tuple[int, int, str]:
    client_id, days, fingerprint = value.split(".")
    return int(client_id), int(days), fingerprint


def _used(client, purpose: str, fingerprint: str) -> bool:
    # A pause that has since ended (or that staff lifted) frees the link again.
    if purpose != PAUSE or fingerprint == _fingerprint(client, purpose):
        return False
    return client.paused_until is not None and client.paused_until > timezone.now()


# -- what the links do ------------------------------------------------------


def pause_messages(client, days: int, now: datetime | None = None) -> datetime:
    """ "Not yet — ask me again in a week": hold automated outreach until then.

    Messages already queued for them are not sent (as an opt-out stops
    queued messages at once); the cadence asks again after the pause.
    """
    now = now or timezone.now()
    until = now + timedelta(days=days)
    with transaction.atomic():
        Client.objects.filter(pk=client.pk).update(paused_until=until)
        reason = _("not sent: they asked us to wait until %(date)s") % {
            "date": until.date().isoformat()
        }
        Message.objects.filter(client=client, automated=True, state=MessageState.QUEUED).exclude(
            purpose__in=_system_purposes()
        ).update(state=MessageState.SUPPRESSED, reason=reason[:300], updated=now)
    client.paused_until = until
    return until


def _system_purposes():
    from welcomeback.outreach.outbox import SYSTEM_PURPOSES

    return SYSTEM_PURPOSES


def stop_messages(client, wording: str, now: datetime | None = None) -> int:
    """ "Stop messages": opt every number and address of theirs out of texts
    and email, with the words they pressed. Returns how many opt-outs were
    recorded (0 when all were already in force)."""
    recorded = 0
    with transaction.atomic():
        for channel, address in addresses_of(client):
            event = consent.latest(channel, address)
            if event is not None and not event.granted:
                continue
            consent.withdraw(
                channel=channel,
                address=address,
                wording=wording,
                source=ConsentSource.LINK,
                client=client,
                note="one-tap link",
                at=now,
            )
            recorded += 1
    return recorded


def messages_stopped(client) -> bool:
    """Is every number and address of theirs opted out already?"""
    addresses = addresses_of(client)
    latest = [consent.latest(channel, address) for channel, address in addresses]
    return bool(addresses) and all(event is not None and not event.granted for event in latest)


def addresses_of(client) -> list[tuple[str, str]]:
    """(channel, address) for each number and email we have for them."""
    found = {(Channel.SMS, client.phone), (Channel.EMAIL, client.email)}
    for kind, address in ContactPoint.objects.filter(client=client).values_list("kind", "address"):
        found.add((Channel.SMS if kind == PointKind.PHONE else Channel.EMAIL, address))
    return sorted((channel, address) for channel, address in found if address)

"""The unsubscribe link every email carries (List-Unsubscribe, RFC 2369, with
one-click POST, RFC 8058), and the opt-out it records.

The token is signed (django.core.signing) and names only the message id:
nothing personal, nothing about care, in the URL.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core import signing
from django.urls import reverse

from welcomeback.outreach import consent
from welcomeback.outreach.callbacks import public_url
from welcomeback.outreach.models import Channel, ConsentEvent, ConsentSource, Message

SALT = "outreach.unsubscribe"


def make_token(message: Message) -> str:
    # No expiry: an opt-out link that stops working harms more than one that
    # works for ever, and CAN-SPAM wants it to work for 30 days at least.
    return signing.dumps(message.pk, salt=SALT)


def message_for_token(token: str) -> Message | None:
    """The email message a token names; None for a bad or unknown token."""
    try:
        message_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(message_id, int):
        return None
    return Message.objects.filter(pk=message_id, channel=Channel.EMAIL).first()


def unsubscribe_url(message: Message) -> str:
    return public_url(reverse("outreach:unsubscribe", args=[make_token(message)]))


def unsubscribe_mailto() -> str:
    """Mail to our own sending address; the reply is stored and read as an
    opt-out like any other inbound email."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return f"mailto:{address}?subject=unsubscribe"


def record_email_unsubscribe(message: Message, wording: str, note: str = "") -> ConsentEvent:
    """Opt the message's address out of email at once.

    Mail programs may repeat a one-click POST; an address already opted out
    keeps its first event. Recorded through ``consent.withdraw``, which also
    suppresses emails still queued for the address.
    """
    latest = consent.latest(Channel.EMAIL, message.to_address)
    if latest is not None and not latest.granted:
        return latest
    return consent.withdraw(
        channel=Channel.EMAIL,
        address=message.to_address,
        wording=wording,
        source=ConsentSource.LINK,
        client=message.client,
        note=note,
    )

"""Messages people sent in, for the person timeline on the staff side."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from welcomeback.outreach.models import Channel, InboundMessage


@dataclass
class InboundEvent:
    """Shaped like the staff timeline's events."""

    at: datetime
    kind: str
    title: str
    detail: str = ""
    status: str = ""


def inbound_events(client) -> list[InboundEvent]:
    """Texts and emails matched to this client (by a verified contact point)."""
    rows = InboundMessage.objects.filter(client=client).order_by("-received")
    return [
        InboundEvent(
            at=row.received,
            kind="inbound",
            title=title_for(row),
            detail=Truncator(row.body).chars(500),
            status=row.kind or "received",
        )
        for row in rows
    ]


def title_for(row: InboundMessage) -> str:
    if row.channel == Channel.SMS:
        return _("Text received")
    if row.subject:
        return _("Email received: %(subject)s") % {"subject": Truncator(row.subject).chars(80)}
    return _("Email received")

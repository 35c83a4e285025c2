"""Replies on any channel become return requests (after keywords)."""

from django.dispatch import receiver

from welcomeback.care.models import Attendance
from welcomeback.care.signals import attendance_recorded, attendance_recorded_in_bulk
from welcomeback.outreach.models import Channel, InboundKind
from welcomeback.outreach.replies import inbound_handled
from welcomeback.returns.models import RequestChannel
from welcomeback.returns.outcomes import returned_after_bulk, returned_on_attendance
from welcomeback.returns.requests import open_request

KEYWORDS = {InboundKind.OPT_OUT, InboundKind.OPT_IN, InboundKind.HELP}


@receiver(inbound_handled)
def request_from_inbound(sender, inbound, kind, program=None, **kwargs):
    """Keywords were handled already; every other message is for a person —
    including one that read like "stop", in case it is also a crisis."""
    if kind in KEYWORDS or program is None:
        return
    by_text = inbound.channel == Channel.SMS
    open_request(
        program=program,
        channel=RequestChannel.SMS if by_text else RequestChannel.EMAIL,
        phone=inbound.from_address if by_text else "",
        email="" if by_text else inbound.from_address,
        message=inbound.body,
        language=inbound.client.language if inbound.client_id else "en",
        client=inbound.client,
        inbound=inbound,
        now=inbound.received,
    )


@receiver(attendance_recorded, sender=Attendance)
def returned_when_they_attend(sender, attendance, **kwargs):
    """The first attended session after a request closes it as returned."""
    returned_on_attendance(attendance)


@receiver(attendance_recorded_in_bulk, sender=Attendance)
def returned_when_they_attend_in_bulk(sender, pairs, **kwargs):
    """The same, for marks written many at once (CSV, FHIR, the API)."""
    returned_after_bulk(pairs)

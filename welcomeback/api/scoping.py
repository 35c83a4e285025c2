"""What a key's program may see: one funnel per object type."""

from django.db.models import Exists, OuterRef, Q

from welcomeback.care.models import Attendance, Client, Episode, Group, Session
from welcomeback.engagement.models import Engagement
from welcomeback.outreach.models import InboundMessage, Message
from welcomeback.returns.models import ReturnRequest


def in_program(program_id: int) -> Q:
    """Clients with an episode in, or a return request to, the program."""
    return Q(Exists(Episode.objects.filter(client=OuterRef("pk"), program_id=program_id))) | Q(
        Exists(ReturnRequest.objects.filter(client=OuterRef("pk"), program_id=program_id))
    )


def clients(key):
    return Client.objects.filter(organization_id=key.program.site.organization_id).filter(
        in_program(key.program_id)
    )


def groups(key):
    return Group.objects.filter(program_id=key.program_id)


def sessions(key):
    return Session.objects.filter(program_id=key.program_id)


def attendance(key):
    return Attendance.objects.filter(session__program_id=key.program_id)


def return_requests(key):
    return ReturnRequest.objects.filter(program_id=key.program_id)


def messages(key):
    return Message.objects.filter(program_id=key.program_id)


def inbound(key):
    return InboundMessage.objects.filter(
        Exists(Episode.objects.filter(client=OuterRef("client_id"), program_id=key.program_id))
    )


def engagement(key):
    return Engagement.objects.filter(program_id=key.program_id)

"""Builders shared by the channel tests: outbound messages in a given state,
contact points, and a stand-in for the replies handler."""

import uuid

from tests.factories import ClientFactory, ProgramFactory
from welcomeback.outreach import replies
from welcomeback.outreach.models import ContactPoint, Message

PUBLIC = "https://wb.example.org"


def a_program():
    return ProgramFactory()


def a_client(program, **fields):
    return ClientFactory(organization=program.site.organization, **fields)


def outbound(client, program, channel="sms", state="sent", provider_id="", **fields) -> Message:
    values = {
        "client": client,
        "program": program,
        "channel": channel,
        "purpose": "check_in",
        "to_address": "+15555550101" if channel == "sms" else "ana@example.org",
        "sender_name": "Riverbend",
        "subject": "A monthly hello" if channel == "email" else "",
        "body": "Hi Ana, just saying hello.",
        "state": state,
        "provider_id": provider_id,
        "key": f"test:{uuid.uuid4()}",
    }
    values.update(fields)
    return Message.objects.create(**values)


def point(client, kind, address, verified=True) -> ContactPoint:
    return ContactPoint.objects.create(client=client, kind=kind, address=address, verified=verified)


def record_replies(monkeypatch) -> list:
    """Stand in for replies.handle_inbound; returns the InboundMessages it
    is handed, in order."""
    calls = []
    monkeypatch.setattr(replies, "handle_inbound", calls.append)
    return calls

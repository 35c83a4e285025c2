"""Builders for outreach tests: a program with a number and a person who
agreed to texts and email."""

from tests.factories import ClientFactory, ProgramFactory
from welcomeback.outreach import consent
from welcomeback.outreach.models import Channel, ConsentSource
from welcomeback.outreach.preferences import start_channel

WORDING = "Riverbend may text you about your visits, up to 3 a week. Reply STOP to stop."


def texting_program(**kwargs):
    defaults = {"phone": "(555) 555-0100", "neutral_name": "Riverbend"}
    return ProgramFactory(**{**defaults, **kwargs})


def person(program, consented=True, **kwargs):
    defaults = {
        "organization": program.site.organization,
        "phone": "+12125550142",
        "email": "ana@example.org",
        "postal_state": "NY",
        "first_name": "Ana",
    }
    client = ClientFactory(**{**defaults, **kwargs})
    if consented:
        for channel, address in ((Channel.SMS, client.phone), (Channel.EMAIL, client.email)):
            consent.grant(
                channel=channel,
                address=address,
                wording=WORDING,
                source=ConsentSource.FORM,
                client=client,
            )
    return client


def consent_via_staff(client, by=None):
    return start_channel(client, Channel.SMS, client.phone, WORDING, ConsentSource.VERBAL, by)

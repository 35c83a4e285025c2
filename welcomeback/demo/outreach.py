"""Outreach in the demo: templates and cadences for every program, consent
on record for most people (as an intake form would collect it), a few
replies, and the planner run at the real now so Today shows outreach
happening to the people drifting now. Messages go out through the console
provider (var/outbox/), so no credentials are needed."""

import random
from datetime import timedelta

from welcomeback.care.models import Client, EpisodeStatus
from welcomeback.engagement.models import Engagement, Status
from welcomeback.outreach import cadence, consent
from welcomeback.outreach.contact_points import point_for
from welcomeback.outreach.models import Channel, ConsentSource, ContactPoint, InboundMessage
from welcomeback.outreach.replies import handle_inbound
from welcomeback.outreach.templating import install_defaults

INTAKE_WORDING = {
    "en": "We may text or email you about your visits, up to 3 messages a week. "
    "Msg & data rates may apply. Reply HELP for help, STOP to stop.",
    "es": "Podemos enviarte mensajes de texto o correos sobre tus citas, hasta 3 por semana. "
    "Pueden aplicarse tarifas de mensajes y datos. Responde AYUDA para ayuda, PARAR para "
    "dejar de recibirlos.",
}
# Most people agree to messages at intake; some don't, and that's fine.
CONSENT_SHARE = 0.85
REPLIES = [
    ("reply", "Hi, sorry I've been away. Can I come back next week?"),
    ("opt_out", "STOP"),
    ("opt_out_like", "please stop texting me"),
    ("help", "HELP"),
]


def start_outreach(rng: random.Random, programs, now, staff) -> int:
    for program in programs:
        install_defaults(program)
        cadence.install_default_cadence(program)
    record_intake_consent(rng, now, staff)
    replies_from_drifting(rng, now)
    cadence.sync_all(now)
    return cadence.plan_due(now)


def record_intake_consent(rng: random.Random, now, staff) -> None:
    for client in Client.objects.order_by("pk"):
        if rng.random() > CONSENT_SHARE:
            continue
        wording = INTAKE_WORDING.get(client.language, INTAKE_WORDING["en"])
        at = client.created
        for channel, address in ((Channel.SMS, client.phone), (Channel.EMAIL, client.email)):
            if address:
                consent.grant(
                    channel=channel,
                    address=address,
                    wording=wording,
                    source=ConsentSource.FORM,
                    client=client,
                    by=staff,
                    at=at,
                )
        if client.phone:
            point = point_for(client, "phone", client.phone)
            ContactPoint.objects.filter(pk=point.pk).update(verified=True)


def replies_from_drifting(rng: random.Random, now) -> None:
    """A handful of people wrote in today: one asks to come back, one says
    STOP, one "stop texting me", one asks for HELP."""
    drifting = list(
        Engagement.objects.filter(
            episode__status=EpisodeStatus.ACTIVE,
            status__in=[Status.LAPSING, Status.DISENGAGED, Status.INTERRUPTED],
        )
        .select_related("episode__client")
        .order_by("pk")
    )
    chosen = rng.sample(drifting, min(len(REPLIES), len(drifting)))
    for (_kind, words), engagement in zip(REPLIES, chosen, strict=False):
        client = engagement.episode.client
        if not client.phone:
            continue
        inbound = InboundMessage.objects.create(
            channel=Channel.SMS,
            from_address=client.phone,
            to_address="",
            body=words,
            client=client,
            received=now - timedelta(minutes=rng.randint(40, 300)),
        )
        handle_inbound(inbound)

"""Staff recording consent and opt-outs, whatever channel the person used."""

from welcomeback.outreach import consent
from welcomeback.outreach.contact_points import kind_for_channel, point_for
from welcomeback.outreach.models import Channel, ContactPoint, Purpose


def start_channel(client, channel, address, wording, source, by):
    """Record consent; the first text after opting in is the confirmation
    (CTIA): what we send, how often, rates, HELP and STOP."""
    was_granted = consent.has_consent(channel, address)
    event = consent.grant(
        channel=channel, address=address, wording=wording, source=source, client=client, by=by
    )
    point = point_for(client, kind_for_channel(channel), address)
    # Consent captured with the person confirms the number or address is theirs.
    ContactPoint.objects.filter(pk=point.pk).update(verified=True)
    if channel == Channel.SMS and not was_granted:
        confirm_texts(client, event)
    return event


def confirm_texts(client, event):
    from welcomeback.outreach.outbox import queue_from_template

    program = current_program(client)
    if program:
        queue_from_template(
            client=client,
            program=program,
            channel=Channel.SMS,
            purpose=Purpose.OPT_IN_CONFIRMATION,
            key=f"opt_in:consent:{event.pk}",
        )


def stop_channel(client, channel, address, wording, source, by):
    return consent.withdraw(
        channel=channel, address=address, wording=wording, source=source, client=client, by=by
    )


def current_program(client):
    episode = client.episodes.select_related("program").order_by("-created").first()
    return episode.program if episode else None

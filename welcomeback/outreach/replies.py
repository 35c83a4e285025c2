"""What happens when a person writes in: keywords first, then the rest.

The inbound webhooks store and match the message, then call
``handle_inbound``. Opt-out keywords are honoured before anything else, with
exactly one confirmation and nothing after it (FCC 24-24, CTIA); HELP gets
the program's name and number; a reply that reads like "stop" pauses
automated texts at once and asks a person to look.
"""

from django.db.models import Q
from django.dispatch import Signal
from django.utils.translation import gettext as _

from welcomeback.care.models import EpisodeStatus, Program
from welcomeback.outreach import consent, outbox
from welcomeback.outreach.keywords import classify
from welcomeback.outreach.models import (
    Channel,
    ConsentSource,
    InboundKind,
    InboundMessage,
    Purpose,
)
from welcomeback.outreach.templating import render_parts, template_for, version_parts
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

# Sent after a reply has been handled. Arguments: inbound, kind, program.
# The return requests app listens to turn replies into requests.
inbound_handled = Signal()


def handle_inbound(inbound: InboundMessage) -> str:
    """Classify and act on a stored, matched InboundMessage; returns its kind."""
    kind = classify(inbound.body if inbound.channel == Channel.SMS else inbound.body[:200])
    InboundMessage.objects.filter(pk=inbound.pk).update(kind=kind)
    inbound.kind = kind
    program = program_for(inbound)
    HANDLERS[kind](inbound, program)
    inbound_handled.send(InboundMessage, inbound=inbound, kind=kind, program=program)
    return kind


def program_for(inbound: InboundMessage) -> Program | None:
    """The program the person is with; else the one whose number they wrote
    to; else the first program (one organisation shares one number)."""
    if inbound.client_id:
        episode = (
            inbound.client.episodes.exclude(status=EpisodeStatus.CANCELLED)
            .select_related("program__site")
            .order_by("-created")
            .first()
        )
        if episode:
            return episode.program
    by_number = Program.objects.filter(~Q(phone=""), phone=inbound.to_address).first()
    return by_number or Program.objects.order_by("pk").first()


def on_opt_out(inbound, program) -> None:
    was_granted = consent.has_consent(inbound.channel, inbound.from_address)
    already_out = not was_granted and consent.latest(inbound.channel, inbound.from_address)
    consent.withdraw(
        channel=inbound.channel,
        address=inbound.from_address,
        client=inbound.client,
        wording=_("They wrote: %(words)s") % {"words": inbound.body.strip()[:100]},
        source=ConsentSource.KEYWORD,
    )
    if not already_out and inbound.channel == Channel.SMS:
        reply(inbound, program, Purpose.OPT_OUT_CONFIRMATION)


def on_opt_in(inbound, program) -> None:
    consent.grant(
        channel=inbound.channel,
        address=inbound.from_address,
        client=inbound.client,
        wording=_("They wrote: %(words)s") % {"words": inbound.body.strip()[:100]},
        source=ConsentSource.KEYWORD,
    )
    reply(inbound, program, Purpose.OPT_IN_CONFIRMATION)


def on_help(inbound, program) -> None:
    reply(inbound, program, Purpose.HELP)


def on_opt_out_like(inbound, program) -> None:
    """Automated messages stop at once; a person decides what they meant."""
    consent.withdraw(
        channel=inbound.channel,
        address=inbound.from_address,
        client=inbound.client,
        wording=_("Their reply read like a request to stop."),
        source=ConsentSource.REPLY,
        note=_("Paused until a person on the staff reviews it."),
    )
    if program:
        open_task(
            kind=TaskKind.OPT_OUT_REVIEW,
            program=program,
            client=inbound.client,
            title=_("Check whether they asked us to stop"),
            detail=_(
                "Automated messages to this %(channel)s are paused. Read their reply "
                "and record what they want."
            )
            % {"channel": inbound.get_channel_display()},
            key=f"opt-out-review:{inbound.pk}",
        )


def on_reply(inbound, program) -> None:
    """Replies belong to people: the return requests app picks them up."""


HANDLERS = {
    InboundKind.OPT_OUT: on_opt_out,
    InboundKind.OPT_IN: on_opt_in,
    InboundKind.HELP: on_help,
    InboundKind.OPT_OUT_LIKE: on_opt_out_like,
    InboundKind.REPLY: on_reply,
}


def reply(inbound, program, purpose: str) -> None:
    """One system answer to this inbound message (its key makes it once)."""
    if program is None:
        return
    language = inbound.client.language if inbound.client_id else "en"
    version = template_for(program, Channel.SMS, language, purpose)
    if version is None:
        return
    values = {"name": "", "sender": program.neutral_name, "phone": program.phone}
    if inbound.client_id:
        values = outbox.values_for(inbound.client, program)
    outbox.queue(
        outbox.Draft(
            client=inbound.client,
            program=program,
            channel=Channel.SMS,
            purpose=purpose,
            key=f"{purpose}:{inbound.pk}",
            parts=render_parts(version_parts(version), values),
            template_version=version,
            automated=True,
        ),
        to_address=inbound.from_address,
    )

"""Queueing a message: the one function every outbound message goes through.

In order: is there an address, does the person allow this channel, is there
consent, does the address still work; render; the tone check (always) and
the privacy check (discreet mode); then pacing for automated messages —
quiet hours, caps, pauses, a live conversation. A message that may not go is
still written, as "not sent" with the reason, so every step shows on the
person's timeline; nothing is dropped silently.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from welcomeback.outreach import checks, consent, links, pacing
from welcomeback.outreach.contact_points import is_failing, kind_for_channel
from welcomeback.outreach.models import (
    Channel,
    InboundMessage,
    Message,
    MessageState,
    Purpose,
)
from welcomeback.outreach.templating import render_parts, template_for, version_parts
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

# System replies answer a person's own message; they go at once, outside
# quiet hours and caps, and need no consent (CTIA HELP/STOP; FCC 24-24
# allows one opt-out confirmation).
SYSTEM_PURPOSES = {
    Purpose.OPT_IN_CONFIRMATION,
    Purpose.OPT_OUT_CONFIRMATION,
    Purpose.HELP,
    Purpose.CRISIS_REPLY,
    Purpose.STAFF_ALERT,
}
COUNTED_STATES = [
    MessageState.QUEUED,
    MessageState.SENDING,
    MessageState.SENT,
    MessageState.DELIVERED,
    MessageState.UNKNOWN,
]


@dataclass
class Draft:
    client: object
    program: object
    channel: str
    purpose: str
    key: str
    parts: dict
    episode: object = None
    template_version: object = None
    automated: bool = True
    created_by: object = None


def address_of(client, channel: str) -> str:
    return client.email if channel == Channel.EMAIL else client.phone


def values_for(client, program, staff_name: str = "", next_session: str = "") -> dict:
    return {
        "name": client.preferred_name or client.first_name,
        "sender": program.neutral_name,
        "phone": program.phone,
        "staff": staff_name,
        "next_session": next_session,
        **one_tap_links(client),
    }


def one_tap_links(client) -> dict:
    """Signed, expiring links the person can tap without signing in."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return {
        f"{purpose}_link": base + links.make_link(client, purpose)
        for purpose in (links.TALK, links.PAUSE, links.STOP)
    }


def queue_from_template(
    *,
    client,
    program,
    channel,
    purpose,
    key,
    episode=None,
    created_by=None,
    automated=True,
    now=None,
    staff_name="",
) -> Message | None:
    """Render the program's current template for the person's language and
    queue it. None when the program has no text for this channel."""
    version = template_for(program, channel, client.language, purpose)
    if version is None:
        return None
    parts = render_parts(version_parts(version), values_for(client, program, staff_name))
    return queue(
        Draft(
            client, program, channel, purpose, key, parts, episode, version, automated, created_by
        ),
        now=now,
    )


def queue(draft: Draft, now: datetime | None = None, to_address: str | None = None) -> Message:
    """Write the message (queued, held or not sent) once per key.

    ``to_address`` answers whoever wrote in, known to us or not.
    """
    now = now or timezone.now()
    existing = Message.objects.filter(key=draft.key).first()
    if existing:
        return existing
    address = to_address or (address_of(draft.client, draft.channel) if draft.client else "")
    state, reason, not_before = decide(draft, address, now)
    message = Message(
        client=draft.client,
        program=draft.program,
        episode=draft.episode,
        channel=draft.channel,
        purpose=draft.purpose,
        to_address=address,
        sender_name=draft.program.neutral_name,
        template_version=draft.template_version,
        automated=draft.automated,
        subject=draft.parts.get("subject", ""),
        preview=draft.parts.get("preview", ""),
        body=draft.parts.get("body", ""),
        state=state,
        reason=reason,
        not_before=not_before,
        key=draft.key,
        created=now,
        created_by=draft.created_by,
        updated=now,
    )
    try:
        with transaction.atomic():
            message.save()
            if state == MessageState.QUEUED:
                transaction.on_commit(lambda: _enqueue(message.pk, not_before, now))
    except IntegrityError:
        return Message.objects.get(key=draft.key)
    if reason and state == MessageState.SUPPRESSED and not_before is None and draft.automated:
        _ask_a_person_if_needed(draft, message, reason, now)
    return message


def _enqueue(message_id: int, not_before, now) -> None:
    from welcomeback.outreach.dispatch import enqueue_message

    if not_before is None or not_before <= now + timedelta(seconds=30):
        enqueue_message(message_id)


def decide(draft: Draft, address: str, now) -> tuple[str, str, datetime | None]:
    """(state, reason, not_before) for a new message."""
    refusal = gate(draft, address)
    if refusal:
        return MessageState.SUPPRESSED, refusal, None
    findings = check_text(draft)
    if findings:
        return MessageState.SUPPRESSED, findings, None
    if draft.purpose in SYSTEM_PURPOSES or not draft.automated:
        return MessageState.QUEUED, "", None
    decision = pace(draft, now)
    with override(None):
        reason = decision.reason
    if decision.send_at is None:
        return MessageState.SUPPRESSED, reason, None
    if decision.send_at > now:
        return MessageState.QUEUED, reason, decision.send_at
    return MessageState.QUEUED, "", None


def gate(draft: Draft, address: str) -> str:
    """Why this message may not go to this person at all, or ''."""
    client, channel = draft.client, draft.channel
    if not address:
        return _("not sent: no %(channel)s on file") % {"channel": _channel_word(channel)}
    if client is None:
        # Only an answer to someone's own message goes to an unknown sender.
        return "" if draft.purpose in SYSTEM_PURPOSES else _("not sent: we don't know them")
    allowed = {
        Channel.SMS: client.sms_allowed,
        Channel.EMAIL: client.email_allowed,
        Channel.VOICEMAIL: client.voicemail_allowed and client.calls_allowed,
        Channel.LETTER: client.letters_allowed,
    }[channel]
    if not allowed:
        return _("not sent: they asked us not to use this channel")
    if draft.purpose in SYSTEM_PURPOSES:
        return ""
    if channel in (Channel.SMS, Channel.EMAIL) and not consent.has_consent(channel, address):
        event = consent.latest(channel, address)
        return consent.OPTED_OUT if event else _("not sent: no consent on record yet")
    if channel in (Channel.SMS, Channel.EMAIL) and is_failing(
        client, kind_for_channel(channel), address
    ):
        return _("not sent: this %(channel)s stopped working") % {"channel": _channel_word(channel)}
    return ""


def _channel_word(channel: str) -> str:
    return {Channel.SMS: _("phone number"), Channel.EMAIL: _("email address")}.get(
        channel, _("address")
    )


def check_text(draft: Draft) -> str:
    """The tone check always; the privacy check in discreet mode."""
    client = draft.client
    by_part = checks.check_message(
        draft.parts,
        language=client.language if client else "en",
        channel=draft.channel,
        discreet=client.discreet if client else True,
        revealing=draft.program.revealing_names_list(),
    )
    blocking = [finding for found in checks.blocking(by_part).values() for finding in found]
    if not blocking:
        return ""
    first = blocking[0]
    with override(None):
        return (_("not sent: %(why)s (“%(text)s”)") % {"why": first.why, "text": first.text})[:300]


def pace(draft: Draft, now) -> pacing.Decision:
    """Quiet hours in every place the person may be, caps across channels,
    their pause, and a live conversation."""
    client, program = draft.client, draft.program
    zones, rules = hours_for(client, program)
    return pacing.earliest_send_time(
        now,
        zones=zones,
        rules=rules,
        caps=pacing.Caps.for_program(program.messages_per_day, program.messages_per_week),
        sent_times=recent_send_times(client, now),
        paused_until=client.paused_until,
        last_inbound_at=last_inbound_at(client),
        staff_handling=False,
        display_zone=client.time_zone or program.time_zone,
    )


def hours_for(client, program) -> tuple[set[str], pacing.Rules]:
    """Every zone the person may be in, and the hours allowed there."""
    zones = pacing.candidate_zones(
        client.phone or None,
        client.postal_state or None,
        client.time_zone or None,
        program.time_zone,
    )
    client_window = None
    if client.contact_from and client.contact_until:
        client_window = pacing.Window(client.contact_from, client.contact_until)
    rules = pacing.Rules(
        program_window=pacing.Window(program.messages_from, program.messages_until),
        client_window=client_window,
        states=pacing.candidate_states(client.phone or None, client.postal_state or None),
    )
    return zones, rules


def paced(message: Message) -> bool:
    """Whether quiet hours bind this message (automated outreach to a person)."""
    return bool(message.automated and message.client_id) and (
        message.purpose not in SYSTEM_PURPOSES
    )


def next_allowed_hour(client, program, moment: datetime) -> datetime | None:
    """The first moment at or after ``moment`` inside the allowed hours in
    every zone the person may be in (a retry must not land in quiet time)."""
    zones, rules = hours_for(client, program)
    return pacing.next_allowed(moment, zones, rules.window_on)


def recent_send_times(client, now) -> list[datetime]:
    rows = (
        Message.objects.filter(
            client=client,
            automated=True,
            state__in=COUNTED_STATES,
            channel__in=[Channel.SMS, Channel.VOICEMAIL, Channel.EMAIL],
            created__gte=now - timedelta(days=8),
        )
        .exclude(purpose__in=SYSTEM_PURPOSES)
        .values_list("sent_at", "not_before", "created")
    )
    return [sent or later or created for sent, later, created in rows]


def last_inbound_at(client) -> datetime | None:
    return (
        InboundMessage.objects.filter(client=client)
        .order_by("-received")
        .values_list("received", flat=True)
        .first()
    )


def _ask_a_person_if_needed(draft: Draft, message: Message, reason: str, now) -> None:
    """A message no rule lets through still needs a human decision when the
    reason is not the person's own choice (e.g. no hour is allowed in every
    possible time zone)."""
    if reason.startswith("held"):
        open_task(
            kind=TaskKind.HELD_MESSAGE,
            program=draft.program,
            client=draft.client,
            episode=draft.episode,
            title=_("A message is waiting for a person"),
            detail=reason,
            due_at=now,
            key=f"held:{message.pk}",
        )

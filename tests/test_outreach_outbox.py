"""Queueing messages: every gate, every check, and pacing — and nothing is
dropped silently: a message that may not go is kept with its reason."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.outreach_helpers import person, texting_program
from welcomeback.outreach import consent, outbox
from welcomeback.outreach.contact_points import mark_failing
from welcomeback.outreach.models import Channel, ConsentSource, Message, MessageState, Purpose
from welcomeback.worklist.models import Task, TaskKind

pytestmark = pytest.mark.django_db

# 15:00 UTC = 10:00 in New York on a Wednesday: inside every window.
MIDMORNING = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def queue_missed(client, program, channel=Channel.SMS, key="k1", now=MIDMORNING):
    return outbox.queue_from_template(
        client=client,
        program=program,
        channel=channel,
        purpose=Purpose.MISSED,
        key=key,
        now=now,
    )


def test_a_text_in_the_morning_is_queued_to_go_now():
    program = texting_program()
    client = person(program)
    message = queue_missed(client, program)
    assert message.state == MessageState.QUEUED
    assert message.not_before is None
    assert message.body.startswith("Hi Ana, we missed you")
    assert message.sender_name == "Riverbend"
    assert message.template_version.number == 1


def test_the_same_key_never_makes_a_second_message():
    program = texting_program()
    client = person(program)
    first = queue_missed(client, program)
    assert queue_missed(client, program) == first
    assert Message.objects.count() == 1


def test_a_text_due_at_night_waits_for_nine_in_their_morning():
    program = texting_program()
    client = person(program)
    night = datetime(2026, 11, 18, 4, 30, tzinfo=UTC)  # 23:30 in New York
    message = queue_missed(client, program, now=night)
    assert message.state == MessageState.QUEUED
    assert message.not_before == datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
    assert message.reason.startswith("held: quiet hours until Wednesday 09:00")


def test_a_number_from_new_york_and_an_address_in_california_wait_for_both():
    program = texting_program()
    client = person(program, postal_state="CA")
    early = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)  # 09:30 NY, 06:30 LA
    message = queue_missed(client, program, now=early)
    assert message.not_before == datetime(2026, 11, 18, 17, 0, tzinfo=UTC)  # 09:00 in LA


def test_one_automated_message_a_day_across_channels():
    program = texting_program()
    client = person(program)
    queue_missed(client, program, key="first")
    email = queue_missed(client, program, channel=Channel.EMAIL, key="second")
    assert email.state == MessageState.QUEUED
    assert email.not_before > MIDMORNING + timedelta(hours=23)
    assert "at most 1 message a day" in email.reason


def test_a_pause_holds_messages_until_the_day_they_chose():
    program = texting_program()
    client = person(program, paused_until=MIDMORNING + timedelta(days=7))
    message = queue_missed(client, program)
    assert message.not_before >= MIDMORNING + timedelta(days=7)
    assert message.reason.startswith("held: paused until")


def test_no_consent_means_no_automated_text_and_says_so():
    program = texting_program()
    client = person(program, consented=False)
    message = queue_missed(client, program)
    assert message.state == MessageState.SUPPRESSED
    assert message.reason == "not sent: no consent on record yet"


def test_an_opt_out_stops_messages_already_queued():
    program = texting_program()
    client = person(program)
    night = datetime(2026, 11, 18, 4, 30, tzinfo=UTC)
    held = queue_missed(client, program, now=night)
    consent.withdraw(
        channel=Channel.SMS,
        address=client.phone,
        wording="STOP",
        source=ConsentSource.KEYWORD,
        client=client,
    )
    held.refresh_from_db()
    assert held.state == MessageState.SUPPRESSED
    assert "opted out" in held.reason
    later = queue_missed(client, program, key="k2")
    assert later.state == MessageState.SUPPRESSED


def test_a_channel_the_person_declined_is_never_used():
    program = texting_program()
    client = person(program, sms_allowed=False)
    message = queue_missed(client, program)
    assert message.state == MessageState.SUPPRESSED
    assert "asked us not to use this channel" in message.reason


def test_a_number_that_stopped_working_is_not_used():
    program = texting_program()
    client = person(program)
    mark_failing(client, program, "phone", client.phone, "unreachable (30003)")
    message = queue_missed(client, program)
    assert message.state == MessageState.SUPPRESSED
    assert "stopped working" in message.reason
    assert Task.objects.filter(kind=TaskKind.NEW_CONTACT, client=client).count() == 1


def test_words_that_shame_are_never_sent_even_when_staff_type_them():
    program = texting_program()
    client = person(program)
    draft = outbox.Draft(
        client=client,
        program=program,
        channel=Channel.SMS,
        purpose=Purpose.STAFF,
        key="s1",
        parts={"body": "You failed to attend again. Call Riverbend (555) 555-0100."},
        automated=False,
    )
    message = outbox.queue(draft, now=MIDMORNING)
    assert message.state == MessageState.SUPPRESSED
    assert "failed to attend" in message.reason


def test_a_discreet_text_never_names_the_care():
    program = texting_program()
    client = person(program)
    draft = outbox.Draft(
        client=client,
        program=program,
        channel=Channel.SMS,
        purpose=Purpose.STAFF,
        key="s2",
        parts={"body": "Hi Ana, your therapy group misses you. Riverbend (555) 555-0100"},
        automated=False,
    )
    assert outbox.queue(draft, now=MIDMORNING).state == MessageState.SUPPRESSED
    client.discreet = False
    client.save()
    draft.key = "s3"
    assert outbox.queue(draft, now=MIDMORNING).state == MessageState.QUEUED


def test_a_live_conversation_holds_automated_texts_for_thirty_minutes():
    from welcomeback.outreach.models import InboundMessage

    program = texting_program()
    client = person(program)
    InboundMessage.objects.create(
        channel=Channel.SMS,
        from_address=client.phone,
        body="hi",
        client=client,
        received=MIDMORNING - timedelta(minutes=10),
    )
    message = queue_missed(client, program)
    assert message.not_before == MIDMORNING + timedelta(minutes=20)
    assert "live conversation" in message.reason


def test_a_reply_to_help_goes_at_once_even_at_night():
    program = texting_program()
    client = person(program, consented=False)
    night = datetime(2026, 11, 18, 4, 30, tzinfo=UTC)
    with time_machine.travel(night, tick=False):
        message = outbox.queue_from_template(
            client=client,
            program=program,
            channel=Channel.SMS,
            purpose=Purpose.HELP,
            key="h1",
        )
    assert message.state == MessageState.QUEUED
    assert message.not_before is None
    assert "Msg & data rates may apply" in message.body


def test_spanish_speakers_get_the_spanish_text():
    program = texting_program()
    client = person(program, language="es")
    assert queue_missed(client, program).body.startswith("Hola Ana, te echamos de menos")


def test_a_template_may_carry_one_tap_links_that_work_for_this_person():
    from welcomeback.outreach import links
    from welcomeback.outreach.templating import save_version, template_for

    program = texting_program()
    client = person(program)
    template = template_for(program, Channel.EMAIL, "en", Purpose.LAPSING).template
    save_version(
        template,
        {
            "subject": "Thinking of you",
            "body": "Hi {name}. Talk: {talk_link} Not yet: {pause_link} - {sender}",
        },
    )
    message = outbox.queue_from_template(
        client=client,
        program=program,
        channel=Channel.EMAIL,
        purpose=Purpose.LAPSING,
        key="links2",
        now=MIDMORNING,
    )
    path = message.body.split("Talk: ")[1].split(" ")[0].removeprefix("http://127.0.0.1:8000")
    token = path.rstrip("/").split("/")[-1]
    assert links.read_link(token, links.TALK) == client.pk

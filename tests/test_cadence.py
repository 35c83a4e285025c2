"""Cadences: the right step at the right time, once, and a stop when the
person comes back, replies or opts out. Every step shows why."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import enrolled, group_meeting
from tests.outreach_helpers import person, texting_program
from welcomeback.care.attendance import record_attendance
from welcomeback.care.models import AttendanceStatus, Session
from welcomeback.care.schedule import generate_sessions
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status
from welcomeback.outreach import cadence, consent
from welcomeback.outreach.models import (
    CadenceState,
    Channel,
    ConsentSource,
    InboundMessage,
    Message,
    StepOutcome,
)
from welcomeback.worklist.models import Task, TaskKind

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, 14, tzinfo=UTC)  # 09:00 in New York


@pytest.fixture
def drifting():
    """Ana attended the first Tuesday group, then stopped coming."""
    with time_machine.travel(MONDAY, tick=False):
        program = texting_program()
        cadence.install_default_cadence(program)
        group = group_meeting(program)
        generate_sessions(group, MONDAY.date(), MONDAY.date() + timedelta(days=60))
        client = person(program)
        episode = enrolled(client, program, MONDAY, [group])
    first = Session.objects.filter(group=group).order_by("starts_at").first()
    record_attendance(first, client, AttendanceStatus.ATTENDED, recorded_at=first.starts_at)
    return program, client, episode, first


def at(moment):
    """Sweep, follow the status, and plan — as the sweep loop does."""
    with time_machine.travel(moment, tick=False):
        sweep.run_once()
        cadence.sync_all()
        return cadence.plan_due()


def outcomes(episode):
    return [o.summary for o in StepOutcome.objects.filter(episode=episode).order_by("at", "pk")]


def test_a_missed_group_gets_one_kind_text_the_next_morning(drifting):
    program, client, episode, first = drifting
    thursday_morning = first.starts_at + timedelta(days=2, hours=15)  # Thu 09:00 NY
    assert at(thursday_morning) == 1
    assert Engagement.objects.get(pk=episode.pk).status == Status.MISSED
    [message] = Message.objects.filter(client=client)
    assert message.channel == Channel.SMS and message.purpose == "missed"
    assert outcomes(episode) == ["Text queued"]
    assert at(thursday_morning + timedelta(hours=2)) == 0, "never the same step twice"


def test_lapsing_on_day_three_brings_a_text_and_a_call_task(drifting):
    program, client, episode, first = drifting
    at(first.starts_at + timedelta(days=2, hours=15))
    lapsing_day_three = first.starts_at + timedelta(days=10, hours=16)
    at(lapsing_day_three)
    assert Engagement.objects.get(pk=episode.pk).status == Status.LAPSING
    call = Task.objects.get(kind=TaskKind.CALL, client=client)
    assert "Ana" in call.title
    assert "{" not in call.detail, "the voicemail script is filled in"
    texts = Message.objects.filter(client=client, purpose="lapsing")
    assert texts.count() == 1
    assert "at most 1 message a day" in texts[0].reason or texts[0].not_before is None


def test_a_reply_stops_the_cadence_and_says_why(drifting):
    program, client, episode, first = drifting
    at(first.starts_at + timedelta(days=2, hours=15))
    InboundMessage.objects.create(
        channel=Channel.SMS,
        from_address=client.phone,
        body="I'll try to come",
        client=client,
        received=first.starts_at + timedelta(days=3),
    )
    at(first.starts_at + timedelta(days=10, hours=16))
    state = CadenceState.objects.get(pk=episode.pk)
    assert state.next_step_at is None
    assert state.stopped_reason.startswith("They replied")
    assert not Task.objects.filter(kind=TaskKind.CALL).exists()


def test_coming_back_stops_the_cadence(drifting):
    program, client, episode, first = drifting
    at(first.starts_at + timedelta(days=2, hours=15))
    later = Session.objects.filter(group=first.group).order_by("starts_at")[2]
    record_attendance(later, client, AttendanceStatus.ATTENDED, recorded_at=later.starts_at)
    with time_machine.travel(later.ends_at, tick=False):
        sweep.run_once()
        cadence.follow_status(
            episode.pk, Engagement.objects.get(pk=episode.pk).seq, Status.ENGAGED, later.starts_at
        )
    state = CadenceState.objects.get(pk=episode.pk)
    assert state.next_step_at is None and state.stopped_reason == "They came back"


def test_an_opt_out_everywhere_stops_the_cadence(drifting):
    program, client, episode, first = drifting
    for channel, address in ((Channel.SMS, client.phone), (Channel.EMAIL, client.email)):
        consent.withdraw(
            channel=channel,
            address=address,
            wording="stop",
            source=ConsentSource.VERBAL,
            client=client,
        )
    at(first.starts_at + timedelta(days=2, hours=15))
    assert not Message.objects.filter(client=client).exists()
    assert CadenceState.objects.get(pk=episode.pk).stopped_reason == "They opted out of messages"


def test_a_text_that_may_not_go_is_still_on_the_record_with_its_reason(drifting):
    program, client, episode, first = drifting
    consent.withdraw(
        channel=Channel.SMS,
        address=client.phone,
        wording="STOP",
        source=ConsentSource.KEYWORD,
        client=client,
    )
    at(first.starts_at + timedelta(days=2, hours=15))
    assert outcomes(episode) == ["Text not sent: they opted out of this channel"]


def test_interrupted_brings_a_letter_task_then_monthly_check_ins(drifting):
    program, client, episode, first = drifting
    at(first.starts_at + timedelta(days=29, hours=16))
    assert Engagement.objects.get(pk=episode.pk).status == Status.INTERRUPTED
    assert Task.objects.filter(kind=TaskKind.LETTER, client=client).count() == 1
    at(first.starts_at + timedelta(days=59, hours=16))
    check_ins = Message.objects.filter(client=client, purpose="check_in")
    assert check_ins.count() == 1


def test_a_step_that_came_due_long_ago_is_noted_not_sent(drifting):
    program, client, episode, first = drifting
    with time_machine.travel(first.starts_at + timedelta(days=12), tick=False):
        sweep.run_once()
    # The planner was down for days: the lapsing text of day 3 is now stale.
    at(first.starts_at + timedelta(days=13, hours=1))
    assert Engagement.objects.get(pk=episode.pk).status == Status.LAPSING
    assert not Message.objects.filter(client=client, purpose="lapsing").exists()
    assert "Not taken: it came due more than 2 days ago" in outcomes(episode)


def test_the_sweep_announces_status_changes_and_the_cadence_follows(drifting):
    program, client, episode, first = drifting
    with time_machine.travel(first.starts_at + timedelta(days=2, hours=15), tick=False):
        sweep.run_once()  # no sync_all: the signal alone starts the cadence
        state = CadenceState.objects.get(pk=episode.pk)
        assert state.status == Status.MISSED
        assert cadence.plan_due() == 1


def test_the_sweep_loop_runs_the_planner_and_dispatch(drifting):
    from welcomeback.engagement.hooks import _after_pass

    names = {hook.__name__ for hook in _after_pass}
    assert {"plan_due", "release_due", "recover_stuck", "escalate_overdue"} <= names


def test_following_a_batch_of_changes_costs_the_same_queries_for_one_or_many(
    django_assert_num_queries,
):
    from tests.factories import ClientFactory, ProgramFactory
    from tests.factories import enrolled as enroll

    program = ProgramFactory()
    episodes = [
        enroll(ClientFactory(organization=program.site.organization), program, MONDAY)
        for _ in range(21)
    ]
    one = [(episodes[0].pk, 1, Status.MISSED, MONDAY)]
    many = [
        (e.pk, 1, Status.LAPSING if i % 2 else Status.ENGAGED, MONDAY)
        for i, e in enumerate(episodes[1:])
    ]
    with django_assert_num_queries(2) as first:
        cadence.on_statuses_changed(
            None, changes=one + [(episodes[1].pk, 1, Status.ENGAGED, MONDAY)]
        )
    with django_assert_num_queries(len(first.captured_queries)):
        cadence.on_statuses_changed(None, changes=many)
    assert CadenceState.objects.filter(status=Status.LAPSING).count() == 10

"""Engagement status: the rules through the real sweep, with the clock
frozen at the moments that matter, and the policy functions on their own.

Riverbend's Evening group meets Tuesday and Thursday, 18:00-21:00 New York
time; a session counts as missed an hour after it ends. Maya enrols on
Monday 2 February 2026 (EST, UTC-5; the clocks go forward on 8 March).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from tests.factories import (
    appointment,
    enrolled,
    expect_at,
    group_meeting,
    harbor,
    local,
    person,
    riverbend,
    session_at,
    sessions_of,
    travel,
)
from welcomeback.care.attendance import record_attendance
from welcomeback.care.episodes import change_episode_status
from welcomeback.care.models import (
    AttendanceStatus,
    Episode,
    EpisodeStatus,
    Program,
    Session,
)
from welcomeback.care.schedule import cancel_session
from welcomeback.engagement import policy, sweep
from welcomeback.engagement.models import Engagement, Status, StatusChange

pytestmark = pytest.mark.django_db

ATTENDED = AttendanceStatus.ATTENDED
EXCUSED = AttendanceStatus.EXCUSED
MISSED = AttendanceStatus.MISSED


# -- the world ----------------------------------------------------------------


@dataclass
class Riverbend:
    program: Program
    group: object
    maya: object
    episode: Episode

    def evening(self, month: int, day: int) -> Session:
        """The Evening group's session on a 2026 date (18:00 local)."""
        return session_at(self.group, self.at(month, day, 18))

    def at(self, month, day, hour=0, minute=0, second=0) -> datetime:
        return local(self.program, 2026, month, day, hour, minute, second)

    def missed_at(self, session: Session) -> datetime:
        """When a session without attendance starts to count as missed."""
        return session.ends_at + timedelta(minutes=self.program.missed_grace_minutes)


@pytest.fixture
def world():
    program = riverbend()
    with travel(local(program, 2026, 2, 2, 9)):
        group = group_meeting(program)
        sessions_of(group, date(2026, 2, 2), days=130)
        maya = person(program, "Maya")
        episode = enrolled(maya, program, timezone.now(), [group])
    return Riverbend(program, group, maya, episode)


def sweep_at(moment: datetime) -> sweep.PassResult:
    with travel(moment):
        return sweep.run_once()


def roll_call(session, client, status, at: datetime):
    with travel(at):
        return record_attendance(session, client, status)


def engagement_of(episode) -> Engagement:
    return Engagement.objects.get(pk=episode.pk)


def history(episode) -> list[tuple[int, str, str, datetime]]:
    return [
        (change.seq, change.from_status, change.to_status, change.at)
        for change in StatusChange.objects.filter(engagement_id=episode.pk).order_by("seq")
    ]


def maya_attends_the_first_tuesday(world) -> Session:
    first = world.evening(2, 3)
    roll_call(first, world.maya, ATTENDED, world.at(2, 3, 18, 5))
    sweep_at(world.at(2, 3, 18, 5))
    return first


# -- engaged and missed ---------------------------------------------------------


def test_a_newly_enrolled_person_is_engaged_and_has_not_attended_yet(world):
    sweep_at(world.at(2, 2, 9))

    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert row.since == world.at(2, 2, 9)
    assert row.reason == "Has not attended yet; started today"
    assert history(world.episode) == []


def test_the_next_check_is_when_the_next_expected_session_can_be_judged(world):
    maya_attends_the_first_tuesday(world)

    thursday = world.evening(2, 5)
    assert engagement_of(world.episode).next_check_at == world.missed_at(thursday)
    assert world.missed_at(thursday) == world.at(2, 5, 22)


def test_a_session_only_counts_as_missed_once_its_grace_period_has_passed(world):
    maya_attends_the_first_tuesday(world)
    thursday = world.evening(2, 5)

    sweep_at(world.at(2, 5, 21, 59, 59))
    assert engagement_of(world.episode).status == Status.ENGAGED

    sweep_at(world.at(2, 5, 22))
    row = engagement_of(world.episode)
    assert row.status == Status.MISSED
    assert row.since == thursday.starts_at
    assert row.first_missed_at == thursday.starts_at
    assert row.missed_count == 1
    assert row.reason == "Missed Thursday Evening group; last attended 2 days ago"


def test_the_grace_period_is_a_program_setting(world):
    Program.objects.filter(pk=world.program.pk).update(missed_grace_minutes=15)
    maya_attends_the_first_tuesday(world)

    sweep_at(world.at(2, 5, 21, 14, 59))
    assert engagement_of(world.episode).status == Status.ENGAGED
    sweep_at(world.at(2, 5, 21, 15))
    assert engagement_of(world.episode).status == Status.MISSED


# -- the drift ladder ---------------------------------------------------------

LADDER = [
    # status, days after the last contact, the status just before
    (Status.LAPSING, 7, Status.MISSED),
    (Status.DISENGAGED, 14, Status.LAPSING),
    (Status.INTERRUPTED, 28, Status.DISENGAGED),
    (Status.INACTIVE, 90, Status.INTERRUPTED),
]


@pytest.mark.parametrize(("status", "days", "before"), LADDER)
def test_each_status_starts_exactly_at_its_threshold(world, status, days, before):
    first = maya_attends_the_first_tuesday(world)
    # Thresholds are whole days of elapsed time from the last contact.
    threshold = first.starts_at + timedelta(days=days)

    sweep_at(threshold - timedelta(seconds=1))
    assert engagement_of(world.episode).status == before
    assert engagement_of(world.episode).next_check_at == threshold

    sweep_at(threshold)
    row = engagement_of(world.episode)
    assert row.status == status
    assert row.since == threshold


def test_a_program_s_own_thresholds_are_used():
    # Harbor (Los Angeles) lapses at 3 days and disengages at 5.
    program = harbor()
    with travel(local(program, 2026, 2, 2, 8)):
        mornings = group_meeting(
            program, "Morning group", [(0, time(9)), (2, time(9)), (4, time(9))]
        )
        sessions_of(mornings, date(2026, 2, 2), days=30)
        jordan = person(program, "Jordan")
        episode = enrolled(jordan, program, timezone.now(), [mornings])
    monday = session_at(mornings, local(program, 2026, 2, 2, 9))
    roll_call(monday, jordan, ATTENDED, local(program, 2026, 2, 2, 9, 10))

    lapsing = monday.starts_at + timedelta(days=3)
    disengaged = monday.starts_at + timedelta(days=5)
    sweep_at(lapsing - timedelta(seconds=1))
    assert engagement_of(episode).status == Status.MISSED
    sweep_at(lapsing)
    assert engagement_of(episode).status == Status.LAPSING
    sweep_at(disengaged - timedelta(seconds=1))
    assert engagement_of(episode).status == Status.LAPSING
    sweep_at(disengaged)
    row = engagement_of(episode)
    assert (row.status, row.since) == (Status.DISENGAGED, disengaged)
    assert row.since.astimezone(program.zone).time() == time(9)


def test_a_weekly_group_s_first_miss_goes_straight_to_lapsing(world):
    with travel(world.at(2, 2, 9)):
        saturdays = group_meeting(world.program, "Saturday group", [(5, time(10))])
        sessions_of(saturdays, date(2026, 2, 2), days=30)
        jordan = person(world.program, "Jordan")
        episode = enrolled(jordan, world.program, timezone.now(), [saturdays])
    first = session_at(saturdays, world.at(2, 7, 10))
    roll_call(first, jordan, ATTENDED, world.at(2, 7, 10, 5))
    second = session_at(saturdays, world.at(2, 14, 10))

    sweep_at(world.at(2, 14, 13, 59))
    assert engagement_of(episode).status == Status.ENGAGED
    sweep_at(world.at(2, 14, 14))

    row = engagement_of(episode)
    assert row.status == Status.LAPSING
    # Seven days after the last contact, which is also when the miss began.
    assert row.since == first.starts_at + timedelta(days=7) == second.starts_at
    assert history(episode) == [(1, Status.ENGAGED, Status.LAPSING, second.starts_at)]


def test_a_schedule_gap_is_not_drift(world):
    maya_attends_the_first_tuesday(world)
    # On Wednesday the program cancels every session for five weeks.
    with travel(world.at(2, 4, 9)):
        for session in Session.objects.filter(
            group=world.group, starts_at__gt=world.at(2, 4), starts_at__lt=world.at(3, 12)
        ):
            cancel_session(session, "Building work")

    sweep_at(world.at(3, 11))
    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert row.missed_count == 0
    assert row.reason == "Last attended 35 days ago"


# -- what never counts, and what resets the clock ------------------------------


def test_an_excused_absence_never_counts(world):
    maya_attends_the_first_tuesday(world)
    thursday = world.evening(2, 5)
    roll_call(thursday, world.maya, EXCUSED, world.at(2, 5, 12))

    sweep_at(world.at(2, 6, 12))
    assert engagement_of(world.episode).status == Status.ENGAGED

    tuesday = world.evening(2, 10)
    sweep_at(world.missed_at(tuesday))
    row = engagement_of(world.episode)
    assert row.first_missed_at == tuesday.starts_at
    assert row.missed_count == 1
    assert row.reason == "Missed Tuesday Evening group; last attended 7 days ago"


def test_an_excused_mark_entered_after_the_miss_was_counted_takes_the_miss_back(world):
    maya_attends_the_first_tuesday(world)
    thursday = world.evening(2, 5)
    sweep_at(world.missed_at(thursday))
    assert engagement_of(world.episode).status == Status.MISSED

    roll_call(thursday, world.maya, EXCUSED, world.at(2, 6, 10))
    sweep_at(world.at(2, 6, 10))

    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert (row.missed_count, row.first_missed_at, row.recent_missed) == (0, None, [])


def test_a_session_the_program_cancelled_never_counts(world):
    maya_attends_the_first_tuesday(world)
    thursday = world.evening(2, 5)
    with travel(world.at(2, 5, 12)):
        cancel_session(thursday, "Facilitator ill")

    sweep_at(world.at(2, 6, 12))
    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert row.missed_count == 0
    # The cancelled session is not waited for either.
    assert row.next_check_at == world.missed_at(world.evening(2, 10))


def test_cancelling_a_session_after_it_was_counted_as_missed_takes_the_miss_back(world):
    maya_attends_the_first_tuesday(world)
    thursday = world.evening(2, 5)
    sweep_at(world.missed_at(thursday))
    assert engagement_of(world.episode).status == Status.MISSED

    with travel(world.at(2, 6, 9)):
        cancel_session(thursday, "Snow day: recorded late")
    sweep_at(world.at(2, 6, 9))

    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert row.missed_count == 0


def test_a_drop_in_at_a_group_nobody_expected_them_at_resets_the_drift_clock(world):
    first = maya_attends_the_first_tuesday(world)
    sweep_at(world.missed_at(world.evening(2, 5)))
    assert engagement_of(world.episode).status == Status.MISSED

    with travel(world.at(2, 2, 9)):
        mornings = group_meeting(world.program, "Friday morning group", [(4, time(10))])
        sessions_of(mornings, date(2026, 2, 2), days=30)
    friday = session_at(mornings, world.at(2, 6, 10))
    attendance = roll_call(friday, world.maya, ATTENDED, world.at(2, 6, 10, 5))
    sweep_at(world.at(2, 6, 10, 5))

    assert attendance.drop_in
    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert row.last_contact_at == friday.starts_at
    assert row.reason == "Last attended today"
    # Tuesday's miss seven days after the *first* session is no longer lapsing.
    tuesday = world.evening(2, 10)
    sweep_at(world.missed_at(tuesday))
    assert engagement_of(world.episode).status == Status.MISSED
    assert first.starts_at + timedelta(days=7) < world.missed_at(tuesday)
    sweep_at(friday.starts_at + timedelta(days=7))
    assert engagement_of(world.episode).status == Status.LAPSING


def test_a_late_roll_call_entered_the_next_day_rescans_a_counted_miss(world):
    maya_attends_the_first_tuesday(world)
    thursday = world.evening(2, 5)
    sweep_at(world.missed_at(thursday))
    assert engagement_of(world.episode).missed_count == 1

    roll_call(thursday, world.maya, ATTENDED, world.at(2, 6, 11))
    assert engagement_of(world.episode).next_check_at == world.at(2, 6, 11)
    sweep_at(world.at(2, 6, 11))

    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert row.since == thursday.starts_at
    assert row.last_contact_at == thursday.starts_at
    assert (row.missed_count, row.first_missed_at) == (0, None)
    assert history(world.episode) == [
        (1, Status.ENGAGED, Status.MISSED, thursday.starts_at),
        (2, Status.MISSED, Status.ENGAGED, thursday.starts_at),
    ]


def test_correcting_an_attended_mark_to_missed_takes_the_contact_back(world):
    first = maya_attends_the_first_tuesday(world)
    thursday = world.evening(2, 5)
    roll_call(thursday, world.maya, ATTENDED, world.at(2, 5, 18, 5))
    sweep_at(world.at(2, 5, 18, 5))

    # The next morning staff notice they ticked the wrong name.
    roll_call(thursday, world.maya, MISSED, world.at(2, 6, 9))
    sweep_at(world.at(2, 6, 9))

    row = engagement_of(world.episode)
    assert row.last_contact_at == first.starts_at
    assert row.status == Status.MISSED
    assert row.first_missed_at == thursday.starts_at


def test_the_reason_names_the_local_weekday_of_the_miss():
    # 18:00 on a Tuesday in Los Angeles is already Wednesday in UTC.
    program = harbor(lapsing_after_days=7, disengaged_after_days=14)
    with travel(local(program, 2026, 2, 2, 9)):
        evenings = group_meeting(program, "Evening group", [(1, time(18))])
        sessions_of(evenings, date(2026, 2, 2), days=30)
        jordan = person(program, "Jordan")
        episode = enrolled(jordan, program, timezone.now(), [evenings])
    tuesday = session_at(evenings, local(program, 2026, 2, 3, 18))
    assert tuesday.starts_at.astimezone(UTC).weekday() == 2

    sweep_at(local(program, 2026, 2, 3, 22))
    assert engagement_of(episode).reason == (
        "Missed Tuesday Evening group; has not attended yet; started yesterday"
    )


def test_a_missed_individual_appointment_is_named_as_an_appointment(world):
    with travel(world.at(2, 2, 9)):
        jordan = person(world.program, "Jordan")
        episode = enrolled(jordan, world.program, timezone.now())
        intake = appointment(world.program, world.at(2, 4, 11), minutes=50)
        expect_at(episode, intake)

    sweep_at(world.at(2, 4, 12, 50))
    row = engagement_of(episode)
    assert row.status == Status.MISSED
    assert row.reason == "Missed Wednesday appointment; has not attended yet; started 2 days ago"


# -- after the spring change ----------------------------------------------------


def test_a_miss_after_the_spring_change_is_noticed_an_hour_after_the_local_end(world):
    thursday = world.evening(3, 5)  # EST
    roll_call(thursday, world.maya, ATTENDED, world.at(3, 5, 18, 5))
    sweep_at(world.at(3, 5, 18, 5))
    tuesday = world.evening(3, 10)  # EDT: 18:00 local is now 22:00 UTC

    assert tuesday.starts_at == datetime(2026, 3, 10, 22, tzinfo=UTC)
    row = engagement_of(world.episode)
    assert row.next_check_at.astimezone(world.program.zone) == world.at(3, 10, 22)

    sweep_at(world.at(3, 10, 21, 59, 59))
    assert engagement_of(world.episode).status == Status.ENGAGED
    sweep_at(world.at(3, 10, 22))
    assert engagement_of(world.episode).status == Status.MISSED
    # Seven days are seven times 24 hours: 19:00 local after the change.
    sweep_at(thursday.starts_at + timedelta(days=7))
    row = engagement_of(world.episode)
    assert row.status == Status.LAPSING
    assert row.since.astimezone(world.program.zone) == world.at(3, 12, 19)


# -- history and idempotence ----------------------------------------------------


def test_status_changes_are_kept_as_history_numbered_in_order(world):
    first = maya_attends_the_first_tuesday(world)
    thursday = world.evening(2, 5)
    tuesday = world.evening(2, 10)
    sweep_at(world.missed_at(thursday))
    sweep_at(first.starts_at + timedelta(days=7))
    roll_call(tuesday, world.maya, ATTENDED, world.at(2, 10, 18, 20))
    sweep_at(world.at(2, 10, 18, 20))

    assert history(world.episode) == [
        (1, Status.ENGAGED, Status.MISSED, thursday.starts_at),
        (2, Status.MISSED, Status.LAPSING, first.starts_at + timedelta(days=7)),
        (3, Status.LAPSING, Status.ENGAGED, tuesday.starts_at),
    ]
    row = engagement_of(world.episode)
    assert row.seq == 3
    change = StatusChange.objects.get(engagement=row, seq=2)
    assert change.reason == "Missed Thursday Evening group; last attended 7 days ago"
    assert change.recorded == first.starts_at + timedelta(days=7)


def test_a_second_pass_right_after_checks_nothing_and_changes_nothing(world):
    maya_attends_the_first_tuesday(world)
    moment = world.missed_at(world.evening(2, 5))
    first = sweep_at(moment)
    before = model_to_dict(engagement_of(world.episode))
    changes = StatusChange.objects.count()

    second = sweep_at(moment)

    assert (first.checked, first.changed) == (1, 1)
    assert (second.checked, second.changed, second.transitions) == (0, 0, [])
    assert model_to_dict(engagement_of(world.episode)) == before
    assert StatusChange.objects.count() == changes


def test_a_pass_with_nothing_due_touches_no_row(world):
    maya_attends_the_first_tuesday(world)
    result = sweep_at(world.at(2, 4, 12))
    assert (result.checked, result.changed) == (0, 0)


# -- nobody is discharged by the sweep -------------------------------------------


def test_inactive_asks_staff_and_never_finishes_the_episode(world):
    first = maya_attends_the_first_tuesday(world)
    inactive = first.starts_at + timedelta(days=90)
    sweep_at(inactive)
    sweep_at(inactive + timedelta(days=60))

    row = engagement_of(world.episode)
    assert row.status == Status.INACTIVE
    assert row.get_status_display() == "Inactive: staff to decide"
    assert row.next_check_at is not None  # still watched: the door stays open
    episode = Episode.objects.get(pk=world.episode.pk)
    assert episode.status == EpisodeStatus.ACTIVE
    assert (episode.ended, episode.discharge_reason) == (None, None)
    assert [to for _seq, _from, to, _at in history(world.episode)][-1] == Status.INACTIVE


def test_an_episode_put_on_hold_is_no_longer_swept(world):
    maya_attends_the_first_tuesday(world)
    sweep_at(world.missed_at(world.evening(2, 5)))
    with travel(world.at(2, 6, 9)):
        change_episode_status(world.episode, EpisodeStatus.ON_HOLD, note="Family emergency")

    assert engagement_of(world.episode).next_check_at is None
    result = sweep_at(world.at(3, 30))
    assert result.checked == 0
    row = engagement_of(world.episode)
    assert row.status == Status.MISSED
    assert row.checked_at == world.missed_at(world.evening(2, 5))


def test_a_resumed_episode_starts_its_drift_clock_again(world):
    maya_attends_the_first_tuesday(world)
    sweep_at(world.missed_at(world.evening(2, 5)))
    with travel(world.at(2, 6, 9)):
        change_episode_status(world.episode, EpisodeStatus.ON_HOLD)
    resumed = world.at(3, 16, 12)
    with travel(resumed):
        change_episode_status(world.episode, EpisodeStatus.ACTIVE, note="Back from leave")

    sweep_at(resumed)
    row = engagement_of(world.episode)
    # The sessions while on hold are not misses; the clock runs from the return.
    # Not engaged again before they attend: the status from before stays.
    assert row.status == Status.MISSED
    assert (row.missed_count, row.first_missed_at) == (0, None)
    assert row.started_at == resumed
    tuesday = world.evening(3, 17)
    sweep_at(world.missed_at(tuesday))
    row = engagement_of(world.episode)
    assert (row.status, row.since, row.missed_count) == (Status.MISSED, tuesday.starts_at, 1)
    sweep_at(resumed + timedelta(days=7))
    assert engagement_of(world.episode).status == Status.LAPSING


def test_a_resumed_episode_is_engaged_again_when_they_attend(world):
    maya_attends_the_first_tuesday(world)
    sweep_at(world.missed_at(world.evening(2, 5)))
    with travel(world.at(2, 6, 9)):
        change_episode_status(world.episode, EpisodeStatus.ON_HOLD)
    resumed = world.at(3, 16, 12)
    with travel(resumed):
        change_episode_status(world.episode, EpisodeStatus.ACTIVE)

    sweep_at(resumed)
    assert engagement_of(world.episode).status == Status.MISSED
    tuesday = world.evening(3, 17)
    roll_call(tuesday, world.maya, ATTENDED, world.at(3, 17, 18, 5))
    sweep_at(world.at(3, 17, 18, 5))

    row = engagement_of(world.episode)
    assert (row.status, row.since, row.returning_since) == (
        Status.ENGAGED,
        tuesday.starts_at,
        None,
    )
    seq, from_status, to_status, at = history(world.episode)[-1]
    assert (from_status, to_status, at) == (Status.MISSED, Status.ENGAGED, tuesday.starts_at)


# -- one bad row ---------------------------------------------------------------------


def test_a_row_that_raises_is_pushed_back_and_the_others_carry_on(world, monkeypatch):
    with travel(world.at(2, 2, 9)):
        jordan = person(world.program, "Jordan")
        broken = enrolled(jordan, world.program, timezone.now(), [world.group])
    original = policy.reason_text

    def reason_text(now, last_contact_at, started_at, *args):
        if last_contact_at is None:  # Jordan has not attended; Maya has
            raise RuntimeError("policy bug")
        return original(now, last_contact_at, started_at, *args)

    monkeypatch.setattr(policy, "reason_text", reason_text)
    maya_attends_the_first_tuesday(world)
    moment = world.missed_at(world.evening(2, 5))
    result = sweep_at(moment)

    assert (result.checked, result.errors) == (2, 1)
    assert engagement_of(world.episode).status == Status.MISSED
    stuck = engagement_of(broken)
    assert stuck.status == Status.ENGAGED
    assert stuck.next_check_at == moment + sweep.ERROR_BACKOFF
    assert stuck.claim_token is None

    monkeypatch.setattr(policy, "reason_text", original)
    assert sweep_at(moment + sweep.ERROR_BACKOFF - timedelta(seconds=1)).checked == 0
    sweep_at(moment + sweep.ERROR_BACKOFF)
    assert engagement_of(broken).status == Status.MISSED


# -- the command ---------------------------------------------------------------------


def test_the_sweep_command_runs_one_pass_with_once(world):
    maya_attends_the_first_tuesday(world)
    out = StringIO()
    with travel(world.missed_at(world.evening(2, 5))):
        call_command("sweep", "--once", stdout=out)

    assert "checked 1, status changes 1, errors 0" in out.getvalue()
    assert engagement_of(world.episode).status == Status.MISSED


# -- the policy on its own -----------------------------------------------------------

T0 = datetime(2026, 2, 3, 23, tzinfo=UTC)  # Tuesday 18:00 in New York
DEFAULTS = policy.Thresholds()


def test_the_default_thresholds_are_seven_fourteen_twenty_eight_and_ninety_days():
    assert DEFAULTS.ladder() == [
        (Status.LAPSING, 7),
        (Status.DISENGAGED, 14),
        (Status.INTERRUPTED, 28),
        (Status.INACTIVE, 90),
    ]


def test_thresholds_come_from_the_program():
    program = Program(
        lapsing_after_days=3,
        disengaged_after_days=5,
        interrupted_after_days=10,
        inactive_after_days=20,
    )
    assert policy.Thresholds.of(program) == policy.Thresholds(3, 5, 10, 20)


def test_without_a_miss_nobody_drifts_however_long_it_has_been():
    long_after = T0 + timedelta(days=365)
    assert policy.status_at(long_after, T0, None, DEFAULTS) == (Status.ENGAGED, None)
    assert policy.next_threshold(long_after, T0, None, DEFAULTS) is None


def test_one_miss_is_missed_since_the_missed_session():
    missed = T0 + timedelta(days=2)
    assert policy.status_at(missed + timedelta(hours=4), T0, missed, DEFAULTS) == (
        Status.MISSED,
        missed,
    )


@pytest.mark.parametrize(("status", "days", "before"), LADDER)
def test_the_policy_moves_exactly_at_each_threshold(status, days, before):
    missed = T0 + timedelta(days=2)
    threshold = T0 + timedelta(days=days)
    just_before = threshold - timedelta(microseconds=1)

    assert policy.status_at(just_before, T0, missed, DEFAULTS)[0] == before
    assert policy.status_at(threshold, T0, missed, DEFAULTS) == (status, threshold)
    assert policy.next_threshold(just_before, T0, missed, DEFAULTS) == threshold


def test_a_first_miss_after_a_threshold_dates_the_status_from_the_miss():
    # A weekly group: the first miss comes ten days after the last contact.
    missed = T0 + timedelta(days=10)
    assert policy.status_at(missed, T0, missed, DEFAULTS) == (Status.LAPSING, missed)


def test_after_inactive_there_is_no_next_threshold():
    missed = T0 + timedelta(days=2)
    assert policy.next_threshold(T0 + timedelta(days=90), T0, missed, DEFAULTS) is None


def test_the_reason_names_the_missed_days_and_the_last_contact():
    zone = Program(time_zone="America/New_York").zone
    recent = [
        {"at": "2026-02-10T23:00:00+00:00", "group": "Evening group"},
        {"at": "2026-02-12T23:00:00+00:00", "group": "Evening group"},
    ]
    now = datetime(2026, 2, 14, 23, 30, tzinfo=UTC)
    last = datetime(2026, 2, 5, 23, tzinfo=UTC)

    text = policy.reason_text(now, last, T0, 2, recent, zone)

    assert text == "Missed Tuesday and Thursday Evening group; last attended 9 days ago"


def test_the_reason_counts_misses_beyond_the_few_it_names():
    zone = Program(time_zone="America/New_York").zone
    recent = [
        {"at": "2026-02-17T23:00:00+00:00", "group": "Evening group"},
        {"at": "2026-02-18T15:00:00+00:00", "group": "Morning group"},
        {"at": "2026-02-19T23:00:00+00:00", "group": "Evening group"},
    ]
    now = datetime(2026, 2, 20, 12, tzinfo=UTC)

    text = policy.reason_text(now, None, T0, 5, recent, zone)

    assert text == (
        "Missed 5 sessions, most recently Tuesday and Thursday Evening group and "
        "Wednesday Morning group; has not attended yet; started 16 days ago"
    )


def test_the_reason_says_today_and_yesterday_in_words():
    zone = Program(time_zone="America/New_York").zone
    assert policy.reason_text(T0, T0, T0, 0, [], zone) == "Last attended today"
    later = T0 + timedelta(days=1, hours=2)
    assert policy.reason_text(later, T0, T0, 0, [], zone) == "Last attended yesterday"
    assert policy.days_ago(T0, T0 + timedelta(hours=1)) == "today"  # never "in the future"

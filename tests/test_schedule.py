"""Group schedules: overlapping slots refused, sessions generated once, and
wall-clock times kept across DST in every zone.

New York changes its clocks on Sunday 8 March 2026 (02:00 -> 03:00) and
Sunday 1 November 2026 (02:00 -> 01:00).
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.factories import (
    ClientFactory,
    GroupFactory,
    ProgramFactory,
    group_meeting,
    local,
    riverbend,
    travel,
)
from welcomeback.care.models import Attendance, GroupSlot, Session, SessionStatus
from welcomeback.care.schedule import (
    MINUTES_IN_WEEK,
    Slot,
    cancel_session,
    find_overlaps,
    generate_ahead,
    generate_sessions,
    set_schedule,
)

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, THURSDAY, SATURDAY, SUNDAY = 0, 1, 3, 5, 6


def local_starts(group) -> list[datetime]:
    zone = group.program.zone
    return [
        s.starts_at.astimezone(zone)
        for s in Session.objects.filter(group=group).order_by("starts_at")
    ]


# -- overlapping slots ----------------------------------------------------------


def test_overlapping_slots_are_refused_with_the_slots_named():
    group = GroupFactory(duration_minutes=180)

    with pytest.raises(ValidationError) as error:
        set_schedule(group, [Slot(TUESDAY, time(18)), Slot(TUESDAY, time(20))])

    assert error.value.code == "overlapping_slots"
    assert error.value.messages == [
        "These meeting times overlap (each meeting lasts 180 minutes): "
        "Tuesday 18:00 and Tuesday 20:00."
    ]
    assert not GroupSlot.objects.filter(group=group).exists()


def test_every_overlapping_pair_is_named():
    group = GroupFactory(duration_minutes=120)
    slots = [Slot(MONDAY, time(9)), Slot(MONDAY, time(10)), Slot(MONDAY, time(10, 30))]

    with pytest.raises(ValidationError) as error:
        set_schedule(group, slots)

    assert "Monday 09:00 and Monday 10:00; Monday 09:00 and Monday 10:30; " in str(error.value)
    assert "Monday 10:00 and Monday 10:30" in str(error.value)


def test_a_sunday_night_meeting_that_runs_into_monday_overlaps_monday_s():
    group = GroupFactory(duration_minutes=180)

    with pytest.raises(ValidationError) as error:
        set_schedule(group, [Slot(SUNDAY, time(22)), Slot(MONDAY, time(0, 30))])

    assert error.value.messages == [
        "These meeting times overlap (each meeting lasts 180 minutes): "
        "Monday 00:30 and Sunday 22:00."
    ]


def test_back_to_back_meetings_do_not_overlap_even_across_the_week_s_end():
    group = GroupFactory(duration_minutes=120)
    slots = [Slot(SUNDAY, time(22)), Slot(MONDAY, time(0)), Slot(MONDAY, time(2))]

    set_schedule(group, slots)

    assert [str(s) for s in GroupSlot.objects.filter(group=group)] == [
        "Monday 00:00",
        "Monday 02:00",
        "Sunday 22:00",
    ]


def test_the_same_slot_given_twice_is_one_slot():
    group = GroupFactory()
    set_schedule(group, [Slot(TUESDAY, time(18)), Slot(TUESDAY, time(18))])
    assert GroupSlot.objects.filter(group=group).count() == 1


def test_a_new_schedule_replaces_the_old_one():
    group = group_meeting(ProgramFactory())
    set_schedule(group, [Slot(MONDAY, time(10))])
    assert [str(s) for s in group.slots.all()] == ["Monday 10:00"]


def test_a_new_schedule_drops_the_future_sessions_at_the_old_times():
    program = riverbend()
    group = group_meeting(program)  # Tuesday and Thursday 18:00
    generate_sessions(group, date(2026, 2, 2), date(2026, 2, 22))

    with travel(local(program, 2026, 2, 9, 12)):  # moves to Mondays from the 9th
        set_schedule(group, [Slot(MONDAY, time(18))])

    assert [(s.date(), s.time()) for s in local_starts(group)] == [
        (date(2026, 2, 3), time(18)),  # the past stays as it was
        (date(2026, 2, 5), time(18)),
        # the generated weeks are filled in at the new time
        (date(2026, 2, 9), time(18)),
        (date(2026, 2, 16), time(18)),
    ]


def test_a_new_schedule_cancels_an_old_session_that_already_has_marks():
    program = riverbend()
    group = group_meeting(program)
    generate_sessions(group, date(2026, 2, 2), date(2026, 2, 15))
    thursday = Session.objects.get(group=group, starts_at=local(program, 2026, 2, 12, 18))
    Attendance.objects.create(
        session=thursday,
        client=ClientFactory(organization=program.site.organization),
        status="excused",
        source="roll_call",
    )

    with travel(local(program, 2026, 2, 9, 12)):
        set_schedule(group, [Slot(MONDAY, time(18))])

    thursday.refresh_from_db()
    assert thursday.status == SessionStatus.CANCELLED
    assert thursday.cancelled_reason == "No longer on the group's schedule"
    assert not Session.objects.filter(group=group, starts_at=local(program, 2026, 2, 10, 18))


def circular_overlap(a: Slot, b: Slot, minutes: int) -> bool:
    """Two meetings overlap on the weekly circle (brute force)."""
    for shift in (-MINUTES_IN_WEEK, 0, MINUTES_IN_WEEK):
        start = b.week_minute() + shift
        if a.week_minute() < start + minutes and start < a.week_minute() + minutes:
            return True
    return False


slots = st.builds(
    Slot,
    st.integers(0, 6),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(slots, max_size=8), st.integers(15, 600))
def test_find_overlaps_names_exactly_the_pairs_that_meet_at_once(schedule, minutes):
    found = {frozenset(pair) for pair in find_overlaps(schedule, minutes)}
    distinct = sorted(set(schedule), key=Slot.week_minute)
    expected = {
        frozenset((a, b))
        for i, a in enumerate(distinct)
        for b in distinct[i + 1 :]
        if circular_overlap(a, b, minutes)
    }
    assert found == expected


# -- generating sessions ----------------------------------------------------------


def test_generating_sessions_twice_creates_them_once():
    group = group_meeting(riverbend())

    created = generate_sessions(group, date(2026, 2, 2), date(2026, 2, 15))
    again = generate_sessions(group, date(2026, 2, 2), date(2026, 2, 15))

    assert (created, again) == (4, 0)
    assert Session.objects.filter(group=group).count() == 4
    first = Session.objects.filter(group=group).earliest("starts_at")
    assert first.starts_at == datetime(2026, 2, 3, 23, tzinfo=UTC)
    assert first.ends_at - first.starts_at == timedelta(minutes=180)
    assert (first.program, first.kind, first.status) == (group.program, "group", "scheduled")


def test_an_overlapping_range_only_adds_the_new_sessions():
    group = group_meeting(riverbend())
    generate_sessions(group, date(2026, 2, 2), date(2026, 2, 8))
    assert generate_sessions(group, date(2026, 2, 2), date(2026, 2, 15)) == 2


def test_generating_ahead_covers_each_program_s_horizon_from_its_local_today():
    program = riverbend(session_horizon_days=14)
    group = group_meeting(program)
    GroupFactory(program=program, name="Retired group", active=False)
    # Monday 2 February, 23:30 in New York, already Tuesday in UTC.
    with travel(local(program, 2026, 2, 2, 23, 30)):
        assert generate_ahead() == 4
        assert generate_ahead() == 0

    assert [s.date() for s in local_starts(group)] == [
        date(2026, 2, 3),
        date(2026, 2, 5),
        date(2026, 2, 10),
        date(2026, 2, 12),
    ]


def test_a_cancelled_session_is_marked_with_its_reason_and_never_regenerated():
    group = group_meeting(riverbend())
    generate_sessions(group, date(2026, 2, 2), date(2026, 2, 8))
    tuesday = Session.objects.filter(group=group).earliest("starts_at")

    cancel_session(tuesday, "Facilitator ill")

    tuesday.refresh_from_db()
    assert (tuesday.status, tuesday.cancelled_reason) == (
        SessionStatus.CANCELLED,
        "Facilitator ill",
    )
    assert generate_sessions(group, date(2026, 2, 2), date(2026, 2, 8)) == 0


# -- daylight saving time -----------------------------------------------------------


def test_an_evening_group_keeps_18_00_across_the_spring_change():
    program = riverbend()
    group = group_meeting(program, slots=[(SATURDAY, time(18)), (SUNDAY, time(18))])

    generate_sessions(group, date(2026, 3, 7), date(2026, 3, 8))

    saturday, sunday = Session.objects.filter(group=group).order_by("starts_at")
    assert saturday.starts_at == datetime(2026, 3, 7, 23, tzinfo=UTC)  # EST, UTC-5
    assert sunday.starts_at == datetime(2026, 3, 8, 22, tzinfo=UTC)  # EDT, UTC-4
    assert [s.time() for s in local_starts(group)] == [time(18), time(18)]
    assert sunday.ends_at - sunday.starts_at == timedelta(hours=3)


def test_an_evening_group_keeps_18_00_across_the_autumn_change():
    program = riverbend()
    group = group_meeting(program, slots=[(SATURDAY, time(18)), (SUNDAY, time(18))])

    generate_sessions(group, date(2026, 10, 31), date(2026, 11, 1))

    saturday, sunday = Session.objects.filter(group=group).order_by("starts_at")
    assert saturday.starts_at == datetime(2026, 10, 31, 22, tzinfo=UTC)  # EDT
    assert sunday.starts_at == datetime(2026, 11, 1, 23, tzinfo=UTC)  # EST
    assert [s.time() for s in local_starts(group)] == [time(18), time(18)]


def test_a_meeting_in_the_spring_gap_moves_forward_by_the_gap():
    program = riverbend()
    group = group_meeting(program, slots=[(SUNDAY, time(2, 30))], duration=60)

    generate_sessions(group, date(2026, 3, 1), date(2026, 3, 15))

    before, in_gap, after = Session.objects.filter(group=group).order_by("starts_at")
    # 02:30 does not exist on 8 March: the wall clock reads 03:30 EDT then.
    assert in_gap.starts_at == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert [(s.date(), s.time()) for s in local_starts(group)] == [
        (date(2026, 3, 1), time(2, 30)),
        (date(2026, 3, 8), time(3, 30)),
        (date(2026, 3, 15), time(2, 30)),
    ]
    assert in_gap.ends_at - in_gap.starts_at == timedelta(hours=1)


def test_a_meeting_in_the_repeated_autumn_hour_takes_its_first_occurrence():
    program = riverbend()
    group = group_meeting(program, slots=[(SUNDAY, time(1, 30))], duration=60)

    generate_sessions(group, date(2026, 11, 1), date(2026, 11, 1))

    session = Session.objects.get(group=group)
    assert session.starts_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert session.starts_at.astimezone(program.zone).utcoffset() == timedelta(hours=-4)
    assert session.ends_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST


def test_a_gap_meeting_landing_on_another_slot_s_time_is_one_session_and_counted_once():
    program = riverbend()
    group = group_meeting(
        program, slots=[(SUNDAY, time(2, 30)), (SUNDAY, time(3, 30))], duration=60
    )

    created = generate_sessions(group, date(2026, 3, 8), date(2026, 3, 8))

    assert created == Session.objects.filter(group=group).count() == 1


# -- properties over random schedules and zones ----------------------------------------

ALL_ZONES = sorted(zoneinfo.available_timezones())
TRICKY_ZONES = [
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Asia/Kathmandu",  # UTC+5:45
    "America/New_York",
    "America/Santiago",  # changes at midnight
    "Europe/London",
    "Pacific/Chatham",  # UTC+12:45 / +13:45
]


def transition_days(zone, year: int) -> list[date]:
    """The local dates on which the zone's UTC offset changes."""
    days = []
    day = date(year, 1, 1)
    offset = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
    while day.year == year:
        day += timedelta(days=1)
        following = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
        if following != offset:
            days.append(day - timedelta(days=1))
        offset = following
    return days


def clock_changes(zone, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """Each change of the zone's clocks in a year: (UTC instant, offset
    before, offset after), found to the minute."""
    changes = []
    for day in transition_days(zone, year):
        moment = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=2), time(0), tzinfo=zone).astimezone(UTC)
        before = moment.astimezone(zone).utcoffset()
        while moment < end:
            moment += timedelta(minutes=1)
            after = moment.astimezone(zone).utcoffset()
            if after != before:
                changes.append((moment, before, after))
                break
    return changes


def wall_time_at_a_change(draw, change) -> datetime:
    """A wall-clock time inside a spring gap or a repeated autumn hour."""
    instant, before, after = change
    if after > before:  # the wall clock jumps forward over [start, start + span)
        start, span = (instant + before).replace(tzinfo=None), after - before
    else:  # the wall clock repeats [start, start + span)
        start, span = (instant + after).replace(tzinfo=None), before - after
    minutes = int(span.total_seconds() // 60)
    return start + timedelta(minutes=draw(st.integers(0, minutes - 1)))


@st.composite
def weekly_schedules(draw):
    """A zone, a non-overlapping weekly schedule and a range of local days;
    half the time one slot sits in a spring gap or an autumn repeated hour
    and the range covers that day."""
    zone_name = draw(st.one_of(st.sampled_from(TRICKY_ZONES), st.sampled_from(ALL_ZONES)))
    zone = zoneinfo.ZoneInfo(zone_name)
    minutes = draw(st.integers(15, 600))
    candidates = draw(st.lists(slots, min_size=1, max_size=5))
    year = draw(st.integers(2024, 2032))
    changes = clock_changes(zone, year)
    if changes and draw(st.booleans()):
        wall = wall_time_at_a_change(draw, draw(st.sampled_from(changes)))
        candidates.insert(0, Slot(wall.weekday(), wall.time()))
        first_day = wall.date() - timedelta(days=draw(st.integers(0, 7)))
        last_day = wall.date() + timedelta(days=draw(st.integers(0, 7)))
    else:
        first_day = draw(st.dates(date(year, 1, 1), date(year, 12, 31)))
        last_day = first_day + timedelta(days=draw(st.integers(0, 20)))
    chosen = []
    for slot in candidates:
        if not find_overlaps([*chosen, slot], minutes):
            chosen.append(slot)
    return zone_name, minutes, chosen, first_day, last_day


def wall_clock_meetings(zone, chosen, first_day, last_day):
    """Every (local wall time, slot) the schedule asks for in the range."""
    day = first_day
    while day <= last_day:
        for slot in chosen:
            if slot.weekday == day.weekday():
                yield datetime.combine(day, slot.starts_at), slot
        day += timedelta(days=1)


def in_gap(wall: datetime, zone) -> bool:
    aware = wall.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(weekly_schedules())
def test_generated_sessions_keep_their_wall_clock_time_in_every_zone(example):
    zone_name, minutes, chosen, first_day, last_day = example
    zone = zoneinfo.ZoneInfo(zone_name)
    with transaction.atomic():
        program = ProgramFactory(time_zone=zone_name)
        group = GroupFactory(program=program, duration_minutes=minutes)
        set_schedule(group, chosen)

        created = generate_sessions(group, first_day, last_day)
        sessions = list(Session.objects.filter(group=group))

        expected = set()
        for wall, slot in wall_clock_meetings(zone, chosen, first_day, last_day):
            start = wall.replace(tzinfo=zone).astimezone(UTC)
            expected.add(start)
            seen = start.astimezone(zone).replace(tzinfo=None)
            if (
                wall.replace(tzinfo=zone, fold=1).utcoffset()
                < wall.replace(tzinfo=zone).utcoffset()
            ):
                event("a meeting in a repeated hour")
            if in_gap(wall, zone):
                event("a meeting in a DST gap")
                # Moved forward by exactly the size of the gap.
                gap = (
                    wall.replace(tzinfo=zone, fold=1).utcoffset()
                    - wall.replace(tzinfo=zone, fold=0).utcoffset()
                )
                assert gap > timedelta(0)
                assert seen == wall + gap
            else:
                assert seen == wall
                assert seen.weekday() == slot.weekday
        if len({start.astimezone(zone).utcoffset() for start in expected}) > 1:
            event("meetings on both sides of a clock change")
        starts = [s.starts_at for s in sessions]
        assert len(starts) == len(set(starts)) == created
        assert set(starts) == expected
        assert all(s.ends_at - s.starts_at == timedelta(minutes=minutes) for s in sessions)
        assert generate_sessions(group, first_day, last_day) == 0
        assert Session.objects.filter(group=group).count() == created
        transaction.set_rollback(True)


def test_the_property_test_s_zones_really_change_their_clocks():
    # Guards the property test against zones that silently stopped having DST.
    lord_howe = zoneinfo.ZoneInfo("Australia/Lord_Howe")
    assert transition_days(lord_howe, 2026) == [date(2026, 4, 5), date(2026, 10, 4)]
    spring = datetime.combine(date(2026, 10, 4), time(2, 15))  # a naive wall time
    assert in_gap(spring, lord_howe)
    assert (
        spring.replace(tzinfo=lord_howe, fold=1).utcoffset()
        - spring.replace(tzinfo=lord_howe).utcoffset()
    ) == timedelta(minutes=30)
    assert clock_changes(lord_howe, 2026)[1] == (
        datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
        timedelta(hours=10, minutes=30),
        timedelta(hours=11),
    )
    assert transition_days(zoneinfo.ZoneInfo("Asia/Kathmandu"), 2026) == []

"""Roll call and every other source go through record_attendance().

Riverbend's Evening group meets Tuesday and Thursday at 18:00 New York
time. Maya is expected there; Sam is enrolled but expected elsewhere; Alex
has no episode in the program at all.
"""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    enrolled,
    group_meeting,
    local,
    person,
    riverbend,
    session_at,
    sessions_of,
    travel,
)
from welcomeback.care.attendance import CancelledSessionError, record_attendance
from welcomeback.care.models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Expectation,
)
from welcomeback.care.schedule import cancel_session
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return riverbend()


@pytest.fixture
def evenings(program):
    with travel(local(program, 2026, 2, 2, 9)):
        group = group_meeting(program)
        sessions_of(group, date(2026, 2, 2), days=30)
    return group


@pytest.fixture
def maya(program, evenings):
    with travel(local(program, 2026, 2, 2, 9)):
        maya = person(program, "Maya")
        enrolled(maya, program, timezone.now(), [evenings])
    return maya


def evening(program, group, month, day):
    return session_at(group, local(program, 2026, month, day, 18))


def engagement_of(client) -> Engagement:
    return Engagement.objects.get(episode__client=client)


def test_roll_call_for_a_cancelled_session_is_refused_with_a_clear_message(program, evenings, maya):
    tuesday = evening(program, evenings, 2, 3)
    cancel_session(tuesday, "Facilitator ill")

    with pytest.raises(CancelledSessionError) as error:
        record_attendance(tuesday, maya, AttendanceStatus.ATTENDED)

    assert error.value.code == "cancelled_session"
    assert error.value.messages == [
        "The program cancelled this session, so attendance can't be recorded for it."
    ]
    assert not Attendance.objects.exists()


def test_an_unknown_mark_is_refused(program, evenings, maya):
    with pytest.raises(ValidationError) as error:
        record_attendance(evening(program, evenings, 2, 3), maya, "present")

    assert error.value.messages == ["Unknown attendance mark: present"]
    assert not Attendance.objects.exists()


def test_an_expected_person_is_not_a_drop_in(program, evenings, maya):
    attendance = record_attendance(evening(program, evenings, 2, 3), maya, "attended")

    assert not attendance.drop_in
    assert attendance.episode == maya.episodes.get()
    assert attendance.source == AttendanceSource.ROLL_CALL


def test_a_person_nobody_expected_is_kept_as_a_drop_in_and_counts_as_contact(program, evenings):
    with travel(local(program, 2026, 2, 2, 9)):
        sam = person(program, "Sam")
        episode = enrolled(sam, program, timezone.now())  # expected at nothing
    tuesday = evening(program, evenings, 2, 3)

    with travel(tuesday.starts_at + timedelta(minutes=10)):
        attendance = record_attendance(tuesday, sam, AttendanceStatus.ATTENDED)
        sweep.run_once()

    assert attendance.drop_in
    assert attendance.episode == episode
    row = engagement_of(sam)
    assert row.last_contact_at == tuesday.starts_at
    assert row.reason == "Last attended today"


def test_a_person_with_no_episode_in_the_program_is_still_kept(program, evenings):
    alex = person(program, "Alex")

    attendance = record_attendance(evening(program, evenings, 2, 3), alex, "attended")

    assert (attendance.drop_in, attendance.episode) == (True, None)
    assert Attendance.objects.filter(client=alex).count() == 1


def test_a_session_before_the_expectation_starts_is_a_drop_in(program, evenings, maya):
    Expectation.objects.filter(episode__client=maya).update(starts=local(program, 2026, 2, 9))

    early = record_attendance(evening(program, evenings, 2, 5), maya, "attended")
    expected = record_attendance(evening(program, evenings, 2, 10), maya, "attended")

    assert (early.drop_in, expected.drop_in) == (True, False)


def test_recording_the_same_attendance_twice_updates_the_one_row(program, evenings, maya):
    tuesday = evening(program, evenings, 2, 3)
    with travel(tuesday.starts_at + timedelta(minutes=5)):
        first = record_attendance(tuesday, maya, AttendanceStatus.LATE)
    with travel(tuesday.starts_at + timedelta(minutes=40)):
        second = record_attendance(
            tuesday, maya, AttendanceStatus.ATTENDED, source=AttendanceSource.IMPORT
        )

    assert second.pk == first.pk
    row = Attendance.objects.get()
    assert (row.status, row.source) == (AttendanceStatus.ATTENDED, AttendanceSource.IMPORT)
    assert row.recorded_at == tuesday.starts_at + timedelta(minutes=40)


def test_attendance_asks_the_sweep_to_look_again_now(program, evenings, maya):
    tuesday = evening(program, evenings, 2, 3)
    moment = tuesday.starts_at + timedelta(minutes=5)
    with travel(moment):
        record_attendance(tuesday, maya, AttendanceStatus.ATTENDED)

    row = engagement_of(maya)
    assert row.next_check_at == moment
    assert row.last_contact_at == tuesday.starts_at


def test_an_earlier_session_recorded_late_never_moves_the_contact_back(program, evenings, maya):
    thursday = evening(program, evenings, 2, 5)
    record_attendance(thursday, maya, AttendanceStatus.ATTENDED)
    record_attendance(evening(program, evenings, 2, 3), maya, AttendanceStatus.LATE)

    assert engagement_of(maya).last_contact_at == thursday.starts_at


def test_an_excused_mark_recorded_later_uncounts_a_miss(program, evenings, maya):
    tuesday, thursday = evening(program, evenings, 2, 3), evening(program, evenings, 2, 5)
    with travel(tuesday.starts_at):
        record_attendance(tuesday, maya, AttendanceStatus.ATTENDED)
    with travel(local(program, 2026, 2, 5, 22)):
        sweep.run_once()
    assert engagement_of(maya).status == Status.MISSED

    friday = local(program, 2026, 2, 6, 10)
    with travel(friday):
        record_attendance(thursday, maya, AttendanceStatus.EXCUSED)
        sweep.run_once()

    row = engagement_of(maya)
    assert (row.status, row.missed_count) == (Status.ENGAGED, 0)
    assert row.reason == "Last attended 2 days ago"


def test_a_cancelled_by_program_mark_never_counts_either(program, evenings, maya):
    tuesday = evening(program, evenings, 2, 3)
    with travel(local(program, 2026, 2, 3, 22)):
        record_attendance(tuesday, maya, AttendanceStatus.CANCELLED)
        sweep.run_once()

    row = engagement_of(maya)
    assert (row.status, row.missed_count) == (Status.ENGAGED, 0)


def test_recording_attendance_takes_the_same_queries_however_long_the_history(program):
    with travel(local(program, 2026, 2, 2, 9)):
        daily = group_meeting(program, "Daily group", [(day, time(10)) for day in range(7)])
        sessions = sessions_of(daily, date(2026, 2, 2), days=60)
        maya, sam = person(program, "Maya"), person(program, "Sam")
        enrolled(maya, program, timezone.now(), [daily])
        enrolled(sam, program, timezone.now(), [daily])
    for session in sessions[:40]:
        record_attendance(session, sam, AttendanceStatus.ATTENDED)

    def queries_for(client, session):
        with CaptureQueriesContext(connection) as captured:
            record_attendance(session, client, AttendanceStatus.ATTENDED)
        return len(captured.captured_queries)

    assert queries_for(maya, sessions[41]) == queries_for(sam, sessions[41])
    assert queries_for(maya, sessions[41]) == queries_for(sam, sessions[41])  # updates

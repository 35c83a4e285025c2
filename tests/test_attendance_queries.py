"""Query counts that must not grow with history (ARCHITECTURE.md, Targets).

Riverbend's Day group has met Monday, Wednesday and Friday at 18:00 New York
time since January 2023: more than 500 sessions. Jordan has come to 500 of
them; Maya joined a week ago. Recording one mark for either costs the same
queries, and so does a sweep pass over either one's engagement row, even
when the pass walks Jordan's whole history.
"""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    enrolled,
    group_meeting,
    local,
    person,
    riverbend,
    sessions_of,
    travel,
)
from welcomeback.care.attendance import record_attendance
from welcomeback.care.models import Attendance, AttendanceSource, AttendanceStatus
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, StatusChange

pytestmark = pytest.mark.django_db

HISTORY = 500
MONDAY, WEDNESDAY, FRIDAY = 0, 2, 4


@pytest.fixture
def program():
    return riverbend()


@pytest.fixture
def sessions(program):
    """The Day group's sessions, January 2023 to April 2026, in time order."""
    with travel(local(program, 2023, 1, 2, 9)):
        group = group_meeting(
            program,
            name="Day group",
            slots=((MONDAY, time(18)), (WEDNESDAY, time(18)), (FRIDAY, time(18))),
        )
        found = sessions_of(group, date(2023, 1, 2), days=1200)
    assert len(found) > HISTORY + 10
    return found


def enroll(program, name, first_session):
    """Expected at the Day group from the day before ``first_session``."""
    group = first_session.group
    start = first_session.starts_at - timedelta(days=1)
    with travel(start):
        client = person(program, name)
        episode = enrolled(client, program, start, [group])
    return client, episode


def history(client, episode, sessions, status=AttendanceStatus.ATTENDED):
    """Marks written straight to the table, as an import of old records
    would be: the engagement row still has everything to scan."""
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            client=client,
            episode=episode,
            status=status,
            source=AttendanceSource.IMPORT,
            recorded_at=session.ends_at,
        )
        for session in sessions
    )


def queries_to_record(session, client, status=AttendanceStatus.ATTENDED) -> int:
    with travel(session.ends_at), CaptureQueriesContext(connection) as captured:
        record_attendance(session, client, status)
    return len(captured)


@pytest.mark.parametrize("status", [AttendanceStatus.ATTENDED, AttendanceStatus.MISSED])
def test_recording_a_first_mark_costs_the_same_queries_after_500_sessions(
    program, sessions, status, django_assert_num_queries
):
    maya, _episode = enroll(program, "Maya", sessions[HISTORY - 3])
    jordan, episode = enroll(program, "Jordan", sessions[0])
    history(jordan, episode, sessions[:HISTORY])
    today = sessions[HISTORY]

    few = queries_to_record(today, maya, status)
    with travel(today.ends_at), django_assert_num_queries(few):
        record_attendance(today, jordan, status)

    assert Attendance.objects.filter(client=jordan).count() == HISTORY + 1
    assert Attendance.objects.filter(client=maya).count() == 1


def test_correcting_a_mark_costs_the_same_queries_after_500_sessions(
    program, sessions, django_assert_num_queries
):
    maya, _episode = enroll(program, "Maya", sessions[HISTORY - 3])
    jordan, episode = enroll(program, "Jordan", sessions[0])
    history(jordan, episode, sessions[: HISTORY + 1])
    today = sessions[HISTORY]
    record_attendance(today, maya, AttendanceStatus.ATTENDED)

    # Attended, then corrected to missed: the contact has to be taken back.
    few = queries_to_record(today, maya, AttendanceStatus.MISSED)
    with travel(today.ends_at), django_assert_num_queries(few):
        record_attendance(today, jordan, AttendanceStatus.MISSED)

    assert Attendance.objects.get(session=today, client=jordan).status == AttendanceStatus.MISSED


def queries_to_sweep(episode, now) -> int:
    """A whole pass that finds exactly this one row due."""
    parked = Engagement.objects.exclude(pk=episode.pk).exclude(next_check_at=None)
    parked_at = dict(parked.values_list("pk", "next_check_at"))
    parked.update(next_check_at=None)
    with travel(now), CaptureQueriesContext(connection) as captured:
        result = sweep.run_once()
    for pk, at in parked_at.items():
        Engagement.objects.filter(pk=pk).update(next_check_at=at)
    assert result.checked == 1
    return len(captured)


def test_a_sweep_pass_costs_the_same_queries_for_500_sessions_of_history(program, sessions):
    """Both came to every session so far: nobody's status changes."""
    maya, maya_episode = enroll(program, "Maya", sessions[HISTORY - 3])
    history(maya, maya_episode, sessions[HISTORY - 3 : HISTORY])
    jordan, jordan_episode = enroll(program, "Jordan", sessions[0])
    history(jordan, jordan_episode, sessions[:HISTORY])
    now = sessions[HISTORY - 1].ends_at + timedelta(hours=2)

    few = queries_to_sweep(maya_episode, now)
    many = queries_to_sweep(jordan_episode, now)

    assert many == few
    assert not StatusChange.objects.exists()
    jordan_row = Engagement.objects.get(pk=jordan_episode.pk)
    assert jordan_row.last_contact_at == sessions[HISTORY - 1].starts_at
    assert jordan_row.scanned_until == sessions[HISTORY - 1].starts_at


def test_a_sweep_pass_that_changes_a_status_costs_the_same_queries_after_500_misses(
    program, sessions
):
    """Maya never came in her first fortnight; Jordan came to 20 sessions
    and then missed 480 in a row: both rows move to a new status."""
    maya, maya_episode = enroll(program, "Maya", sessions[HISTORY - 7])
    jordan, jordan_episode = enroll(program, "Jordan", sessions[0])
    history(jordan, jordan_episode, sessions[:20])
    history(jordan, jordan_episode, sessions[20:HISTORY], AttendanceStatus.MISSED)
    now = sessions[HISTORY - 1].ends_at + timedelta(hours=2)

    few = queries_to_sweep(maya_episode, now)
    many = queries_to_sweep(jordan_episode, now)

    assert many == few
    assert StatusChange.objects.count() == 2
    jordan_row = Engagement.objects.get(pk=jordan_episode.pk)
    assert jordan_row.missed_count == HISTORY - 20
    assert len(jordan_row.recent_missed) == sweep.RECENT_KEPT

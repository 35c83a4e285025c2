"""The sweep's look-ahead: past the present it reads each expectation's
sessions only up to the first one still to be judged, and that cut changes
nothing that ``scan`` decides.

Riverbend's Evening group meets Tuesday and Thursday, 18:00-21:00 New York
time; Maya enrols on Monday 2 February 2026.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import enrolled, group_meeting, local, person, riverbend, sessions_of, travel
from welcomeback.care.attendance import record_attendance
from welcomeback.care.models import AttendanceStatus, Expectation
from welcomeback.care.schedule import cancel_session
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening():
    program = riverbend()
    with travel(local(program, 2026, 2, 2, 9)):
        group = group_meeting(program)
        sessions = sessions_of(group, date(2026, 2, 2), days=60)
        maya = person(program, "Maya")
        episode = enrolled(maya, program, timezone.now(), [group])
    return program, group, sessions, maya, episode


def mark(session, client, status, at):
    with travel(at):
        record_attendance(session, client, status)


def sweep_at(moment):
    with travel(moment):
        return sweep.run_once()


def read(episode, now):
    """What the sweep's one query gives the scan for this row at ``now``."""
    row = Engagement.objects.select_related("program").get(pk=episode.pk)
    return sweep.expected_sessions([row], now)[row.pk]


def judged_at(program, session):
    return session.ends_at + timedelta(minutes=program.missed_grace_minutes)


def test_ahead_of_now_only_sessions_up_to_the_first_one_to_judge_are_read(evening):
    program, _group, sessions, maya, episode = evening
    tuesday = sessions[0]  # 3 February
    mark(tuesday, maya, AttendanceStatus.ATTENDED, tuesday.starts_at)
    now = local(program, 2026, 2, 4, 12)  # Wednesday noon

    read_sessions = read(episode, now)

    # After the contact, Thursday is the next to judge; the sessions of the
    # week ahead after it are not read.
    assert [s.starts_at for s in read_sessions] == [sessions[1].starts_at]


def test_sessions_excused_ahead_are_read_until_the_first_one_to_judge(evening):
    program, _group, sessions, maya, episode = evening
    first, thursday, tuesday, next_thursday = sessions[:4]
    mark(first, maya, AttendanceStatus.ATTENDED, first.starts_at)
    # Maya tells the team on Wednesday she will be away Thursday and Tuesday.
    mark(thursday, maya, AttendanceStatus.EXCUSED, local(program, 2026, 2, 4, 10))
    mark(tuesday, maya, AttendanceStatus.EXCUSED, local(program, 2026, 2, 4, 10))
    # Late enough that the look-ahead (8 days) reaches the next Thursday.
    now = local(program, 2026, 2, 4, 23)

    assert [s.starts_at for s in read(episode, now)] == [
        thursday.starts_at,
        tuesday.starts_at,
        next_thursday.starts_at,
    ]
    sweep_at(now)
    row = Engagement.objects.get(pk=episode.pk)
    assert row.next_check_at == judged_at(program, next_thursday)
    assert row.scanned_until == tuesday.starts_at
    assert row.status == Status.ENGAGED


def test_a_cancelled_session_ahead_is_not_waited_for(evening):
    program, _group, sessions, maya, episode = evening
    first, thursday, tuesday = sessions[:3]
    mark(first, maya, AttendanceStatus.ATTENDED, first.starts_at)
    with travel(local(program, 2026, 2, 4, 9)):
        cancel_session(thursday, "Facilitator ill")

    sweep_at(local(program, 2026, 2, 4, 12))

    row = Engagement.objects.get(pk=episode.pk)
    assert row.next_check_at == judged_at(program, tuesday)


def test_a_reduced_schedule_waits_for_its_own_weekday(evening):
    program, group, sessions, maya, episode = evening
    # Maya comes on Thursdays only (weekday 3).
    Expectation.objects.filter(episode=episode, group=group).update(weekday=3)
    thursday = sessions[1]
    mark(thursday, maya, AttendanceStatus.ATTENDED, thursday.starts_at)

    sweep_at(local(program, 2026, 2, 6, 12))  # Friday

    row = Engagement.objects.get(pk=episode.pk)
    next_thursday = sessions[3]
    assert next_thursday.starts_at.astimezone(program.zone).weekday() == 3
    assert row.next_check_at == judged_at(program, next_thursday)


def test_the_cut_gives_what_the_whole_week_ahead_gives(evening, monkeypatch):
    """A differential check: the same rows, evaluated from the cut reading
    and from a reading of every session of the week ahead, end the same."""
    program, _group, sessions, maya, episode = evening
    marks = {
        0: AttendanceStatus.ATTENDED,
        1: AttendanceStatus.MISSED,
        3: AttendanceStatus.EXCUSED,
        4: AttendanceStatus.EXCUSED,
        6: AttendanceStatus.LATE,
    }
    for index, status in marks.items():
        mark(sessions[index], maya, status, local(program, 2026, 2, 3, 9))

    def evaluated(now, reading):
        row = Engagement.objects.select_related("program").get(pk=episode.pk)
        change = sweep.evaluate(row, reading(row, now), now)
        fields = ("status", "since", "scanned_until", "last_contact_at", "missed_count")
        return {name: getattr(row, name) for name in fields} | {
            "first_missed_at": row.first_missed_at,
            "recent_missed": row.recent_missed,
            "next_check_at": row.next_check_at,
            "change": change and change.to_status,
        }

    def cut(row, now):
        return sweep.expected_sessions([row], now)[row.pk]

    def whole_week(row, now):
        # The reading before the cut: every session up to the look-ahead.
        ahead = now + sweep.LOOKAHEAD
        lower = row.scanned_until or sweep.drift_anchor(row)
        return [
            sweep.ExpectedSession(s.starts_at, s.ends_at, s.group.name, status_of(s))
            for s in sessions
            if lower < s.starts_at <= ahead
        ]

    def status_of(session):
        found = session.attendance.filter(client=maya).values_list("status", flat=True)
        return found[0] if found else None

    moments = [local(program, 2026, 2, 2, 12) + timedelta(hours=7 * n) for n in range(40)]
    for now in moments:
        with travel(now):
            assert evaluated(now, cut) == evaluated(now, whole_week), now

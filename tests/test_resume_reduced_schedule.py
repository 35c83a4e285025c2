"""A reduced schedule: the person is expected at only some of a group's
sessions (one weekday). Everywhere "expected" is decided — the sweep, a
single attendance mark, a bulk import, the roll call and a cancellation —
the other days are never counted.

Riverbend's Day group meets Monday, Wednesday and Friday, 10:00-13:00 New
York time. Ana returns on Monday 2 February 2026 expected on Wednesdays only.
"""

import importlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import (
    appointment,
    group_meeting,
    local,
    person,
    riverbend,
    session_at,
    sessions_of,
    travel,
)
from welcomeback.care.attendance import is_expected, record_attendance
from welcomeback.care.bulk import Mark, record_attendance_many
from welcomeback.care.episodes import open_episode
from welcomeback.care.models import AttendanceStatus, Expectation, Session
from welcomeback.care.rollcall import expected_client_ids, roster
from welcomeback.care.schedule import cancel_session
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status, StatusChange

pytestmark = pytest.mark.django_db

MONDAY, WEDNESDAY, FRIDAY = 0, 2, 4


@dataclass
class World:
    program: object
    group: object
    ana: object
    episode: object

    def at(self, month, day, hour=0, minute=0) -> datetime:
        return local(self.program, 2026, month, day, hour, minute)

    def day_group(self, month, day) -> Session:
        return session_at(self.group, self.at(month, day, 10))


@pytest.fixture
def world():
    program = riverbend()
    with travel(local(program, 2026, 2, 2, 9)):
        group = group_meeting(
            program,
            name="Day group",
            slots=((MONDAY, time(10)), (WEDNESDAY, time(10)), (FRIDAY, time(10))),
        )
        sessions_of(group, date(2026, 2, 2), days=60)
        ana = person(program, "Ana")
        episode = open_episode(ana, program, at=timezone.now())
        Expectation.objects.create(
            episode=episode, group=group, weekday=WEDNESDAY, starts=timezone.now()
        )
    return World(program, group, ana, episode)


def sweep_at(moment):
    with travel(moment):
        return sweep.run_once()


def engagement_of(episode) -> Engagement:
    return Engagement.objects.get(pk=episode.pk)


def test_generated_sessions_know_their_local_weekday(world):
    weekdays = {
        s.starts_at.astimezone(world.program.zone).weekday(): s.local_weekday
        for s in Session.objects.filter(group=world.group)
    }
    assert weekdays == {MONDAY: MONDAY, WEDNESDAY: WEDNESDAY, FRIDAY: FRIDAY}


def test_an_appointment_knows_its_local_weekday_even_late_in_the_evening(world):
    # 23:30 on a Wednesday in New York is already Thursday in UTC.
    late = appointment(world.program, world.at(2, 4, 23, 30))
    assert late.starts_at.astimezone(UTC).weekday() == 3
    assert Session.objects.get(pk=late.pk).local_weekday == WEDNESDAY


def test_mondays_and_fridays_are_never_missed_while_wednesdays_are_attended(world):
    for month, day in [(2, 4), (2, 11), (2, 18), (2, 25)]:
        with travel(world.at(month, day, 10, 5)):
            record_attendance(world.day_group(month, day), world.ana, AttendanceStatus.ATTENDED)
        sweep_at(world.at(month, day, 10, 5))
    sweep_at(world.at(2, 28, 9))

    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert (row.missed_count, row.first_missed_at, row.recent_missed) == (0, None, [])
    assert (
        list(StatusChange.objects.filter(engagement=row).values_list("to_status", flat=True)) == []
    )  # never anything but engaged


def test_only_the_wednesdays_count_as_missed(world):
    sweep_at(world.at(2, 2, 9))
    # Monday 2 and Friday 6 pass unattended: nothing is missed.
    sweep_at(world.at(2, 3, 20))
    assert engagement_of(world.episode).missed_count == 0
    sweep_at(world.at(2, 4, 15))
    row = engagement_of(world.episode)
    assert row.status == Status.MISSED
    assert (row.missed_count, row.first_missed_at) == (1, world.at(2, 4, 10))

    sweep_at(world.at(2, 16, 9))
    row = engagement_of(world.episode)
    assert row.missed_count == 2  # 4 and 11 February; never a Monday or Friday
    assert [datetime.fromisoformat(entry["at"]) for entry in row.recent_missed] == [
        world.at(2, 4, 10),
        world.at(2, 11, 10),
    ]


def test_attending_a_wednesday_makes_them_engaged_again(world):
    sweep_at(world.at(2, 2, 9))
    sweep_at(world.at(2, 16, 9))
    assert engagement_of(world.episode).status != Status.ENGAGED

    with travel(world.at(2, 18, 10, 5)):
        record_attendance(world.day_group(2, 18), world.ana, AttendanceStatus.ATTENDED)
    sweep_at(world.at(2, 18, 10, 5))

    row = engagement_of(world.episode)
    assert row.status == Status.ENGAGED
    assert row.missed_count == 0
    # Nothing new is missed on the Friday or Monday that follow.
    sweep_at(world.at(2, 23, 18))
    assert engagement_of(world.episode).status == Status.ENGAGED


def test_a_monday_attendance_is_a_drop_in_and_a_wednesday_one_is_expected(world):
    monday, wednesday = world.day_group(2, 9), world.day_group(2, 11)
    assert not is_expected(world.episode, monday)
    assert is_expected(world.episode, wednesday)
    with travel(world.at(2, 11, 14)):
        on_monday = record_attendance(monday, world.ana, AttendanceStatus.ATTENDED)
        on_wednesday = record_attendance(wednesday, world.ana, AttendanceStatus.ATTENDED)
    assert (on_monday.drop_in, on_wednesday.drop_in) == (True, False)


def test_a_bulk_import_decides_drop_ins_the_same_way(world):
    monday, wednesday = world.day_group(2, 9), world.day_group(2, 11)
    with travel(world.at(2, 11, 14)):
        record_attendance_many(
            [
                Mark(monday, world.ana.pk, AttendanceStatus.ATTENDED),
                Mark(wednesday, world.ana.pk, AttendanceStatus.ATTENDED),
            ]
        )
    marks = dict(world.ana.attendance.values_list("session__local_weekday", "drop_in"))
    assert marks == {MONDAY: True, WEDNESDAY: False}


def test_the_roll_call_lists_them_on_wednesdays_only(world):
    monday, wednesday = world.day_group(2, 9), world.day_group(2, 11)
    assert world.ana.pk not in expected_client_ids(monday)
    assert world.ana.pk in expected_client_ids(wednesday)
    assert [line.client for line in roster(monday)] == []
    assert [(line.client, line.expected) for line in roster(wednesday)] == [(world.ana, True)]


def test_cancelling_a_monday_leaves_them_alone_and_a_wednesday_rechecks_them(world):
    sweep_at(world.at(2, 2, 9))
    waiting = engagement_of(world.episode).next_check_at
    assert waiting > world.at(2, 3, 12)

    with travel(world.at(2, 3, 12)):
        cancel_session(world.day_group(2, 9), "Holiday")
    assert engagement_of(world.episode).next_check_at == waiting

    with travel(world.at(2, 3, 12)):
        cancel_session(world.day_group(2, 11), "Holiday")
    assert engagement_of(world.episode).next_check_at == world.at(2, 3, 12)


def test_a_weekday_is_only_for_a_group_expectation(world):
    session = appointment(world.program, world.at(2, 5, 14))
    with pytest.raises(IntegrityError), transaction.atomic():
        Expectation.objects.create(
            episode=world.episode, session=session, weekday=WEDNESDAY, starts=session.starts_at
        )


def test_the_migration_backfills_the_weekday_of_existing_sessions(world):
    Session.objects.update(local_weekday=None)
    migration = importlib.import_module("welcomeback.care.migrations.0007_reduced_schedules")
    migration.backfill_local_weekday(apps, None)
    for session in Session.objects.all():
        assert session.local_weekday == session.starts_at.astimezone(world.program.zone).weekday()
    assert Session.objects.filter(local_weekday=None).count() == 0

"""A world for the re-entry tests: Riverbend's Day group meets Monday,
Wednesday and Friday, 10:00-13:00 New York time. Ana enrolled on Monday
2 February 2026, came the first week, then stopped coming. On Monday
2 March she asks to come back."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from tests.factories import group_meeting, local, session_at, sessions_of, travel
from tests.outreach_helpers import person, texting_program
from welcomeback.care.attendance import record_attendance
from welcomeback.care.episodes import open_episode
from welcomeback.care.models import AttendanceStatus, Expectation, Session
from welcomeback.engagement import sweep
from welcomeback.returns.assessments import record_assessment
from welcomeback.returns.models import RequestChannel
from welcomeback.returns.requests import open_request

MONDAY, WEDNESDAY, FRIDAY = 0, 2, 4
NO_RISK = {"q1": 0, "q2": 0, "q6": 0}


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

    def ask_to_come_back(self, month=3, day=2, hour=11, **fields):
        with travel(self.at(month, day, hour)):
            return open_request(
                program=self.program,
                channel=RequestChannel.WEB,
                phone=self.ana.phone,
                client=self.ana,
                **fields,
            )

    def safety_screen(self, request, answers=None, hour=12, month=3, day=2):
        with travel(self.at(month, day, hour)):
            return record_assessment(code="cssrs", answers=answers or NO_RISK, request=request)

    def attend(self, session, status=AttendanceStatus.ATTENDED):
        moment = session.starts_at.replace(minute=5)
        with travel(moment):
            mark = record_attendance(session, self.ana, status)
            sweep.run_once()
        return mark


def sweep_at(moment):
    with travel(moment):
        return sweep.run_once()


def build_world(**program_fields) -> World:
    program = texting_program(**program_fields)
    with travel(local(program, 2026, 2, 2, 9)):
        group = group_meeting(
            program,
            name="Day group",
            slots=((MONDAY, time(10)), (WEDNESDAY, time(10)), (FRIDAY, time(10))),
        )
        sessions_of(group, date(2026, 2, 2), days=70)
        ana = person(program)
        episode = open_episode(ana, program, at=timezone.now())
        Expectation.objects.create(episode=episode, group=group, starts=timezone.now())
    world = World(program, group, ana, episode)
    for day in (2, 4, 6):
        world.attend(world.day_group(2, day))
    return world

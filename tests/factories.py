"""Builders for tests: a program in New York, another in Los Angeles, named
people, and groups with real weekly schedules.

The personas the engagement tests share:

- Riverbend (America/New_York): "Adult IOP, evenings", an Evening group on
  Tuesday and Thursday 18:00-21:00 local.
- Harbor (America/Los_Angeles): "Adult IOP, mornings", with shorter drift
  thresholds (3, 5, 10, 20 days).
- Maya attends; Jordan drifts; Sam drops in at groups nobody expected him at.
"""

from datetime import date, datetime, time, timedelta

import factory
import time_machine

from welcomeback.care import models
from welcomeback.care.episodes import open_episode
from welcomeback.care.schedule import Slot, generate_sessions, set_schedule

TUESDAY, THURSDAY = 1, 3


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = "Riverbend Health"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Site

    organization = factory.SubFactory(OrganizationFactory)
    name = "Riverside"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Program

    site = factory.SubFactory(SiteFactory)
    name = "Adult IOP, evenings"
    neutral_name = "Riverbend"
    time_zone = "America/New_York"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Group

    program = factory.SubFactory(ProgramFactory)
    name = "Evening group"
    duration_minutes = 180


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Client

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Rivera"
    phone = factory.Sequence(lambda n: f"+1555555{n:04d}")


def group_meeting(
    program, name="Evening group", slots=((1, time(18)), (3, time(18))), duration=180
):
    """A group meeting on the given (weekday, local time) slots; Tue and Thu
    evenings by default."""
    group = GroupFactory(program=program, name=name, duration_minutes=duration)
    set_schedule(group, [Slot(day, start) for day, start in slots])
    return group


def enrolled(client, program, at, groups=()):
    """An active episode from ``at``, expected at each group from then on."""
    episode = open_episode(client, program, at=at)
    for group in groups:
        models.Expectation.objects.create(episode=episode, group=group, starts=at)
    return episode


# -- named programs and people ---------------------------------------------


def riverbend(**overrides):
    """The New York evening program."""
    return ProgramFactory(**overrides)


def harbor(**overrides):
    """The Los Angeles morning program, with its own (shorter) thresholds."""
    organization = OrganizationFactory(name="Harbor Health")
    values = {
        "site": SiteFactory(organization=organization, name="Harbor"),
        "name": "Adult IOP, mornings",
        "neutral_name": "Harbor",
        "time_zone": "America/Los_Angeles",
        "lapsing_after_days": 3,
        "disengaged_after_days": 5,
        "interrupted_after_days": 10,
        "inactive_after_days": 20,
    }
    return ProgramFactory(**{**values, **overrides})


def person(program, first_name, **fields):
    """A named client of the program's organization."""
    return ClientFactory(organization=program.site.organization, first_name=first_name, **fields)


# -- time -------------------------------------------------------------------


def local(program, year, month, day, hour=0, minute=0, second=0) -> datetime:
    """An aware datetime at a wall-clock time in the program's zone."""
    return datetime(year, month, day, hour, minute, second, tzinfo=program.zone)


def travel(moment):
    """Freeze the clock at ``moment`` (time stands still inside)."""
    return time_machine.travel(moment, tick=False)


def sessions_of(group, first_day: date, days: int = 130) -> list[models.Session]:
    """Generate a group's sessions for ``days`` from a local date; all of them,
    in time order."""
    generate_sessions(group, first_day, first_day + timedelta(days=days))
    return list(models.Session.objects.filter(group=group).order_by("starts_at"))


def session_at(group, moment: datetime) -> models.Session:
    return models.Session.objects.get(group=group, starts_at=moment)


def appointment(program, starts_at: datetime, minutes: int = 60) -> models.Session:
    """An individual appointment (a session with no group)."""
    return models.Session.objects.create(
        program=program,
        kind=models.SessionKind.INDIVIDUAL,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
    )


def expect_at(episode, session: models.Session):
    """The person is expected at one individual appointment."""
    return models.Expectation.objects.create(
        episode=episode, session=session, starts=session.starts_at
    )

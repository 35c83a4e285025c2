"""Builders for tests: a program in New York, another in Los Angeles, named
people, and groups with real weekly schedules."""

from datetime import time

import factory

from welcomeback.care import models
from welcomeback.care.episodes import open_episode
from welcomeback.care.schedule import Slot, set_schedule


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

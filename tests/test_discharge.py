"""Discharge is a person's decision with its TEDS-D reason code; "dropped
out" (code 2) waits for the program's inactivity period (STANDARDS.md 29)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import (
    enrolled,
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
from welcomeback.care.models import (
    AttendanceStatus,
    DischargeReason,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
)
from welcomeback.engagement import sweep
from welcomeback.engagement.discharge import discharge
from welcomeback.engagement.models import Engagement

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return riverbend()


@pytest.fixture
def casey():
    """Casey, a case manager."""
    return User.objects.create_user("casey")


@pytest.fixture
def maya_episode(program):
    """Maya enrolled on Monday 2 February 2026 at 09:00 New York time and
    expected at the Tuesday and Thursday Evening group."""
    with travel(local(program, 2026, 2, 2, 9)):
        group = group_meeting(program)
        sessions_of(group, date(2026, 2, 2), days=60)
        return enrolled(person(program, "Maya"), program, timezone.now(), [group])


def started(episode):
    return Episode.objects.get(pk=episode.pk).started


@pytest.mark.parametrize("reason", [None, 0, 8, "dropped out"])
def test_a_discharge_needs_a_teds_d_reason_code(maya_episode, casey, reason):
    with pytest.raises(ValidationError) as error:
        discharge(maya_episode, reason, by=casey)
    assert error.value.code == "reason_required"
    assert Episode.objects.get(pk=maya_episode.pk).status == EpisodeStatus.ACTIVE


def test_a_discharge_records_its_reason_code_and_who_decided(maya_episode, casey):
    moment = started(maya_episode) + timedelta(days=10)

    discharge(maya_episode, DischargeReason.TRANSFERRED, by=casey, note="Moved away", now=moment)

    episode = Episode.objects.get(pk=maya_episode.pk)
    assert episode.status == EpisodeStatus.FINISHED
    assert episode.discharge_reason == 4
    assert episode.ended == moment
    change = EpisodeStatusChange.objects.filter(episode=episode).last()
    assert (change.from_status, change.to_status) == (EpisodeStatus.ACTIVE, EpisodeStatus.FINISHED)
    assert (change.by, change.note, change.at) == (casey, "Moved away", moment)


def test_a_finished_episode_cannot_be_discharged_again_with_another_reason(maya_episode, casey):
    moment = started(maya_episode) + timedelta(days=10)
    discharge(maya_episode, DischargeReason.COMPLETED, by=casey, now=moment)

    with pytest.raises(ValidationError) as error:
        discharge(maya_episode, DischargeReason.TRANSFERRED, by=casey, now=moment)

    assert error.value.code == "already_ended"
    assert Episode.objects.get(pk=maya_episode.pk).discharge_reason == 1


def test_dropped_out_is_refused_before_the_inactivity_period(maya_episode, casey):
    just_before = started(maya_episode) + timedelta(days=90) - timedelta(seconds=1)

    with pytest.raises(ValidationError) as error:
        discharge(maya_episode, DischargeReason.DROPPED_OUT, by=casey, now=just_before)

    assert error.value.code == "too_soon"
    assert error.value.messages == [
        "It is too soon to record this as dropped out: the program waits "
        "90 days without contact (until 2026-05-03)."
    ]
    assert Episode.objects.get(pk=maya_episode.pk).status == EpisodeStatus.ACTIVE


def test_dropped_out_is_allowed_once_the_inactivity_period_has_passed(maya_episode, casey):
    at_the_end = started(maya_episode) + timedelta(days=90)

    discharge(maya_episode, DischargeReason.DROPPED_OUT, by=casey, now=at_the_end)

    episode = Episode.objects.get(pk=maya_episode.pk)
    assert (episode.status, episode.discharge_reason) == (EpisodeStatus.FINISHED, 2)


def test_the_inactivity_period_counts_from_the_last_contact(program, maya_episode, casey):
    group = maya_episode.expectations.get().group
    thursday = session_at(group, local(program, 2026, 3, 5, 18))
    with travel(thursday.starts_at):
        record_attendance(thursday, maya_episode.client, AttendanceStatus.ATTENDED)

    ninety_days_after_the_start = started(maya_episode) + timedelta(days=90)
    with pytest.raises(ValidationError):
        discharge(maya_episode, DischargeReason.DROPPED_OUT, casey, now=ninety_days_after_the_start)
    discharge(
        maya_episode, DischargeReason.DROPPED_OUT, casey, now=thursday.starts_at + timedelta(90)
    )


def test_a_stale_episode_object_does_not_hide_a_recent_contact(program, maya_episode, casey):
    stale = Episode.objects.select_related("engagement", "program").get(pk=maya_episode.pk)
    assert stale.engagement.last_contact_at is None
    thursday = session_at(maya_episode.expectations.get().group, local(program, 2026, 3, 5, 18))
    with travel(thursday.starts_at):
        record_attendance(thursday, maya_episode.client, AttendanceStatus.ATTENDED)

    with pytest.raises(ValidationError) as error:
        discharge(stale, DischargeReason.DROPPED_OUT, casey, now=started(stale) + timedelta(91))
    assert error.value.code == "too_soon"


def test_the_inactivity_period_is_the_program_s_own(casey):
    program = harbor()  # inactive after 20 days
    with travel(local(program, 2026, 2, 2, 9)):
        episode = enrolled(person(program, "Jordan"), program, timezone.now())

    with pytest.raises(ValidationError):
        discharge(episode, DischargeReason.DROPPED_OUT, casey, now=started(episode) + timedelta(19))
    discharge(episode, DischargeReason.DROPPED_OUT, casey, now=started(episode) + timedelta(20))


@pytest.mark.parametrize(
    "reason",
    [
        DischargeReason.COMPLETED,
        DischargeReason.TERMINATED,
        DischargeReason.TRANSFERRED,
        DischargeReason.INCARCERATED,
        DischargeReason.DEATH,
        DischargeReason.OTHER,
    ],
)
def test_every_other_reason_is_allowed_at_any_time(maya_episode, casey, reason):
    discharge(maya_episode, reason, by=casey, now=started(maya_episode) + timedelta(days=1))
    assert Episode.objects.get(pk=maya_episode.pk).discharge_reason == reason


def test_a_discharged_episode_is_no_longer_swept(maya_episode, casey):
    moment = started(maya_episode) + timedelta(days=3)
    with travel(moment):
        discharge(maya_episode, DischargeReason.COMPLETED, by=casey)
        assert Engagement.objects.get(pk=maya_episode.pk).next_check_at is None
    with travel(moment + timedelta(days=100)):
        assert sweep.run_once().checked == 0

"""Resume, don't restart: the on-hold episode continues with its history;
a finished one continues within the program's resume window, and after it
a new episode opens linked to the last. Prior progress stays visible."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.factories import travel
from tests.reentry_world import build_world
from welcomeback.care.episodes import change_episode_status
from welcomeback.care.models import DischargeReason, Episode, EpisodeStatus
from welcomeback.engagement.models import Engagement, Status
from welcomeback.returns.models import RequestEvent
from welcomeback.returns.reentry import note_milestone, progress_so_far, resume

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def finish(world, month, day):
    with travel(world.at(month, day, 9)):
        change_episode_status(
            world.episode, EpisodeStatus.FINISHED, discharge_reason=DischargeReason.DROPPED_OUT
        )


def test_an_on_hold_episode_becomes_active_again_with_all_its_history(world):
    with travel(world.at(2, 20, 9)):
        change_episode_status(world.episode, EpisodeStatus.ON_HOLD, note="Stepped away")
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 14)):
        episode = resume(request)
    assert episode == world.episode
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    assert list(episode.status_history.values_list("to_status", flat=True)) == [
        "planned",
        "active",
        "onhold",
        "active",
    ]
    assert episode.attendance.count() == 3
    assert Episode.objects.filter(client=world.ana).count() == 1
    assert RequestEvent.objects.filter(request=request, kind="resumed_episode").exists()
    # Resuming again changes nothing.
    with travel(world.at(3, 2, 15)):
        assert resume(request) == episode
    assert episode.status_history.count() == 4


def test_an_active_drifting_episode_is_simply_kept(world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 14)):
        assert resume(request) == world.episode
    assert world.episode.status_history.count() == 2


def test_finished_within_the_window_resumes_the_same_episode(world):
    finish(world, 3, 1)
    world.program.resume_within_days = 180
    world.program.save()
    request = world.ask_to_come_back()
    with travel(world.episode.ended + timedelta(days=180)):
        episode = resume(request)
    episode.refresh_from_db()
    assert episode == world.episode
    assert (episode.status, episode.ended, episode.discharge_reason) == ("active", None, None)
    assert episode.status_history.filter(to_status="finished").exists()


def test_finished_past_the_window_opens_a_new_linked_episode(world):
    finish(world, 3, 1)
    world.program.resume_within_days = 180
    world.program.save()
    request = world.ask_to_come_back()
    ended = Episode.objects.get(pk=world.episode.pk).ended
    with travel(ended + timedelta(days=180, seconds=1)):
        episode = resume(request)
    assert episode != world.episode
    assert episode.previous == world.episode
    assert episode.status == EpisodeStatus.ACTIVE
    request.refresh_from_db()
    assert request.episode == episode
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.FINISHED
    assert Engagement.objects.get(pk=episode.pk).status == Status.ENGAGED


def test_a_request_without_a_person_cannot_resume(world):
    from welcomeback.returns.models import RequestChannel
    from welcomeback.returns.requests import open_request

    with travel(world.at(3, 2, 11)):
        request = open_request(
            program=world.program, channel=RequestChannel.WEB, phone="+12125550999"
        )
    with pytest.raises(ValidationError):
        resume(request)


def test_progress_so_far_sums_across_linked_episodes(world):
    note_milestone(world.episode, "Finished the first week", date(2026, 2, 6))
    finish(world, 2, 16)  # two weeks in care
    request = world.ask_to_come_back(month=10, day=1)
    with travel(world.at(10, 1, 14)):
        episode = resume(request)
    assert episode.previous == world.episode
    with travel(world.at(10, 15, 14)):
        progress = progress_so_far(world.ana, world.program)
    assert progress.episodes == 2
    assert progress.weeks_in_care == 4  # two weeks then, two weeks now
    assert progress.sessions_attended == 3
    assert [m.title for m in progress.milestones] == ["Finished the first week"]
    assert progress.first_started == world.at(2, 2, 9)


def test_time_on_hold_is_not_time_in_care(world):
    with travel(world.at(2, 16, 9)):
        change_episode_status(world.episode, EpisodeStatus.ON_HOLD)
    with travel(world.at(3, 2, 9)):
        change_episode_status(world.episode, EpisodeStatus.ACTIVE)
    # 10:00, not 09:00: the clocks went forward on 8 March.
    with travel(world.at(3, 16, 10)):
        assert progress_so_far(world.ana, world.program).weeks_in_care == 4

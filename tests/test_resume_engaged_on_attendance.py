"""Resume, don't restart — and engaged again only when they come.

Resuming an episode that was on hold keeps its status from before (the
person has not attended anything yet); sessions missed after the return
still count, and the first attended session after it makes them engaged
again on the same episode, with the history intact.

The world (tests/reentry_world.py): Riverbend's Day group meets Monday,
Wednesday and Friday, 10:00-13:00 New York time; Ana came the first week
of February 2026, then stopped coming.
"""

from datetime import timedelta

import pytest

from tests.factories import travel
from tests.reentry_world import build_world, sweep_at
from welcomeback.care.episodes import change_episode_status, open_episode
from welcomeback.care.models import DischargeReason, EpisodeStatus
from welcomeback.engagement.board import drifting, today_board
from welcomeback.engagement.models import Engagement, Status, StatusChange
from welcomeback.returns.reentry import resume

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    # Three weeks without her: she has drifted by now.
    sweep_at(world.at(2, 20, 12))
    with travel(world.at(2, 20, 13)):
        change_episode_status(world.episode, EpisodeStatus.ON_HOLD, note="Stepped away")
    return world


def engagement_of(episode) -> Engagement:
    return Engagement.objects.get(pk=episode.pk)


def changes_of(episode) -> list[tuple[str, str]]:
    return list(
        StatusChange.objects.filter(engagement_id=episode.pk)
        .order_by("seq")
        .values_list("from_status", "to_status")
    )


def resumed(world, month=3, day=2, hour=14, minute=0):
    request = world.ask_to_come_back()
    with travel(world.at(month, day, hour, minute)):
        episode = resume(request)
    assert episode == world.episode
    return episode


def test_a_resumed_episode_keeps_its_status_while_no_session_is_due(world):
    before = engagement_of(world.episode)
    assert before.status == Status.DISENGAGED
    history = changes_of(world.episode)
    resumed(world)  # Monday 2 March, 14:00; the next session is Wednesday's

    for moment in (world.at(3, 2, 14), world.at(3, 3, 9), world.at(3, 3, 20)):
        sweep_at(moment)
        row = engagement_of(world.episode)
        assert (row.status, row.since) == (Status.DISENGAGED, before.since)
        assert changes_of(world.episode) == history  # no StatusChange written
    assert row.returning_since == world.at(3, 2, 14)
    assert row.started_at == world.at(3, 2, 14)  # the drift clock restarts at the return
    assert (row.missed_count, row.first_missed_at) == (0, None)
    # Not on the Today board as drifting: that status is from before the return.
    assert not drifting().filter(pk=row.pk).exists()


def test_a_missed_session_after_the_resume_moves_them_to_missed(world):
    resumed(world)
    wednesday = world.day_group(3, 4)
    sweep_at(wednesday.ends_at + timedelta(minutes=world.program.missed_grace_minutes))

    row = engagement_of(world.episode)
    assert (row.status, row.since, row.missed_count) == (Status.MISSED, wednesday.starts_at, 1)
    assert changes_of(world.episode)[-1] == (Status.DISENGAGED, Status.MISSED)
    assert row.returning_since is not None  # still not back
    # Now they are on the board again, from that miss.
    board = {section.status: section.rows for section in today_board()}
    assert [r.pk for r in board[Status.MISSED]] == [row.pk]
    # The usual path after: lapsing seven days after the return.
    sweep_at(world.at(3, 9, 15))
    assert engagement_of(world.episode).status == Status.LAPSING


def test_the_first_attended_session_makes_them_engaged_on_the_same_episode(world):
    history = changes_of(world.episode)
    resumed(world)
    sweep_at(world.at(3, 3, 9))
    wednesday = world.day_group(3, 4)
    world.attend(wednesday)  # marked at 10:05, then a sweep

    row = engagement_of(world.episode)
    assert (row.status, row.since, row.returning_since) == (
        Status.ENGAGED,
        wednesday.starts_at,
        None,
    )
    assert changes_of(world.episode) == [*history, (Status.DISENGAGED, Status.ENGAGED)]
    came_back = StatusChange.objects.filter(engagement_id=row.pk).latest("seq")
    assert came_back.at == wednesday.starts_at
    assert came_back.reason == "Came back and attended today"
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.ACTIVE
    assert world.episode.attendance.count() == 4  # the first week's three, and today
    assert list(world.episode.status_history.values_list("to_status", flat=True)) == [
        "planned",
        "active",
        "onhold",
        "active",
    ]
    # From here on, the ordinary rules: a later pass keeps them engaged.
    sweep_at(world.at(3, 5, 9))
    assert engagement_of(world.episode).status == Status.ENGAGED


def test_a_missed_session_then_an_attended_one(world):
    resumed(world)
    sweep_at(world.at(3, 4, 15))
    assert engagement_of(world.episode).status == Status.MISSED
    world.attend(world.day_group(3, 6))
    row = engagement_of(world.episode)
    assert (row.status, row.returning_since, row.missed_count) == (Status.ENGAGED, None, 0)
    assert changes_of(world.episode)[-2:] == [
        (Status.DISENGAGED, Status.MISSED),
        (Status.MISSED, Status.ENGAGED),
    ]


def test_attending_while_on_hold_resumes_the_episode_and_counts_as_coming_back(world):
    """The request closes as returned on the first attended session; that
    resumes the on-hold episode after the mark was recorded."""
    world.ask_to_come_back()
    world.attend(world.day_group(3, 4))
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.ACTIVE
    row = engagement_of(world.episode)
    assert (row.status, row.returning_since) == (Status.ENGAGED, None)
    assert row.last_contact_at == world.day_group(3, 4).starts_at


def test_a_session_running_at_the_resume_counts_when_it_is_marked(world):
    # Resumed at 10:30, half an hour into Wednesday's group; marked at 10:45.
    with travel(world.at(3, 4, 10, 30)):
        change_episode_status(world.episode, EpisodeStatus.ACTIVE)
    sweep_at(world.at(3, 4, 10, 30))
    assert engagement_of(world.episode).status == Status.DISENGAGED
    world.attend(world.day_group(3, 4))
    assert engagement_of(world.episode).status == Status.ENGAGED


def test_an_excused_absence_after_the_resume_neither_counts_nor_brings_them_back(world):
    from welcomeback.care.models import AttendanceStatus

    resumed(world)
    world.attend(world.day_group(3, 4), status=AttendanceStatus.EXCUSED)
    sweep_at(world.at(3, 4, 15))
    row = engagement_of(world.episode)
    assert (row.status, row.missed_count) == (Status.DISENGAGED, 0)
    assert row.returning_since is not None


def test_a_brand_new_episode_is_engaged_from_the_start(world):
    with travel(world.at(3, 2, 9)):
        change_episode_status(
            world.episode, EpisodeStatus.FINISHED, discharge_reason=DischargeReason.DROPPED_OUT
        )
        episode = open_episode(world.ana, world.program, at=world.at(3, 2, 9))
    sweep_at(world.at(3, 2, 9))
    row = engagement_of(episode)
    assert (row.status, row.returning_since) == (Status.ENGAGED, None)


def test_a_new_linked_episode_after_the_resume_window_is_engaged_at_once(world):
    with travel(world.at(3, 1, 9)):
        change_episode_status(
            world.episode, EpisodeStatus.FINISHED, discharge_reason=DischargeReason.DROPPED_OUT
        )
    request = world.ask_to_come_back(month=10, day=1)
    with travel(world.at(10, 1, 14)):
        episode = resume(request)
        sweep_at(world.at(10, 1, 14))
    assert episode.previous == world.episode
    row = engagement_of(episode)
    assert (row.status, row.returning_since) == (Status.ENGAGED, None)

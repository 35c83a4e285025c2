"""Two sweeps at once never apply a transition twice.

The interleavings are replayed step by step (claim, another whole pass,
then the first sweep's write) on SQLite and PostgreSQL alike; on PostgreSQL
real sweeps also race each other in threads, each with its own connection.
"""

import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.forms.models import model_to_dict
from django.utils import timezone

from tests.factories import (
    ClientFactory,
    enrolled,
    group_meeting,
    local,
    person,
    riverbend,
    session_at,
    sessions_of,
    travel,
)
from welcomeback.care.attendance import record_attendance
from welcomeback.care.episodes import change_episode_status
from welcomeback.care.models import (
    AttendanceStatus,
    Client,
    Episode,
    EpisodeStatus,
    Expectation,
    Session,
)
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status, StatusChange

NAMES = ["Maya", "Jordan", "Sam", "Alex", "Robin", "Kai"]


@pytest.fixture
def drifting():
    """Six people expected at Riverbend's Evening group since Monday 2
    February 2026; nobody came on Tuesday, so all six have just missed it
    once the grace hour after the session has passed."""
    program = riverbend()
    with travel(local(program, 2026, 2, 2, 9)):
        group = group_meeting(program)
        sessions_of(group, date(2026, 2, 2), days=14)
        episodes = [
            enrolled(person(program, name), program, timezone.now(), [group]) for name in NAMES
        ]
    tuesday = session_at(group, local(program, 2026, 2, 3, 18))
    return episodes, tuesday, local(program, 2026, 2, 3, 22)


def each_transition_once():
    counts = StatusChange.objects.values("engagement", "seq").annotate(n=Count("id"))
    return all(row["n"] == 1 for row in counts)


def statuses():
    return set(Engagement.objects.values_list("status", flat=True))


@pytest.mark.django_db
def test_a_sweep_never_takes_rows_another_sweep_has_claimed(drifting):
    episodes, _tuesday, now = drifting
    first = sweep.PassResult()
    token = uuid.uuid4()

    claimed = sweep.claim_batch(now, token, batch_size=4)
    second = sweep.run_once(now)  # runs while the first still holds its four
    sweep.process_batch(claimed, now, token, first)

    assert (first.checked, second.checked) == (4, 2)
    assert not {pk for pk, *_ in first.transitions} & {pk for pk, *_ in second.transitions}
    assert StatusChange.objects.count() == 6
    assert each_transition_once()
    assert statuses() == {Status.MISSED}
    assert sweep.run_once(now).checked == 0


@pytest.mark.django_db
def test_a_sweep_whose_lease_ran_out_cannot_write_over_the_sweep_that_took_over(drifting):
    episodes, _tuesday, now = drifting
    first, token = sweep.PassResult(), uuid.uuid4()
    claimed = sweep.claim_batch(now, token, batch_size=500)

    later = now + sweep.CLAIM_LEASE + timedelta(seconds=1)
    second = sweep.run_once(later)  # the first sweep stalled; its lease expired
    after_second = [model_to_dict(row) for row in Engagement.objects.order_by("pk")]
    sweep.process_batch(claimed, now, token, first)

    assert second.checked == 6
    assert (first.checked, first.changed, first.lost) == (0, 0, 6)
    assert [model_to_dict(row) for row in Engagement.objects.order_by("pk")] == after_second
    assert StatusChange.objects.count() == 6
    assert each_transition_once()
    assert set(StatusChange.objects.values_list("recorded", flat=True)) == {later}


@pytest.mark.django_db
def test_a_lease_taken_over_mid_batch_lets_only_the_new_holder_write(drifting):
    episodes, _tuesday, now = drifting
    first, second = sweep.PassResult(), sweep.PassResult()
    first_token, second_token = uuid.uuid4(), uuid.uuid4()
    first_rows = sweep.claim_batch(now, first_token, batch_size=500)
    later = now + sweep.CLAIM_LEASE + timedelta(seconds=1)
    second_rows = sweep.claim_batch(later, second_token, batch_size=2)

    sweep.process_batch(first_rows, now, first_token, first)  # two rows are no longer its own
    sweep.process_batch(second_rows, later, second_token, second)
    third = sweep.run_once(later)  # nothing left: the first wrote what was still its own

    assert (first.checked, first.lost) == (4, 2)
    assert (second.checked, third.checked) == (2, 0)
    assert StatusChange.objects.count() == 6
    assert each_transition_once()
    assert statuses() == {Status.MISSED}
    assert not Engagement.objects.exclude(claim_token=None).exists()


@pytest.mark.django_db
def test_attendance_recorded_while_a_sweep_holds_the_row_is_not_lost(drifting, monkeypatch):
    episodes, tuesday, now = drifting
    maya = episodes[0]
    read_sessions = sweep.expected_sessions

    def roll_call_arrives_mid_pass(rows, moment):
        sessions = read_sessions(rows, moment)
        if not maya.client.attendance.exists():
            # The late roll call commits after the sweep has read the
            # sessions but before it writes its results.
            record_attendance(tuesday, maya.client, AttendanceStatus.ATTENDED)
        return sessions

    monkeypatch.setattr(sweep, "expected_sessions", roll_call_arrives_mid_pass)
    with travel(now):
        result = sweep.run_once()

    row = Engagement.objects.get(pk=maya.pk)
    assert row.status == Status.ENGAGED
    assert row.last_contact_at == tuesday.starts_at
    assert not StatusChange.objects.filter(engagement=row).exists()
    assert result.checked == 6
    assert StatusChange.objects.filter(to_status=Status.MISSED).count() == 5


def put_on_hold_mid_pass(monkeypatch, episode):
    """Staff put the episode on hold after the sweep has read its batch and
    before it writes."""
    read_sessions = sweep.expected_sessions

    def on_hold_mid_pass(rows, moment):
        sessions = read_sessions(rows, moment)
        if episode.status == EpisodeStatus.ACTIVE:
            change_episode_status(episode, EpisodeStatus.ON_HOLD)
        return sessions

    monkeypatch.setattr(sweep, "expected_sessions", on_hold_mid_pass)


@pytest.mark.django_db
def test_an_episode_put_on_hold_while_a_sweep_holds_it_stays_unswept(drifting, monkeypatch):
    episodes, _tuesday, now = drifting
    maya = episodes[0]
    put_on_hold_mid_pass(monkeypatch, maya)
    with travel(now):
        sweep.run_once()
    monkeypatch.undo()

    after_the_lease = now + sweep.CLAIM_LEASE + timedelta(seconds=1)
    with travel(after_the_lease):
        sweep.run_once()

    assert Engagement.objects.get(pk=maya.pk).next_check_at is None
    assert not StatusChange.objects.filter(engagement_id=maya.pk).exists()
    assert StatusChange.objects.filter(to_status=Status.MISSED).count() == 5
    assert each_transition_once()


@pytest.mark.django_db
def test_a_row_leaving_a_batch_mid_pass_does_not_hold_back_the_rest(drifting, monkeypatch):
    episodes, _tuesday, now = drifting
    put_on_hold_mid_pass(monkeypatch, episodes[0])
    with travel(now):
        sweep.run_once()

    assert StatusChange.objects.filter(to_status=Status.MISSED).count() == 5
    assert not Engagement.objects.exclude(claim_token=None).exists()


# -- real parallel sweeps (PostgreSQL) ---------------------------------------------

MANY = 2000
SWEEPS = 4


def many_drifting_people(count: int):
    """``count`` people expected at one group session that they all missed,
    written in bulk; each engagement row is due."""
    program = riverbend()
    group = group_meeting(program)
    sessions_of(group, date(2026, 2, 2), days=3)
    start = local(program, 2026, 2, 2, 9)
    organization = program.site.organization
    clients = Client.objects.bulk_create(
        ClientFactory.build(organization=organization) for _ in range(count)
    )
    episodes = Episode.objects.bulk_create(
        Episode(client=c, program=program, status=EpisodeStatus.ACTIVE, started=start)
        for c in clients
    )
    Expectation.objects.bulk_create(
        Expectation(episode=e, group=group, starts=start) for e in episodes
    )
    Engagement.objects.bulk_create(
        Engagement(episode=e, program=program, since=start, started_at=start, next_check_at=start)
        for e in episodes
    )
    return local(program, 2026, 2, 3, 22)


def sweep_until_nothing_is_free(now, results: list, batch_size: int) -> None:
    """Pass after pass, as the looping command does: a pass ends early when
    another sweep took the batch it chose, so keep going while rows are due
    and unclaimed."""
    while True:
        results.append(sweep.run_once(now, batch_size=batch_size))
        if not sweep.due_rows(now).exists():
            return


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_process_every_due_row_exactly_once():
    now = many_drifting_people(MANY)
    start = threading.Barrier(SWEEPS)
    results, failures = [], []

    def one_sweep():
        try:
            start.wait()
            sweep_until_nothing_is_free(now, results, batch_size=50)
        except Exception as error:  # reported below, never swallowed
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_sweep) for _ in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    transitions = [t for result in results for t in result.transitions]
    assert sum(result.checked for result in results) == MANY
    assert sum(result.errors + result.lost for result in results) == 0
    assert len(transitions) == len(set(transitions)) == MANY
    assert StatusChange.objects.count() == MANY
    assert each_transition_once()
    assert not StatusChange.objects.exclude(seq=1).exists()
    assert Engagement.objects.filter(status=Status.MISSED, checked_at=now, seq=1).count() == MANY
    assert not Engagement.objects.exclude(claim_token=None).exists()
    assert not Engagement.objects.filter(next_check_at__lte=now).exists()
    assert sweep.run_once(now).checked == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_with_attendance_arriving_meanwhile_lose_nothing():
    now = many_drifting_people(400)
    tuesday = datetime(2026, 2, 3, 23, tzinfo=UTC)
    session = Session.objects.get(starts_at=tuesday)
    attenders = list(Client.objects.order_by("?")[:100])
    start = threading.Barrier(3)
    failures = []

    def sweeping():
        try:
            start.wait()
            sweep_until_nothing_is_free(now, [], batch_size=20)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    def roll_call():
        try:
            start.wait()
            for client in attenders:
                record_attendance(session, client, AttendanceStatus.ATTENDED, recorded_at=now)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=t) for t in (sweeping, sweeping, roll_call)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Whatever the roll call made due again; a batch that lost a row to the
    # roll call would wait for its lease to end if the batch were rolled back.
    sweep.run_once(now + sweep.CLAIM_LEASE + timedelta(seconds=1))

    assert failures == []
    assert each_transition_once()
    present = Engagement.objects.filter(episode__client__in=attenders)
    assert set(present.values_list("status", flat=True)) == {Status.ENGAGED}
    assert set(present.values_list("last_contact_at", flat=True)) == {tuesday}
    absent = Engagement.objects.exclude(episode__client__in=attenders)
    assert set(absent.values_list("status", flat=True)) == {Status.MISSED}

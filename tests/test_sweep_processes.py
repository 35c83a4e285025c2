"""A pass shared by forked processes (``run_once(processes=N)``, what
``manage.py sweep`` runs on PostgreSQL) checks every due row exactly once,
with the same results as one process; where it cannot fork (in-memory
SQLite, inside a transaction) it sweeps alone."""

import os
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from tests.test_sweep_concurrency import each_transition_once, many_drifting_people
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status, StatusChange

PEOPLE = 300


def swept_rows():
    return sorted(
        Engagement.objects.values_list(
            "pk", "status", "since", "reason", "missed_count", "next_check_at", "seq"
        )
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_helpers_share_a_big_pass_and_each_row_is_checked_once(monkeypatch):
    now = many_drifting_people(PEOPLE)
    forked = []
    start_helpers = sweep.start_helpers

    def counting(*args):
        helpers = start_helpers(*args)
        forked.extend(helpers)
        return helpers

    monkeypatch.setattr(sweep, "start_helpers", counting)

    result = sweep.run_once(now, batch_size=20, processes=3)

    assert len(forked) == 2
    assert all(helper.process.exitcode == 0 for helper in forked)
    assert result.checked == PEOPLE
    assert result.errors == result.lost == 0
    assert len(result.transitions) == len(set(result.transitions)) == PEOPLE
    assert StatusChange.objects.count() == PEOPLE
    assert each_transition_once()
    assert Engagement.objects.filter(status=Status.MISSED, checked_at=now, seq=1).count() == PEOPLE
    assert not Engagement.objects.exclude(claim_token=None).exists()
    # This process goes on with a connection of its own.
    assert connection.vendor == "postgresql"
    assert sweep.run_once(now, processes=3).checked == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_helpers_give_the_results_one_process_gives():
    now = many_drifting_people(PEOPLE)
    sweep.run_once(now, batch_size=20, processes=1)
    alone = swept_rows()
    Engagement.objects.update(
        status=Status.ENGAGED, seq=0, missed_count=0, reason="", next_check_at=now,
        scanned_until=None, first_missed_at=None, recent_missed=[], checked_at=None,
    )  # fmt: skip
    StatusChange.objects.all().delete()
    Engagement.objects.update(since=Engagement.objects.first().started_at)

    sweep.run_once(now, batch_size=20, processes=2)

    assert swept_rows() == alone


@pytest.mark.django_db
def test_inside_a_transaction_the_pass_never_forks(monkeypatch):
    now = many_drifting_people(50)

    def refuse(*args):
        raise AssertionError("forked inside a transaction")

    monkeypatch.setattr(sweep, "start_helpers", refuse)
    result = sweep.run_once(now, batch_size=10, processes=4)

    assert result.checked == 50
    assert StatusChange.objects.count() == 50


@pytest.mark.django_db
def test_less_than_a_full_batch_is_swept_without_helpers(monkeypatch):
    now = many_drifting_people(9)
    monkeypatch.setattr(sweep, "can_fork", lambda: True)
    monkeypatch.setattr(sweep, "start_helpers", lambda *args: pytest.fail("forked"))

    assert sweep.run_once(now, batch_size=10, processes=2).checked == 9
    assert sweep.run_once(now, batch_size=10, processes=2).checked == 0


@pytest.mark.django_db
def test_the_command_takes_a_number_of_processes(monkeypatch):
    now = many_drifting_people(5)
    seen = []

    def run_once(moment=None, processes=1):
        seen.append(processes)
        return sweep.PassResult()

    monkeypatch.setattr("welcomeback.engagement.management.commands.sweep.run_once", run_once)
    call_command("sweep", "--once", "--processes", "3", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("sweep", "--once", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert seen == [3, sweep.default_processes()]
    assert sweep.default_processes() == (2 if connection.vendor == "postgresql" else 1)
    assert now


@pytest.mark.django_db
def test_a_sweep_that_loses_a_claim_race_goes_on_with_the_rows_still_free(monkeypatch):
    """Two sweeps read the same oldest due rows; the one whose claim comes
    back empty must look again, not end its pass (it would leave the rest of
    the pass to the other process, and two processes would be no faster)."""
    now = many_drifting_people(30)
    other = uuid.uuid4()
    find_due = sweep.find_due
    raced = []

    def racing(at, batch_size):
        ids = find_due(at, batch_size)
        if not raced:  # another sweep claims these very rows first
            raced.append(sweep.claim(ids, at, other))
        return ids

    monkeypatch.setattr(sweep, "find_due", racing)

    result = sweep.run_once(now, batch_size=10)

    assert len(raced[0]) == 10
    assert result.checked == 20  # all that the other sweep did not take
    assert Engagement.objects.filter(claim_token=other).count() == 10

"""Finished task results are deleted by the sweep loop after their keeping
time (engagement/housekeeping.py); waiting and recent ones stay."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from welcomeback.engagement import housekeeping
from welcomeback.engagement.hooks import run_after_pass
from welcomeback.portal.intake import drain_inbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(housekeeping, "_next_prune", None)


def result(status, days_ago=None):
    task = DBTaskResult.objects.get(pk=drain_inbox.enqueue().id)
    finished = timezone.now() - timedelta(days=days_ago) if days_ago is not None else None
    DBTaskResult.objects.filter(pk=task.pk).update(status=status, finished_at=finished)
    return task.pk


def test_old_results_go_and_failures_are_kept_longer():
    old_done = result(TaskResultStatus.SUCCESSFUL, days_ago=8)
    recent_done = result(TaskResultStatus.SUCCESSFUL, days_ago=6)
    old_failure = result(TaskResultStatus.FAILED, days_ago=8)
    very_old_failure = result(TaskResultStatus.FAILED, days_ago=31)
    waiting = result(TaskResultStatus.READY)
    assert housekeeping.prune_task_results(timezone.now()) == 2
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent_done, old_failure, waiting}
    assert old_done not in left and very_old_failure not in left


def test_the_sweep_loop_prunes_at_most_once_an_hour(settings):
    settings.TASK_RESULTS_KEEP_DAYS = 1
    now = timezone.now()
    result(TaskResultStatus.SUCCESSFUL, days_ago=2)
    run_after_pass(now)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).exists()
    result(TaskResultStatus.SUCCESSFUL, days_ago=2)
    run_after_pass(now + timedelta(minutes=30))
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    run_after_pass(now + timedelta(minutes=61))
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).exists()

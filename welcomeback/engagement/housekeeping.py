"""Finished task results are deleted after a while, on the sweep loop.

Every inbox drain, message send and webhook delivery leaves a row in
django_tasks_db's table (ids only: nothing personal), and nothing else ever
removes them, so a busy program's table grew without end. Successful ones
go after ``TASK_RESULTS_KEEP_DAYS`` (default 7), failed ones after
``TASK_RESULTS_KEEP_FAILED_DAYS`` (default 30), kept longer for whoever
looks into a failure. At most once an hour and per sweep process, in
batches, so a pass never holds a long delete.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

EVERY = timedelta(hours=1)
BATCH = 5_000

_next_prune: datetime | None = None


def prune_task_results(now: datetime) -> int:
    """Delete finished task results past their keeping time; how many."""
    global _next_prune
    if "django_tasks_db" not in settings.INSTALLED_APPS or (_next_prune and now < _next_prune):
        return 0
    _next_prune = now + EVERY
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    keep = timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    keep_failed = timedelta(days=settings.TASK_RESULTS_KEEP_FAILED_DAYS)
    old = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - keep)
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - keep_failed)
    )
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:BATCH]):
        deleted += DBTaskResult.objects.filter(pk__in=ids).delete()[0]
    return deleted

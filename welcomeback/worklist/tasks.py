"""Opening and closing staff tasks: the one place each happens."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from welcomeback.accounts import audit
from welcomeback.worklist.models import Task, TaskStatus


def open_task(
    *, kind, program, title, due_at=None, client=None, episode=None, detail="", owner=None, key=None
) -> Task:
    """Create a task; with a key, a second call returns the first task."""
    if key:
        existing = Task.objects.filter(key=key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            return Task.objects.create(
                kind=kind,
                program=program,
                client=client,
                episode=episode,
                title=title,
                detail=detail,
                owner=owner,
                due_at=due_at or timezone.now(),
                key=key,
            )
    except IntegrityError:
        # Another process opened the same keyed task a moment ago.
        return Task.objects.get(key=key)


def close_task(task: Task, by=None, outcome: str = "", status=TaskStatus.DONE) -> bool:
    """Close an open task; returns False when it was already closed."""
    closed = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
        status=status, closed=timezone.now(), closed_by=by, outcome=outcome[:300]
    )
    task.refresh_from_db()
    if closed:
        # A conditional update: the model's signals cannot see it.
        audit.changed(task, ["status", "closed", "closed_by", "outcome"], user=by)
    return closed == 1

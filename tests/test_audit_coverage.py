"""Every kind of row in a person's record is audited when it changes: either
Django's signals see it (audit_signals.TRACKED) or the one function that
writes it records the change itself (AUDITED_ELSEWHERE, with the reason)."""

import pytest
from django.apps import apps

from tests.factories import person, riverbend
from welcomeback.accounts import permissions
from welcomeback.accounts.audit_signals import AUDITED_ELSEWHERE, TRACKED


def labels(names) -> set[str]:
    return {apps.get_model(name)._meta.label_lower for name in names}


def test_every_record_model_is_audited_one_way_or_the_other():
    record = set(permissions.FIELDS) | set(permissions.RECORDS)
    covered = labels(TRACKED) | labels(AUDITED_ELSEWHERE)
    assert record - covered == set(), "add them to TRACKED or to AUDITED_ELSEWHERE"


def test_no_model_is_audited_twice():
    assert labels(TRACKED) & labels(AUDITED_ELSEWHERE) == set()


@pytest.mark.django_db
def test_closing_a_task_is_audited_once(django_capture_on_commit_callbacks):
    from welcomeback.accounts.models import AuditEvent
    from welcomeback.worklist.models import TaskKind
    from welcomeback.worklist.tasks import close_task, open_task

    program = riverbend()
    client = person(program, "Noor")
    task = open_task(
        kind=TaskKind.FOLLOW_UP, key="audit-close", program=program, client=client, title="Call"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert close_task(task, outcome="Reached them") is True
        assert close_task(task, outcome="again") is False

    closing = AuditEvent.objects.filter(
        action="update", object_id=str(task.pk), client_id=client.pk
    )
    assert [event.details for event in closing] == [
        {"fields": ["closed", "closed_by", "outcome", "status"]}
    ]

"""Every kind of row in a person's record is audited when it changes: either
Django's signals see it (audit_signals.TRACKED) or the one function that
writes it records the change itself (AUDITED_ELSEWHERE, with the reason)."""

from django.apps import apps

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

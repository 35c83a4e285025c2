"""Granting and removing staff roles: the one way, audited.

    grant(user, program, Role.CLINICIAN, by=director)
    revoke(user, program, Role.CLINICIAN, by=director)

What a role allows is in ``permissions.py``."""

from django.db import transaction

from welcomeback.accounts import audit, permissions
from welcomeback.accounts.models import AuditAction, Role, StaffRole


def grant(user, program, role: str, *, by=None, request=None) -> StaffRole:
    """Give ``user`` ``role`` in ``program``; granting it twice changes nothing."""
    if role not in Role.values:
        raise ValueError(f"unknown role: {role!r}")
    with transaction.atomic():
        staff_role, created = StaffRole.objects.get_or_create(
            user=user, program=program, role=role, defaults={"granted_by": by}
        )
        if created:
            audit.record(
                AuditAction.CREATE,
                request=request,
                user=by,
                obj=staff_role,
                program_id=staff_role.program_id,
                detail={"role": role, "user": user.pk},
                on_commit=True,
            )
    permissions.forget(user)
    return staff_role


def revoke(user, program, role: str, *, by=None, request=None) -> bool:
    """Take ``role`` in ``program`` away from ``user``; effective at their next request."""
    with transaction.atomic():
        rows = list(StaffRole.objects.filter(user=user, program=program, role=role))
        for staff_role in rows:
            audit.record(
                AuditAction.DELETE,
                request=request,
                user=by,
                obj=staff_role,
                program_id=staff_role.program_id,
                detail={"role": role, "user": user.pk},
                on_commit=True,
            )
            staff_role.delete()
    permissions.forget(user)
    return bool(rows)

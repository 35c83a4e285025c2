"""Every API call in the audit trail, cheaply, and the refusals every
endpoint shares (no key, a read key writing, another program's object).

One event per call; a call that shows people's records writes one event per
person, in one block (``audit.record_many``), so each person's access report
lists it. The actor is the key ("api key 3f9c2a1b7d4e"), never a person.
"""

from ninja.errors import HttpError

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction, AuditOutcome

VIEW = AuditAction.VIEW
CREATE = AuditAction.CREATE
UPDATE = AuditAction.UPDATE


def called(request, action, object_type, *, object_id="", client_ids=(), detail=None) -> None:
    key = request.auth
    common = {
        "request": request,
        "object_type": object_type,
        "object_id": object_id,
        "program_id": key.program_id,
        "actor_label": key.label,
        "detail": detail,
    }
    ids = [pk for pk in dict.fromkeys(client_ids) if pk is not None]
    if not ids:
        audit.record(action, **common)
        return
    audit.record_many([audit.build(action, client_id=pk, **common) for pk in ids])


def refused(request, status: int, object_type="", object_id="", *, label="", why="") -> None:
    """A refusal is recorded in autocommit, outside any transaction that
    would roll it back; never turned into a server error."""
    key = getattr(request, "auth", None)
    detail = {"status": status, "method": request.method[:10]}
    if why:
        detail["why"] = why
    audit.record(
        AuditAction.ACCESS_DENIED,
        request=request,
        object_type=object_type,
        object_id=object_id,
        program_id=key.program_id if key else None,
        actor_label=key.label if key else (label or "api"),
        outcome=AuditOutcome.DENIED,
        detail=detail,
        required=False,
    )


def require_write(request, object_type: str) -> None:
    if not request.auth.can_write:
        refused(request, 403, object_type, why="read-only key")
        raise HttpError(403, "This key may only read.")


def not_found(request, object_type: str, pk) -> HttpError:
    """Another program's object and no object at all look the same (a 404
    would otherwise confirm that it exists: 42 CFR 2.13(c))."""
    refused(request, 404, object_type, pk)
    return HttpError(404, "Not found.")

"""Keeps the request being served at hand for the audit trail, and records
every refusal (403) under /staff/ and /admin/ as access denied.

Listed last in MIDDLEWARE, after AuthenticationMiddleware, so it knows the
user; a view's PermissionDenied reaches it already turned into a 403.
"""

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction, AuditOutcome

AUDITED_PREFIXES = ("/staff/", "/admin/")


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.serving(request):
            response = self.get_response(request)
            if response.status_code == 403 and request.path.startswith(AUDITED_PREFIXES):
                refused(request)
        return response


def refused(request) -> None:
    """Written in autocommit after the view, and never allowed to turn the
    refusal into a server error (audit.py: failing closed)."""
    audit.record(
        AuditAction.ACCESS_DENIED,
        request=request,
        outcome=AuditOutcome.DENIED,
        detail={"method": request.method[:10], "status": 403},
        required=False,
    )

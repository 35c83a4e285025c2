"""Lockout after repeated failures, with django-axes.

Five failed attempts (``SIGNIN_FAILURE_LIMIT``) for one username from one
address pause signing in for that pair for 15 minutes
(``SIGNIN_LOCKOUT_MINUTES``), counted from the last failure that was let
through. Wrong passwords and wrong second-factor codes both count (mfa.py
sends the same ``user_login_failed`` signal for a wrong code). The count is
cleared only when both steps pass, so a person who knows the password
cannot try codes forever by signing in again between guesses.

The pause is the same whether or not the username exists, and the page says
nothing about the account: no user enumeration. Every lockout is audited.
"""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction, AuditOutcome
from welcomeback.signin import sessions


def client_ip(request) -> str:
    """The address axes counts by: the audit trail's, so the two agree
    (behind our TLS proxy, the last X-Forwarded-For entry)."""
    return audit.client_address(request)


def locked_out_response(request, response=None, credentials=None, *args, **kwargs):
    """The page shown instead of the sign-in, or instead of the code step
    (which also signs the half-signed-in session out)."""
    if request.user.is_authenticated:
        sessions.sign_out(request, "locked_out")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"minutes": minutes, "title": _("Signing in is paused")}
    answer = render(request, "signin/locked_out.html", context, status=429)
    answer["Retry-After"] = str(minutes * 60)
    return answer


def locked_out(sender, request, username, ip_address, **kwargs):
    """axes' ``user_locked_out`` signal: at the failure that reaches the
    limit, and at each attempt refused while the pause lasts."""
    audit.record(
        AuditAction.SIGN_IN_FAILED,
        request=request,
        actor_label=str(username or audit.PUBLIC),
        outcome=AuditOutcome.DENIED,
        detail={"locked_out": True},
    )


def reset(request, user) -> None:
    """Clear the failures counted for this person from this address, once
    both steps of signing in have passed."""
    axes_reset(ip=client_ip(request), username=user.get_username())

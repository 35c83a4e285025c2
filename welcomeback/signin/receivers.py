"""What sign-in learns from signals: Django's sign-in and sign-out (the
sessions list, the idle clock) and axes' lockouts (the audit trail)."""

from axes.signals import user_locked_out
from django.contrib.auth import signals as auth_signals
from django.utils import timezone

from welcomeback.signin import idle, lockout, sessions


def connect() -> None:
    auth_signals.user_logged_in.connect(signed_in, dispatch_uid="signin_signed_in")
    auth_signals.user_logged_out.connect(signed_out, dispatch_uid="signin_signed_out")
    user_locked_out.connect(lockout.locked_out, dispatch_uid="signin_locked_out")


def signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    sessions.began(request, user)
    request.session[idle.TIMEOUT] = idle.timeout_minutes(user)
    request.session[idle.LAST_ACTIVE] = timezone.now().timestamp()


def signed_out(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.forget(request.session.session_key)

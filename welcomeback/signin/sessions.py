"""Staff sessions: written at sign-in, kept up to date on activity, ended
on request. Every change to a ``StaffSession`` goes through here.

    began(request, user)          # at sign-in (user_logged_in)
    rekeyed(old_key, new_key)     # the second factor cycled the key
    seen(request)                 # any signed-in request; at most one write a minute
    sign_out(request, reason)     # idle timeout, lockout: one audited sign-out
    end(request, staff_session)   # a staff member ends one of their sessions
    active_for(user)              # their sessions still in use
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction
from welcomeback.signin import idle
from welcomeback.signin.models import StaffSession

# ``last_seen`` lags the real last request by up to this (idle.WRITE_EVERY).
SEEN_EVERY = timedelta(minutes=1)


def began(request, user) -> StaffSession | None:
    key = request.session.session_key
    if not key:
        return None
    now = timezone.now()
    ip, agent, _path = audit.source(request)
    staff_session, _created = StaffSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "device": describe_device(agent),
            "ip": ip or None,
            "started": now,
            "last_seen": now,
        },
    )
    return staff_session


def rekeyed(old_key: str | None, new_key: str | None) -> None:
    if old_key and new_key and old_key != new_key:
        StaffSession.objects.filter(session_key=old_key).update(session_key=new_key)


def seen(request, now) -> None:
    """Move ``last_seen`` forward; called when the idle clock was written,
    once a minute at most (the sessions page needs minutes, not requests)."""
    key = request.session.session_key
    if key:
        StaffSession.objects.filter(session_key=key, last_seen__lt=now).update(last_seen=now)


def forget(session_key: str | None) -> None:
    if session_key:
        StaffSession.objects.filter(session_key=session_key).delete()


def sign_out(request, reason: str) -> None:
    """Sign the current user out for ``reason`` ("idle", "locked_out") with
    one audit event that says why. Django's ``logout()`` would record a
    sign-out without the reason through its signal, so this does what it
    does (flush the session, forget the user) and records the event itself."""
    user = request.user
    audit.record(AuditAction.SIGN_OUT, request=request, user=user, detail={"reason": reason})
    forget(request.session.session_key)
    request.session.flush()
    request.user = AnonymousUser()


def end(request, staff_session: StaffSession) -> None:
    """End another session of the signed-in staff member: its session is
    deleted from the store, so its next request is signed out."""
    if staff_session.user_id != request.user.pk:
        raise PermissionError("a staff member ends only their own sessions")
    store(staff_session.session_key).delete()
    audit.record(
        AuditAction.SIGN_OUT,
        request=request,
        obj=staff_session,
        detail={"reason": "ended_by_user"},
    )
    staff_session.delete()


def active_for(user):
    """The user's sessions that could still be used: seen within their idle
    timeout (plus the minute ``last_seen`` may lag) and their session's
    lifetime. Older rows belong to sessions that will sign out on their
    next request; they are removed here with their stored sessions."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=idle.timeout_minutes(user)) - SEEN_EVERY
    lifetime = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = StaffSession.objects.filter(user=user)
    for stale in rows.filter(last_seen__lt=cutoff) | rows.filter(started__lt=lifetime):
        store(stale.session_key).delete()
        stale.delete()
    return list(StaffSession.objects.filter(user=user).order_by("-last_seen"))


def store(session_key: str):
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


# ---------------------------------------------------------------- devices

BROWSERS = (  # order matters: Edge and Opera say "Chrome", Chrome says "Safari"
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> str:
    """'Firefox, Windows' from a user agent string; '' when unknown. Names
    of products, the same in every language."""
    browser = next((name for token, name in BROWSERS if token in user_agent), "")
    system = next((name for token, name in SYSTEMS if token in user_agent), "")
    if browser and system:
        return f"{browser}, {system}"
    return browser or system

"""Signing staff out after a time without activity (HIPAA 164.312(a)(2)(iii);
STANDARDS.md requirement 27).

A staff member's timeout is the shortest ``idle_timeout_minutes`` of the
programs they hold a role in, or ``SIGNIN_IDLE_TIMEOUT_MINUTES`` (15) when
they hold none. It is read once per session, at sign-in, and kept in the
session with the time of the last activity, so enforcing it costs no query.

The last activity is written at most once a minute (``WRITE_EVERY``), not at
every request: a session write is three statements. So the clock may run
up to a minute ahead of the person's real last request: a session ends
after between 14 and 15 minutes of real inactivity, never later.
"""

from django.conf import settings
from django.db.models import Min

from welcomeback.accounts.models import StaffRole

LAST_ACTIVE = "signin.last_active"
TIMEOUT = "signin.idle_minutes"
WRITE_EVERY = 60  # seconds


def timeout_minutes(user) -> int:
    shortest = StaffRole.objects.filter(user=user).aggregate(
        minutes=Min("program__idle_timeout_minutes")
    )["minutes"]
    default = settings.SIGNIN_IDLE_TIMEOUT_MINUTES
    return max(1, shortest if shortest is not None else default)


def session_timeout(request) -> int:
    minutes = request.session.get(TIMEOUT)
    if minutes is None:
        minutes = request.session[TIMEOUT] = timeout_minutes(request.user)
    return minutes


def expired(request, now) -> bool:
    """Whether this signed-in session has been idle longer than allowed. A
    session without a last activity (one signed in before this was
    tracked) starts counting now."""
    last = request.session.get(LAST_ACTIVE)
    if last is None:
        return False
    return now.timestamp() - last > session_timeout(request) * 60


def mark_active(request, now) -> bool:
    """Record activity now, unless it was recorded less than a minute ago
    (or "later", should the clock have gone back). True when written."""
    last = request.session.get(LAST_ACTIVE)
    if last is not None and now.timestamp() - last < WRITE_EVERY:
        return False
    request.session[LAST_ACTIVE] = now.timestamp()
    return True

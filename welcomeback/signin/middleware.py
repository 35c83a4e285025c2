"""Two checks on every request of a signed-in user, in this order:

1. ``IdleTimeoutMiddleware``: a session idle longer than its timeout
   (idle.py) is signed out, with a kind notice and an audit event.
2. ``SecondFactorMiddleware``: under /staff/ and /admin/, a user who has
   signed in with a password but not yet passed the second factor is sent
   to that step (or to set it up). Public pages, webhooks and /api/ (which
   authenticates with keys, not sessions) are left alone.

Both answer an htmx request with ``HX-Redirect``, so the whole page moves
to the sign-in instead of a fragment being swapped for it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from welcomeback.signin import idle, sessions

PROTECTED = ("/staff/", "/admin/")
# Requests that do not count as a person's activity or are not theirs.
UNTRACKED = ("/api/", "/static/")


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(UNTRACKED) and request.user.is_authenticated:
            now = timezone.now()
            if idle.expired(request, now):
                return self.timed_out(request)
            if idle.mark_active(request, now):
                sessions.seen(request, now)
        return self.get_response(request)

    def timed_out(self, request):
        """Signed out; on a staff page, told why and sent to sign in again
        (and back here after). A public page just goes on, signed out."""
        minutes = idle.session_timeout(request)
        sessions.sign_out(request, "idle")
        if not request.path.startswith((*PROTECTED, "/accounts/")):
            return self.get_response(request)
        messages.info(
            request,
            _(
                "You were signed out after %(minutes)s minutes without activity, "
                "to keep people's information safe. Sign in again to carry on."
            )
            % {"minutes": minutes},
        )
        if request.path == resolve_url(settings.LOGIN_URL):
            return self.get_response(request)
        return moved(request, login_url(request))


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if request.path.startswith(PROTECTED) and user.is_authenticated and not user.is_verified():
            return moved(request, second_step_url(request, request.get_full_path()))
        return self.get_response(request)


def second_step_url(request, next_url: str) -> str:
    from welcomeback.signin.mfa import has_second_factor

    step = "signin:verify" if has_second_factor(request.user) else "signin:set_up"
    return redirect_to_login(next_url, step)["Location"]


def login_url(request) -> str:
    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)["Location"]


def moved(request, url: str):
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)

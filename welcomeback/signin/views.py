"""Signing in: the password (Django's LoginView, behind django-axes), then
the second factor (verify, or set it up the first time); recovery codes;
the list of one's own sessions."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView, redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from welcomeback.signin import mfa, sessions
from welcomeback.signin.forms import CodeForm
from welcomeback.signin.middleware import second_step_url
from welcomeback.signin.models import StaffSession


class SignInView(LoginView):
    """The password step. Success signs in (a new session key) and goes on to
    the second factor, carrying ``next``."""

    def form_valid(self, form):
        auth_login(self.request, form.get_user())
        return redirect(second_step_url(self.request, self.get_success_url()))


def signed_in(view):
    """Signed in with a password; the second factor may still be to come."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def verified(view):
    """Signed in with both factors; otherwise on to the missing step."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_verified():
            return redirect(second_step_url(request, request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def next_url(request) -> str:
    """Where to go after the second factor: ``next`` if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe else reverse("staff:today")


@never_cache
@sensitive_post_parameters("code")
@signed_in
def verify(request):
    if request.user.is_verified():
        return redirect(next_url(request))
    if not mfa.has_second_factor(request.user):
        return redirect(second_step_url(request, next_url(request)))
    form = CodeForm(request.POST or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        outcome = mfa.check_code(request, form.cleaned_data["code"])
        if outcome == mfa.PASSED:
            return redirect(next_url(request))
        problem = (
            _("Please wait a few seconds, then enter the code again.")
            if outcome == mfa.WAIT
            else _(
                "That code did not work. Codes change every 30 seconds: enter the one "
                "your app shows now, or one of your recovery codes."
            )
        )
        form = CodeForm()
    context = {"form": form, "problem": problem, "next": next_url(request)}
    return render(request, "signin/verify.html", context)


@never_cache
@sensitive_post_parameters("code")
@signed_in
def set_up(request):
    if request.user.is_verified() or mfa.has_second_factor(request.user):
        return redirect(second_step_url(request, next_url(request)))
    device = mfa.pending_authenticator(request.user)
    form = CodeForm(request.POST or None, recovery=False)
    problem = None
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_authenticator(request, device, form.cleaned_data["code"])
        if codes is not None:
            return show_recovery_codes(request, codes, next_url(request), first_time=True)
        problem = _(
            "That code did not match. Check that the app shows Welcome Back with your "
            "username, and enter the code it shows now."
        )
        form = CodeForm(recovery=False)
    context = {
        "form": form,
        "problem": problem,
        "next": next_url(request),
        "qr": mfa.qr_svg(device, _("QR code to scan with your authenticator app")),
        "secret": mfa.secret_text(device),
        "account": request.user.get_username(),
    }
    return render(request, "signin/set_up.html", context)


def show_recovery_codes(request, codes, next_to, *, first_time=False):
    context = {
        "codes": [mfa.grouped(code) for code in codes],
        "next": next_to,
        "first_time": first_time,
    }
    return render(request, "signin/recovery_codes_new.html", context)


@never_cache
@verified
def recovery_codes(request):
    if request.method == "POST":
        codes = mfa.new_recovery_codes(request)
        return show_recovery_codes(request, codes, reverse("signin:my_sessions"))
    remaining = mfa.remaining_recovery_codes(request.user)
    return render(request, "signin/recovery_codes.html", {"remaining": remaining})


@never_cache
@verified
def session_list(request):
    current = request.session.session_key
    rows = sessions.active_for(request.user)
    return render(request, "signin/sessions.html", {"rows": rows, "current": current})


@require_POST
@verified
def end_session(request, pk):
    staff_session = get_object_or_404(
        StaffSession.objects.exclude(session_key=request.session.session_key),
        pk=pk,
        user=request.user,
    )
    sessions.end(request, staff_session)
    messages.success(request, _("That session has ended. It is signed out."))
    return redirect("signin:my_sessions")

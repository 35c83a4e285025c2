"""The public pages: the landing page, the return form, the on-behalf form,
small first steps, and questions and answers.

Views are thin: a form checks what was typed, the request is committed before
anyone is told "received" (the return form's into its inbox, portal/intake.py,
in one statement; crisis language and the other forms through
``returns.requests.open_request``), and the answer comes back as
POST -> redirect -> GET, with nothing personal in any URL.
"""

import logging
from datetime import datetime
from functools import cache

from django.conf import settings
from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from welcomeback.portal import intake, limits
from welcomeback.portal.forms import ProxyForm, ReturnForm
from welcomeback.portal.pages import limited, page, public, wrap_timing_floor
from welcomeback.portal.wording import by_when, public_program
from welcomeback.returns.clock import response_due
from welcomeback.returns.models import Origin, RequestChannel
from welcomeback.returns.requests import find_client, open_request
from welcomeback.returns.triage import triage

log = logging.getLogger(__name__)

# What the return confirmation needs, kept in a signed cookie (never the URL).
ANSWER = "answer"
ANSWER_SECONDS = 60 * 60


@public
@require_GET
def home(request):
    return page(request, "portal/home.html")


@public
@require_GET
def first_steps(request):
    return page(request, "portal/first_steps.html")


@public
@require_GET
def questions(request):
    return page(request, "portal/questions.html")


def unavailable(request):
    """No program is set up yet: nowhere to put a request."""
    return page(request, "portal/unavailable.html", status=503)


# -- the return form --------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def come_back(request):
    program = public_program()
    if program is None:
        return unavailable(request)
    if request.method == "POST" and request.POST.get("website"):
        return caught(request, program, "return")
    form = ReturnForm(request.POST or None, initial={"language": short_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = data["contact"]
        if not limits.allow("return", request, contact.address):
            return limited_page(request)
        data["language"] = data["language"] or short_language()
        due = accept(request, program, contact, data)
        response = HttpResponseRedirect(thanks_url(get_script_prefix()))
        remember(response, due, "phone" if contact.phone else "email")
        return response
    status = 400 if form.errors else 200
    return page(request, "portal/come_back.html", {"form": form}, status=status)


def accept(request, program, contact, data) -> datetime:
    """Commit the request before the confirmation; its due time.

    Crisis language is read here, at once: that request is opened now and
    the on-call staff paged (after its commit). Any other request is one
    INSERT into the inbox, opened on the task worker a moment later
    (portal/intake.py)."""
    now = timezone.now()
    if triage(data["message"], data["language"]).is_crisis:
        created = open_request(
            program=program,
            channel=RequestChannel.WEB,
            phone=contact.phone,
            email=contact.email,
            message=data["message"],
            best_time=data["best_time"],
            language=data["language"],
            reasons=data["reasons"],
            first_steps=data["first_steps"],
            now=now,
        )
        return created.due_at
    intake.accept(program=program, contact=contact, data=data, request=request, now=now)
    intake.wake()
    return response_due(program, now)


def caught(request, program, form_name: str):
    """The honeypot was filled in: the same answer, nothing stored."""
    if not limits.allow(form_name, request):
        return limited_page(request)
    log.info("portal: a %s form filled in the hidden field; nothing stored", form_name)
    if form_name == "return":
        response = redirect("portal:come_back_thanks")
        remember(response, response_due(program, timezone.now()), "")
        return response
    return redirect("portal:for_someone_thanks")


def limited_page(request):
    log.info("portal: a form reached its rate limit")
    return limited(request)


@cache
def thanks_url(script_prefix: str) -> str:
    """Reversed once per process (and prefix), not on every form."""
    return reverse("portal:come_back_thanks")


@cache
def answer_signer():
    """The signer response.set_signed_cookie() would build on every call;
    request.get_signed_cookie() reads what it signs."""
    return signing.get_cookie_signer(salt=ANSWER + ANSWER)


def remember(response, due: datetime, reach: str) -> None:
    """What the confirmation needs — by when, and "phone" or "email", never
    the number or the email — in a signed cookie that lasts an hour: no
    session row to write on the form's answer."""
    response.set_cookie(
        ANSWER,
        answer_signer().sign(f"{due.isoformat()}|{reach}"),
        max_age=ANSWER_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remembered(request) -> dict:
    value = request.get_signed_cookie(ANSWER, default="", salt=ANSWER, max_age=ANSWER_SECONDS)
    due, _, reach = value.partition("|")
    return {"due": due, "reach": reach}


@public
@require_GET
def come_back_thanks(request):
    program = public_program()
    if program is None:
        return unavailable(request)
    now = timezone.now()
    answer = remembered(request)
    due = parse_due(answer.get("due")) or response_due(program, now)
    context = {"when": by_when(max(due, now), program, now), "reach": answer.get("reach", "")}
    return page(request, "portal/come_back_thanks.html", context, program=program)


def parse_due(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def short_language() -> str:
    return (get_language() or "en").split("-")[0]


# -- on someone's behalf ----------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
@wrap_timing_floor("PUBLIC_PROXY_ANSWER_SECONDS")
def for_someone(request):
    """The answer never depends on whether we know the person (42 CFR
    2.13(c)): the same redirect and the same page. The same lookup and the
    same open_request run for anyone; only behind the scenes does a known
    person also get a task for the staff to reach them directly. The answer
    never comes sooner than a fixed time (the timing floor), so the time
    taken says nothing either."""
    program = public_program()
    if program is None:
        return unavailable(request)
    if request.method == "POST" and request.POST.get("website"):
        return caught(request, program, "proxy")
    form = ProxyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        theirs = data["their_contact"]
        if not limits.allow("proxy", request, theirs.address):
            return limited_page(request)
        yours = data["your_contact"]
        open_request(
            program=program,
            channel=RequestChannel.WEB,
            origin=Origin.PROXY,
            client=find_client(theirs.phone, theirs.email),
            phone=theirs.phone,
            email=theirs.email,
            name=data["their_name"],
            message=data["message"],
            language=short_language(),
            proxy={
                "proxy_name": data["your_name"][:200],
                "proxy_relationship": data["relationship"][:100],
                "proxy_phone": yours.phone if yours else "",
                "proxy_email": yours.email if yours else "",
            },
        )
        return redirect("portal:for_someone_thanks")
    status = 400 if form.errors else 200
    return page(request, "portal/for_someone.html", {"form": form}, status=status)


@public
@require_GET
def for_someone_thanks(request):
    """The same page for everyone: nothing about the person, nothing from
    the session."""
    program = public_program()
    if program is None:
        return unavailable(request)
    now = timezone.now()
    when = by_when(response_due(program, now), program, now)
    return page(request, "portal/for_someone_thanks.html", {"when": when}, program=program)

"""The pages behind one-tap links in outreach: /l/<purpose>/<token>/.

A GET only shows a page with a button: phones and mail scanners open links
by themselves, and that must never change anything. The POST acts. An
expired or broken link gets a kind page with the program's number.
"""

import logging

from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from welcomeback.care.models import Client
from welcomeback.outreach import links
from welcomeback.outreach.preferences import current_program
from welcomeback.portal.forms import PauseForm
from welcomeback.portal.pages import page, public
from welcomeback.portal.wording import by_when, day_words, public_program
from welcomeback.returns.models import RequestChannel
from welcomeback.returns.requests import open_request

log = logging.getLogger(__name__)

# The words on the stop page, recorded with the opt-out as the person saw them.
STOP_HEADING = _("Stop messages?")
STOP_EXPLANATION = _(
    "We'll stop sending you texts and emails. You can still call or text us whenever you like."
)
STOP_BUTTON = _("Stop messages")

CHOICES = {
    links.TALK: _("I'd like to talk"),
    links.PAUSE: _("Not yet, ask me again later"),
    links.STOP: _("Stop messages"),
}


@public
@require_http_methods(["GET", "POST"])
def one_tap(request, purpose, token):
    if purpose not in links.PURPOSES:
        raise Http404
    try:
        client = Client.objects.get(pk=links.read_link(token, purpose))
    except links.UsedLink as used:
        client = Client.objects.get(pk=used.client_id)
        with their_language(request, client):
            return done(request, purpose, client, acted=False)
    except links.ExpiredLink:
        return broken(request, expired=True)
    except links.BadLink:
        return broken(request, expired=False)
    with their_language(request, client):
        if purpose == links.STOP and links.messages_stopped(client):
            # A stop link used twice shows the same confirmation.
            return done(request, purpose, client, acted=False)
        if request.method == "GET":
            return ask(request, purpose, client, PauseForm())
        return act(request, purpose, client)


def their_language(request, client):
    """Their own language, unless they chose one on the site."""
    chosen = request.COOKIES.get("django_language")
    return translation.override(chosen or client.language or None)


def program_of(client):
    return current_program(client) or public_program()


def others(client, purpose) -> list[tuple[str, str]]:
    """Fresh links for the choices this page doesn't make."""
    # After "stop", asking again later means nothing; talking always does.
    skip = {purpose, links.PAUSE} if purpose == links.STOP else {purpose}
    return [(links.make_link(client, p), CHOICES[p]) for p in links.PURPOSES if p not in skip]


def ask(request, purpose, client, form, status=200):
    context = {
        "purpose": purpose,
        "form": form,
        "others": others(client, purpose),
        "stop": {"heading": STOP_HEADING, "explanation": STOP_EXPLANATION, "button": STOP_BUTTON},
    }
    return page(request, "portal/link_ask.html", context, status=status, program=program_of(client))


def act(request, purpose, client):
    if purpose == links.TALK:
        return talk(request, client)
    if purpose == links.PAUSE:
        form = PauseForm(request.POST)
        if not form.is_valid():
            return ask(request, purpose, client, form, status=400)
        links.pause_messages(client, links.PAUSE_CHOICES[form.cleaned_data["wait"]])
    else:
        wording = f"{STOP_HEADING} {STOP_EXPLANATION} [{STOP_BUTTON}]"
        links.stop_messages(client, wording)
    log.info("portal: client %s used a %s link", client.pk, purpose)
    client.refresh_from_db()
    return done(request, purpose, client, acted=True)


def talk(request, client):
    program = program_of(client)
    created = open_request(
        program=program,
        channel=RequestChannel.LINK,
        phone=client.phone,
        email=client.email,
        language=client.language,
        client=client,
    )
    log.info("portal: client %s asked to talk (request %s)", client.pk, created.pk)
    now = timezone.now()
    when = by_when(max(created.due_at, now), program, now)
    return done(request, links.TALK, client, acted=True, when=when)


def done(request, purpose, client, acted: bool, when: str = ""):
    program = program_of(client)
    context = {
        "purpose": purpose,
        "acted": acted,
        "when": when,
        "reach": "phone" if client.phone else "email",
        "paused_until": day_words(client.paused_until, program) if client.paused_until else "",
        "others": others(client, purpose),
    }
    return page(request, "portal/link_done.html", context, program=program)


def broken(request, expired: bool):
    return page(request, "portal/link_broken.html", {"expired": expired}, status=400)

"""Email updates: sign up, confirm (double opt-in), one-click unsubscribe.

The sign-up answers the same way whether or not the address was already
on the list, and sends the same one email either way; the confirmation and
unsubscribe links carry only a signed id.
"""

import logging

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from welcomeback.outreach import updates
from welcomeback.portal import limits
from welcomeback.portal.forms import UpdatesForm
from welcomeback.portal.pages import limited, page, public
from welcomeback.portal.views import short_language
from welcomeback.portal.wording import public_program

log = logging.getLogger(__name__)

# The words on the sign-up form, recorded with each sign-up as they were shown.
INTRO = _(
    "Now and then we'll send news from %(name)s, like new group times. "
    "It's at most once a month, and you can stop any time with one click."
)
PROMISE = _(
    "We'll first send you an email to check it's you. Nothing else comes until you say yes."
)
BUTTON = _("Sign me up")


@public
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def sign_up(request):
    program = public_program()
    name = program.neutral_name if program else ""
    copy = {"intro": INTRO % {"name": name}, "promise": PROMISE, "button": BUTTON}
    if request.method == "POST" and request.POST.get("website"):
        if not limits.allow("updates", request):
            return limited(request)
        log.info("portal: the updates form filled in the hidden field; nothing stored")
        return redirect("portal:updates_sent")
    form = UpdatesForm(request.POST or None, initial={"language": short_language()})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not limits.allow("updates", request, email):
            return limited(request)
        updates.sign_up(
            email=email,
            language=form.cleaned_data["language"] or short_language(),
            wording=f"{copy['intro']} {copy['promise']} [{copy['button']}]",
            program=program,
        )
        return redirect("portal:updates_sent")
    status = 400 if form.errors else 200
    return page(request, "portal/updates.html", {"form": form, **copy}, status=status)


@public
@require_GET
def sent(request):
    return page(request, "portal/updates_sent.html")


@public
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    found = updates.read_confirm_token(token)
    if found is None:
        return page(request, "portal/updates_broken.html", status=400)
    subscriber, language = found
    if request.method == "GET":
        return page(request, "portal/updates_confirm.html", program=subscriber.program)
    updates.confirm(subscriber, language)
    log.info("portal: update subscriber %s confirmed", subscriber.pk)
    return page(request, "portal/updates_confirmed.html", program=subscriber.program)


# RFC 8058: the mail program POSTs with no cookie and no CSRF token; the
# signed token is the authority.
@csrf_exempt
@public
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = updates.read_unsubscribe_token(token)
    if subscriber is None:
        return page(request, "portal/updates_broken.html", status=400)
    if request.method == "GET":
        return page(request, "portal/updates_unsubscribe.html", program=subscriber.program)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return page(request, "portal/updates_broken.html", status=400)
    updates.unsubscribe(subscriber)
    log.info("portal: update subscriber %s unsubscribed", subscriber.pk)
    return page(request, "portal/updates_unsubscribed.html", program=subscriber.program)

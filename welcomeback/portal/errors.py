"""A form sent after its page's CSRF token went stale (a page left open a
long time, a browser restored from yesterday): a kind page, never "403
Forbidden" — and on the public forms, the same form again with everything
that was typed, so sending it again is one press.

Nothing is stored from such a post: without a valid token it could have
come from another site.
"""

import logging

from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache

from welcomeback.portal.forms import ProxyForm, ReturnForm, UpdatesForm
from welcomeback.portal.pages import page

log = logging.getLogger(__name__)

# The public forms that come back filled in: view name -> (form, template).
FORMS = {
    "portal:come_back": (ReturnForm, "portal/come_back.html"),
    "portal:for_someone": (ProxyForm, "portal/for_someone.html"),
    "portal:updates": (UpdatesForm, "portal/updates.html"),
}


@never_cache
def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW. ``reason`` is Django's, for the log only
    (it names no person)."""
    log.info("a form was sent with a stale or missing token (%s)", reason)
    known = FORMS.get(view_name(request)) if request.method == "POST" else None
    if known is None:
        return render(request, "403_csrf.html", status=403)
    form_class, template = known
    form = form_class(initial=typed(form_class, request.POST))
    return page(request, template, {"form": form, "resend": True, **extra(template)}, status=403)


def view_name(request) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def typed(form_class, data) -> dict:
    """What was typed, as the form's initial values (a list for a field of
    checkboxes); the hidden bot field is left out."""
    initial = {}
    for name, field in form_class.base_fields.items():
        if name == "website" or name not in data:
            continue
        many = getattr(field.widget, "allow_multiple_selected", False)
        initial[name] = data.getlist(name) if many else data.get(name)
    return initial


def extra(template: str) -> dict:
    """The words the updates page takes from its view."""
    if template != "portal/updates.html":
        return {}
    from welcomeback.portal import email_updates
    from welcomeback.portal.wording import public_program

    program = public_program()
    name = program.neutral_name if program else ""
    return {
        "intro": email_updates.INTRO % {"name": name},
        "promise": email_updates.PROMISE,
        "button": email_updates.BUTTON,
    }

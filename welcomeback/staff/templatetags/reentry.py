"""The coming-back panel on a return request's page: contact attempts with
their details, reasons, the re-assessment and plan, and closing the request
(welcomeback/staff/returns_views.py)."""

from django import template

from welcomeback.accounts import permissions
from welcomeback.returns.models import Reason
from welcomeback.returns.requests import tries_without_reaching
from welcomeback.staff.returns_views import AttemptForm

register = template.Library()


@register.inclusion_tag("staff/returns/_panel.html", takes_context=True)
def reentry_panel(context, return_request):
    form = context.get("contact_form")
    if not isinstance(form, AttemptForm):
        form = AttemptForm()
    user = context["request"].user
    program = return_request.program_id
    attempts = list(return_request.attempts.select_related("by"))
    return {
        "r": return_request,
        "reasons": [Reason(code).label for code in return_request.reasons if code in Reason.values],
        "form": form,
        "attempts": attempts,
        "next_number": (attempts[-1].number + 1) if attempts else 1,
        "tries": tries_without_reaching(return_request),
        "limit": return_request.program.unreachable_after_attempts,
        "clinical": permissions.can(user, "view_clinical", program),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.simple_tag
def progress_so_far(client, program):
    """Prior progress across the person's episodes in a program (returns.reentry)."""
    from welcomeback.returns.reentry import progress_so_far as progress

    return progress(client, program)

"""Staff screens for return requests: one request with its clock, contact
log and status; and one screen to log a call or a walk-in."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welcomeback.accounts import audit
from welcomeback.disclosures.consents import may_speak_with, proxy_of
from welcomeback.disclosures.disclose import DisclosureRefused, disclose
from welcomeback.disclosures.models import InfoKind, Purpose
from welcomeback.returns.models import ReturnRequest
from welcomeback.returns.requests import assign, change_status, open_request
from welcomeback.staff import access
from welcomeback.staff.forms import NewRequestForm, StatusForm
from welcomeback.staff.views import chosen_program


def through_proxy(request, return_request, result) -> bool:
    """Reaching someone through their trusted person confirms they are in
    care: a disclosure (42 CFR 2.11). Allowed and recorded under a consent
    that names that person; otherwise refused and the refusal audited."""
    party = proxy_of(return_request)
    client = return_request.client
    info, purpose = [InfoKind.PRESENCE], Purpose.RETURN_TO_CARE
    if party is None or client is None:
        audit.denied(request, return_request, None, detail={"part2": "no_consent"})
        return False
    try:
        disclose(
            client,
            party,
            info,
            purpose,
            what=_("Reached them through this person (%(result)s).") % {"result": result},
            by=request.user,
            request=request,
            language=client.language,
        )
    except DisclosureRefused:
        return False
    return True


def get_request(request, pk) -> ReturnRequest:
    return access.get_request_for_staff(request, pk, "manage_requests")


@login_required
def request_detail(request, pk):
    return_request = get_request(request, pk)
    audit.viewed(request, return_request, return_request.client_id)
    return render_request(request, return_request)


def render_request(request, return_request, contact_form=None, status_form=None, status=200):
    return render(
        request,
        "staff/request.html",
        {
            "r": return_request,
            "now": timezone.now(),
            "attempts": return_request.attempts.select_related("by"),
            "events": return_request.events.select_related("by"),
            "contact_form": contact_form,
            "status_form": status_form or StatusForm(initial={"status": return_request.status}),
            # 42 CFR 2.13(c): may staff say anything to the trusted person?
            "speak": may_speak_with(return_request),
        },
        status=status,
    )


@login_required
@require_POST
def request_status(request, pk):
    return_request = get_request(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return render_request(request, return_request, status_form=form, status=400)
    change_status(
        return_request, form.cleaned_data["status"], by=request.user, note=form.cleaned_data["note"]
    )
    return redirect("staff:request", pk=return_request.pk)


@login_required
@require_POST
def request_take(request, pk):
    assign(get_request(request, pk), request.user, by=request.user)
    return redirect("staff:request", pk=pk)


@login_required
def request_new(request):
    """Log a call or a walk-in: the same door, opened by a person."""
    programs = list(access.programs_for_staff(request, "manage_requests"))
    form = NewRequestForm(
        request.POST or None,
        programs=programs,
        initial={
            "program": (chosen_program(request, programs) or (programs[0] if programs else None))
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = open_request(
                program=data["program"],
                channel=data["channel"],
                phone=data["phone"],
                email=data["email"],
                name=data["name"],
                message=data["message"],
                language=data["language"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("staff:request", pk=created.pk)
    return render(
        request, "staff/request_new.html", {"form": form}, status=400 if form.errors else 200
    )

"""Staff screens for 42 CFR Part 2: a person's consents and disclosures,
recording a consent, a disclosure, a medical emergency, and break-glass.

Thin: the rules live in consents.py, disclose.py and breakglass.py. Who may
do what is in accounts/permissions.py; every lookup goes through
staff/access.py (another program's person is a 404, audited)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welcomeback.accounts import audit
from welcomeback.care.models import Client
from welcomeback.disclosures import consents
from welcomeback.disclosures.breakglass import open_break_glass
from welcomeback.disclosures.disclose import DisclosureRefused, disclose, record_emergency
from welcomeback.disclosures.forms import BreakGlassForm, ConsentForm, DiscloseForm, EmergencyForm
from welcomeback.disclosures.models import ConsentRecipient, Disclosure, Part2Consent
from welcomeback.staff import access


def _programs(request, client, action):
    ids = access.client_program_ids(
        client, access.permissions.program_ids_for(request.user, action)
    )
    return ids


@login_required
def part2(request, pk):
    """A person's Part 2 page. Everyone who may see the person sees "consent
    on file: yes/no"; consent details and the disclosure log need
    ``view_consents`` in one of the person's programs (minimum necessary)."""
    client = access.get_client_for_staff(request, pk, "view_contact")
    details = bool(_programs(request, client, "view_consents"))
    context = {
        "client": client,
        "on_file": consents.has_consent_on_file(client),
        "details": details,
        "may_manage": bool(_programs(request, client, "manage_consents")),
        "may_disclose": bool(_programs(request, client, "disclose")),
        "emergency_form": EmergencyForm(),
    }
    if details:
        context["consents"] = (
            Part2Consent.objects.filter(client=client)
            .prefetch_related("recipients")
            .select_related("program")
        )
        context["disclosures"] = Disclosure.objects.filter(client=client).select_related(
            "by", "consent"
        )
        context["now"] = timezone.now()
    audit.viewed(request, client, client.pk, detail={"page": "part2"})
    return render(request, "disclosures/part2.html", context)


@login_required
def consent_new(request, pk):
    client = access.get_client_for_staff(request, pk, "manage_consents")
    programs = list(
        access.permissions.programs_for(request.user, "manage_consents").filter(
            pk__in=_programs(request, client, "manage_consents")
        )
    )
    initial = {
        "signed_by": client.display_name,
        "signed_on": timezone.localdate(),
        "language": client.language,
        **{
            field: consents.statement(name, client.language)
            for field, name in (
                ("revocation_statement", "revocation"),
                ("revocation_method", "revocation_method"),
                ("redisclosure_statement", "redisclosure"),
                ("no_conditioning_statement", "no_conditioning"),
            )
        },
    }
    if programs:
        program = programs[0]
        initial |= {
            "program": program,
            "discloser": f"{program.name} ({program.site.organization.name})",
        }
    form = ConsentForm(request.POST or None, programs=programs, initial=initial)
    form.instance.client = client  # the model's 2.31 check runs during validation
    if request.method == "POST" and form.is_valid():
        try:
            consents.record_consent(
                client=client,
                recipients=form.recipients(),
                by=request.user,
                request=request,
                **form.consent_fields(),
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            return redirect("part2:person", pk=client.pk)
    audit.viewed(request, client, client.pk, detail={"page": "part2_consent_new"})
    return render(
        request,
        "disclosures/consent_new.html",
        {"client": client, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def revoke(request, pk):
    """A written revocation, of a whole consent (``consent``) or for one
    named party (``recipient``), effective at once."""
    client = access.get_client_for_staff(request, pk, "manage_consents")
    programs = _programs(request, client, "manage_consents")
    consent_id, recipient_id = request.POST.get("consent", ""), request.POST.get("recipient", "")
    mine = Part2Consent.objects.filter(client=client, program_id__in=programs)
    if consent_id.isdigit() and (consent := mine.filter(pk=consent_id).first()):
        consents.revoke_consent(consent, by=request.user, request=request)
        return redirect("part2:person", pk=client.pk)
    if recipient_id.isdigit() and (
        row := ConsentRecipient.objects.filter(pk=recipient_id, consent__in=mine).first()
    ):
        consents.revoke_recipient(row, by=request.user, request=request)
        return redirect("part2:person", pk=client.pk)
    if consent_id or recipient_id:
        audit.denied(request, client, client.pk, detail={"part2": "revoke_not_found"})
    return redirect("part2:person", pk=client.pk)


@login_required
def disclose_view(request, pk):
    """Record what was shared with one of a consent's recipients."""
    client = access.get_client_for_staff(request, pk, "view_consents")
    recipients = list(
        ConsentRecipient.objects.filter(
            consent__client=client, revoked_at__isnull=True, consent__revoked_at__isnull=True
        ).select_related("consent")
    )
    form = DiscloseForm(request.POST or None, recipients=recipients)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = next(r for r in recipients if r.pk == data["recipient"])
        try:
            disclose(
                client,
                recipient,
                data["info_kinds"],
                data["purpose"],
                what=data["what"],
                by=request.user,
                request=request,
                notice=data["notice"],
                language=client.language,
            )
        except DisclosureRefused as refused:
            form.add_error(None, refusal_text(refused.decision.reason))
            status = 403
        else:
            return redirect("part2:person", pk=client.pk)
    return render(
        request,
        "disclosures/disclose.html",
        {"client": client, "form": form},
        status=400 if status == 200 and form.errors else status,
    )


def refusal_text(reason: str) -> str:
    return {
        "general_release": _(
            "Only a general medical release names them, and it never covers these records. "
            "Please don't share this."
        ),
        "counseling_notes": _("Counseling notes need a consent of their own."),
        "not_covered": _(
            "Their consent does not cover this information or purpose. Please don't share it."
        ),
    }.get(reason, _("No consent in force covers this. Please don't share it."))


@login_required
@require_POST
def emergency(request, pk):
    client = access.get_client_for_staff(request, pk, "disclose")
    programs = _programs(request, client, "disclose")
    form = EmergencyForm(request.POST)
    if form.is_valid() and programs:
        try:
            record_emergency(
                client,
                client_program(programs),
                by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            return redirect("part2:person", pk=client.pk)
    return render(
        request,
        "disclosures/part2.html",
        {"client": client, "emergency_form": form, "may_disclose": True},
        status=400,
    )


def client_program(program_ids):
    from welcomeback.care.models import Program

    return Program.objects.filter(pk__in=program_ids).order_by("pk").first()


@login_required
def break_glass(request):
    """A clinician opens a record outside their programs, for an hour, with a
    reason. The record number goes in the form, never in the URL. Anyone
    the roles do not allow gets a 403 (audited)."""
    access.require(request, "break_glass")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        own = access.permissions.programs_for(request.user, "break_glass")
        client = Client.objects.filter(
            pk=form.cleaned_data["record"], organization_id__in=own.values("site__organization_id")
        ).first()
        if client is None:
            form.add_error("record", _("No record has that number."))
        else:
            try:
                open_break_glass(
                    request.user, client, reason=form.cleaned_data["reason"], request=request
                )
            except ValidationError as problem:
                form.add_error("reason", problem)
            else:
                return redirect("staff:person", pk=client.pk)
    return render(
        request,
        "disclosures/break_glass.html",
        {"form": form},
        status=400 if form.errors else 200,
    )

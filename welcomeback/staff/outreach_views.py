"""Staff screens for outreach: templates with live checks, a person's
contact preferences and consent, the outreach log, and the task queue."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welcomeback.accounts import audit
from welcomeback.disclosures.consents import has_consent_on_file
from welcomeback.outreach import consent
from welcomeback.outreach.models import Message, MessageState, Template
from welcomeback.outreach.templating import (
    PARTS,
    check_template,
    install_defaults,
    save_version,
    version_parts,
)
from welcomeback.staff import access
from welcomeback.staff.forms import ConsentForm, OptOutForm, PreferencesForm, TaskDoneForm
from welcomeback.staff.views import chosen_program
from welcomeback.worklist.models import Task, TaskStatus
from welcomeback.worklist.tasks import close_task


@login_required
def templates(request):
    programs = list(access.programs_for_staff(request, "edit_templates"))
    program = chosen_program(request, programs) or (programs[0] if programs else None)
    rows = []
    if program:
        install_defaults(program)
        rows = Template.objects.filter(program=program).prefetch_related("versions")
    return render(
        request,
        "staff/templates.html",
        {"programs": programs, "program": program, "templates": rows},
    )


@login_required
def template_edit(request, pk):
    template = get_template(request, pk)
    current = template.current()
    parts = version_parts(current) if current else dict.fromkeys(PARTS, "")
    status, error = 200, ""
    if request.method == "POST":
        parts = {part: request.POST.get(part, "") for part in PARTS}
        try:
            save_version(template, parts, by=request.user)
        except ValidationError as problem:
            status, error = 400, " ".join(problem.messages)
        else:
            return redirect("staff:template_edit", pk=template.pk)
    return render(
        request,
        "staff/template_edit.html",
        {
            "template": template,
            "parts": parts,
            "error": error,
            "findings": check_template(template, parts),
            "versions": template.versions.all()[:10],
            "fields": fields_for(template),
        },
        status=status,
    )


@login_required
@require_POST
def template_check(request, pk):
    """The findings panel, re-rendered as staff type (htmx)."""
    template = get_template(request, pk)
    parts = {part: request.POST.get(part, "") for part in PARTS}
    return render(
        request,
        "staff/template_edit.html#findings",
        {"template": template, "findings": check_template(template, parts)},
    )


def get_template(request, pk) -> Template:
    return access.get_template_for_staff(request, pk, "edit_templates")


def fields_for(template) -> list[tuple[str, str]]:
    if template.channel == "email":
        return [
            ("subject", _("Subject line")),
            ("preview", _("Preview text")),
            ("body", _("Message")),
        ]
    return [("body", _("Message"))]


@login_required
def contact(request, pk):
    action = "edit_contact" if request.method == "POST" else "view_contact"
    client = access.get_client_for_staff(request, pk, action)
    forms = {
        "preferences": PreferencesForm(instance=client),
        "consent": ConsentForm(client=client),
        "opt_out": OptOutForm(client=client),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which in forms:
            bound = bind(which, request, client)
            if bound.is_valid():
                bound.save(by=request.user) if which != "preferences" else bound.save()
                return redirect("staff:contact", pk=client.pk)
            forms[which], status = bound, 400
    events = consent_history(client)
    audit.viewed(request, client, client.pk, detail={"page": "contact"})
    return render(
        request,
        "staff/contact.html",
        {
            "client": client,
            "forms": forms,
            "events": events,
            # Part 2: every role sees only whether a consent is on file.
            "part2_on_file": has_consent_on_file(client),
        },
        status=status,
    )


def bind(which, request, client):
    if which == "preferences":
        return PreferencesForm(request.POST, instance=client)
    form_class = ConsentForm if which == "consent" else OptOutForm
    return form_class(request.POST, client=client)


def consent_history(client):
    addresses = [a for a in (client.phone, client.email.lower()) if a]
    return consent.ConsentEvent.objects.filter(address__in=addresses).order_by("-at")[:20]


@login_required
def outreach_log(request):
    programs = list(access.programs_for_staff(request, "view_outreach"))
    program = chosen_program(request, programs)
    state = request.GET.get("state", "")
    messages = Message.objects.filter(program__in=[program] if program else programs)
    if state in MessageState.values:
        messages = messages.filter(state=state)
    messages = messages.select_related("client", "program").order_by("-created")[:100]
    return render(
        request,
        "staff/outreach_log.html",
        {
            "programs": programs,
            "program": program,
            "messages": messages,
            "states": MessageState.choices,
            "state": state,
        },
    )


@login_required
def tasks(request):
    programs = list(access.programs_for_staff(request, "work_tasks"))
    program = chosen_program(request, programs)
    open_tasks = (
        Task.objects.filter(status=TaskStatus.OPEN, program__in=[program] if program else programs)
        .select_related("client", "program", "owner")
        .order_by("due_at", "pk")[:200]
    )
    return render(
        request,
        "staff/tasks.html",
        {
            "programs": programs,
            "program": program,
            "tasks": open_tasks,
            "now": timezone.now(),
            "form": TaskDoneForm(),
        },
    )


@login_required
@require_POST
def task_done(request, pk):
    task = access.get_task_for_staff(request, pk, "work_tasks")
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        close_task(task, by=request.user, outcome=form.cleaned_data["outcome"])
    return redirect(safe_next(request, "staff:tasks"))


def safe_next(request, default: str) -> str:
    """Back to the page the form was on, only if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default

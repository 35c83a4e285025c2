"""Staff pages for coming back (docs/returns.md, "Pages"): a request's
reasons, contact attempts and outcomes; the re-assessment; the re-entry
plan. Thin views over the returns domain; every object is fetched through
``staff.access`` with the action the page needs (accounts/permissions.py).

Reading answers and plans needs ``view_clinical``; saving them needs
``edit_clinical`` (a separate POST URL, so the role matrix checks each).
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from welcomeback.accounts import audit
from welcomeback.care.episodes import ENDED
from welcomeback.care.models import (
    ASAM_LEVELS,
    AsamEdition,
    Episode,
    EpisodeStatus,
    Session,
    SessionKind,
    SessionStatus,
    Transition,
)
from welcomeback.outreach.models import Purpose
from welcomeback.outreach.outbox import values_for
from welcomeback.outreach.templating import render_parts, template_for, version_parts
from welcomeback.returns import assessments, instruments, outcomes, reasons, reentry
from welcomeback.returns.instruments.forms import InstrumentForm
from welcomeback.returns.models import (
    AssessmentSource,
    ContactMethod,
    ContactResult,
    ExpectAt,
    PlanStep,
    Reason,
    ReturnRequest,
)
from welcomeback.returns.requests import log_contact, tries_without_reaching
from welcomeback.staff import access
from welcomeback.worklist.models import Task

# How far ahead the plan page offers sessions to book.
BOOKING_DAYS = 21
FULLER = ("phq9", "gad7", "auditc", "dast10", "bam")


# ---------------------------------------------------------------- forms


class AttemptForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How"),
        choices=[("", gettext_lazy("Choose how"))] + list(ContactMethod.choices),
        error_messages={"required": gettext_lazy("Choose how you tried to reach them.")},
    )
    result = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        choices=ContactResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what happened.")},
    )
    why_not_reached = forms.CharField(
        label=gettext_lazy("If not reached: why, in a few words (optional)"),
        required=False,
        max_length=300,
    )
    planned_date = forms.DateField(
        label=gettext_lazy("A day they plan to come (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the day like 2026-03-09.")},
    )
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=500)


class ReasonsForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=gettext_lazy("What they said made it hard (optional)"),
        choices=Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=gettext_lazy("In their own words (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferredForm(forms.Form):
    to = forms.CharField(
        label=gettext_lazy("Where to"),
        max_length=500,
        help_text=gettext_lazy("A program or service, e.g. a partial hospitalization program."),
        error_messages={"required": gettext_lazy("Say where they were referred.")},
    )


class DeclinedForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=500)


def level_choices():
    """One menu for the edition and the level: "3:2.1" is level 2.1 of the 3rd edition."""
    return [
        (str(label), [(f"{edition}:{code}", f"{code} — {name}") for code, name in levels.items()])
        for edition, label in AsamEdition.choices
        for levels in [ASAM_LEVELS[edition]]
    ]


class PlanForm(forms.Form):
    steps = forms.MultipleChoiceField(
        label=gettext_lazy("First steps"),
        choices=PlanStep.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one first step.")},
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level of care (ASAM edition and level)"),
        error_messages={"required": gettext_lazy("Choose the level of care.")},
    )
    weekly_hours = forms.DecimalField(
        label=gettext_lazy("Planned hours a week"),
        max_digits=4,
        decimal_places=1,
        min_value=0.5,
        max_value=99,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages={
            "required": gettext_lazy("Enter the planned hours a week."),
            "invalid": gettext_lazy("Enter the planned hours a week as a number."),
        },
    )
    transition = forms.ChoiceField(
        label=gettext_lazy("What a smaller start means"),
        choices=Transition.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    ramp_until = forms.DateField(
        label=gettext_lazy("The ramp back ends on (two weeks at most)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the day like 2026-03-16.")},
    )
    adolescent = forms.BooleanField(
        label=gettext_lazy("An adolescent (intensive outpatient from 6 hours a week)"),
        required=False,
    )
    first_session = forms.ChoiceField(label=gettext_lazy("First session"), required=False)
    expect = forms.ChoiceField(
        label=gettext_lazy("After the first session, expect them at"),
        choices=ExpectAt.choices,
        initial=ExpectAt.WEEKLY,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("Choose the level"))] + level_choices()
        self.sessions = {str(session.pk): session for session in sessions}
        groups = [(pk, session_label(s)) for pk, s in self.sessions.items() if s.group_id]
        slots = [(pk, session_label(s)) for pk, s in self.sessions.items() if not s.group_id]
        self.fields["first_session"].choices = [
            ("", _("No booking (a referral to more care)")),
            (_("Group sessions"), groups),
            (_("Individual appointments"), slots),
        ]

    def clean(self):
        data = super().clean()
        edition, _sep, code = (data.get("level") or "").partition(":")
        data["asam_edition"], data["level_code"] = edition, code
        data["session"] = self.sessions.get(data.get("first_session") or "")
        return data


def session_label(session) -> str:
    local = timezone.localtime(session.starts_at, session.program.zone)
    when = f"{date_format(local, 'D j M')}, {date_format(local, 'TIME_FORMAT')}"
    what = session.group.name if session.group_id else session.get_kind_display()
    return f"{when} — {what}"


def bookable_sessions(program, now=None):
    """Real upcoming sessions: the program's group sessions in the next
    weeks, and individual appointment slots nobody is booked into yet."""
    now = now or timezone.now()
    upcoming = Session.objects.filter(
        program=program,
        status=SessionStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lt=now + timedelta(days=BOOKING_DAYS),
    ).select_related("group", "program")
    groups = upcoming.filter(group__isnull=False)
    slots = upcoming.filter(kind=SessionKind.INDIVIDUAL, expectations__isnull=True)
    return list(groups.order_by("starts_at")[:60]) + list(slots.order_by("starts_at")[:30])


# ---------------------------------------------------------------- helpers


def get_request(request, pk, action="manage_requests") -> ReturnRequest:
    return access.get_request_for_staff(request, pk, action)


def posted(request):
    """The form's data on a POST, even an empty one (all optional)."""
    return request.POST if request.method == "POST" else None


def who(return_request) -> str:
    if return_request.client_id:
        return return_request.client.display_name
    return return_request.name or _("Someone who wants to come back")


def closed_already(request, return_request):
    messages.info(
        request,
        _("This request is closed already (%(status)s).")
        % {"status": return_request.get_status_display()},
    )
    return redirect("staff:request", pk=return_request.pk)


def what_resume_does(return_request, now=None) -> dict:
    """What agreeing a plan will do to the person's episodes, said before
    confirming: the same rule as ``reentry.resume``, read only."""
    now = now or timezone.now()
    if return_request.client_id is None:
        return {"kind": "no_client"}
    last = (
        Episode.objects.filter(client_id=return_request.client_id, program=return_request.program)
        .exclude(status=EpisodeStatus.CANCELLED)
        .select_related("program")
        .order_by("-created", "-pk")
        .first()
    )
    if last is None:
        return {"kind": "first"}
    if last.status in ENDED and not reentry.within_resume_window(last, now):
        return {"kind": "new", "episode": last, "days": last.program.resume_within_days}
    return {"kind": "same", "episode": last}


# ---------------------------------------------------------------- request actions


@login_required
@require_POST
def request_attempt(request, pk):
    """Log a contact attempt: how, reached or not and why, a planned day."""
    from welcomeback.staff.requests_views import render_request, through_proxy

    return_request = get_request(request, pk)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        return render_request(request, return_request, contact_form=form, status=400)
    data = form.cleaned_data
    if data["method"] == ContactMethod.PROXY and not through_proxy(
        request, return_request, data["result"]
    ):
        form.add_error(
            "method",
            _(
                "No consent names them: you may listen, but don't confirm "
                "anything to them. Try another way to reach the person."
            ),
        )
        return render_request(request, return_request, contact_form=form, status=400)
    attempt = log_contact(
        return_request,
        data["method"],
        data["result"],
        by=request.user,
        note=data["note"],
        why_not_reached=data["why_not_reached"],
        planned_date=data["planned_date"],
    )
    messages.success(request, _("Try %(number)s saved.") % {"number": attempt.number})
    return redirect("staff:request", pk=return_request.pk)


@login_required
def request_reasons(request, pk):
    """Note the reasons they gave, if they wanted to say. Never required."""
    return_request = get_request(request, pk)
    initial = {"reasons": return_request.reasons, "note": return_request.reasons_note}
    form = ReasonsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        reasons.note_reasons(
            return_request,
            form.cleaned_data["reasons"],
            form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("Reasons saved."))
        return redirect("staff:request", pk=return_request.pk)
    return render(
        request,
        "staff/returns/reasons.html",
        {"r": return_request, "form": form, "who": who(return_request)},
        status=400 if form.errors else 200,
    )


def door_open_preview(return_request) -> dict | None:
    """The one door-open message as it would go, on the first channel that
    can carry it; None when there is no way to reach them."""
    client = return_request.client
    if client is None:
        return None
    for channel in outcomes.preferred_channels(client):
        version = template_for(return_request.program, channel, client.language, Purpose.DOOR_OPEN)
        if version is not None:
            parts = render_parts(version_parts(version), values_for(client, return_request.program))
            return {"channel": channel, "parts": parts}
    return None


OUTCOMES = ("declined", "referred", "unreachable")


@login_required
def request_outcome(request, pk, outcome):
    """Close a request: declined for now (one door-open message, previewed),
    referred elsewhere (where), or unreachable (with the count of tries)."""
    return_request = get_request(request, pk)
    if outcome not in OUTCOMES:
        access.not_found(request, "returns.returnrequest", pk, "manage_requests")
    if not return_request.is_open and request.method == "POST":
        return closed_already(request, return_request)
    form_class = ReferredForm if outcome == "referred" else DeclinedForm
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        if outcome == "declined":
            outcomes.mark_declined(return_request, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Closed: declined for now. The door stays open."))
        elif outcome == "referred":
            outcomes.mark_referred(return_request, to=form.cleaned_data["to"], by=request.user)
            messages.success(request, _("Closed: referred elsewhere."))
        else:
            outcomes.mark_unreachable(return_request, by=request.user)
            messages.success(request, _("Closed: not reached. Occasional check-ins only."))
        return redirect("staff:request", pk=return_request.pk)
    return render(
        request,
        "staff/returns/outcome.html",
        {
            "r": return_request,
            "who": who(return_request),
            "outcome": outcome,
            "form": form,
            "preview": door_open_preview(return_request) if outcome == "declined" else None,
            "tries": tries_without_reaching(return_request),
            "attempts": return_request.attempts.count(),
            "limit": return_request.program.unreachable_after_attempts,
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- re-assessment


def shown(assessment) -> dict:
    """A recorded assessment as the page shows it (answers only on this
    clinical page, never in the timeline)."""
    instrument = instruments.get(assessment.instrument)
    result = assessment.result or {}
    labels = {}
    for item in instrument.items:
        value = assessment.answers.get(item.key)
        option = next((o for o in item.options if o.value == value), None)
        labels[item.key] = (item.text, option.label if option else None)
    band_label = ""
    if assessment.band:
        band_label = instruments.scoring.BAND_LABELS.get(assessment.band, assessment.band)
    return {
        "row": assessment,
        "name": instrument.name,
        "band_label": band_label,
        "flags": result.get("flags", []),
        "subscales": result.get("subscales", {}),
        "skipped": result.get("skipped", 0),
        "answers": list(labels.values()),
        "self": assessment.source == AssessmentSource.SELF,
    }


def has_flag(assessment, code: str) -> bool:
    return any(flag.get("code") == code for flag in (assessment.result or {}).get("flags", []))


def flag_tasks(assessment_rows) -> list[Task]:
    keys = [
        f"assessment:{row.pk}:{flag['code']}"
        for row in assessment_rows
        for flag in (row.result or {}).get("flags", [])
    ]
    return list(Task.objects.filter(key__in=keys)) if keys else []


def instrument_forms(return_request, latest, bound=None) -> list[dict]:
    """The safety screen first, then the fuller re-assessment; answers the
    person gave themselves fill the form in, to be checked and saved."""
    sections = []
    for code in ("cssrs", *FULLER):
        done = latest.get(code)
        initial = done.answers if done is not None and done.source == AssessmentSource.SELF else {}
        form = bound if bound is not None and bound.instrument.code == code else None
        form = form or InstrumentForm(code, initial=dict(initial))
        sections.append(
            {
                "code": code,
                "form": form,
                "done": shown(done) if done is not None else None,
                "open": form.is_bound or done is None or bool(initial),
            }
        )
    return sections


def render_reassessment(request, return_request, bound=None, status=200):
    rows = list(assessments.assessments_for(return_request))
    latest = {row.instrument: row for row in rows}
    screen = latest.get("cssrs")
    urgent = [row for row in rows if has_flag(row, "cssrs_urgent")]
    item9 = [row for row in rows if has_flag(row, "phq9_item9")]
    link = ""
    if return_request.is_open:
        token = assessments.questionnaire_token(return_request)
        link = request.build_absolute_uri(reverse("portal:questionnaire", args=[token]))
    return render(
        request,
        "staff/returns/reassessment.html",
        {
            "r": return_request,
            "who": who(return_request),
            "sections": instrument_forms(return_request, latest, bound),
            "screen": shown(screen) if screen else None,
            "urgent": urgent,
            "item9": item9,
            "tasks": flag_tasks(urgent + item9),
            "guidance": assessments.CRISIS_GUIDANCE,
            "may_edit": access.may(request, "edit_clinical", return_request.program_id),
            "required": return_request.program.require_full_reassessment,
            "history": [shown(row) for row in reversed(rows)],
            "link": link,
            "bound": bound,
        },
        status=status,
    )


@login_required
def reassessment(request, pk):
    return_request = get_request(request, pk, "view_clinical")
    audit.viewed(request, return_request, return_request.client_id)
    return render_reassessment(request, return_request)


@login_required
@require_POST
def reassessment_save(request, pk):
    return_request = get_request(request, pk, "edit_clinical")
    code = request.POST.get("instrument", "")
    if code not in ("cssrs", *FULLER):
        return render_reassessment(request, return_request, status=400)
    form = InstrumentForm(code, data=request.POST)
    if not form.is_valid():
        return render_reassessment(request, return_request, bound=form, status=400)
    sex = request.POST.get("sex") if code == "auditc" else None
    context = {"sex": sex} if sex in ("male", "female") else None
    try:
        saved = assessments.record_assessment(
            code=code,
            answers=form.answers(),
            request=return_request,
            source=AssessmentSource.STAFF,
            by=request.user,
            context=context,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render_reassessment(request, return_request, bound=form, status=400)
    messages.success(
        request, _("%(name)s saved.") % {"name": assessments.display_name(saved.instrument)}
    )
    return redirect(reverse("staff:reassessment", args=[return_request.pk]) + f"#done-{code}")


# ---------------------------------------------------------------- the plan


def render_plan(request, return_request, form=None, status=200):
    sessions = bookable_sessions(return_request.program)
    episode = return_request.episode
    initial = {"expect": ExpectAt.WEEKLY}
    if episode is not None:
        initial["level"] = f"{episode.asam_edition}:{episode.level_of_care}"
    form = form or PlanForm(sessions=sessions, initial=initial)
    suggestions = reasons.suggest_steps(return_request)
    because = {s.step: s.because for s in suggestions}
    progress = None
    if return_request.client_id:
        progress = reentry.progress_so_far(return_request.client, return_request.program)
    return render(
        request,
        "staff/returns/plan.html",
        {
            "r": return_request,
            "who": who(return_request),
            "form": form,
            "suggestions": suggestions,
            "because": because,
            "blockers": assessments.plan_blockers(return_request),
            "recommendations": assessments.plan_recommendations(return_request),
            "resume": what_resume_does(return_request),
            "progress": progress,
            "plans": list(return_request.plans.select_related("first_session__group")),
            "may_edit": access.may(request, "edit_clinical", return_request.program_id),
            "iop_min": reentry.IOP_MIN_HOURS["adult"],
            "iop_min_teen": reentry.IOP_MIN_HOURS["adolescent"],
            "ramp_days": reentry.RAMP_MAX_DAYS,
        },
        status=status,
    )


@login_required
def plan(request, pk):
    return_request = get_request(request, pk, "view_clinical")
    audit.viewed(request, return_request, return_request.client_id)
    return render_plan(request, return_request)


@login_required
@require_POST
def plan_agree(request, pk):
    return_request = get_request(request, pk, "edit_clinical")
    if not return_request.is_open:
        return closed_already(request, return_request)
    form = PlanForm(request.POST, sessions=bookable_sessions(return_request.program))
    if not form.is_valid():
        return render_plan(request, return_request, form, status=400)
    data = form.cleaned_data
    try:
        agreed = reentry.agree_plan(
            return_request,
            steps=data["steps"],
            asam_edition=data["asam_edition"],
            level=data["level_code"],
            weekly_hours=data["weekly_hours"],
            transition=data["transition"] or Transition.NONE,
            ramp_until=data["ramp_until"],
            first_session=data["session"],
            expect=data["expect"],
            notes=data["notes"],
            adolescent=data["adolescent"],
            by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return render_plan(request, return_request, form, status=400)
    messages.success(
        request,
        _("Plan agreed. %(name)s's care runs again on episode %(episode)s.")
        % {"name": who(return_request), "episode": agreed.episode_id},
    )
    return redirect("staff:request", pk=return_request.pk)

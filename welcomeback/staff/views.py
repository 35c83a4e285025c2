from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welcomeback.accounts import audit
from welcomeback.care.models import AttendanceStatus, Client, Session
from welcomeback.care.rollcall import drop_in_candidates, roster, save_roll_call
from welcomeback.engagement.board import today_board
from welcomeback.engagement.discharge import discharge
from welcomeback.returns.board import open_requests
from welcomeback.staff import access
from welcomeback.staff.forms import MARK_CHOICES, DischargeForm
from welcomeback.staff.timeline import episodes_of, person_timeline


def chosen_program(request, programs):
    raw = request.GET.get("program", "")
    return next((p for p in programs if str(p.pk) == raw), None)


# Where someone lands who may not see the Today board (an organization
# admin): the first page their roles open.
LANDING = [("edit_templates", "staff:templates"), ("view_audit", "audit:events")]


@login_required
def today(request):
    access.require_staff(request)
    if not access.may(request, "view_engagement"):
        for action, url in LANDING:
            if access.may(request, action):
                return redirect(url)
        raise PermissionDenied
    programs = list(access.programs_for_staff(request, "view_engagement"))
    program = chosen_program(request, programs)
    ids = [program.pk] if program else [p.pk for p in programs]
    sections = today_board(ids)
    request_ids = [pk for pk in ids if access.may(request, "manage_requests", pk)]
    requests, requests_total = open_requests(request_ids) if request_ids else ([], 0)
    return render(
        request,
        "staff/today.html",
        {
            "sections": sections,
            "programs": programs,
            "program": program,
            "total": sum(s.total for s in sections),
            "requests": requests,
            "requests_total": requests_total,
            "now": timezone.now(),
        },
    )


@login_required
def person(request, pk):
    client = access.get_client_for_staff(request, pk, "view_contact")
    audit.viewed(request, client, client.pk)
    return render_person(request, client)


def render_person(request, client, discharge_form=None, form_episode=None, status=200):
    scope = access.client_scope(request, client)
    programs, clinical = scope["program_ids"], scope["clinical_program_ids"]
    episodes = list(episodes_of(client, programs))
    for episode in episodes:
        # What the template may show of each episode (minimum necessary).
        episode.clinical = episode.program_id in clinical
        if not episode.clinical:
            access.without_clinical(episode)
        episode.may_discharge = access.may(request, "discharge", episode.program_id)
    return render(
        request,
        "staff/person.html",
        {
            "client": client,
            "episodes": episodes,
            "timeline": person_timeline(client, programs, clinical),
            "may_edit_contact": any(access.may(request, "edit_contact", pk) for pk in programs),
            "discharge_form": discharge_form or DischargeForm(),
            "form_episode": form_episode,
        },
        status=status,
    )


@login_required
@require_POST
def discharge_episode(request, pk):
    episode = access.get_episode_for_staff(request, pk, "discharge")
    form = DischargeForm(request.POST)
    if form.is_valid():
        try:
            discharge(episode, form.cleaned_data["reason"], request.user, form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            return redirect("staff:person", pk=episode.client_id)
    return render_person(request, episode.client, form, episode, status=400)


@login_required
def sessions(request):
    programs = list(access.programs_for_staff(request, "view_schedule"))
    program = chosen_program(request, programs) or (programs[0] if programs else None)
    zone = program.zone if program else timezone.get_current_timezone()
    day = parse_date(request.GET.get("date", "")) or timezone.localdate(timezone=zone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    day_sessions = Session.objects.filter(
        program=program, starts_at__gte=start, starts_at__lt=end
    ).select_related("group")
    return render(
        request,
        "staff/sessions.html",
        {
            "programs": programs,
            "program": program,
            "day": day,
            "sessions": day_sessions,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
        },
    )


@login_required
def roll_call(request, pk):
    session = access.get_session_for_staff(request, pk, "record_attendance")
    if session.is_cancelled:
        return render(request, "staff/roll_call.html", {"session": session}, status=409)
    if request.method == "POST":
        marks = marks_from(request.POST)
        drop_in = request.POST.get("drop_in_client", "")
        if drop_in.isdigit():
            marks[int(drop_in)] = request.POST.get("drop_in_mark") or AttendanceStatus.ATTENDED
        marks = only_in_program(marks, session.program_id)
        saved = save_roll_call(session, marks, request.user)
        if request.htmx:
            return roll_call_row(request, session, next(iter(marks), None))
        request.session["roll_call_saved"] = saved
        return redirect("staff:roll_call", pk=session.pk)
    lines = roster(session)
    audit.viewed_clients(request, [line.client.pk for line in lines], obj=session)
    saved = request.session.pop("roll_call_saved", None)
    return render(
        request,
        "staff/roll_call.html",
        {
            "session": session,
            "lines": lines,
            "choices": MARK_CHOICES,
            "saved": saved,
            "candidates": drop_in_candidates(session, {line.client.pk for line in lines}),
        },
    )


def roll_call_row(request, session, client_id):
    line = next((line for line in roster(session) if line.client.pk == client_id), None)
    if line is None:
        return HttpResponseBadRequest(_("That person is not on this roll call."))
    return render(
        request,
        "staff/roll_call.html#row",
        {"session": session, "line": line, "choices": MARK_CHOICES, "just_saved": True},
    )


def only_in_program(marks: dict[int, str], program_id: int) -> dict[int, str]:
    """Marks only for people of the session's program: a roll call is no way
    to write into the record of someone in another program."""
    known = set(
        Client.objects.filter(access.in_programs([program_id]), pk__in=list(marks)).values_list(
            "pk", flat=True
        )
    )
    return {client_id: mark for client_id, mark in marks.items() if client_id in known}


def marks_from(data) -> dict[int, str]:
    allowed = {value for value, _label in MARK_CHOICES}
    marks = {}
    for key, value in data.items():
        if key.startswith("mark-") and key[5:].isdigit() and value in allowed:
            marks[int(key[5:])] = value
    return marks

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welcomeback.accounts import audit
from welcomeback.care.models import AttendanceStatus, Session
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


@login_required
def today(request):
    programs = list(access.programs_for_staff(request))
    program = chosen_program(request, programs)
    ids = [program.pk] if program else [p.pk for p in programs]
    sections = today_board(ids)
    requests, requests_total = open_requests(ids)
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
    client = access.get_client_for_staff(request, pk)
    audit.viewed(request, client, client.pk)
    return render_person(request, client)


def render_person(request, client, discharge_form=None, form_episode=None, status=200):
    return render(
        request,
        "staff/person.html",
        {
            "client": client,
            "episodes": episodes_of(client),
            "timeline": person_timeline(client),
            "discharge_form": discharge_form or DischargeForm(),
            "form_episode": form_episode,
        },
        status=status,
    )


@login_required
@require_POST
def discharge_episode(request, pk):
    episode = access.get_episode_for_staff(request, pk)
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
    programs = list(access.programs_for_staff(request))
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
    session = access.get_session_for_staff(request, pk)
    if session.is_cancelled:
        return render(request, "staff/roll_call.html", {"session": session}, status=409)
    if request.method == "POST":
        marks = marks_from(request.POST)
        drop_in = request.POST.get("drop_in_client", "")
        if drop_in.isdigit():
            marks[int(drop_in)] = request.POST.get("drop_in_mark") or AttendanceStatus.ATTENDED
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


def marks_from(data) -> dict[int, str]:
    allowed = {value for value, _label in MARK_CHOICES}
    marks = {}
    for key, value in data.items():
        if key.startswith("mark-") and key[5:].isdigit() and value in allowed:
            marks[int(key[5:])] = value
    return marks

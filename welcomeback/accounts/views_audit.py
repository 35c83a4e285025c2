"""Reading the audit trail: the viewer for admins, which supports the regular
review of activity (HIPAA 164.308(a)(1)(ii)(D), 164.312(b)), and each
person's access and disclosure report for any dates (42 CFR 2.25; STANDARDS.md
requirement 25). Both download as CSV, and reading them is audited too.

Times are shown and filtered in UTC, as they are kept: an audit answers
"exactly when", whatever the program's zone.
"""

import csv
import functools
from datetime import UTC, datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from welcomeback.accounts import audit, permissions
from welcomeback.accounts.models import AuditAction, AuditEvent, AuditOutcome, StaffRole

PAGE_SIZE = 50
# A printable report stops here; the CSV always has every event.
REPORT_ROWS = 1000
CSV_CHUNK = 2000
AUDIT_OBJECT = "accounts.auditevent"


def require_admin(request) -> frozenset[int] | None:
    """Who may read the audit trail: superusers (the whole trail, which holds
    ids and never PHI values), and directors and organization admins (the
    ``view_audit`` action) for the events of their programs, returned as
    program ids. Everyone else: 403."""
    if request.user.is_authenticated and request.user.is_superuser:
        return None
    ids = permissions.program_ids_for(request.user, "view_audit")
    if not ids:
        raise PermissionDenied
    return ids


def _clients_in(program_ids):
    """Ids of the people who belong to the programs (permissions.clients_in)."""
    client = apps.get_model("care", "Client")
    return client.objects.filter(permissions.clients_in(program_ids)).values("pk")


def scoped(events, program_ids):
    """The events a reader of these programs may see: those tied to the
    programs; those tied to no program about their people; and sign-ins and
    other events of their staff that name neither. Events another program's
    staff wrote about a shared person stay with that program (42 CFR Part 2)."""
    if program_ids is None:
        return events
    staff = StaffRole.objects.filter(program_id__in=program_ids).values("user_id")
    return events.filter(
        Q(program_id__in=program_ids)
        | Q(program_id__isnull=True, client_id__in=_clients_in(program_ids))
        | Q(program_id__isnull=True, client_id__isnull=True, actor_id__in=staff)
    )


# ---------------------------------------------------------------- forms


def _date_field(label):
    return forms.DateField(
        required=False, label=label, widget=forms.DateInput(attrs={"type": "date"})
    )


class DateRangeForm(forms.Form):
    """``from`` and ``to``, UTC dates, both inclusive; either may be empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates = {"from": _date_field(_("From (UTC)")), "to": _date_field(_("To (UTC)"))}
        self.fields = {**dates, **self.fields}

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("The “to” date must be on or after the “from” date."))
        return data

    def filter(self, events):
        start, end = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        if start:
            events = events.filter(at__gte=datetime.combine(start, time.min, UTC))
        if end:
            events = events.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, UTC))
        return events

    def used(self) -> dict:
        """The filters in use, for the audit event of reading with them."""
        return {key: str(value) for key, value in self.cleaned_data.items() if value}


class AuditFilterForm(DateRangeForm):
    actor = forms.CharField(
        required=False,
        max_length=150,
        label=_("Who"),
        help_text=_("A username, “system” or “public”."),
    )
    action = forms.ChoiceField(required=False, choices=[("", _("Any"))] + AuditAction.choices)
    client = forms.IntegerField(required=False, min_value=1, label=_("Client id"))
    program = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    outcome = forms.ChoiceField(required=False, choices=[("", _("Any"))] + AuditOutcome.choices)

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("All programs"))] + [
            (program.pk, program.name) for program in programs
        ]

    def filter(self, events):
        data = self.cleaned_data
        exact = {
            "actor_label": data.get("actor"),
            "action": data.get("action"),
            "client_id": data.get("client"),
            "program_id": data.get("program"),
            "outcome": data.get("outcome"),
        }
        events = events.filter(**{key: value for key, value in exact.items() if value})
        return super().filter(events)


# ---------------------------------------------------------------- views


@login_required
def events(request):
    program_ids = require_admin(request)
    form = AuditFilterForm(request.GET, programs=_programs(program_ids))
    if not form.is_valid():
        return _render_events(request, form, [], None, status=400)
    matching = form.filter(scoped(AuditEvent.objects.all(), program_ids))
    if request.GET.get("format") == "csv":
        return csv_download(request, matching, "audit-trail", form)
    audit.record(
        AuditAction.VIEW, request=request, object_type=AUDIT_OBJECT, detail=form.used() or None
    )
    before = request.GET.get("before", "")
    if before.isdigit():
        matching = matching.filter(seq__lt=int(before))
    page = list(matching.order_by("-seq")[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].seq if len(page) > PAGE_SIZE else None
    return _render_events(request, form, page[:PAGE_SIZE], older)


def _render_events(request, form, rows, older, status=200):
    context = {"form": form, "rows": named(rows), "older": older, "paged": "before" in request.GET}
    return render(request, "accounts/audit_events.html", context, status=status)


@login_required
def client_report(request, client_id: int):
    program_ids = require_admin(request)
    if program_ids is not None and not _is_their_client(client_id, program_ids):
        # As for any record outside one's programs: not found, and recorded.
        audit.record(
            AuditAction.ACCESS_DENIED,
            request=request,
            object_type="care.client",
            object_id=client_id,
            outcome=AuditOutcome.DENIED,
            detail={"action": "view_audit", "status": 404},
        )
        raise Http404
    form = DateRangeForm(request.GET)
    client = apps.get_model("care", "Client").objects.filter(pk=client_id).first()
    # The name only for someone who may see this person's contact details.
    named_client = client if client and _may_see_name(request.user, client_id) else None
    context = {
        "form": form,
        "client": named_client,
        "client_kept": client is not None,
        "client_id": client_id,
    }
    if not form.is_valid():
        return render(request, "accounts/audit_client_report.html", context, status=400)
    matching = form.filter(scoped(AuditEvent.objects.filter(client_id=client_id), program_ids))
    if request.GET.get("format") == "csv":
        return csv_download(request, matching, f"access-report-client-{client_id}", form, client_id)
    # Recorded first, so the report lists its own reading.
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AUDIT_OBJECT,
        client_id=client_id,
        detail=form.used() or None,
    )
    rows = list(matching.order_by("seq")[: REPORT_ROWS + 1])
    context.update(rows=named(rows[:REPORT_ROWS]), cut=len(rows) > REPORT_ROWS)
    return render(request, "accounts/audit_client_report.html", context)


def _programs(program_ids=None):
    programs = apps.get_model("care", "Program").objects.order_by("name")
    return programs if program_ids is None else programs.filter(pk__in=program_ids)


def _is_their_client(client_id: int, program_ids) -> bool:
    return _clients_in(program_ids).filter(pk=client_id).exists()


def _may_see_name(user, client_id: int) -> bool:
    contact_ids = permissions.program_ids_for(user, "view_contact")
    return bool(contact_ids) and _is_their_client(client_id, contact_ids)


def named(rows: list[AuditEvent]) -> list[AuditEvent]:
    for row in rows:
        row.object_name = object_name(row.object_type)
    return rows


@functools.cache
def object_name(label: str) -> str:
    """ "care.client" → "client"; an audit of a model since removed keeps its label."""
    if label == AUDIT_OBJECT:
        return str(_("audit trail"))
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


# ---------------------------------------------------------------- CSV

CSV_COLUMNS = [
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "client_id",
    "program_id",
    "outcome",
    "ip",
    "user_agent",
    "path",
    "detail",
    "prev_hash",
    "hash",
]


def csv_download(request, events, filename: str, form, client_id=None):
    """Every matching event, oldest first, streamed in constant memory. The
    export is itself audited, before a byte leaves (failing closed)."""
    audit.record(
        AuditAction.EXPORT,
        request=request,
        object_type=AUDIT_OBJECT,
        client_id=client_id,
        detail=form.used() or None,
    )
    rows = events.order_by("seq").values_list(*CSV_COLUMNS).iterator(chunk_size=CSV_CHUNK)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def cell(value) -> str:
    """UTC times in ISO 8601; text a spreadsheet would run as a formula (a
    username or user agent can be anything) is quoted with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

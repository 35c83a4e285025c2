"""One authorisation funnel per object type, used by every staff view.

An object is looked up only within the programs where the signed-in person
holds a role that allows the action (``accounts/permissions.py``). Anything
else, whether it is in another program or does not exist at all, is a 404
(a 403 would confirm that it exists: 42 CFR 2.13(c)), and the refusal is
written to the audit trail. A page that lists things lists only what is in
those programs; someone with no program where the action is allowed gets a
403 (recorded by ``AuditMiddleware``).

A person (``care.Client``) belongs to a program as ``permissions.clients_in``
says; everything else names its program.
"""

from django.core.exceptions import PermissionDenied

from welcomeback.accounts import permissions
from welcomeback.accounts.models import Role, StaffRole
from welcomeback.care.models import Client, Episode, Program, Session
from welcomeback.disclosures.breakglass import has_break_glass
from welcomeback.outreach.models import Message, Template
from welcomeback.returns.models import ReturnRequest
from welcomeback.worklist.models import Task


def require_staff(request) -> None:
    """Signed in, active, and holding a role in at least one program."""
    if not permissions.is_staff_member(request.user):
        raise PermissionDenied


def require(request, action: str) -> frozenset[int]:
    """The ids of the programs where the user may do ``action``; 403 when none."""
    require_staff(request)
    ids = permissions.program_ids_for(request.user, action)
    if not ids:
        raise PermissionDenied
    return ids


def programs_for_staff(request, action: str = "view_engagement"):
    """The programs a list page may show, for a menu of programs."""
    require(request, action)
    return permissions.programs_for(request.user, action)


def may(request, action: str, program=None) -> bool:
    return permissions.can(request.user, action, program)


# Record the refusal, then answer as if the object did not exist.
not_found = permissions.refuse


def _get(request, queryset, pk, action: str, *, program_field: str = "program"):
    ids = require(request, action)
    found = queryset.filter(pk=pk, **{f"{program_field}__in": ids}).first()
    if found is None:
        not_found(request, queryset.model._meta.label_lower, pk, action)
    return found


# ---------------------------------------------------------------- people


# Which people belong to which programs: declared with the permissions, so
# the API and the audit viewer use the same rule.
in_programs = permissions.clients_in
client_program_ids = permissions.client_program_ids


def get_client_for_staff(request, pk: int, action: str = "view_contact") -> Client:
    ids = require(request, action)
    client = Client.objects.filter(in_programs(ids), pk=pk).first()
    if client is None and action in BREAK_GLASS_READS and has_break_glass(request.user, pk):
        # An open emergency grant: this person only, reading only, for its hour.
        client = Client.objects.filter(pk=pk).first()
    if client is None:
        not_found(request, "care.client", pk, action)
    return client


# What an open break-glass grant lets its clinician read (disclosures/breakglass.py).
BREAK_GLASS_READS = frozenset(
    {"view_contact", "view_schedule", "view_engagement", "view_clinical", "view_outreach"}
)


def break_glass_scope(client) -> dict:
    """A clinician's view of every program of the person, under a grant."""
    programs = client_program_ids(
        client,
        Program.objects.filter(site__organization_id=client.organization_id).values_list(
            "pk", flat=True
        ),
    )
    seen = permissions.actions_of([Role.CLINICIAN]) & BREAK_GLASS_READS
    fields = {
        label: frozenset(
            f for f, needs in permissions.FIELDS.get(label, {}).items() if needs in seen
        )
        for label in ("care.client", "care.episode", "care.episodestatuschange")
    }
    return {"program_ids": programs, "clinical_program_ids": set(programs), "fields": fields}


def without_clinical(instance):
    """Blank, in memory only, the fields of ``instance`` that need
    ``view_clinical`` (permissions.FIELDS), so a template cannot show what the
    viewer may not see, whatever it asks for. The row can no longer be saved."""
    for name, needs in permissions.FIELDS.get(instance._meta.label_lower, {}).items():
        if needs == "view_clinical":
            field = instance._meta.get_field(name)
            setattr(instance, field.attname, None if field.null else "")
    instance.save = _redacted_save
    return instance


def _redacted_save(*args, **kwargs):
    raise RuntimeError("a row with fields blanked for display is never saved")


def client_scope(request, client) -> dict:
    """What of this person the user may see: the programs they are seen
    through, those where clinical details show, and the visible fields."""
    user = request.user
    programs = client_program_ids(client, permissions.program_ids_for(user, "view_contact"))
    if not programs and has_break_glass(user, client.pk):
        return break_glass_scope(client)
    clinical = {pk for pk in programs if permissions.can(user, "view_clinical", pk)}
    fields = {}
    for label in ("care.client", "care.episode", "care.episodestatuschange"):
        fields[label] = frozenset().union(
            *(permissions.visible_fields(user, pk, label) for pk in programs)
        )
    return {"program_ids": programs, "clinical_program_ids": clinical, "fields": fields}


# ---------------------------------------------------------------- objects


def get_session_for_staff(request, pk: int, action: str = "record_attendance") -> Session:
    return _get(request, Session.objects.select_related("group", "program__site"), pk, action)


def get_episode_for_staff(request, pk: int, action: str = "discharge") -> Episode:
    return _get(
        request, Episode.objects.select_related("client", "program", "engagement"), pk, action
    )


def get_request_for_staff(request, pk: int, action: str = "manage_requests") -> ReturnRequest:
    return _get(
        request,
        ReturnRequest.objects.select_related("program", "client", "assignee"),
        pk,
        action,
    )


def get_task_for_staff(request, pk: int, action: str = "work_tasks") -> Task:
    return _get(request, Task.objects.select_related("program", "client"), pk, action)


def get_template_for_staff(request, pk: int, action: str = "edit_templates") -> Template:
    return _get(request, Template.objects.select_related("program"), pk, action)


def get_message_for_staff(request, pk: int, action: str = "view_outreach") -> Message:
    return _get(request, Message.objects.select_related("program", "client"), pk, action)


def get_staff_role_for_staff(request, pk: int, action: str = "manage_staff") -> StaffRole:
    return _get(request, StaffRole.objects.select_related("user", "program"), pk, action)


def get_program_for_staff(request, pk: int, action: str) -> Program:
    ids = require(request, action)
    program = Program.objects.select_related("site").filter(pk=pk, pk__in=ids).first()
    if program is None:
        not_found(request, "care.program", pk, action)
    return program

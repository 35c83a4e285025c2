"""Who may do what, declared in one place (HIPAA 164.308(a)(4) access
authorization, 164.502(b) minimum necessary; STANDARDS.md requirement 26).

Three tables:

- ``ACTIONS``: everything the staff side and the API can do to client data
  or to a program, by name;
- ``ROLE_ACTIONS``: the actions each role allows, in the program where the
  role is held;
- ``FIELDS``: for each client-record model, the action a field needs to be
  shown (minimum necessary). A field not listed is hidden from everyone until
  it is declared here; ``tests/test_roles.py`` fails until it is.

And the functions every face calls, with or without a request (the API and
the FHIR export call them for a key's user):

    can(user, "view_clinical", program)        # one program (or its id)
    can(user, "view_contact")                   # in any program
    programs_for(user, "manage_requests")       # a Program queryset
    program_ids_for(user, "view_contact")       # a frozenset of ids
    visible_fields(user, program, "care.client")
    clients_for(user, "view_contact")           # a Client queryset
    clients_in(program_ids)                     # a Q on care.Client
    refuse(request, "api.apikey", pk, action)   # audited 404 for what is not theirs

Superusers get nothing here that their roles do not give: ``is_superuser``
opens the admin site and the whole audit trail (ids, never PHI values), not
people's records. An inactive user can do nothing.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction, AuditOutcome, Role, StaffRole

# ---------------------------------------------------------------- actions

ACTIONS = {
    # Reading a person's record, in layers (minimum necessary).
    "view_contact": "name, phone, email, language, contact preferences and consent",
    "view_schedule": "sessions, groups and who is expected at them",
    "view_engagement": "engagement status and its reason; the Today board",
    "view_clinical": "assessments, instrument answers, clinical notes, plans, discharge details",
    "view_outreach": "the outreach log: each message's state and reason",
    # Changing it.
    "edit_contact": "contact preferences, messaging consent, opt-outs",
    "record_attendance": "roll call and drop-ins",
    "edit_clinical": "assessments, clinical notes, re-entry plans",
    "discharge": "record a discharge with its TEDS-D reason",
    "manage_requests": "return requests: open, read, log contact, take, change status",
    "work_tasks": "the task queue: see and close calls, letters and reviews",
    "send_outreach": "send or schedule a message to a person",
    # Running the program.
    "edit_templates": "outreach templates",
    "view_reports": "program measures and reports",
    "export_data": "files of client data leaving the system (CSV, FHIR)",
    "import_data": "imports of clients and attendance (CSV, FHIR)",
    "manage_staff": "grant and remove staff roles",
    "manage_settings": "program settings, groups and schedules",
    "view_audit": "the audit trail and each person's access report",
    # 42 CFR Part 2 (welcomeback/disclosures).
    "view_consents": "Part 2 consent details: what, to whom, why, signature, statements",
    "manage_consents": "record and revoke Part 2 consents",
    "disclose": "record a disclosure under a consent, or in a medical emergency (2.51)",
    "break_glass": "emergency access to one person's record outside one's programs",
}

_FRONT_DESK = {
    "view_contact",
    "view_schedule",
    "view_engagement",
    "edit_contact",
    "record_attendance",
    "manage_requests",
    "work_tasks",
}
_CASE_MANAGER = _FRONT_DESK | {"view_outreach", "send_outreach", "edit_templates"}
_CLINICIAN = _CASE_MANAGER - {"edit_templates"} | {"view_clinical", "edit_clinical", "discharge"}
_DIRECTOR = _CASE_MANAGER | {
    "view_clinical",
    "discharge",
    "view_reports",
    "export_data",
    "view_audit",
}
# Runs the organization's set-up; sees no one's record (minimum necessary).
_ORG_ADMIN = {
    "edit_templates",
    "import_data",
    "manage_staff",
    "manage_settings",
    "view_audit",
}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.FRONT_DESK: frozenset(_FRONT_DESK),
    Role.CASE_MANAGER: frozenset(_CASE_MANAGER),
    Role.CLINICIAN: frozenset(_CLINICIAN),
    Role.DIRECTOR: frozenset(_DIRECTOR),
    Role.ORG_ADMIN: frozenset(_ORG_ADMIN),
}

# 42 CFR Part 2. Everyone who may answer a trusted person records what they
# disclosed; front desk and case managers see "consent on file: yes/no" and,
# for the person in front of them, what they may say, never a consent's
# details (minimum necessary). Clinicians may break the glass (164.312(a)(2)(ii)).
_PART2 = {
    Role.FRONT_DESK: {"disclose"},
    Role.CASE_MANAGER: {"disclose"},
    Role.CLINICIAN: {"disclose", "view_consents", "manage_consents", "break_glass"},
    Role.DIRECTOR: {"disclose", "view_consents", "manage_consents"},
}
ROLE_ACTIONS = {
    role: actions | _PART2.get(role, frozenset()) for role, actions in ROLE_ACTIONS.items()
}

# ---------------------------------------------------------------- fields

_CONTACT = "view_contact"
_ENGAGEMENT = "view_engagement"
_SCHEDULE = "view_schedule"
_CLINICAL = "view_clinical"
_REQUEST = "manage_requests"
# Keys and bookkeeping that say nothing about the person by themselves.
_ANY = "view_contact"

FIELDS: dict[str, dict[str, str]] = {
    "care.client": {
        "id": _ANY,
        "organization": _ANY,
        "external_id": _CONTACT,
        "first_name": _CONTACT,
        "last_name": _CONTACT,
        "preferred_name": _CONTACT,
        "pronouns": _CONTACT,
        "phone": _CONTACT,
        "email": _CONTACT,
        "language": _CONTACT,
        "time_zone": _CONTACT,
        "postal_state": _CONTACT,
        "sms_allowed": _CONTACT,
        "email_allowed": _CONTACT,
        "calls_allowed": _CONTACT,
        "letters_allowed": _CONTACT,
        "voicemail_allowed": _CONTACT,
        "discreet": _CONTACT,
        "contact_from": _CONTACT,
        "contact_until": _CONTACT,
        "paused_until": _CONTACT,
        "created": _CONTACT,
    },
    "care.episode": {
        "id": _ANY,
        "client": _ANY,
        "program": _ANY,
        "status": _ENGAGEMENT,
        "started": _ENGAGEMENT,
        "ended": _ENGAGEMENT,
        "created": _ENGAGEMENT,
        "previous": _ENGAGEMENT,
        # The level of care, its hours and why an episode ended are clinical facts.
        "level_of_care": _CLINICAL,
        "asam_edition": _CLINICAL,
        "weekly_hours": _CLINICAL,
        "discharge_reason": _CLINICAL,
    },
    "care.episodestatuschange": {
        "id": _ANY,
        "episode": _ANY,
        "at": _ENGAGEMENT,
        "from_status": _ENGAGEMENT,
        "to_status": _ENGAGEMENT,
        "by": _ENGAGEMENT,
        # Free text written at a discharge or a status change: a clinical note.
        "note": _CLINICAL,
    },
    "returns.returnrequest": {
        "id": _ANY,
        "program": _ANY,
        "client": _ANY,
        "episode": _ANY,
        "origin": _REQUEST,
        "channel": _REQUEST,
        "phone": _REQUEST,
        "email": _REQUEST,
        "name": _REQUEST,
        # Their own words to the program and what they chose on the form:
        # whoever answers the request reads them (a crisis cannot wait for
        # a clinician to be free).
        "message": _REQUEST,
        "best_time": _REQUEST,
        "reasons_note": _REQUEST,
        "check_in_at": _REQUEST,
        "language": _REQUEST,
        "reasons": _REQUEST,
        "first_steps": _REQUEST,
        "proxy_name": _REQUEST,
        "proxy_relationship": _REQUEST,
        "proxy_phone": _REQUEST,
        "proxy_email": _REQUEST,
        "intent": _REQUEST,
        "crisis": _REQUEST,
        "crisis_category": _REQUEST,
        "status": _REQUEST,
        "assignee": _REQUEST,
        "inbound": _REQUEST,
        "created": _REQUEST,
        "due_at": _REQUEST,
        "first_response_at": _REQUEST,
        "escalated_at": _REQUEST,
        "closed_at": _REQUEST,
    },
}


# Whole rows that are clinical: every field but the keys needs view_clinical.
for _label, _fields in {
    "returns.assessment": (
        "instrument instrument_version answers result total band flagged complete source by at"
    ),
    "returns.reentryplan": (
        "steps asam_edition level_code weekly_hours transition ramp_until first_session "
        "first_group expect notes agreed_by agreed_at"
    ),
    "care.levelofcarechange": (
        "at by asam_edition from_level to_level weekly_hours transition until note"
    ),
    "care.milestone": "title met_on by",
}.items():
    FIELDS[_label] = {"id": _ANY, "episode": _ANY, "request": _ANY} | dict.fromkeys(
        _fields.split(), _CLINICAL
    )
FIELDS["care.levelofcarechange"].pop("request")
FIELDS["care.milestone"].pop("request")

# Every other kind of row in a person's record, and the action needed to see
# it at all. A model that points at a client, an episode or a return request
# must be named here or in FIELDS (tests/test_roles.py checks).
RECORDS: dict[str, str] = {
    "care.attendance": "view_schedule",
    "care.expectation": "view_schedule",
    "engagement.engagement": "view_engagement",
    "outreach.cadencestate": "view_engagement",
    "outreach.stepoutcome": "view_outreach",
    "outreach.message": "view_outreach",
    "outreach.contactpoint": "view_contact",
    "outreach.consentevent": "view_contact",
    "outreach.inboundmessage": "view_contact",
    "worklist.task": "work_tasks",
    "returns.requestevent": "manage_requests",
    "returns.contactattempt": "manage_requests",
    "disclosures.part2consent": "view_consents",
    "disclosures.disclosure": "view_consents",
    "disclosures.breakglass": "view_audit",
}


# ---------------------------------------------------------------- roles


def roles_by_program(user) -> dict[int, frozenset[str]]:
    """{program id: roles} for an active user; read once per user object
    (a request's user lives for one request, so a grant shows on the next)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_wb_roles", None)
    if cached is None:
        cached = {}
        for program_id, role in StaffRole.objects.filter(user=user).values_list(
            "program_id", "role"
        ):
            cached.setdefault(program_id, set()).add(role)
        cached = {program_id: frozenset(roles) for program_id, roles in cached.items()}
        user._wb_roles = cached
    return cached


def forget(user) -> None:
    """Drop the roles read for ``user`` (after a grant or a removal)."""
    if hasattr(user, "_wb_roles"):
        del user._wb_roles


def actions_of(roles: Iterable[str]) -> frozenset[str]:
    """Everything the given roles allow together, e.g. for an API key scoped
    to roles rather than to a person."""
    allowed = set()
    for role in roles:
        allowed |= ROLE_ACTIONS.get(role, frozenset())
    return frozenset(allowed)


def actions_for(user, program=None) -> frozenset[str]:
    """What ``user`` may do in ``program``, or in at least one program."""
    by_program = roles_by_program(user)
    if program is None:
        return actions_of(role for roles in by_program.values() for role in roles)
    return actions_of(by_program.get(_id(program), ()))


def _check(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action: {action!r}")


def can(user, action: str, program=None) -> bool:
    """May ``user`` do ``action`` in ``program`` (a Program or its id), or,
    without one, in at least one program?"""
    _check(action)
    return action in actions_for(user, program)


def program_ids_for(user, action: str) -> frozenset[int]:
    _check(action)
    return frozenset(
        program_id
        for program_id, roles in roles_by_program(user).items()
        if action in actions_of(roles)
    )


def programs_for(user, action: str):
    """The programs where ``user`` may do ``action``, as a queryset."""
    program = apps.get_model("care", "Program")
    return (
        program.objects.filter(pk__in=program_ids_for(user, action))
        .select_related("site")
        .order_by("site__name", "name")
    )


def is_staff_member(user) -> bool:
    """Holds at least one role somewhere: the door to the staff side."""
    return bool(roles_by_program(user))


def visible_fields(user, program, model) -> frozenset[str]:
    """The fields of ``model`` (a label like "care.client", a model class or
    an instance) that ``user`` may see in ``program``. For a person seen
    through several programs, pass each and take the union."""
    label = model if isinstance(model, str) else model._meta.label_lower
    allowed = actions_for(user, program)
    return frozenset(field for field, needs in FIELDS.get(label, {}).items() if needs in allowed)


# ---------------------------------------------------------------- people


def clients_in(program_ids) -> Q:
    """A filter on care.Client: the people who belong to one of the programs.

    A person belongs to a program through an episode there or a return
    request to it. Someone in no program at all yet (just imported, or only
    contact details so far) belongs to every program of their organization:
    there is nothing one program could keep from another."""
    episode = apps.get_model("care", "Episode")
    request = apps.get_model("returns", "ReturnRequest")
    program = apps.get_model("care", "Program")
    episodes = episode.objects.filter(client=OuterRef("pk"))
    requests = request.objects.filter(client=OuterRef("pk"))
    organizations = program.objects.filter(pk__in=program_ids).values("site__organization_id")
    return (
        Q(Exists(episodes.filter(program_id__in=program_ids)))
        | Q(Exists(requests.filter(program_id__in=program_ids)))
        | (Q(organization_id__in=organizations) & ~Q(Exists(episodes)) & ~Q(Exists(requests)))
    )


def client_program_ids(client, program_ids) -> set[int]:
    """Which of ``program_ids`` the person (a care.Client) belongs to."""
    episodes = apps.get_model("care", "Episode").objects.filter(client=client)
    requests = apps.get_model("returns", "ReturnRequest").objects.filter(client=client)
    own = set(episodes.values_list("program_id", flat=True)) | set(
        requests.values_list("program_id", flat=True)
    )
    if not own:
        in_organization = apps.get_model("care", "Program").objects.filter(
            pk__in=program_ids, site__organization_id=client.organization_id
        )
        return set(in_organization.values_list("pk", flat=True))
    return own & set(program_ids)


def clients_for(user, action: str):
    """The people ``user`` may do ``action`` for, as a care.Client queryset."""
    client = apps.get_model("care", "Client")
    return client.objects.filter(clients_in(program_ids_for(user, action)))


def refuse(request, object_type: str, pk, action: str):
    """For an object outside the user's programs: record the refusal in the
    audit trail, then answer 404 exactly as for an id that does not exist (a
    403 would confirm it exists: 42 CFR 2.13(c)). Every face calls this."""
    audit.record(
        AuditAction.ACCESS_DENIED,
        request=request,
        object_type=object_type,
        object_id=pk,
        outcome=AuditOutcome.DENIED,
        detail={"action": action, "status": 404},
    )
    raise Http404


def _id(program) -> int | None:
    return program if isinstance(program, int) or program is None else program.pk

"""Roles per program and minimum necessary: the declarations in
accounts/permissions.py, and what each role's pages show and hide."""

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.urls import reverse

from tests.auth import grant, sign_in
from tests.roles_world import build_world, staff_member
from welcomeback.accounts import audit, permissions, roles
from welcomeback.accounts.models import AuditAction, AuditEvent, Role, StaffRole
from welcomeback.care.episodes import open_episode
from welcomeback.engagement.discharge import discharge

pytestmark = pytest.mark.django_db

CLINICAL_NOTE = "Finished the program strong"


# ---------------------------------------------------------------- declarations


def test_every_field_of_a_declared_model_has_a_declared_need():
    for label, declared in permissions.FIELDS.items():
        fields = {field.name for field in apps.get_model(label)._meta.concrete_fields}
        assert fields - set(declared) == set(), f"declare in permissions.FIELDS[{label!r}]"
        assert set(declared) - fields == set(), f"{label} no longer has these fields"
        assert set(declared.values()) <= set(permissions.ACTIONS)


def test_every_kind_of_row_in_a_persons_record_is_declared():
    record_models = {"care.client", "care.episode", "returns.returnrequest"}
    undeclared = []
    for model in apps.get_models():
        label = model._meta.label_lower
        points_at_a_record = any(
            field.is_relation
            and field.related_model is not None
            and field.related_model._meta.label_lower in record_models
            for field in model._meta.concrete_fields
        )
        if points_at_a_record and label not in permissions.FIELDS | permissions.RECORDS:
            undeclared.append(label)
    assert undeclared == [], "declare them in permissions.FIELDS or permissions.RECORDS"
    assert set(permissions.RECORDS.values()) <= set(permissions.ACTIONS)


def test_every_role_has_its_actions_and_only_known_ones():
    assert set(permissions.ROLE_ACTIONS) == set(Role.values)
    for actions in permissions.ROLE_ACTIONS.values():
        assert actions <= set(permissions.ACTIONS)


@pytest.mark.parametrize("role", ["front_desk", "case_manager", "org_admin"])
def test_front_desk_outreach_and_admins_never_see_clinical_details(role):
    allowed = permissions.ROLE_ACTIONS[role]
    assert not allowed & {"view_clinical", "edit_clinical", "discharge"}


def test_only_clinicians_write_clinical_notes_and_only_admins_manage_staff():
    writers = {r for r, actions in permissions.ROLE_ACTIONS.items() if "edit_clinical" in actions}
    managers = {r for r, actions in permissions.ROLE_ACTIONS.items() if "manage_staff" in actions}
    assert (writers, managers) == ({Role.CLINICIAN}, {Role.ORG_ADMIN})


def test_an_organization_admin_sees_no_ones_record():
    assert not permissions.ROLE_ACTIONS[Role.ORG_ADMIN] & {
        "view_contact",
        "view_engagement",
        "view_schedule",
        "view_clinical",
        "view_outreach",
        "manage_requests",
    }


# ---------------------------------------------------------------- can, programs_for, fields


@pytest.fixture
def world():
    return build_world()


def test_a_role_counts_only_in_its_program(world):
    own, other = world
    casey = grant(User.objects.create_user("casey"), own.program, "front_desk")
    assert permissions.can(casey, "view_contact", own.program)
    assert permissions.can(casey, "view_contact", own.program.pk)
    assert not permissions.can(casey, "view_contact", other.program)
    assert not permissions.can(casey, "view_clinical", own.program)
    assert list(permissions.programs_for(casey, "view_contact")) == [own.program]
    assert list(permissions.clients_for(casey, "view_contact")) == [own.client]


def test_roles_in_several_programs_add_up_program_by_program(world):
    own, other = world
    kim = User.objects.create_user("kim")
    grant(kim, own.program, "front_desk")
    grant(kim, other.program, "clinician")
    assert not permissions.can(kim, "view_clinical", own.program)
    assert permissions.can(kim, "view_clinical", other.program)
    assert permissions.can(kim, "view_clinical")  # somewhere
    assert permissions.program_ids_for(kim, "view_contact") == {own.program.pk, other.program.pk}


def test_superusers_and_inactive_staff_get_nothing_from_the_tables(world):
    own, _other = world
    root = User.objects.create_superuser("root")
    assert not permissions.can(root, "view_contact", own.program)
    gone = grant(User.objects.create_user("gone"), own.program, "director")
    gone.is_active = False
    assert not permissions.can(gone, "view_contact", own.program)
    assert not permissions.can(None, "view_contact")


def test_unknown_actions_are_a_mistake_not_a_no():
    with pytest.raises(ValueError):
        permissions.can(User(), "view_everything")


def test_visible_fields_are_minimum_necessary(world):
    own, _other = world
    desk = grant(User.objects.create_user("desk"), own.program, "front_desk")
    clinician = grant(User.objects.create_user("doc"), own.program, "clinician")
    desk_sees = permissions.visible_fields(desk, own.program, "care.episode")
    assert {"status", "started"} <= desk_sees
    assert not desk_sees & {"level_of_care", "discharge_reason", "weekly_hours"}
    assert permissions.visible_fields(clinician, own.program, own.episode) == set(
        permissions.FIELDS["care.episode"]
    )
    assert permissions.visible_fields(desk, own.program, "returns.assessment") == {
        "id",
        "episode",
        "request",
    }
    assert {"phone", "email", "discreet"} <= permissions.visible_fields(
        desk, own.program, "care.client"
    )


def test_grants_and_removals_are_audited_and_granting_twice_is_one_grant(
    world, django_capture_on_commit_callbacks
):
    own, _other = world
    director = User.objects.create_user("dee")
    kim = User.objects.create_user("kim")
    with django_capture_on_commit_callbacks(execute=True):
        roles.grant(kim, own.program, Role.CASE_MANAGER, by=director)
        roles.grant(kim, own.program, Role.CASE_MANAGER, by=director)
        assert roles.revoke(kim, own.program, Role.CASE_MANAGER, by=director)
    assert not StaffRole.objects.filter(user=kim).exists()
    trail = AuditEvent.objects.filter(object_type="accounts.staffrole").order_by("seq")
    assert [(e.action, e.actor, e.program_id) for e in trail] == [
        ("create", director, own.program.pk),
        ("delete", director, own.program.pk),
    ]
    assert trail[0].details == {"role": "case_manager", "user": kim.pk}


def test_a_removed_role_stops_at_the_next_request(client, world):
    own, _other = world
    http = staff_member(client, "front_desk", own.program)
    url = reverse("staff:person", args=[own.client.pk])
    assert http.get(url).status_code == 200
    roles.revoke(http.user, own.program, Role.FRONT_DESK)
    assert http.get(url).status_code == 403


# ---------------------------------------------------------------- pages


@pytest.fixture
def discharged(world):
    """Ana's episode in Alder ended with a reason and a note; she has a new
    episode in Birch too."""
    own, other = world
    doctor = User.objects.create_user("doctor")
    discharge(own.episode, 1, doctor, CLINICAL_NOTE)
    open_episode(own.client, other.program)
    return world


def person_page(http, client):
    response = http.get(reverse("staff:person", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_front_desk_sees_contact_and_status_but_no_clinical_detail(client, discharged):
    own, other = discharged
    page = person_page(staff_member(client, "front_desk", own.program), own.client)
    assert own.client.phone in page and "Finished" in page
    assert CLINICAL_NOTE not in page and "Treatment completed" not in page
    assert "Intensive outpatient" not in page and "Record a discharge" not in page
    assert other.program.name not in page, "another program's episode stays there"


def test_a_clinician_sees_the_clinical_detail_of_their_program_only(client, discharged):
    own, other = discharged
    page = person_page(staff_member(client, "clinician", own.program), own.client)
    assert CLINICAL_NOTE in page or "Treatment completed" in page
    assert other.program.name not in page


def test_each_role_sees_only_the_menu_it_may_use(client, world):
    own, _other = world
    menus = {}
    for role in ("front_desk", "case_manager", "director", "org_admin"):
        http = staff_member(HttpClientFor(client), role, own.program, username=role)
        response = http.get(reverse("staff:today"), follow=True)
        menus[role] = response.content.decode().split("</nav>")[0]
    assert "Templates" not in menus["front_desk"] and "Outreach" not in menus["front_desk"]
    assert "Audit" not in menus["front_desk"] and "Settings" not in menus["front_desk"]
    assert "Templates" in menus["case_manager"] and "Audit" not in menus["case_manager"]
    assert "Audit" in menus["director"]
    assert "Today" not in menus["org_admin"] and "Templates" in menus["org_admin"]


def HttpClientFor(client):  # noqa: N802
    """A fresh test client per role, so sign-ins do not mix."""
    return type(client)()


def test_an_organization_admin_lands_on_a_page_their_role_opens(client, world):
    own, _other = world
    http = staff_member(client, "org_admin", own.program)
    response = http.get(reverse("staff:today"))
    assert (response.status_code, response["Location"]) == (302, reverse("staff:templates"))


def test_a_director_reads_the_audit_trail_of_their_program_only(client, world):
    own, other = world
    audit.record(AuditAction.VIEW, object_type="care.client", program_id=own.program.pk)
    audit.record(AuditAction.VIEW, object_type="care.client", program_id=other.program.pk)
    audit.record(AuditAction.VIEW, object_type="care.client", client_id=other.client.pk)
    http = staff_member(client, "director", own.program)
    response = http.get(reverse("audit:events"))
    assert response.status_code == 200
    programs = {row.program_id for row in response.context["rows"]}
    clients = {row.client_id for row in response.context["rows"]}
    assert own.program.pk in programs and other.program.pk not in programs
    assert other.client.pk not in clients
    assert http.get(reverse("audit:client_report", args=[own.client.pk])).status_code == 200
    assert http.get(reverse("audit:client_report", args=[other.client.pk])).status_code == 404


def test_an_org_admin_reads_the_trail_but_not_the_names_in_it(client, world):
    own, _other = world
    http = staff_member(client, "org_admin", own.program)
    report = http.get(reverse("audit:client_report", args=[own.client.pk]))
    assert report.status_code == 200
    assert own.client.last_name not in report.content.decode()
    director = sign_in(type(client)(), User.objects.create_user("dee"), own.program, ("director",))
    named = director.get(reverse("audit:client_report", args=[own.client.pk]))
    assert own.client.last_name in named.content.decode()


def test_the_role_table_in_the_docs_is_the_one_in_the_code():
    from pathlib import Path

    columns = [Role.FRONT_DESK, Role.CASE_MANAGER, Role.CLINICIAN, Role.DIRECTOR, Role.ORG_ADMIN]
    text = (Path(__file__).parent.parent / "docs" / "security.md").read_text()
    documented = {}
    for line in text.splitlines():
        if line.startswith("| `") and line.count("|") == 8:
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            action = cells[0].strip("`")
            if action in permissions.ACTIONS:
                documented[action] = {
                    r for r, mark in zip(columns, cells[2:], strict=True) if mark == "✓"
                }
    in_code = {
        action: {role for role in columns if action in permissions.ROLE_ACTIONS[role]}
        for action in permissions.ACTIONS
    }
    assert documented == in_code, "update the table in docs/security.md, Roles and access"


def test_the_person_page_never_holds_clinical_fields_the_viewer_may_not_see(client, discharged):
    own, _other = discharged
    response = staff_member(client, "front_desk", own.program).get(
        reverse("staff:person", args=[own.client.pk])
    )
    (episode,) = response.context["episodes"]
    assert (episode.discharge_reason, episode.level_of_care, episode.weekly_hours) == (
        None,
        "",
        None,
    )
    with pytest.raises(RuntimeError):
        episode.save()
    own.episode.refresh_from_db()
    assert own.episode.discharge_reason == 1, "blanked for display only"

"""The team page: an organization admin gives and removes roles in their
programs, each change audited; nobody else may, and nowhere else."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.roles_world import build_world, staff_member
from welcomeback.accounts.models import AuditEvent, Role, StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def admin(client, world):
    own, _other = world
    return staff_member(client, "org_admin", own.program, username="ola")


def test_an_admin_sees_who_holds_which_role_in_their_program(admin, world):
    own, other = world
    page = admin.get(reverse("staff:team")).content.decode()
    assert own.staff_role.user.username in page and "Front desk" in page
    assert other.staff_role.user.username not in page and other.program.name not in page


def test_an_admin_gives_a_role_and_it_is_audited(admin, world, django_capture_on_commit_callbacks):
    own, _other = world
    kim = User.objects.create_user("kim")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("staff:team"),
            {"username": "kim", "program": own.program.pk, "role": Role.CASE_MANAGER},
        )
    assert response.status_code == 302
    assert StaffRole.objects.filter(user=kim, program=own.program, role="case_manager").exists()
    event = AuditEvent.objects.get(object_type="accounts.staffrole", action="create")
    assert (event.actor.username, event.program_id) == ("ola", own.program.pk)


def test_an_unknown_username_or_another_program_is_explained_not_granted(admin, world):
    own, other = world
    User.objects.create_user("kim")
    unknown = admin.post(
        reverse("staff:team"),
        {"username": "nobody", "program": own.program.pk, "role": "clinician"},
    )
    elsewhere = admin.post(
        reverse("staff:team"), {"username": "kim", "program": other.program.pk, "role": "clinician"}
    )
    assert (unknown.status_code, elsewhere.status_code) == (400, 400)
    assert "No active account has that username" in unknown.content.decode()
    assert not StaffRole.objects.filter(user__username="kim").exists()


def test_an_admin_removes_a_role_but_not_their_own_admin_role(admin, world):
    own, _other = world
    response = admin.post(reverse("staff:team_remove", args=[own.staff_role.pk]))
    assert response.status_code == 302
    assert not StaffRole.objects.filter(pk=own.staff_role.pk).exists()
    mine = StaffRole.objects.get(user=admin.user, role=Role.ORG_ADMIN)
    admin.post(reverse("staff:team_remove", args=[mine.pk]))
    assert StaffRole.objects.filter(pk=mine.pk).exists()


def test_a_director_may_not_manage_the_team(client, world):
    own, _other = world
    director = staff_member(client, "director", own.program)
    assert director.get(reverse("staff:team")).status_code == 403
    assert director.post(reverse("staff:team_remove", args=[own.staff_role.pk])).status_code == 403
    assert StaffRole.objects.filter(pk=own.staff_role.pk).exists()


def test_a_superuser_gives_and_removes_roles_on_the_admin_site_audited(
    client, world, django_capture_on_commit_callbacks
):
    own, _other = world
    from tests.auth import sign_in

    root = sign_in(client, User.objects.create_superuser("root"))
    kim = User.objects.create_user("kim")
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(
            reverse("admin:accounts_staffrole_add"),
            {"user": kim.pk, "program": own.program.pk, "role": "clinician"},
        )
    assert response.status_code == 302
    made = StaffRole.objects.get(user=kim)
    assert made.granted_by.username == "root"
    with django_capture_on_commit_callbacks(execute=True):
        root.post(reverse("admin:accounts_staffrole_delete", args=[made.pk]), {"post": "yes"})
    assert not StaffRole.objects.filter(user=kim).exists()
    trail = AuditEvent.objects.filter(object_type="accounts.staffrole").order_by("seq")
    assert [(e.action, e.actor.username) for e in trail] == [("create", "root"), ("delete", "root")]

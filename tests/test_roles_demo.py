"""The demo ships one staff login per role (demo/staff_users.py)."""

import pytest
from django.contrib.auth import get_user_model

from welcomeback.accounts import permissions
from welcomeback.accounts.models import Role, StaffRole
from welcomeback.demo.catalog import build_catalog
from welcomeback.demo.staff_users import DEMO_STAFF_PASSWORD, create_demo_staff, demo_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs():
    return build_catalog().programs


def test_there_is_a_demo_login_for_every_role(programs):
    users = {user.username: user for user in create_demo_staff(programs)}
    held = set(StaffRole.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    for person in demo_staff():
        assert users[person.username].check_password(DEMO_STAFF_PASSWORD)
        assert person.describe()


def test_the_demo_logins_see_what_their_roles_allow(programs):
    users = {user.username: user for user in create_demo_staff(programs)}
    evenings, lakeshore = programs["evenings"], programs["young-adults"]
    assert permissions.can(users["demo"], "view_clinical", evenings)
    assert permissions.can(users["demo"], "view_clinical", lakeshore)
    assert users["demo"].is_superuser, "the admin site stays reachable from the printed login"
    assert permissions.can(users["frontdesk"], "view_contact", evenings)
    assert not permissions.can(users["frontdesk"], "view_clinical", evenings)
    assert not permissions.can(users["orgadmin"], "view_contact", evenings)
    assert permissions.can(users["orgadmin"], "manage_staff", lakeshore)
    assert permissions.program_ids_for(users["lakeshore"], "view_contact") == {lakeshore.pk}


def test_creating_them_again_changes_nothing(programs):
    create_demo_staff(programs)
    count = StaffRole.objects.count()
    create_demo_staff(programs)
    assert StaffRole.objects.count() == count
    assert get_user_model().objects.filter(username="frontdesk").count() == 1

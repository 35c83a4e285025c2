"""IDOR probes and CSRF: every staff URL that names an object, asked with
the id of another program's object, answers exactly as for an id that does
not exist (404), changes nothing, and leaves an access-refused event; every
staff form posted without its CSRF token is refused (403)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from tests.auth import sign_in
from tests.roles_world import build_world
from tests.test_access_matrix import STAFF
from welcomeback.accounts.models import AuditEvent, StaffRole
from welcomeback.care.models import Attendance, EpisodeStatus
from welcomeback.returns.models import ReturnRequest
from welcomeback.worklist.models import TaskStatus

pytestmark = pytest.mark.django_db

OBJECT_ROUTES = {name: route for name, route in STAFF.items() if route.obj}
NOWHERE = 987654


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def insider(client, world):
    """Every role in the own program: any refusal is about the program."""
    own, _other = world
    user = User.objects.create_user("insider")
    roles = ("front_desk", "case_manager", "clinician", "director", "org_admin")
    return sign_in(client, user, programs=own.program, roles=roles)


def snapshot(side):
    side.request.refresh_from_db()
    side.task.refresh_from_db()
    side.episode.refresh_from_db()
    side.client.refresh_from_db()
    side.api_key.refresh_from_db()
    side.webhook.refresh_from_db()
    return (
        sorted(StaffRole.objects.filter(program=side.program).values_list("user_id", "role")),
        side.api_key.revoked,
        side.webhook.active,
        side.request.status,
        side.request.assignee_id,
        side.request.attempts.count(),
        side.task.status,
        side.episode.status,
        side.client.language,
        side.template.versions.count(),
        Attendance.objects.filter(client=side.client).count(),
    )


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
def test_another_programs_id_is_not_found_like_an_id_that_does_not_exist(insider, world, name):
    own, other = world
    route = OBJECT_ROUTES[name]
    before = snapshot(other)
    theirs = reverse(name, args=[other.objects()[route.obj].pk])
    nowhere = reverse(name, args=[NOWHERE])
    for method in ["GET"] * route.get + ["POST"] * bool(route.post):
        send = insider.get if method == "GET" else insider.post
        data = {} if method == "GET" else route.post(other)
        refused, missing = send(theirs, data), send(nowhere, data)
        assert (refused.status_code, missing.status_code) == (404, 404), method
        # The same page, but for the address asked (should a page ever show it).
        assert refused.content.replace(theirs.encode(), b"") == (
            missing.content.replace(nowhere.encode(), b"")
        ), "the two 404s must not be told apart"
    assert snapshot(other) == before, "nothing of the other program changed"
    denied = AuditEvent.objects.filter(
        action="access_denied", object_id=other.objects()[route.obj].pk
    )
    assert denied.exists(), "refuse with accounts.permissions.refuse(), which audits the 404"
    assert {event.outcome for event in denied} == {"denied"}


def test_a_roll_call_cannot_mark_someone_of_another_program(insider, world):
    own, other = world
    response = insider.post(
        reverse("staff:roll_call", args=[own.session.pk]),
        {
            f"mark-{own.client.pk}": "attended",
            f"mark-{other.client.pk}": "attended",
            "drop_in_client": other.client.pk,
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(client=own.client, session=own.session).exists()
    assert not Attendance.objects.filter(client=other.client).exists()


def test_a_request_cannot_be_opened_for_another_program(insider, world):
    _own, other = world
    before = ReturnRequest.objects.filter(program=other.program).count()
    response = insider.post(
        reverse("staff:request_new"),
        {
            "program": other.program.pk,
            "channel": "phone",
            "phone": "+12125550199",
            "language": "en",
        },
    )
    assert response.status_code == 400
    assert ReturnRequest.objects.filter(program=other.program).count() == before


def test_a_task_closed_elsewhere_is_not_closed(insider, world):
    _own, other = world
    insider.post(reverse("staff:task_done", args=[other.task.pk]), {"outcome": "done"})
    other.task.refresh_from_db()
    assert other.task.status == TaskStatus.OPEN


def test_a_discharge_elsewhere_is_not_recorded(insider, world):
    _own, other = world
    insider.post(reverse("staff:discharge", args=[other.episode.pk]), {"reason": "1"})
    other.episode.refresh_from_db()
    assert other.episode.status == EpisodeStatus.ACTIVE


def test_the_task_form_sends_nobody_to_another_site(insider, world):
    own, _other = world
    response = insider.post(
        reverse("staff:task_done", args=[own.task.pk]), {"next": "https://example.com/x"}
    )
    assert response["Location"] == reverse("staff:tasks")


# ---------------------------------------------------------------- CSRF


FORMS = {name: route for name, route in STAFF.items() if route.post}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_staff_form_posted_without_its_token_is_refused(world, name):
    own, _other = world
    user = User.objects.create_user("careful")
    http = sign_in(HttpClient(enforce_csrf_checks=True), user, programs=own.program)
    route = FORMS[name]
    url = reverse(name, args=[own.objects()[route.obj].pk]) if route.obj else reverse(name)
    before = snapshot(own)
    assert http.post(url, route.post(own)).status_code == 403
    assert snapshot(own) == before


def test_the_same_form_with_its_token_goes_through(world):
    own, _other = world
    user = User.objects.create_user("careful")
    http = sign_in(HttpClient(enforce_csrf_checks=True), user, programs=own.program)
    page = http.get(reverse("staff:request", args=[own.request.pk]))
    token = page.context["csrf_token"]
    response = http.post(
        reverse("staff:request_take", args=[own.request.pk]), {"csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    own.request.refresh_from_db()
    assert own.request.assignee == user


def test_signing_out_and_switching_language_need_the_token_too(world):
    http = HttpClient(enforce_csrf_checks=True)
    assert http.post(reverse("logout")).status_code == 403
    assert http.post(reverse("set_language"), {"language": "es"}).status_code == 403

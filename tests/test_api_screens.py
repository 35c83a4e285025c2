"""The staff screens for API keys and webhooks: only an organization admin
of the program makes them; a key's token and a webhook's secret are shown
once, then never again."""

import pytest
from django.contrib.auth.models import User

from tests.auth import sign_in
from tests.factories import harbor, riverbend
from welcomeback.api.keys import create_key, digest
from welcomeback.api.models import ApiKey, WebhookSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return riverbend()


@pytest.fixture
def admin(client, program):
    user = User.objects.create_user("ada", password="x")
    return sign_in(client, user, programs=[program], roles=("org_admin",))


def test_an_admin_makes_a_key_and_sees_its_token_once(admin, program):
    response = admin.post(
        "/staff/api-keys/", {"program": program.pk, "name": "EHR sync", "scope": "write"}
    )
    assert response.status_code == 201
    key = ApiKey.objects.get()
    token = response.context["token"]
    assert key.hashed == digest(token) and key.scope == "write"
    assert token in response.content.decode()
    again = admin.get("/staff/api-keys/")
    assert token not in again.content.decode()
    assert f"wbk_{key.prefix}" in again.content.decode()


def test_an_admin_revokes_a_key(admin, program):
    key, _token = create_key(program, "EHR", "read")
    response = admin.post(f"/staff/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked is not None


def test_another_programs_key_cannot_be_revoked(admin):
    key, _token = create_key(harbor(), "EHR", "read")
    assert admin.post(f"/staff/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked is None


def test_staff_who_do_not_run_the_program_cannot_make_keys(client, program):
    user = User.objects.create_user("cm", password="x")
    sign_in(client, user, programs=[program], roles=("case_manager", "director"))
    assert client.get("/staff/api-keys/").status_code == 403
    assert client.get("/staff/webhooks/").status_code == 403


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(admin, program):
    response = admin.post(
        "/staff/webhooks/",
        {
            "program": program.pk,
            "url": "https://ehr.example.org/hooks",
            "events": ["engagement.status_changed"],
        },
    )
    assert response.status_code == 201
    sub = WebhookSubscription.objects.get()
    assert sub.events == ["engagement.status_changed"]
    assert response.context["secret"] == sub.secret
    page = admin.get(f"/staff/webhooks/{sub.pk}/").content.decode()
    assert (
        sub.secret not in page and sub.secret not in admin.get("/staff/webhooks/").content.decode()
    )
    admin.post(f"/staff/webhooks/{sub.pk}/off/")
    sub.refresh_from_db()
    assert sub.active is False


def test_a_webhook_must_use_https(admin, program):
    response = admin.post(
        "/staff/webhooks/",
        {
            "program": program.pk,
            "url": "http://ehr.example.org/hooks",
            "events": ["return_request.opened"],
        },
    )
    assert response.status_code == 400
    assert "Use an https:// address." in response.content.decode()
    assert not WebhookSubscription.objects.exists()

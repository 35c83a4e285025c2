"""The demo's logins come with an authenticator key printed by `make run`;
a code made from the printed key signs in. Never with production settings."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from welcomeback.demo.logins import code_now, demo_secret, print_demo_logins
from welcomeback.demo.staff_users import DEMO_STAFF_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users():
    return [
        User.objects.create_user(name, password=DEMO_STAFF_PASSWORD)
        for name in ("demo", "frontdesk")
    ]


def test_make_run_prints_each_demo_login_with_a_key_that_signs_in(client, settings, demo_users):
    settings.DEBUG = True
    lines = []
    print_demo_logins(lines.append)
    printed = "\n".join(lines)

    for user in demo_users:
        assert f"key {demo_secret(user.username)}" in printed
        assert f"otpauth://totp/Welcome%20Back%3A{user.username}?secret=" in printed
    assert DEMO_STAFF_PASSWORD in printed
    client.post(reverse("login"), {"username": "frontdesk", "password": DEMO_STAFF_PASSWORD})
    response = client.post(reverse("signin:verify"), {"code": code_now("frontdesk")})
    assert response.status_code == 302
    assert client.session["otp_device_id"]


def test_printing_twice_keeps_one_authenticator_each(settings, demo_users):
    settings.DEBUG = True
    print_demo_logins(lambda line: None)
    print_demo_logins(lambda line: None)
    assert TOTPDevice.objects.filter(user__in=demo_users).count() == 2


def test_nothing_is_made_or_printed_with_production_settings(settings, demo_users):
    settings.DEBUG = False
    lines = []
    print_demo_logins(lines.append)
    assert lines == []
    assert not TOTPDevice.objects.exists()

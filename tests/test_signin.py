"""Signing in: password, then a second factor (set up on first sign-in),
recovery codes, lockout, the idle timeout and one's own sessions.

Codes are real: computed from the device's key with django-otp's TOTP
function at the (travelled) time of the test, never mocked."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.auth import grant, sign_in
from tests.factories import ProgramFactory
from welcomeback.accounts.models import AuditEvent
from welcomeback.signin.models import StaffSession
from welcomeback.signin.sessions import describe_device

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
START = datetime(2026, 5, 4, 14, 0, 7, tzinfo=UTC)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def casey():
    user = User.objects.create_user("casey", password=PASSWORD, is_staff=True)
    grant(user, ProgramFactory(), "front_desk")
    return user


@pytest.fixture
def enrolled(casey):
    """Casey, with an authenticator app set up."""
    TOTPDevice.objects.create(user=casey, name="Authenticator app", confirmed=True)
    return casey


def code_now(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def password_step(client, username="casey", password=PASSWORD, next_url="/staff/", **extra):
    return client.post(
        reverse("login") + f"?next={next_url}",
        {"username": username, "password": password},
        **extra,
    )


def code_step(client, code, next_url="/staff/"):
    return client.post(reverse("signin:verify"), {"code": code, "next": next_url})


def audit(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


# ---------------------------------------------------------------- first sign-in


def test_first_sign_in_sets_up_an_authenticator_with_a_real_code(client, casey, clock):
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("signin:set_up") + "?next=/staff/"
    assert client.get("/staff/")["Location"].startswith(reverse("signin:set_up"))

    page = client.get(reverse("signin:set_up") + "?next=/staff/")
    html = page.content.decode()
    assert '<svg width="' in html and 'class="qr"' in html
    device = TOTPDevice.objects.get(user=casey, confirmed=False)
    secret = page.context["secret"].replace(" ", "")
    assert secret in html.replace(" ", "")
    assert "otpauth://" not in html  # the QR code carries it; the page shows the key only

    confirmed = client.post(reverse("signin:set_up"), {"code": code_now(device), "next": "/staff/"})

    assert confirmed.status_code == 200
    assert (
        confirmed["Cache-Control"].startswith("max-age=0")
        or "no-store" in confirmed["Cache-Control"]
    )
    codes = confirmed.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=casey).count() == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/staff/").status_code == 200


def test_a_wrong_code_does_not_turn_the_second_step_on(client, casey, clock):
    password_step(client)
    client.get(reverse("signin:set_up"))
    device = TOTPDevice.objects.get(user=casey)
    wrong = f"{(int(code_now(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("signin:set_up"), {"code": wrong})

    assert response.status_code == 200
    assert "That code did not match" in response.content.decode()
    assert response.context["secret"]  # the same key, to try again
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/staff/").status_code == 302


def test_the_key_being_set_up_survives_a_reload(client, casey, clock):
    password_step(client)
    first = client.get(reverse("signin:set_up")).context["secret"]
    assert client.get(reverse("signin:set_up")).context["secret"] == first


# ---------------------------------------------------------------- later sign-ins


def test_a_code_from_the_app_completes_sign_in_and_is_audited(client, enrolled, clock):
    response = password_step(client)
    assert response["Location"] == reverse("signin:verify") + "?next=/staff/"
    assert client.get("/staff/people/1/")["Location"].startswith(reverse("signin:verify"))

    clock.shift(31)
    done = code_step(client, code_now(TOTPDevice.objects.get(user=enrolled)))

    assert (done.status_code, done["Location"]) == (302, "/staff/")
    assert client.get("/staff/").status_code == 200
    password, second = audit("sign_in")
    assert (password.actor, password.details) == (enrolled, {})
    assert (second.actor, second.details) == (enrolled, {"second_factor": "totp"})


def test_a_code_is_accepted_once(client, enrolled, clock):
    device = TOTPDevice.objects.get(user=enrolled)
    password_step(client)
    code = code_now(device)
    assert code_step(client, code).status_code == 302

    other = Client()
    password_step(other)
    clock.shift(2)
    replayed = code_step(other, code)

    assert replayed.status_code == 200
    assert "That code did not work" in replayed.content.decode()


def test_next_never_leaves_the_site(client, enrolled, clock):
    password_step(client, next_url="https://evil.example/")
    response = code_step(
        client, code_now(TOTPDevice.objects.get(user=enrolled)), "https://evil.example/"
    )
    assert response["Location"] == reverse("staff:today")


def test_the_session_key_changes_at_sign_in_and_again_after_the_code(client, enrolled, clock):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "planted-by-someone-else-0123456789"
    password_step(client)
    after_password = client.cookies["sessionid"].value
    assert after_password != "planted-by-someone-else-0123456789"
    row = StaffSession.objects.get(user=enrolled)
    assert row.session_key == after_password

    code_step(client, code_now(TOTPDevice.objects.get(user=enrolled)))

    after_code = client.cookies["sessionid"].value
    assert after_code != after_password
    row.refresh_from_db()
    assert row.session_key == after_code
    old = Client()
    old.cookies["sessionid"] = after_password
    assert old.get("/staff/")["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------- recovery codes


def recovery_codes_for(client, user):
    """Codes shown once, as a staff member would copy them."""
    response = client.post(reverse("signin:recovery_codes"))
    assert response.status_code == 200
    return response.context["codes"]


def test_a_recovery_code_signs_in_once(client, enrolled, clock):
    sign_in(client, enrolled)
    codes = recovery_codes_for(client, enrolled)
    client.post(reverse("logout"))

    password_step(client)
    assert code_step(client, codes[0].upper()).status_code == 302
    assert client.get("/staff/").status_code == 200
    assert audit("sign_in")[-1].details == {"second_factor": "recovery_code"}
    client.post(reverse("logout"))

    password_step(client)
    again = code_step(client, codes[0])
    assert again.status_code == 200
    assert "That code did not work" in again.content.decode()
    assert StaticToken.objects.filter(device__user=enrolled).count() == 9
    assert audit("sign_in_failed")[-1].path == reverse("signin:verify")


def test_new_recovery_codes_replace_the_old_ones(client, enrolled, clock):
    sign_in(client, enrolled)
    old = recovery_codes_for(client, enrolled)
    page = client.get(reverse("signin:recovery_codes"))
    assert "You have 10 recovery codes left." in page.content.decode()

    new = recovery_codes_for(client, enrolled)

    assert not set(old) & set(new)
    client.post(reverse("logout"))
    password_step(client)
    assert code_step(client, old[1]).status_code == 200
    clock.shift(5)
    assert code_step(client, new[1]).status_code == 302


# ---------------------------------------------------------------- who is sent where


def staff_and_admin_paths():
    """A path for every URL pattern under /staff/ and /admin/ (ids filled in)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                yield prefix + route

    for route in walk(get_resolver().url_patterns, "/"):
        if route.startswith("/^") or "(?P" in route or not route.startswith(("/staff", "/admin")):
            continue  # the admin's regex routes; its ordinary pages are enough
        path = re.sub(r"<int:\w+>", "1", route)
        path = re.sub(r"<uuid:\w+>", "12345678-1234-5678-1234-567812345678", path)
        yield re.sub(r"<(?:\w+:)?\w+>", "x", path).replace("^", "").replace("$", "")


def test_every_staff_and_admin_url_asks_for_the_second_factor_first(client, enrolled):
    client.force_login(enrolled)  # password only
    paths = sorted(set(staff_and_admin_paths()))
    assert "/staff/" in paths and "/admin/" in paths and len(paths) > 20

    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(reverse("signin:verify") + "?next="), path


def test_a_staff_member_without_an_authenticator_is_sent_to_set_one_up(client, casey):
    client.force_login(casey)
    assert client.get("/staff/tasks/")["Location"] == (
        reverse("signin:set_up") + "?next=/staff/tasks/"
    )


def test_htmx_requests_move_the_whole_page(client, enrolled):
    client.force_login(enrolled)
    response = client.post("/staff/templates/1/check/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("signin:verify"))


def test_public_pages_and_the_api_do_not_ask_for_a_second_factor(client, enrolled):
    ProgramFactory()
    client.force_login(enrolled)
    assert client.get("/").status_code == 200
    assert client.get("/come-back/").status_code == 200
    assert not client.get("/api/").get("Location", "").startswith(reverse("signin:verify"))


def test_the_admin_signs_in_through_the_same_two_steps(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"].startswith(reverse("login") + "?next=/admin/")


def test_passwords_are_hashed_with_argon2(casey):
    assert casey.password.startswith("argon2$argon2id$")


# ---------------------------------------------------------------- lockout


def test_five_wrong_passwords_pause_signing_in_for_fifteen_minutes(client, enrolled, clock):
    for _ in range(4):
        assert password_step(client, password="not-it").status_code == 200
    fifth = password_step(client, password="not-it")

    assert fifth.status_code == 429
    assert "paused for 15 minutes" in fifth.content.decode()
    assert password_step(client).status_code == 429  # even the right password
    locked = audit("sign_in_failed", outcome="denied")
    assert locked and locked[0].actor_label == "casey"
    assert locked[0].details == {"locked_out": True}

    clock.shift(timedelta(minutes=15, seconds=1))
    assert password_step(client).status_code == 302


def test_the_pause_looks_the_same_for_a_username_that_does_not_exist(client, enrolled, clock):
    answers = {}
    for username in ("casey", "nobody-here"):
        for _ in range(5):
            response = password_step(client, username=username, password="not-it")
        page = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())  # CSRF tokens
        answers[username] = (response.status_code, page)
    assert answers["casey"] == answers["nobody-here"]


def test_wrong_codes_count_towards_the_lockout_even_across_sign_ins(client, enrolled, clock):
    password_step(client)
    for _ in range(3):
        clock.shift(20)  # past the device's own slow-down
        assert code_step(client, "000000").status_code == 200
    client.post(reverse("logout"))
    password_step(client)  # the right password does not clear the count
    clock.shift(20)
    assert code_step(client, "000000").status_code == 200
    clock.shift(20)

    fifth = code_step(client, "000000")

    assert fifth.status_code == 429
    assert client.get("/staff/")["Location"].startswith(reverse("login"))  # signed out
    assert audit("sign_out")[-1].details == {"reason": "locked_out"}
    assert len(audit("sign_in_failed", outcome="failure")) == 4 + 1


def test_passing_both_steps_clears_the_count(client, enrolled, clock):
    for _ in range(4):
        password_step(client, password="not-it")
    password_step(client)
    code_step(client, code_now(TOTPDevice.objects.get(user=enrolled)))
    client.post(reverse("logout"))

    for _ in range(4):
        assert password_step(client, password="not-it").status_code == 200


def test_codes_typed_too_fast_after_a_wrong_one_are_not_counted(client, enrolled, clock):
    password_step(client)
    code_step(client, "000000")
    too_soon = code_step(client, "111111")
    assert "wait a few seconds" in too_soon.content.decode()
    assert len(audit("sign_in_failed")) == 1


# ---------------------------------------------------------------- idle timeout


def test_fifteen_idle_minutes_sign_a_staff_member_out_kindly(client, enrolled, clock):
    sign_in(client, enrolled)
    clock.shift(timedelta(minutes=14))
    assert client.get("/staff/").status_code == 200
    clock.shift(timedelta(minutes=14, seconds=59))
    assert client.get("/staff/").status_code == 200

    clock.shift(timedelta(minutes=15, seconds=1))
    response = client.get("/staff/tasks/")

    assert response["Location"] == reverse("login") + "?next=/staff/tasks/"
    notice = client.get(response["Location"]).content.decode()
    assert "signed out after 15 minutes without activity" in notice
    (out,) = audit("sign_out")
    assert (out.actor, out.details, out.path) == (enrolled, {"reason": "idle"}, "/staff/tasks/")
    assert not StaffSession.objects.filter(user=enrolled).exists()


def test_the_timeout_is_the_shortest_of_the_staff_members_programs(client, enrolled, clock):
    grant(enrolled, ProgramFactory(idle_timeout_minutes=5), "clinician")
    sign_in(client, enrolled)
    clock.shift(timedelta(minutes=4))
    assert client.get("/staff/").status_code == 200
    clock.shift(timedelta(minutes=5, seconds=1))
    assert client.get("/staff/").status_code == 302


def test_an_htmx_request_after_the_timeout_moves_the_whole_page(client, enrolled, clock):
    sign_in(client, enrolled)
    clock.shift(timedelta(minutes=16))
    response = client.post("/staff/templates/1/check/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("login"))


# ---------------------------------------------------------------- sessions


def test_a_staff_member_sees_their_sessions_and_ends_one(enrolled, clock):
    laptop, phone = Client(HTTP_USER_AGENT=FIREFOX), Client(HTTP_USER_AGENT=IPHONE)
    device = TOTPDevice.objects.get(user=enrolled)
    for browser in (laptop, phone):
        clock.shift(31)
        password_step(browser)
        code_step(browser, code_now(device))
    clock.shift(timedelta(minutes=3))
    assert phone.get("/staff/").status_code == 200

    page = laptop.get(reverse("signin:my_sessions"))
    html = page.content.decode()
    assert "Firefox, Windows" in html and "Safari, iPhone" in html
    assert html.count("End this session") == 1  # this device signs out instead
    phone_row = StaffSession.objects.get(device="Safari, iPhone")
    assert phone_row.ip == "127.0.0.1"
    assert phone_row.last_seen == START + timedelta(seconds=62, minutes=3)

    ended = laptop.post(reverse("signin:end_session", args=[phone_row.pk]))

    assert ended["Location"] == reverse("signin:my_sessions")
    assert phone.get("/staff/")["Location"].startswith(reverse("login"))
    assert laptop.get("/staff/").status_code == 200
    (out,) = audit("sign_out")
    assert (out.actor, out.object_type, out.object_id, out.details) == (
        enrolled,
        "signin.staffsession",
        str(phone_row.pk),
        {"reason": "ended_by_user"},
    )


def test_nobody_ends_someone_elses_session(client, enrolled, clock):
    other = User.objects.create_user("robin", password=PASSWORD)
    sign_in(Client(), other)
    theirs = StaffSession.objects.get(user=other)
    sign_in(client, enrolled)

    assert client.post(reverse("signin:end_session", args=[theirs.pk])).status_code == 404
    assert StaffSession.objects.filter(pk=theirs.pk).exists()


def test_signing_out_removes_the_session_from_the_list(client, enrolled):
    sign_in(client, enrolled)
    assert StaffSession.objects.filter(user=enrolled).count() == 1
    client.post(reverse("logout"))
    assert not StaffSession.objects.filter(user=enrolled).exists()


def test_sessions_idle_past_their_timeout_leave_the_list(enrolled, clock):
    stale, fresh = Client(), Client()
    sign_in(stale, enrolled)
    clock.shift(timedelta(minutes=20))
    sign_in(fresh, enrolled)
    rows = fresh.get(reverse("signin:my_sessions")).context["rows"]
    assert len(rows) == 1
    assert StaffSession.objects.filter(user=enrolled).count() == 1


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (FIREFOX, "Firefox, Windows"),
        (IPHONE, "Safari, iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0",
            "Edge, Mac",
        ),
        (
            "Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/140.0.0.0 Mobile Safari/537.36",
            "Chrome, Android",
        ),
        ("curl/8.5.0", ""),
    ],
)
def test_a_device_is_summed_up_from_its_user_agent(agent, summary):
    assert describe_device(agent) == summary


def test_after_an_administrator_removes_a_lost_phone_the_next_sign_in_sets_one_up(
    client, enrolled, clock
):
    sign_in(client, enrolled)
    recovery_codes_for(client, enrolled)
    TOTPDevice.objects.filter(user=enrolled).delete()

    response = client.get("/staff/")  # the session loses its second step at once

    assert response["Location"].startswith(reverse("signin:set_up"))

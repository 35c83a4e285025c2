"""The sign-in pages in a real browser: set up the second step by typing
the key shown into a TOTP function, sign in again with a code, the
sessions page, the pause after failures. axe-core finds nothing, in
English and Spanish, and the browser reports no Content Security Policy
violation on any page (staff pages with htmx included)."""

import os
from base64 import b32decode

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from tests.auth import grant
from tests.browser import PHONE, axe_violations, launch, screenshot
from tests.factories import ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a-long-test-password"


@pytest.fixture
def casey():
    user = User.objects.create_user("casey", password=PASSWORD, is_staff=True)
    grant(user, ProgramFactory(), "front_desk", "clinician")
    return user


@pytest.fixture
def browser_page(live_server):
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.base_url = live_server.url
        page.csp_errors = []
        page.on(
            "console",
            lambda message: (
                page.csp_errors.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        yield page
        browser.close()


def check(page, name, language="en"):
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == [], name
    screenshot(page, f"signin-{name}-phone-{language}")


def password(page):
    page.goto(f"{page.base_url}/accounts/login/?next=/staff/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_setting_up_and_signing_in_with_a_code(browser_page, casey):
    page = browser_page
    page.goto(f"{page.base_url}/accounts/login/")
    check(page, "login")
    password(page)
    page.wait_for_url("**/two-factor/set-up/**")
    check(page, "set-up")
    page.get_by_text("Can't scan the code?").click()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))

    page.get_by_label("6-digit code").fill("000000" if totp(key) else "111111")
    page.get_by_role("button", name="Turn on").click()
    check(page, "set-up-error")
    assert page.title().startswith("Error:")

    page.get_by_label("6-digit code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on").click()
    assert page.locator("ol.recovery-codes li").count() == 10
    check(page, "recovery-codes-new")
    page.get_by_role("link", name="I've saved my codes").click()
    page.wait_for_url("**/staff/")

    page.get_by_role("link", name="Account").click()
    check(page, "sessions")
    page.get_by_role("link", name="Recovery codes").click()
    check(page, "recovery-codes")

    page.get_by_role("button", name="Sign out").first.click()
    password(page)
    page.wait_for_url("**/two-factor/?**")
    check(page, "verify")
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": page.base_url}])
    page.reload()
    check(page, "verify", "es")
    device = TOTPDevice.objects.get(user=casey)
    # The next step's code: the set-up code of a moment ago is accepted once only.
    page.locator("#id_code").fill(f"{totp(device.bin_key, drift=1):06d}")
    page.locator("#id_code").press("Enter")
    page.wait_for_url("**/staff/")
    page.goto(f"{page.base_url}/staff/templates/")
    assert page.csp_errors == []


def test_the_pause_after_repeated_failures(browser_page, casey):
    page = browser_page
    for _ in range(5):
        page.goto(f"{page.base_url}/accounts/login/")
        page.get_by_label("Username").fill("casey")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Signing in is paused").is_visible()
    check(page, "paused")
    assert page.csp_errors == []

"""The API key and webhook screens in Chromium at phone width, in English
and Spanish, with axe-core (WCAG 2.2 AA)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import sync_playwright

from tests.auth import sign_in
from tests.browser import PHONE, axe_violations, launch, screenshot
from tests.factories import riverbend
from welcomeback.api.keys import create_key
from welcomeback.api.models import Event
from welcomeback.api.subscriptions import create_subscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server):
    program = riverbend()
    user = User.objects.create_user("ada", password="x")
    session = sign_in(Client(), user, programs=[program], roles=("org_admin",)).cookies
    create_key(program, "EHR nightly sync", "write")
    sub, _secret = create_subscription(
        program, "https://ehr.example.org/hooks", [Event.STATUS_CHANGED]
    )
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport=PHONE)
        context.add_cookies(
            [{"name": "sessionid", "value": session["sessionid"].value, "url": live_server.url}]
        )
        page = context.new_page()
        page.base_url = live_server.url
        page.program = program
        page.sub = sub
        yield page
        browser.close()


def test_key_and_webhook_screens_pass_axe_in_both_languages(page):
    for language in ("en", "es"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": page.base_url}]
        )
        page.goto(f"{page.base_url}/staff/api-keys/")
        page.locator("#id_name").fill("Reports")
        page.locator("button[type=submit].button").last.click()
        assert page.locator("#new-token").input_value().startswith("wbk_")
        assert axe_violations(page) == [], f"keys ({language})"
        screenshot(page, f"staff-api-keys-phone-{language}")
        for name, path in (
            ("webhooks", "/staff/webhooks/"),
            ("webhook", f"/staff/webhooks/{page.sub.pk}/"),
        ):
            page.goto(page.base_url + path)
            assert page.locator("html").get_attribute("lang") == language
            assert axe_violations(page) == [], f"{name} ({language})"
            screenshot(page, f"staff-{name}-phone-{language}")

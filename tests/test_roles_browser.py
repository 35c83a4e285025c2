"""The team page and a front-desk person page in Chromium at phone width,
with axe-core, in English and Spanish; each role's menu as a person sees it."""

import os

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import sync_playwright

from tests.auth import grant
from tests.browser import PHONE, axe_violations, launch, screenshot, sign_in
from tests.roles_world import build_world

pytestmark = [pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "a-long-test-password"  # noqa: S105


@pytest.fixture
def page(live_server):
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(viewport=PHONE).new_page()
        page.base_url = live_server.url
        yield page
        browser.close()


def in_spanish(page):
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()


def test_the_team_page_passes_axe_in_both_languages(page):
    own, _other = build_world()
    grant(User.objects.create_user("ola", password=PASSWORD), own.program, "org_admin")
    sign_in(page, "ola", PASSWORD)
    page.goto(f"{page.base_url}/staff/team/")
    assert page.get_by_role("heading", name="Team").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "team-phone")
    page.get_by_label("Username").fill("nobody")
    page.get_by_role("button", name="Give this role").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []
    in_spanish(page)
    assert axe_violations(page) == []
    screenshot(page, "team-phone-es")


def test_front_desk_sees_the_person_without_clinical_details(page):
    own, _other = build_world()
    grant(User.objects.create_user("frankie", password=PASSWORD), own.program, "front_desk")
    sign_in(page, "frankie", PASSWORD)
    page.goto(f"{page.base_url}/staff/people/{own.client.pk}/")
    nav = page.get_by_role("navigation", name="Staff")
    assert nav.get_by_role("link", name="Today").is_visible()
    for hidden in ("Templates", "Outreach", "Audit", "Team"):
        assert nav.get_by_role("link", name=hidden).count() == 0
    assert page.get_by_text("Intensive outpatient").count() == 0
    assert page.get_by_text("Record a discharge").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "person-front-desk-phone")

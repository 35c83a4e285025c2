"""The staff screens in a real browser: keyboard use, phone width, and
axe-core with zero violations, in English and Spanish."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import sync_playwright

from tests.auth import ALL_CLINICAL_ROLES as ALL_ROLES
from tests.auth import grant
from tests.browser import DESKTOP, PHONE, axe_violations, launch, screenshot, sign_in
from tests.factories import ClientFactory, ProgramFactory, enrolled, group_meeting
from welcomeback.care.attendance import record_attendance
from welcomeback.care.models import AttendanceStatus, Session
from welcomeback.care.schedule import generate_sessions
from welcomeback.engagement import sweep
from welcomeback.outreach.models import Channel, Purpose
from welcomeback.outreach.templating import template_for
from welcomeback.returns.requests import open_request
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop; Django must allow DB calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a-long-test-password"


@pytest.fixture
def scene():
    """A program where one person drifted and one kept coming."""
    now = timezone.now()
    start = now - timedelta(days=30)
    program = ProgramFactory()
    group = group_meeting(program)
    generate_sessions(group, start.date(), (now + timedelta(days=14)).date())
    drifting = ClientFactory(
        organization=program.site.organization,
        first_name="Rosa",
        last_name="Delgado",
        pronouns="she/her",
    )
    steady = ClientFactory(
        organization=program.site.organization, first_name="Sam", last_name="Okafor"
    )
    enrolled(drifting, program, start, [group])
    enrolled(steady, program, start, [group])
    past = Session.objects.filter(group=group, ends_at__lt=now).order_by("starts_at")
    for index, session in enumerate(past):
        record_attendance(session, steady, AttendanceStatus.ATTENDED, recorded_at=session.starts_at)
        if index < 2:
            record_attendance(
                session, drifting, AttendanceStatus.ATTENDED, recorded_at=session.starts_at
            )
    sweep.run_once()
    grant(User.objects.create_user("casey", password=PASSWORD, is_staff=True), program, *ALL_ROLES)
    upcoming = Session.objects.filter(group=group, starts_at__gt=now).first()
    template = template_for(program, Channel.SMS, "en", Purpose.MISSED).template
    open_task(
        kind=TaskKind.CALL,
        program=program,
        client=drifting,
        title="Call Rosa Delgado",
        detail="Hi, this is (your name) from Riverbend.",
        key="browser-call",
    )
    request = open_request(
        program=program,
        channel="sms",
        phone="+12125550142",
        message="I don't want to be here anymore",
        client=drifting,
    )
    return {
        "drifting": drifting,
        "upcoming": upcoming,
        "program": program,
        "template": template,
        "request": request,
    }


@pytest.fixture
def page(live_server):
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.base_url = live_server.url
        yield page
        browser.close()


def test_staff_pages_pass_axe_at_phone_width_in_both_languages(page, scene):
    page.goto(f"{page.base_url}/accounts/login/")
    assert axe_violations(page) == []
    screenshot(page, "staff-login-phone")
    sign_in(page, "casey", PASSWORD)
    pages = {
        "today": "/staff/",
        "person": f"/staff/people/{scene['drifting'].pk}/",
        "sessions": f"/staff/sessions/?program={scene['program'].pk}",
        "roll-call": f"/staff/sessions/{scene['upcoming'].pk}/roll-call/",
        "contact": f"/staff/people/{scene['drifting'].pk}/contact/",
        "templates": f"/staff/templates/?program={scene['program'].pk}",
        "template-edit": f"/staff/templates/{scene['template'].pk}/",
        "tasks": "/staff/tasks/",
        "outreach": "/staff/outreach/",
        "request": f"/staff/requests/{scene['request'].pk}/",
        "request-new": "/staff/requests/new/",
    }
    for language in ("en", "es"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": page.base_url}]
        )
        for name, path in pages.items():
            page.goto(page.base_url + path)
            assert page.locator("html").get_attribute("lang") == language
            assert axe_violations(page) == [], f"{name} ({language})"
            screenshot(page, f"staff-{name}-phone-{language}")


def test_today_shows_the_drifting_person_and_links_to_their_story(page, scene):
    sign_in(page, "casey", PASSWORD)
    page.set_viewport_size(DESKTOP)
    drifting = page.locator("section.board-section:not(.requests-section)")
    drifting.get_by_role("link", name="Rosa Delgado").first.click()
    page.wait_for_url(f"**/staff/people/{scene['drifting'].pk}/")
    assert page.get_by_role("heading", name="Timeline").is_visible()
    screenshot(page, "staff-person-desktop")


def test_roll_call_can_be_marked_with_the_keyboard_alone(page, scene):
    sign_in(page, "casey", PASSWORD)
    page.goto(f"{page.base_url}/staff/sessions/{scene['upcoming'].pk}/roll-call/")
    first_mark = page.get_by_role("radio", name="Here").first
    first_mark.focus()
    page.keyboard.press("Space")
    page.locator("td.saved-state", has_text="Saved").first.wait_for()
    page.reload()
    assert page.get_by_role("radio", name="Here").first.is_checked()


def test_the_template_editor_shows_findings_as_staff_type(page, scene):
    sign_in(page, "casey", PASSWORD)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{page.base_url}/staff/templates/{scene['template'].pk}/")
    body = page.get_by_label("Message")
    body.fill("Hi {name}, this is your LAST CHANCE!! Call {phone}. {sender}")
    page.locator(".finding-error").first.wait_for()
    assert "last chance" in page.locator("#findings").inner_text().lower()
    assert axe_violations(page) == []
    screenshot(page, "staff-template-edit-findings-desktop")

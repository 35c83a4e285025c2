"""The coming-back pages in a real browser: the request, the re-assessment,
the plan and the person's own questionnaire, at phone width and on a
desktop, in English and Spanish, with axe-core finding nothing; and the
safety screen filled in with clicks."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import sync_playwright

from tests.auth import grant
from tests.browser import DESKTOP, PHONE, axe_violations, launch, screenshot, sign_in
from tests.factories import ClientFactory, ProgramFactory, enrolled, group_meeting
from welcomeback.care.attendance import record_attendance
from welcomeback.care.models import AttendanceStatus, Session
from welcomeback.care.schedule import generate_sessions
from welcomeback.returns.assessments import questionnaire_token, record_assessment
from welcomeback.returns.models import AssessmentSource
from welcomeback.returns.reasons import note_reasons
from welcomeback.returns.requests import open_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a-long-test-password"


@pytest.fixture
def scene():
    """Marisol came for two weeks, stopped, and asks to come back. One
    request has its safety screen and her own answers; one has nothing yet."""
    now = timezone.now()
    start = now - timedelta(days=30)
    program = ProgramFactory(neutral_name="Riverbend")
    group = group_meeting(program, name="Evening group")
    generate_sessions(group, start.date(), (now + timedelta(days=21)).date())
    person = ClientFactory(
        organization=program.site.organization, first_name="Marisol", last_name="Vega"
    )
    enrolled(person, program, start, [group])
    for session in Session.objects.filter(group=group, ends_at__lt=now).order_by("starts_at")[:4]:
        record_attendance(session, person, AttendanceStatus.ATTENDED, recorded_at=session.starts_at)
    request = open_request(
        program=program,
        channel="sms",
        phone="+12125550177",
        message="Can I come back?",
        client=person,
        language="es",
    )
    note_reasons(request, ["transportation", "tired"])
    record_assessment(code="cssrs", answers={"q1": 0, "q2": 0, "q6": 0}, request=request)
    record_assessment(
        code="phq9",
        answers={"q1": 1, "q2": 2, "q9": 0},
        request=request,
        source=AssessmentSource.SELF,
    )
    other = ClientFactory(organization=program.site.organization, first_name="Tomás")
    enrolled(other, program, start, [group])
    fresh = open_request(
        program=program, channel="web", phone="+12125550178", client=other, language="en"
    )
    grant(User.objects.create_user("casey", password=PASSWORD), program, "clinician")
    return {"request": request, "fresh": fresh, "person": person}


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def new_page(browser, live_server, viewport):
    page = browser.new_context(viewport=viewport).new_page()
    page.base_url = live_server.url
    return page


def set_language(page, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_staff_reentry_pages_pass_axe_in_both_languages(browser, live_server, scene, width):
    page = new_page(browser, live_server, PHONE if width == "phone" else DESKTOP)
    sign_in(page, "casey", PASSWORD)
    request = scene["request"]
    pages = {
        "request": reverse("staff:request", args=[request.pk]),
        "reasons": reverse("staff:request_reasons", args=[request.pk]),
        "declined": reverse("staff:request_declined", args=[request.pk]),
        "reassessment": reverse("staff:reassessment", args=[request.pk]),
        "plan": reverse("staff:plan", args=[request.pk]),
        "plan-gate": reverse("staff:plan", args=[scene["fresh"].pk]),
    }
    for language in ("en", "es"):
        set_language(page, language)
        for name, path in pages.items():
            page.goto(page.base_url + path)
            assert page.locator("html").get_attribute("lang") == language
            assert axe_violations(page) == [], f"{name} ({language}, {width})"
            screenshot(page, f"reentry-{name}-{width}-{language}")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_persons_questionnaire_passes_axe_in_both_languages(browser, live_server, scene, width):
    page = new_page(browser, live_server, PHONE if width == "phone" else DESKTOP)
    url = page.base_url + reverse(
        "portal:questionnaire", args=[questionnaire_token(scene["request"])]
    )
    for language in ("es", "en"):
        set_language(page, language)
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        assert "988" in page.locator("main").inner_text()
        assert axe_violations(page) == [], f"questionnaire ({language}, {width})"
        screenshot(page, f"reentry-questionnaire-{width}-{language}")
        page.goto(url + "?part=done")
        assert axe_violations(page) == [], f"questionnaire done ({language}, {width})"
        screenshot(page, f"reentry-questionnaire-done-{width}-{language}")


def test_the_safety_screen_is_filled_in_with_clicks_and_the_plan_opens(browser, live_server, scene):
    page = new_page(browser, live_server, PHONE)
    sign_in(page, "casey", PASSWORD)
    fresh = scene["fresh"]
    page.goto(page.base_url + reverse("staff:plan", args=[fresh.pk]))
    assert page.get_by_role("button", name="Agree the plan").count() == 0
    page.get_by_role("link", name="Go to the safety screen").click()
    form = page.locator("#instrument-cssrs")
    for number in ("1", "2", "6"):
        form.locator(f"input[name='cssrs-q{number}'][value='0']").check()
    page.get_by_role("button", name="Save C-SSRS screener (safety)").click()
    page.wait_for_url("**/reassessment/**")
    assert "No risk reported on the screen" in page.locator("main").inner_text()
    page.goto(page.base_url + reverse("staff:plan", args=[fresh.pk]))
    assert page.get_by_role("button", name="Agree the plan").count() == 1
    screenshot(page, "reentry-plan-open-phone-en")

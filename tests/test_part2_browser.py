"""The Part 2 pages in Chromium, at phone width and on a desktop, in English
and Spanish, with axe-core finding nothing: a person's consents and what was
shared, a new consent (empty, and sent back with its errors listed, linked
and what was typed kept), recording a disclosure, a medical emergency (2.51),
revoking one recipient, and break-glass. No page may scroll sideways."""

import os

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import sync_playwright

from tests.auth import grant
from tests.browser import DESKTOP, PHONE, axe_violations, launch, screenshot, sign_in
from tests.part2_helpers import ALEX, DANA, alex_consent
from tests.roles_world import build_world
from welcomeback.disclosures.disclose import disclose, record_emergency
from welcomeback.disclosures.models import ConsentRecipient, Disclosure, InfoKind, Purpose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "a-long-test-password"  # noqa: S105
# Long on purpose: a label like this must wrap, not widen the page.
LONG_AFFILIATION = "Mercy General Hospital emergency department, adult behavioral health unit"


@pytest.fixture
def scene():
    own, other = build_world()
    casey = User.objects.create_user("casey", password=PASSWORD)
    grant(casey, own.program, "clinician")
    consent = alex_consent(own.client, own.program, recipients=(ALEX, DANA), by=casey)
    alex = consent.recipients.get(name=ALEX["name"])
    disclose(
        own.client,
        alex,
        [InfoKind.APPOINTMENTS],
        Purpose.RETURN_TO_CARE,
        what="Her next group is on Tuesday evening; she has been coming every week.",
        by=casey,
    )
    record_emergency(
        own.client,
        own.program,
        recipient_name="Dr. Priya Shah",
        affiliation=LONG_AFFILIATION,
        nature="Unresponsive on arrival; needed her medication list",
        what="Current medications and doses",
        by=casey,
    )
    return {"own": own, "other": other, "consent": consent}


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def in_spanish(page):
    """As a person does it: the language button in the header."""
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"


def looks_right(page, name, problems):
    """axe-core finds nothing, nothing scrolls sideways, headings go down
    one level at a time; the screenshot is kept for a person to look at.
    Problems are gathered so one run shows every page's."""
    screenshot(page, name)
    problems += [f"{name}: {v}" for v in axe_violations(page)]
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"{name} scrolls sideways by {overflow}px")
    levels = page.evaluate(
        "[...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
        ".filter(h => h.offsetParent !== null).map(h => +h.tagName[1])"
    )
    if levels[:1] != [1] or any(b - a > 1 for a, b in zip(levels, levels[1:], strict=False)):
        problems.append(f"{name}: headings out of order {levels}")


def back_on_their_page(page, person):
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith(reverse("part2:person", args=[person])), page.url


def error_links_reach_their_fields(page):
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # Focus starts on the summary, so a screen reader hears it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    links = summary.locator("a")
    assert links.count() >= 1
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert target.startswith("#")
        assert page.locator(target).count() == 1, target
    links.first.click()
    focused = page.evaluate("document.activeElement.id")
    assert f"#{focused}" == links.first.get_attribute("href")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_part2_pages_in_a_browser(browser, live_server, scene, width, language):
    own, other = scene["own"], scene["other"]
    page = browser.new_context(viewport=PHONE if width == "phone" else DESKTOP).new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    sign_in(page, "casey", PASSWORD)
    person = own.client.pk
    tag = f"{width}-{language}"
    problems = []

    # A person's Part 2 page: the consent, its recipients, what was shared.
    page.goto(live_server.url + reverse("part2:person", args=[person]))
    if language == "es":
        in_spanish(page)
    assert own.client.display_name in page.locator("h1").text_content()
    consent = page.locator("article.consent")
    assert consent.count() == 1
    assert "Alex Rivera" in consent.text_content() and "Dana Okafor" in consent.text_content()
    shared = page.locator("#h-disclosures").locator("xpath=..")
    assert "Dr. Priya Shah" in shared.text_content()
    assert "Her next group is on Tuesday evening" in shared.text_content()
    looks_right(page, f"part2-person-{tag}", problems)

    # A new consent, empty: the statements are filled in, in the form's language.
    page.goto(live_server.url + reverse("part2:consent_new", args=[person]))
    assert page.locator("[name=revocation_statement]").input_value().strip()
    looks_right(page, f"part2-consent-new-{tag}", problems)

    # Sent with mistakes: every error listed and linked, what was typed kept.
    page.locator("[name=information]").fill("")
    page.locator("[name=r1_name]").fill("Jordan Lee")
    page.locator("[name=r1_relationship]").fill("case manager at the county shelter")
    page.locator("[name=r1_email]").fill("not-an-email")
    page.locator("[name=r2_name]").fill("Sam Ortiz")
    page.locator("form.consent-form button[type=submit]").click()
    page.wait_for_load_state()
    error_links_reach_their_fields(page)
    assert page.locator("[name=r1_name]").input_value() == "Jordan Lee"
    assert page.locator("[name=r1_email]").input_value() == "not-an-email"
    assert page.locator("[name=r2_name]").input_value() == "Sam Ortiz"
    if language == "en":
        recipient = page.get_by_role("group", name="Recipient 1")
        assert recipient.get_by_label("Name", exact=True).input_value() == "Jordan Lee"
    assert page.locator("[name=r1_email]").get_attribute("aria-invalid") == "true"
    looks_right(page, f"part2-consent-errors-{tag}", problems)

    # Recording a disclosure: first with nothing chosen, then properly.
    page.goto(live_server.url + reverse("part2:disclose", args=[person]))
    looks_right(page, f"part2-disclose-{tag}", problems)
    page.locator("form.disclose-form button[type=submit]").click()
    page.wait_for_load_state()
    error_links_reach_their_fields(page)
    looks_right(page, f"part2-disclose-errors-{tag}", problems)
    page.locator("[name=recipient]").select_option(label="Alex Rivera (sister)")
    page.locator("[name=info_kinds][value=appointments]").check()
    page.locator("[name=purpose]").select_option(value=Purpose.RETURN_TO_CARE)
    page.locator("[name=what]").fill("Confirmed the Thursday group time.")
    page.locator("form.disclose-form button[type=submit]").click()
    back_on_their_page(page, person)
    assert "Confirmed the Thursday group time." in page.locator("main").text_content()
    assert Disclosure.objects.filter(what="Confirmed the Thursday group time.").exists()

    # A medical emergency (2.51): sent empty, the errors; then recorded.
    page.locator("form.emergency-form button[type=submit]").click()
    page.wait_for_load_state()
    error_links_reach_their_fields(page)
    # The emergency's error page must not claim there is no consent on file.
    on_file = page.locator("#consent-on-file")
    assert on_file.count() == 0 or on_file.text_content().strip().endswith(("yes", "sí"))
    looks_right(page, f"part2-emergency-errors-{tag}", problems)
    page.locator("[name=recipient_name]").fill("Dr. Lee Park")
    page.locator("[name=affiliation]").fill(LONG_AFFILIATION)
    page.locator("[name=nature]").fill("Chest pain, asked about current medications")
    page.locator("[name=what]").fill("Medication list")
    page.locator("form.emergency-form button[type=submit]").click()
    back_on_their_page(page, person)
    assert Disclosure.objects.filter(emergency=True, recipient_name="Dr. Lee Park").exists()

    # Revoking one recipient: Dana only; Alex stays.
    name = "Revoke for Dana Okafor" if language == "en" else "Revocar para Dana Okafor"
    page.get_by_role("button", name=name).click()
    back_on_their_page(page, person)
    dana = ConsentRecipient.objects.get(name=DANA["name"])
    alex = ConsentRecipient.objects.get(name=ALEX["name"])
    assert dana.revoked_at is not None and alex.revoked_at is None
    assert page.get_by_role("button", name=name).count() == 0
    looks_right(page, f"part2-person-after-{tag}", problems)

    # Break-glass: the form, then a reason too short and a record not ours.
    page.goto(live_server.url + reverse("part2:break_glass"))
    looks_right(page, f"part2-break-glass-{tag}", problems)
    page.locator("[name=record]").fill(str(other.client.pk + 1000))
    page.locator("[name=reason]").fill("urgent")
    page.locator("form.break-glass-form button[type=submit]").click()
    page.wait_for_load_state()
    error_links_reach_their_fields(page)
    assert page.locator("[name=reason]").input_value() == "urgent"
    looks_right(page, f"part2-break-glass-errors-{tag}", problems)
    assert problems == []

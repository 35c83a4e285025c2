"""The public pages in a real browser (Debian's headless Chromium): the
forms and one-tap links end to end in English and Spanish, axe-core with
zero violations on every page, the quick exit by click, by Shift pressed
three times and without JavaScript, and phone-width screenshots
(test-artifacts/screenshots/portal-*.png)."""

import os
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import sync_playwright

from tests.browser import PHONE, axe_violations, launch, screenshot
from tests.factories import ClientFactory, ProgramFactory, enrolled
from welcomeback.outreach import links, updates
from welcomeback.outreach.models import ConsentEvent, UpdateSubscriber
from welcomeback.portal import intake
from welcomeback.portal.wording import forget_programs
from welcomeback.returns.models import Origin, RequestChannel, ReturnRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop; Django must allow DB calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

EXIT = "https://www.bbc.com/weather"
LANGUAGES = ("en", "es")


@pytest.fixture
def scene(settings):
    cache.clear()
    forget_programs()
    settings.PUBLIC_PROXY_ANSWER_SECONDS = 0
    program = ProgramFactory(
        phone="+12125550100",
        neutral_name="Riverbend",
        opens_at="16:00",
        closes_at="22:00",
        open_weekdays="0123",
    )
    person = ClientFactory(
        organization=program.site.organization,
        first_name="Ana",
        last_name="Rivera",
        phone="+12125550142",
        email="ana@example.org",
    )
    enrolled(person, program, timezone.now() - timedelta(days=60))
    subscriber = UpdateSubscriber.objects.create(email="sam@example.org", program=program)
    return {"program": program, "person": person, "subscriber": subscriber}


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def open_page(browser, live_server, language="en", javascript=True, viewport=PHONE):
    context = browser.new_context(
        viewport=viewport, locale=language, java_script_enabled=javascript
    )
    # The neutral site is answered here: tests never reach the network.
    context.route(
        f"{EXIT}**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><p>Sunny"
        ),
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.base_url = live_server.url
    return page


def go(page, path):
    page.goto(page.base_url + path)


def check(page, name, language):
    """lang set, zero axe violations, no sideways scrolling, a screenshot."""
    assert page.locator("html").get_attribute("lang") == language, name
    assert axe_violations(page) == [], f"{name} ({language})"
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, f"{name} ({language}) scrolls sideways"
    screenshot(page, f"portal-{name}-{language}")


WORDS = {
    "en": {
        "contact": "Your phone number or email",
        "message": "Anything you'd like to say (optional)",
        "reason": "Getting there",
        "step": "Joining from home (video)",
        "ask": "Ask us to reach you",
        "their_contact": "Their phone number or email",
        "your_name": "Your name (optional)",
        "send": "Send",
        "thanks": "We've got your request",
        "proxy_thanks": "Thank you for reaching out",
        "talk": "Yes, I'd like to talk",
        "month": "In a month",
        "later": "Ask me later",
        "stop": "Stop messages",
        "exit": "Exit this page",
        "error": "Enter a phone number or an email so we can reach you",
        "email": "Your email",
        "sign_up": "Sign me up",
        "confirm": "Yes, send me updates",
        "stop_updates": "Stop updates",
    },
    "es": {
        "contact": "Tu teléfono o correo electrónico",
        "message": "¿Quieres decirnos algo? (opcional)",
        "reason": "Llegar hasta allí",
        "step": "Conectarme desde casa (por video)",
        "ask": "Pide que te contactemos",
        "their_contact": "Su teléfono o correo electrónico",
        "your_name": "Tu nombre (opcional)",
        "send": "Enviar",
        "thanks": "Recibimos tu solicitud",
        "proxy_thanks": "Gracias por escribirnos",
        "talk": "Sí, quiero hablar",
        "month": "En un mes",
        "later": "Pregúntenme más adelante",
        "stop": "Dejar de recibir mensajes",
        "exit": "Salir de esta página",
        "error": "Escribe un teléfono o un correo electrónico para que podamos contactarte",
        "email": "Tu correo electrónico",
        "sign_up": "Quiero recibirlas",
        "confirm": "Sí, envíenme noticias",
        "stop_updates": "Dejar de recibirlas",
    },
}


# -- every page: axe, language, width, screenshots ----------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_passes_axe_at_phone_width(browser, live_server, scene, language):
    words = WORDS[language]
    person, subscriber = scene["person"], scene["subscriber"]
    ClientFactory._meta.model.objects.filter(pk=person.pk).update(language=language)
    page = open_page(browser, live_server, language)
    for name, path in {
        "home": "/",
        "come-back": "/come-back/",
        "for-someone": "/for-someone/",
        "first-steps": "/first-steps/",
        "questions": "/questions/",
        "updates": "/updates/",
    }.items():
        go(page, path)
        check(page, name, language)

    # Forms with an error, and their confirmations.
    go(page, "/come-back/")
    page.get_by_label(words["message"]).fill("Hola" if language == "es" else "Hello")
    page.get_by_role("button", name=words["ask"]).click()
    page.wait_for_load_state()
    assert page.title().startswith("Error:")
    check(page, "come-back-error", language)
    page.get_by_label(words["contact"]).fill("212 555 0142")
    page.get_by_role("button", name=words["ask"]).click()
    page.wait_for_url("**/come-back/thanks/")
    check(page, "come-back-thanks", language)

    go(page, "/for-someone/")
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_load_state()
    check(page, "for-someone-error", language)
    page.get_by_label(words["their_contact"]).fill("(212) 555-0177")
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_url("**/for-someone/thanks/")
    check(page, "for-someone-thanks", language)

    go(page, "/updates/")
    page.get_by_label(words["email"]).fill("not an email")
    page.get_by_role("button", name=words["sign_up"]).click()
    page.wait_for_load_state()
    check(page, "updates-error", language)
    page.get_by_label(words["email"]).fill("lee@example.org")
    page.get_by_role("button", name=words["sign_up"]).click()
    page.wait_for_url("**/updates/sent/")
    check(page, "updates-sent", language)

    go(page, f"/updates/confirm/{updates.confirm_token(subscriber, language)}/")
    check(page, "updates-confirm", language)
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_load_state()
    check(page, "updates-confirmed", language)
    go(page, f"/updates/unsubscribe/{updates.unsubscribe_token(subscriber)}/")
    check(page, "updates-unsubscribe", language)
    page.get_by_role("button", name=words["stop_updates"]).click()
    page.wait_for_load_state()
    check(page, "updates-unsubscribed", language)
    go(page, "/updates/confirm/broken/")
    check(page, "updates-broken", language)

    # One-tap links: each question, and each answer.
    for purpose in links.PURPOSES:
        go(page, links.make_link(person, purpose))
        check(page, f"link-{purpose}", language)
    go(page, "/l/talk/broken/")
    check(page, "link-broken", language)


def test_a_limited_visitor_gets_a_kind_page(browser, live_server, scene, settings):
    settings.PUBLIC_LIMIT_PER_ADDRESS = (1, 600)
    for language in LANGUAGES:
        cache.clear()
        page = open_page(browser, live_server, language)
        words = WORDS[language]
        for number in ("212 555 0150", "212 555 0151"):
            go(page, "/come-back/")
            page.get_by_label(words["contact"]).fill(number)
            page.get_by_role("button", name=words["ask"]).click()
            page.wait_for_load_state()
        assert "988" in page.content()
        check(page, "limited", language)


# -- the forms end to end ------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_asking_to_come_back_takes_one_field(browser, live_server, scene, language):
    words = WORDS[language]
    page = open_page(browser, live_server, language)
    go(page, "/come-back/")
    page.get_by_role("button", name=words["ask"]).click()
    page.wait_for_load_state()
    # The error summary takes focus and links to the field.
    assert page.evaluate("document.activeElement.className") == "error-summary"
    page.get_by_role("link", name=words["error"]).click()
    assert page.evaluate("document.activeElement.id") == "id_contact"
    page.keyboard.type("(212) 555-0142")
    page.get_by_label(words["reason"]).check()
    page.get_by_label(words["step"]).check()
    page.get_by_role("button", name=words["ask"]).click()
    # The fragment of the error link stays on the address; it is harmless.
    page.wait_for_url("**/come-back/thanks/*")
    assert words["thanks"] in page.content()
    assert intake.drain() == 1  # what the task worker does a moment later
    request = ReturnRequest.objects.get()
    assert (request.phone, request.language, request.channel) == ("+12125550142", language, "web")
    assert request.reasons == ["transportation"] and request.first_steps == ["telehealth"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_asking_for_someone_else(browser, live_server, scene, language):
    words = WORDS[language]
    page = open_page(browser, live_server, language)
    go(page, "/for-someone/")
    page.get_by_label(words["your_name"]).fill("Lee")
    page.get_by_label(words["their_contact"]).fill("ana@example.org")
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_url("**/for-someone/thanks/")
    assert words["proxy_thanks"] in page.content()
    assert "ana@example.org" not in page.content()
    request = ReturnRequest.objects.get()
    assert (request.origin, request.email, request.proxy_name) == (
        Origin.PROXY,
        "ana@example.org",
        "Lee",
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_following_each_one_tap_link(browser, live_server, scene, language):
    words = WORDS[language]
    person = scene["person"]
    ClientFactory._meta.model.objects.filter(pk=person.pk).update(language=language)
    page = open_page(browser, live_server, language)

    go(page, links.make_link(person, links.TALK))
    assert not ReturnRequest.objects.exists()
    page.get_by_role("button", name=words["talk"]).click()
    page.wait_for_load_state()
    check(page, "link-talk-done", language)
    request = ReturnRequest.objects.get()
    assert (request.client_id, request.channel) == (person.pk, RequestChannel.LINK)

    go(page, links.make_link(person, links.PAUSE))
    page.get_by_label(words["month"]).check()
    page.get_by_role("button", name=words["later"]).click()
    page.wait_for_load_state()
    check(page, "link-pause-done", language)
    person.refresh_from_db()
    assert person.paused_until > timezone.now() + timedelta(days=29)

    go(page, links.make_link(person, links.STOP))
    page.get_by_role("button", name=words["stop"]).click()
    page.wait_for_load_state()
    check(page, "link-stop-done", language)
    assert ConsentEvent.objects.filter(granted=False, source="link").count() == 2


def test_the_forms_work_without_javascript(browser, live_server, scene):
    page = open_page(browser, live_server, javascript=False)
    go(page, "/come-back/")
    page.get_by_label(WORDS["en"]["contact"]).fill("212-555-0142")
    page.get_by_role("button", name=WORDS["en"]["ask"]).click()
    page.wait_for_url("**/come-back/thanks/")
    intake.drain()  # what the task worker does a moment later
    assert ReturnRequest.objects.count() == 1


# -- the quick exit --------------------------------------------------------------


def test_the_quick_exit_leaves_by_click_and_back_does_not_return(browser, live_server, scene):
    page = open_page(browser, live_server)
    go(page, "/")
    go(page, "/questions/")
    page.get_by_role("link", name=WORDS["en"]["exit"]).click()
    page.wait_for_url(f"{EXIT}**")
    assert page.title() == "Weather"
    page.go_back()
    # The page they left was replaced in the history: Back skips it.
    assert page.url == page.base_url + "/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_pressing_shift_three_times_leaves(browser, live_server, scene, language):
    page = open_page(browser, live_server, language)
    go(page, "/for-someone/")
    assert page.locator("[data-exit-hint]").is_visible()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(f"{EXIT}**")


def test_typing_capitals_does_not_leave(browser, live_server, scene):
    page = open_page(browser, live_server)
    go(page, "/come-back/")
    page.get_by_label(WORDS["en"]["contact"]).click()
    page.keyboard.type("ANA@EXAMPLE.ORG")
    page.wait_for_timeout(200)
    assert page.url.endswith("/come-back/")


def test_without_javascript_the_exit_is_a_plain_link(browser, live_server, scene):
    page = open_page(browser, live_server, javascript=False)
    go(page, "/")
    assert not page.locator("[data-exit-hint]").is_visible()
    page.get_by_role("link", name=WORDS["en"]["exit"]).click()
    page.wait_for_url(f"{EXIT}**")


def test_the_pages_work_at_320_px(browser, live_server, scene):
    page = open_page(browser, live_server, viewport={"width": 320, "height": 640})
    for path in ("/", "/come-back/", "/for-someone/", "/questions/"):
        go(page, path)
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, path

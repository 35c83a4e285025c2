"""Kind error pages with DEBUG off: 404, 500 (even with the database
down), and a form sent from a page left open too long (CSRF), which on the
public forms comes back with everything typed. In English and Spanish, with
988 and 911, naming no program; axe-core in Chromium."""

import os
import re
from html import unescape

import pytest
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client as Browser
from django.test import override_settings
from django.urls import include, path
from django.utils import translation
from playwright.sync_api import sync_playwright

from tests.browser import PHONE, axe_violations, launch, screenshot
from tests.factories import ProgramFactory
from welcomeback.portal.models import Intake
from welcomeback.portal.wording import forget_programs
from welcomeback.returns.models import ReturnRequest

pytestmark = pytest.mark.django_db

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def broken_view(request):
    raise RuntimeError("something broke")


def database_down_view(request):
    """The view fails because the database is away, and stays away while
    the error page is made."""
    BaseDatabaseWrapper.ensure_connection = refuse
    raise DatabaseError("the database is away")


def refuse(self):
    raise DatabaseError("the database is away")


urlpatterns = [
    path("broken/", broken_view),
    path("database-down/", database_down_view),
    path("", include("welcomeback.urls")),
]

PRODUCTION = {"DEBUG": False, "ROOT_URLCONF": __name__, "ALLOWED_HOSTS": ["testserver"]}


@pytest.fixture(autouse=True)
def program():
    forget_programs()
    return ProgramFactory(phone="+12125550100", neutral_name="Riverbend", name="Adult IOP")


@pytest.fixture
def database_stays():
    real = BaseDatabaseWrapper.ensure_connection
    yield
    BaseDatabaseWrapper.ensure_connection = real


def text(response) -> str:
    return unescape(response.content.decode())


def translated(msgid: str) -> bool:
    """The Spanish catalogue knows these words yet (the lead merges
    scripts/es_portal.py into it)."""
    with translation.override("es"):
        return translation.gettext(msgid) != msgid


def assert_kind_and_discreet(page: str, language: str = "en"):
    assert f'<html lang="{language}">' in page
    assert 'href="tel:988"' in page and 'href="tel:911"' in page
    assert "data-exit" in page and 'href="https://www.bbc.com/weather"' in page
    for revealing in ("Riverbend", "Adult IOP", "Forbidden", "Server Error", "Traceback"):
        assert revealing not in page
    assert '<meta name="robots" content="noindex">' in page


# -- 404 ----------------------------------------------------------------------


@override_settings(**PRODUCTION)
def test_a_missing_page_is_kind_and_points_the_way():
    response = Browser().get("/come-bak/")
    page = text(response)
    assert response.status_code == 404
    assert "<title>We can't find that page</title>" in page
    assert "Nothing is wrong on your side." in page
    assert 'href="/"' in page and 'href="/come-back/"' in page
    assert_kind_and_discreet(page)


@override_settings(**PRODUCTION)
def test_a_missing_page_in_spanish():
    response = Browser(HTTP_ACCEPT_LANGUAGE="es").get("/no-existe/")
    page = text(response)
    assert response.status_code == 404
    assert_kind_and_discreet(page, "es")
    if not translated("We can't find that page"):
        pytest.skip("the Spanish catalogue does not have the error pages yet")
    assert "No encontramos esa página" in page


# -- 500 ----------------------------------------------------------------------


@override_settings(**PRODUCTION)
def test_a_server_error_is_kind():
    response = Browser(raise_request_exception=False).get("/broken/")
    page = text(response)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in page
    assert "It's nothing you did." in page
    assert "something broke" not in page
    assert_kind_and_discreet(page)


@override_settings(**PRODUCTION)
def test_the_server_error_page_needs_no_database(database_stays):
    response = Browser(raise_request_exception=False).get("/database-down/")
    assert response.status_code == 500
    page = text(response)
    assert "Sorry, something went wrong on our side" in page
    assert_kind_and_discreet(page)


@override_settings(**PRODUCTION)
def test_a_server_error_in_spanish():
    response = Browser(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="es").get("/broken/")
    page = text(response)
    assert response.status_code == 500
    assert_kind_and_discreet(page, "es")
    if not translated("Sorry, something went wrong on our side"):
        pytest.skip("the Spanish catalogue does not have the error pages yet")
    assert "Perdona, algo falló de nuestro lado" in page


# -- a form sent too late (CSRF) ---------------------------------------------


def stale_post(browser, url, data):
    """A post whose token no longer matches (a page left open a long time)."""
    return browser.post(url, {**data, "csrfmiddlewaretoken": "x" * 64})


@override_settings(**PRODUCTION)
def test_a_return_form_sent_too_late_comes_back_with_everything_typed():
    browser = Browser(enforce_csrf_checks=True)
    typed = {
        "contact": "212 555 0142",
        "message": "I'd like to try again",
        "best_time": "after 5",
        "language": "es",
        "reasons": ["work", "transportation"],
        "first_steps": ["telehealth"],
        "website": "",
    }
    response = stale_post(browser, "/come-back/", typed)
    page = text(response)
    assert response.status_code == 403
    assert "This page was open a long time" in page
    assert "Please send it again. What you typed is still here." in page
    assert 'value="212 555 0142"' in page
    assert "I'd like to try again</textarea>" in page
    assert 'value="after 5"' in page
    for value in ("work", "transportation", "telehealth", "es"):
        assert re.search(rf'value="{value}"[^>]*checked', page), value
    assert "no-store" in response["Cache-Control"]
    assert not Intake.objects.exists() and not ReturnRequest.objects.exists()
    # The page carries a fresh token: sending it again works.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    again = browser.post("/come-back/", {**typed, "csrfmiddlewaretoken": token})
    assert again.status_code == 302
    assert Intake.objects.get().message == "I'd like to try again"


@override_settings(**PRODUCTION)
def test_the_other_public_forms_come_back_too():
    browser = Browser(enforce_csrf_checks=True)
    response = stale_post(
        browser, "/for-someone/", {"their_contact": "ana@example.org", "your_name": "Sam"}
    )
    page = text(response)
    assert response.status_code == 403
    assert 'value="ana@example.org"' in page and 'value="Sam"' in page
    response = stale_post(browser, "/updates/", {"email": "sam@example.org"})
    assert response.status_code == 403
    assert 'value="sam@example.org"' in text(response)


@override_settings(**PRODUCTION)
def test_any_other_form_sent_too_late_gets_a_kind_page():
    response = stale_post(
        Browser(enforce_csrf_checks=True), "/accounts/login/", {"username": "samira.k"}
    )
    page = text(response)
    assert response.status_code == 403
    assert "This page was open a long time" in page
    assert "Please go back, reload the page and send it again." in page
    assert "samira" not in page
    assert_kind_and_discreet(page)


@override_settings(**PRODUCTION)
def test_a_form_sent_too_late_in_spanish():
    browser = Browser(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")
    response = stale_post(browser, "/come-back/", {"contact": "ana@example.org"})
    page = text(response)
    assert response.status_code == 403 and '<html lang="es">' in page
    assert 'value="ana@example.org"' in page
    if not translated("This page was open a long time"):
        pytest.skip("the Spanish catalogue does not have the error pages yet")
    assert "Esta página estuvo abierta mucho tiempo" in page


# -- in a real browser --------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_error_pages_pass_axe(live_server, settings, language):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["*"]
    forget_programs()
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            context = chromium.new_context(viewport=PHONE, locale=language)
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page = context.new_page()
            for name, path_ in (("404", "/no-such-page/"), ("500", "/broken/")):
                page.goto(live_server.url + path_)
                assert page.locator("html").get_attribute("lang") == language
                assert axe_violations(page) == [], f"{name} ({language})"
                screenshot(page, f"error-{name}-{language}")
            # A return form whose token went stale: the kind page, filled in.
            page.goto(live_server.url + "/come-back/")
            page.fill("#id_contact", "212 555 0142")
            context.clear_cookies(name="csrftoken")
            page.locator("form[method=post] button[type=submit]").last.click()
            assert page.locator("#id_contact").input_value() == "212 555 0142"
            assert page.locator("#resend-title").is_visible()
            assert axe_violations(page) == [], f"csrf ({language})"
            screenshot(page, f"error-csrf-{language}")
        finally:
            chromium.close()


@override_settings(**PRODUCTION)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_error_pages_pass_the_tone_check(language):
    from tests.test_portal_pages import visible_text
    from welcomeback.outreach.checks import check_tone, errors

    browser = Browser(
        raise_request_exception=False, enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language
    )
    pages = {
        "404": browser.get("/no-such-page/"),
        "500": browser.get("/broken/"),
        "csrf": stale_post(browser, "/accounts/login/", {}),
        "csrf-form": stale_post(browser, "/come-back/", {}),
    }
    for name, response in pages.items():
        found = errors(check_tone(visible_text(response.content.decode()), language))
        assert found == [], f"{name} ({language}): {[(f.rule, f.text) for f in found]}"

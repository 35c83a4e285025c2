"""The upload screen in Chromium at phone width, in English and Spanish,
with axe-core (WCAG 2.2 AA): choose a file, watch it finish, read the rows
to fix."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from playwright.sync_api import sync_playwright

from tests.auth import sign_in
from tests.browser import PHONE, axe_violations, launch, screenshot
from tests.factories import riverbend
from welcomeback.interop.models import ImportRun
from welcomeback.interop.tasks import run_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENTS = (
    "client,first_name,last_name,phone,admitted\n"
    "C1,Maya,Okafor,(212) 555-0142,2026-03-02\n"
    "C2,Jordan,Lee,12,2026-03-02\n"
    "C3,Sam,Ortiz,,03/02/2026\n"
)


@pytest.fixture
def page(live_server, tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    program = riverbend()
    user = User.objects.create_user("ada", password="x")
    session = sign_in(Client(), user, programs=[program], roles=("org_admin",)).cookies
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport=PHONE)
        context.add_cookies(
            [{"name": "sessionid", "value": session["sessionid"].value, "url": live_server.url}]
        )
        page = context.new_page()
        page.base_url = live_server.url
        yield page
        browser.close()


def run_import_latest():
    run_import(ImportRun.objects.latest("pk").pk)


def in_a_thread(work):
    """The worker's part, outside Playwright's event loop (Django refuses
    database calls from inside one)."""

    def target():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()


def test_upload_watch_and_fix_in_both_languages(page, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(CLIENTS)
    for language in ("en", "es"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": page.base_url}]
        )
        page.goto(f"{page.base_url}/staff/import/")
        assert page.locator("html").get_attribute("lang") == language
        page.locator("#id_file").set_input_files(str(export))
        assert axe_violations(page) == [], f"upload ({language})"
        screenshot(page, f"staff-import-phone-{language}")
        page.locator("button[type=submit].button").click()
        page.wait_for_url("**/staff/import/*/")
        assert page.locator("#import-progress").count() == 1
        assert axe_violations(page) == [], f"waiting ({language})"

        in_a_thread(run_import_latest)

        # The page polls every second and shows the result without a reload.
        page.wait_for_selector("table", timeout=5000)
        assert page.locator("tbody tr").count() == 2
        assert axe_violations(page) == [], f"done ({language})"
        screenshot(page, f"staff-import-done-phone-{language}")

"""Security headers on public and staff pages, and templates the Content
Security Policy can allow: no inline script, no event handler attributes,
no inline styles."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from tests.auth import sign_in
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent / "welcomeback"
# Email bodies are not web pages: mail clients need inline styles, and no
# Content Security Policy applies to them.
EMAIL_TEMPLATES = re.compile(r"/templates/[^/]+/email/")


@pytest.fixture
def public_page(client):
    ProgramFactory()
    return client.get("/")


@pytest.fixture
def staff_page(client):
    program = ProgramFactory()
    user = User.objects.create_user("casey", password="a-long-test-password")
    sign_in(client, user, programs=program)
    response = client.get("/staff/")
    assert response.status_code == 200
    return response


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("page", ["public_page", "staff_page"])
def test_pages_carry_a_strict_content_security_policy(page, request):
    response = request.getfixturevalue(page)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("page", ["public_page", "staff_page"])
def test_pages_carry_the_other_security_headers(page, request):
    response = request.getfixturevalue(page)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_staff_pages_are_never_stored_by_the_browser(staff_page, public_page):
    assert "no-store" in staff_page["Cache-Control"]
    assert "private" in staff_page["Cache-Control"]


def test_sign_in_pages_are_never_stored_by_the_browser(client):
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]


def test_https_requests_get_hsts_in_production(client, settings):
    ProgramFactory()
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_session_and_csrf_cookies_are_http_only_and_lax():
    from welcomeback import settings as ours

    assert ours.SESSION_COOKIE_HTTPONLY and ours.CSRF_COOKIE_HTTPONLY
    assert ours.SESSION_COOKIE_SAMESITE == ours.CSRF_COOKIE_SAMESITE == "Lax"
    assert ours.SESSION_COOKIE_SECURE is (not ours.DEBUG)
    assert ours.CSRF_COOKIE_SECURE is (not ours.DEBUG)


def templates():
    found = [
        path
        for path in ROOT.glob("**/templates/**/*.html")
        if not EMAIL_TEMPLATES.search(path.as_posix())
    ]
    assert len(found) > 30
    return found


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "an inline <script> (move it to a static file)"),
        (HANDLER, "an on…= event handler attribute (use addEventListener in a static file)"),
        (STYLE_ATTRIBUTE, "a style= attribute (use a class in a stylesheet)"),
        (STYLE_ELEMENT, "a <style> element (use a stylesheet)"),
        (JAVASCRIPT_URL, "a javascript: URL"),
    ],
)
def test_no_template_needs_what_the_policy_forbids(pattern, what):
    offenders = [
        str(path.relative_to(ROOT))
        for path in templates()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], f"{what}: {offenders}"


def test_the_template_scan_would_catch_an_inline_script():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert HANDLER.search('<button onclick="go()">')
    assert not HANDLER.search('<button data-once="x">')

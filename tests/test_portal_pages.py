"""Every public page, in English and Spanish: its words pass the tone check,
it says where it is in the reader's language, shows 988 and the quick exit
in the same place, stays small, loads nothing from another site, and is
never stored by the browser."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client as Browser

from tests.factories import ClientFactory, ProgramFactory
from welcomeback.outreach import links, updates
from welcomeback.outreach.checks import check_privacy, check_tone, errors
from welcomeback.outreach.models import UpdateSubscriber

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "es")


def a_program(**fields):
    values = {
        "phone": "+12125550100",
        "neutral_name": "Riverbend",
        "name": "Adult IOP, evenings",
        "opens_at": "16:00",
        "closes_at": "22:00",
        "open_weekdays": "0123",
    }
    return ProgramFactory(**{**values, **fields})


def a_person(program, **fields):
    values = {
        "organization": program.site.organization,
        "first_name": "Ana",
        "last_name": "Rivera",
        "phone": "+12125550142",
        "email": "ana@example.org",
    }
    return ClientFactory(**{**values, **fields})


def a_subscriber(program):
    return UpdateSubscriber.objects.create(email="sam@example.org", program=program)


def every_page(program, person, subscriber, language="en") -> dict[str, tuple[str, dict | None]]:
    """name -> (path, POST data or None): each page a visitor can see. The
    person's own language is the one their link pages open in."""
    type(person).objects.filter(pk=person.pk).update(language=language)
    confirm = updates.confirm_token(subscriber, language)
    stop_updates = updates.unsubscribe_token(subscriber)
    talk = links.make_link(person, links.TALK)
    pause = links.make_link(person, links.PAUSE)
    stop = links.make_link(person, links.STOP)
    return {
        "home": ("/", None),
        "come-back": ("/come-back/", None),
        "come-back-error": ("/come-back/", {"contact": "call me maybe", "message": "Hello"}),
        "come-back-thanks": ("/come-back/thanks/", None),
        "for-someone": ("/for-someone/", None),
        "for-someone-error": ("/for-someone/", {"their_contact": ""}),
        "for-someone-thanks": ("/for-someone/thanks/", None),
        "first-steps": ("/first-steps/", None),
        "questions": ("/questions/", None),
        "updates": ("/updates/", None),
        "updates-error": ("/updates/", {"email": "sam at example"}),
        "updates-sent": ("/updates/sent/", None),
        "updates-confirm": (f"/updates/confirm/{confirm}/", None),
        "updates-confirmed": (f"/updates/confirm/{confirm}/", {}),
        "updates-unsubscribe": (f"/updates/unsubscribe/{stop_updates}/", None),
        "updates-unsubscribed": (
            f"/updates/unsubscribe/{stop_updates}/",
            {"List-Unsubscribe": "One-Click"},
        ),
        "updates-broken": ("/updates/confirm/not-a-token/", None),
        "link-talk": (talk, None),
        "link-talk-done": (talk, {}),
        "link-pause": (pause, None),
        "link-pause-done": (pause, {"wait": "week"}),
        "link-stop": (stop, None),
        "link-stop-done": (stop, {}),
        "link-broken": ("/l/talk/not-a-token/", None),
    }


class Visible(HTMLParser):
    """The words a reader sees: the title and the body, without markup,
    scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping -= 1
        if tag in ("p", "li", "h1", "h2", "h3", "dt", "dd", "label", "legend", "title", "a"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    text = unescape("".join(parser.parts))
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*", "\n", text)).strip()


@pytest.fixture
def scene():
    cache.clear()
    program = a_program()
    return program, a_person(program), a_subscriber(program)


def fetch(browser, path, data):
    if data is None:
        return browser.get(path)
    return browser.post(path, data)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_passes_the_tone_check_in_its_language(scene, language):
    program, person, subscriber = scene
    for name, (path, data) in every_page(program, person, subscriber, language).items():
        browser = Browser(HTTP_ACCEPT_LANGUAGE=language)
        response = fetch(browser, path, data)
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, name
        text = visible_text(html)
        found = errors(check_tone(text, language))
        assert found == [], f"{name} ({language}): {[(f.rule, f.text) for f in found]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_names_the_kind_of_care(scene, language):
    """The discreet name only: nothing a shoulder-surfer could read as
    treatment, and never the program's clinical name."""
    program, person, subscriber = scene
    for name, (path, data) in every_page(program, person, subscriber, language).items():
        response = fetch(Browser(HTTP_ACCEPT_LANGUAGE=language), path, data)
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
        assert title.strip().endswith("– Riverbend"), name
        head = visible_text(html)[:200]
        found = check_privacy(head, language, program.revealing_names_list())
        assert found == [], f"{name}: {[(f.rule, f.text) for f in found]}"
        # Visible words and the title: random tokens in forms and links may
        # contain any letters, so the raw HTML is not the place to look.
        words = visible_text(html) + " " + title
        assert "Adult IOP" not in html
        assert not re.search(r"\bIOP\b", words), name


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_shows_988_911_and_the_quick_exit_first(scene, language):
    program, person, subscriber = scene
    for name, (path, data) in every_page(program, person, subscriber, language).items():
        response = fetch(Browser(HTTP_ACCEPT_LANGUAGE=language), path, data)
        html = response.content.decode()
        exit_at = html.index("data-exit")
        help_at = html.index('<a href="tel:988">988</a>')
        main_at = html.index('<main id="main"')
        assert exit_at < help_at < main_at, name
        assert '<a href="tel:911">911</a>' in html, name
        assert 'href="https://www.bbc.com/weather"' in html, name
        assert 'name="language"' in html, f"{name}: no language switch"


def test_every_page_is_small_and_loads_nothing_from_elsewhere(scene):
    program, person, subscriber = scene
    for name, (path, data) in every_page(program, person, subscriber).items():
        response = fetch(Browser(), path, data)
        html = response.content.decode()
        assert len(response.content) < 50_000, name
        assert "<script>" not in html and "onclick" not in html, f"{name}: inline script"
        for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
            outside = attribute.startswith(("http:", "https:", "//"))
            assert not outside or attribute == "https://www.bbc.com/weather", (name, attribute)


def test_the_stylesheet_and_script_are_small():
    from django.contrib.staticfiles import finders

    css = finders.find("portal/portal.css")
    script = finders.find("portal/exit.js")
    with open(css, encoding="utf-8") as handle:
        styles = handle.read()
    with open(script, encoding="utf-8") as handle:
        code = handle.read()
    assert len(styles.encode()) < 20_000 and len(code.encode()) < 3_000
    # No web fonts, no images, nothing fetched from anywhere else.
    assert "@import" not in styles and "url(" not in styles and "@font-face" not in styles
    assert "fetch(" not in code and "XMLHttpRequest" not in code


def test_every_page_is_never_stored(scene):
    program, person, subscriber = scene
    for name, (path, data) in every_page(program, person, subscriber).items():
        response = fetch(Browser(), path, data)
        assert "no-store" in response["Cache-Control"], name


def test_each_page_has_one_h1_and_the_landmarks(scene):
    program, person, subscriber = scene
    for name, (path, data) in every_page(program, person, subscriber).items():
        html = fetch(Browser(), path, data).content.decode()
        assert html.count("<h1") == 1, name
        for landmark in ("<header", "<main", "<footer", "<aside"):
            assert html.count(landmark) == 1, (name, landmark)


def test_the_language_follows_accept_language_and_the_switch(scene):
    browser = Browser(HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
    assert "Puedes volver" in browser.get("/").content.decode()
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "You can come back" in browser.get("/").content.decode()


def test_the_landing_page_offers_text_call_and_the_form(scene):
    html = Browser().get("/").content.decode()
    assert 'href="sms:+12125550100"' in html
    assert 'href="tel:+12125550100"' in html
    assert 'href="/come-back/"' in html
    assert "Monday to Thursday, 4:00 PM to 10:00 PM Eastern time" in html
    assert 'class="button"' in html and html.count('class="button"') == 1


def test_the_public_program_is_a_setting(settings, scene):
    other = a_program(neutral_name="Lakeshore Commons", phone="+13125550100")
    assert "Riverbend" in Browser().get("/").content.decode()
    settings.PUBLIC_PROGRAM_ID = other.pk
    html = Browser().get("/").content.decode()
    assert "Lakeshore Commons" in html and "+13125550100" in html


def test_a_missing_public_program_falls_back_to_the_first(settings, scene):
    settings.PUBLIC_PROGRAM_ID = 999_999
    assert "Riverbend" in Browser().get("/").content.decode()


def test_without_any_program_the_pages_still_answer_kindly(db):
    assert Browser().get("/").status_code == 200
    response = Browser().get("/come-back/")
    assert response.status_code == 503
    assert "988" in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_confirmation_email_passes_the_tone_and_privacy_checks(scene, language):
    program, _person, subscriber = scene
    email = updates.confirmation_email(subscriber, language)
    for text in (email.subject, email.body):
        assert errors(check_tone(text, language)) == []
        assert check_privacy(text, language, program.revealing_names_list()) == []
    assert "/updates/confirm/" in email.body and "/updates/unsubscribe/" in email.body

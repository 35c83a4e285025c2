"""The public forms through Django's test client: the return form, the
on-behalf form, one-tap links and email updates (with a real SMTP server
on loopback)."""

import re
import statistics
import time
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from email.utils import parseaddr
from html import unescape

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client as Browser
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import ClientFactory, ProgramFactory, enrolled, local, travel
from tests.test_email_channel import Mailbox, free_port
from welcomeback.accounts import audit
from welcomeback.outreach import links, updates
from welcomeback.outreach.models import (
    ConsentEvent,
    ContactPoint,
    Message,
    MessageState,
    UpdateSubscriber,
)
from welcomeback.portal import intake, limits, views
from welcomeback.portal.models import Intake
from welcomeback.portal.wording import forget_programs
from welcomeback.returns.models import Origin, RequestChannel, ReturnRequest
from welcomeback.worklist.models import Task

pytestmark = pytest.mark.django_db

PHONE = "+12125550142"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    """Each test starts with empty rate-limit counters and no timing floor
    (the test that measures timing sets the real one)."""
    cache.clear()
    settings.PUBLIC_PROXY_ANSWER_SECONDS = 0


@pytest.fixture(autouse=True)
def open_at_once(monkeypatch):
    """The return form commits to its inbox and wakes the task worker; here
    the inbox is drained at once, in the request, so each test sees the
    request it opened (tests/test_intake.py tests the inbox itself)."""
    forget_programs()
    monkeypatch.setattr(intake, "wake", intake.drain)


@pytest.fixture
def program():
    # Riverbend, New York: open Monday to Friday, 9:00 to 17:00; a person
    # answers within 60 minutes while open.
    return ProgramFactory(phone="+12125550100", neutral_name="Riverbend")


def a_person(program, **fields):
    values = {
        "organization": program.site.organization,
        "first_name": "Ana",
        "last_name": "Rivera",
        "phone": PHONE,
        "email": "ana@example.org",
    }
    return ClientFactory(**{**values, **fields})


def text(response) -> str:
    return unescape(response.content.decode())


def come_back(browser=None, **data):
    browser = browser or Browser()
    return browser.post("/come-back/", data, REMOTE_ADDR=data.pop("ip", "198.51.100.7"))


# -- the return form: one required field --------------------------------------


def test_the_only_required_field_is_a_way_to_reach_you(program):
    response = Browser().post("/come-back/", {"contact": "", "message": "Hi"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Ask us to reach you – Riverbend</title>" in page
    assert 'href="#id_contact">Enter a phone number or an email so we can reach you</a>' in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_contact_helptext id_contact_error"' in page
    assert not ReturnRequest.objects.exists()


def test_every_other_field_is_optional(program):
    response = come_back(contact="ana@example.org")
    assert response.status_code == 302
    assert ReturnRequest.objects.get().email == "ana@example.org"


def test_an_error_keeps_everything_typed(program):
    response = come_back(
        contact="call me maybe",
        message="I'd like to try again",
        best_time="after 5",
        reasons=["work", "transportation"],
        first_steps=["telehealth"],
        language="es",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="call me maybe"' in page
    assert "I&#x27;d like to try again</textarea>" in page
    assert 'value="after 5"' in page
    for value in ("work", "transportation", "telehealth", "es"):
        assert re.search(rf'value="{value}"[^>]*checked', page), value
    assert "Enter a phone number with its area code" in page


@pytest.mark.parametrize(
    "typed",
    [
        "(212) 555-0142",
        "212-555-0142",
        "212.555.0142",
        "212 555 0142",
        "2125550142",
        "1 212 555 0142",
        "+1 (212) 555-0142",
        "  212 555 0142  ",
    ],
)
def test_phone_numbers_in_any_common_format_are_normalised(program, typed):
    assert come_back(contact=typed).status_code == 302
    assert ReturnRequest.objects.get().phone == PHONE


def test_an_email_is_kept_in_lower_case(program):
    come_back(contact="Ana.Rivera@Example.ORG")
    request = ReturnRequest.objects.get()
    assert (request.email, request.phone) == ("ana.rivera@example.org", "")


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("555-1234", "area code"), ("ana@", "name@example.com"), ("hello", "area code")],
)
def test_a_contact_we_cannot_use_gets_a_message_that_says_what_to_do(program, typed, hint):
    response = come_back(contact=typed)
    assert response.status_code == 400
    assert hint in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_what_they_chose_is_recorded(program):
    come_back(
        contact=PHONE,
        message="Can we talk?",
        best_time="mornings",
        language="es",
        reasons=["childcare"],
        first_steps=["conversation", "one_on_one"],
    )
    request = ReturnRequest.objects.get()
    assert request.channel == RequestChannel.WEB and request.origin == Origin.SELF
    assert (request.message, request.best_time, request.language) == (
        "Can we talk?",
        "mornings",
        "es",
    )
    assert request.reasons == ["childcare"]
    assert request.first_steps == ["conversation", "one_on_one"]


def test_the_language_defaults_to_the_page_language(program):
    Browser(HTTP_ACCEPT_LANGUAGE="es").post("/come-back/", {"contact": PHONE})
    assert ReturnRequest.objects.get().language == "es"


# -- committed first, then a confirmation with nothing personal in it ---------


@pytest.mark.django_db(transaction=True)
def test_the_request_is_committed_before_the_confirmation(monkeypatch):
    program = ProgramFactory(phone="+12125550100", neutral_name="Riverbend")
    monkeypatch.setattr(intake, "wake", lambda: None)
    seen = {}
    real_remember = views.remember

    def checking_answer(response, *args):
        # Called on the answer that says "received", before it is sent.
        seen["in_transaction"] = connection.in_atomic_block
        seen["stored"] = Intake.objects.filter(program=program, phone=PHONE).exists()
        return real_remember(response, *args)

    monkeypatch.setattr(views, "remember", checking_answer)
    response = come_back(contact="212 555 0142")
    assert response.status_code == 302
    assert seen == {"in_transaction": False, "stored": True}
    assert intake.drain() == 1
    assert ReturnRequest.objects.get(program=program).phone == PHONE


@pytest.mark.django_db(transaction=True)
def test_a_crisis_is_opened_and_committed_before_the_confirmation(monkeypatch):
    ProgramFactory(phone="+12125550100", neutral_name="Riverbend")
    seen = {}
    real_remember = views.remember

    def checking_answer(response, *args):
        seen["in_transaction"] = connection.in_atomic_block
        seen["crisis"] = list(ReturnRequest.objects.values_list("crisis", flat=True))
        return real_remember(response, *args)

    monkeypatch.setattr(views, "remember", checking_answer)
    response = come_back(contact=PHONE, message="I want to kill myself")
    assert response.status_code == 302
    assert seen == {"in_transaction": False, "crisis": [True]}
    assert not Intake.objects.exists()


def test_no_confirmation_when_the_request_could_not_be_stored(program, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("the database is away")

    monkeypatch.setattr(intake, "accept", broken)
    response = Browser(raise_request_exception=False).post("/come-back/", {"contact": PHONE})
    assert response.status_code == 500
    assert "Location" not in response


def test_nothing_personal_goes_into_any_url(program):
    browser = Browser()
    response = come_back(browser, contact="ana.rivera@example.org", message="Ana here")
    assert response["Location"] == "/come-back/thanks/"
    page = browser.get(response["Location"]).content.decode()
    urls = [response["Location"], *re.findall(r'(?:href|action)="([^"]*)"', page)]
    for url in urls:
        for private in ("ana", "rivera", "example.org", "%40", "@"):
            assert private not in url.lower(), url
    assert "ana.rivera" not in page
    # By when, and "phone" or "email": nothing else, and no session row.
    answer = browser.cookies[views.ANSWER]
    assert answer["httponly"] and answer["max-age"] == 3600
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00\|email:[\w:-]+", answer.value)
    assert "sessionid" not in browser.cookies


def test_forms_and_confirmations_are_never_stored_by_the_browser(program):
    browser = Browser()
    responses = [
        browser.get("/come-back/"),
        come_back(browser, contact=""),
        come_back(browser, contact=PHONE),
        browser.get("/come-back/thanks/"),
        browser.get("/for-someone/"),
        browser.post("/for-someone/", {"their_contact": PHONE}),
        browser.get("/for-someone/thanks/"),
    ]
    for response in responses:
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


# -- the confirmation says by when --------------------------------------------


@pytest.mark.parametrize(
    ("moment", "language", "expected"),
    [
        # Monday 2:00 PM, open: within the hour.
        ((2026, 11, 30, 14, 0), "en", "will call or text you by 3:00 PM today."),
        # Friday 6:00 PM, closed for the weekend: an hour after Monday's opening.
        ((2026, 11, 27, 18, 0), "en", "will call or text you by 10:00 AM on Monday."),
        # Tuesday 8:00 PM: an hour after Wednesday's opening.
        ((2026, 12, 1, 20, 0), "en", "will call or text you by 10:00 AM tomorrow."),
        ((2026, 11, 30, 14, 0), "es", "antes de las 3:00 p. m. de hoy."),
        ((2026, 11, 30, 12, 0), "es", "antes de la 1:00 p. m. de hoy."),
        ((2026, 11, 27, 18, 0), "es", "antes de las 10:00 a. m. del lunes."),
    ],
)
def test_the_confirmation_says_by_when_someone_will_answer(program, moment, language, expected):
    browser = Browser(HTTP_ACCEPT_LANGUAGE=language)
    with travel(local(program, *moment)):
        browser.post("/come-back/", {"contact": PHONE})
        page = browser.get("/come-back/thanks/").content.decode()
    assert expected in page


def test_an_email_only_request_is_told_to_expect_an_email(program):
    browser = Browser()
    with travel(local(program, 2026, 11, 30, 14, 0)):
        browser.post("/come-back/", {"contact": "ana@example.org"})
        page = browser.get("/come-back/thanks/").content.decode()
    assert "Someone from Riverbend will email you by 3:00 PM today." in page


def test_the_confirmation_says_how_to_change_their_mind_and_shows_988(program):
    browser = Browser()
    come_back(browser, contact=PHONE)
    page = browser.get("/come-back/thanks/").content.decode()
    assert "If you change your mind" in page and "not now" in page
    assert 'href="tel:988"' in page and "(212) 555-0100" in page


# -- honeypot and rate limits -------------------------------------------------


def test_the_honeypot_is_hidden_from_people_and_screen_readers(program):
    page = Browser().get("/come-back/").content.decode()
    hidden = re.search(r'<div class="hp" aria-hidden="true">(.*?)</div>', page, re.S)[1]
    assert 'name="website"' in hidden
    assert 'tabindex="-1"' in hidden and 'autocomplete="off"' in hidden


def test_a_bot_that_fills_the_honeypot_sees_the_same_confirmation_and_nothing_is_stored(
    program, caplog
):
    bot, person = Browser(), Browser()
    with travel(local(program, 2026, 11, 30, 14, 0)):
        caught = come_back(bot, contact=PHONE, website="http://spam.example")
        real = come_back(person, contact="+12125550177")
        assert caught.status_code == real.status_code == 302
        assert caught["Location"] == "/come-back/thanks/"
        bot_page = bot.get("/come-back/thanks/").content
        person_page = person.get("/come-back/thanks/").content
    assert ReturnRequest.objects.count() == 1
    assert b"by 3:00 PM today" in bot_page and b"by 3:00 PM today" in person_page
    assert "hidden field" in caplog.text
    assert PHONE not in caplog.text and "spam" not in caplog.text


def test_one_address_may_send_five_requests_in_ten_minutes(program):
    for n in range(5):
        assert come_back(contact=f"+1212555{n:04d}", ip="203.0.113.9").status_code == 302
    limited = come_back(contact="+12125559999", ip="203.0.113.9")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "600"
    assert "no-store" in limited["Cache-Control"]
    page = limited.content.decode()
    assert "Please try again a little later" in page
    assert 'href="tel:+12125550100"' in page and 'href="tel:988"' in page
    assert ReturnRequest.objects.count() == 5
    # Another visitor is not held up.
    assert come_back(contact="+12125559999", ip="203.0.113.10").status_code == 302


def test_the_address_limit_lifts_after_ten_minutes(program):
    start = local(program, 2026, 11, 30, 10, 0)
    with travel(start):
        for n in range(5):
            come_back(contact=f"+1212555{n:04d}", ip="203.0.113.9")
        assert come_back(contact="+12125559999", ip="203.0.113.9").status_code == 429
    with travel(start + timedelta(minutes=11)):
        assert come_back(contact="+12125559999", ip="203.0.113.9").status_code == 302


def test_one_contact_may_be_sent_three_times_an_hour(program):
    for n in range(3):
        assert come_back(contact=PHONE, ip=f"203.0.113.{n}").status_code == 302
    assert come_back(contact="(212) 555-0142", ip="203.0.113.50").status_code == 429
    assert come_back(contact="+12125550143", ip="203.0.113.50").status_code == 302


def test_a_proxy_in_front_names_the_visitor(program, settings):
    # One setting (BEHIND_TLS_PROXY) for the limits, the lockout and the audit
    # trail: the last X-Forwarded-For address, the one our proxy saw.
    settings.AUDIT_FORWARDED_FOR = True
    for n in range(6):
        response = Browser().post(
            "/come-back/",
            {"contact": f"+1212555{n:04d}"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.1, 203.0.113.{n}",
        )
        assert response.status_code == 302
    assert ReturnRequest.objects.count() == 6
    request = RequestFactory().post("/", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5")
    assert limits.visitor_address(request) == audit.client_address(request) == "203.0.113.5"


def test_without_a_proxy_a_forwarded_address_is_not_believed(program, settings):
    settings.AUDIT_FORWARDED_FOR = False
    statuses = [
        Browser()
        .post(
            "/come-back/",
            {"contact": f"+1212555{n:04d}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        .status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def test_the_limits_hold_in_the_shared_database_cache_deploy_md_asks_for(program, settings):
    """Every web process counts in one table, so a sixth request from one
    address is refused whichever process it reaches."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "limits_test_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    for n in range(5):
        assert come_back(contact=f"+1212555{n:04d}", ip="203.0.113.9").status_code == 302
    assert come_back(contact="+12125559999", ip="203.0.113.9").status_code == 429
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM limits_test_cache")
        # one counter for the address, one per contact point
        assert cursor.fetchone()[0] == 6


def test_a_counter_that_expires_between_its_read_and_its_count_starts_again():
    limits._count("portal:limit:test:gone", (5, 600), counting=True)
    assert cache.get("portal:limit:test:gone") == 1
    limits._count("portal:limit:test:gone", (5, 600), counting=True)
    assert cache.get("portal:limit:test:gone") == 2


def test_the_limit_keys_hold_no_contact_in_the_clear(program):
    come_back(contact=PHONE, ip="203.0.113.9")
    keys = list(cache._cache.keys())
    assert keys and not any(PHONE in key or "203.0.113.9" in key for key in keys)


# -- on someone's behalf ------------------------------------------------------


def test_confidentiality_is_explained_before_any_field(program):
    page = Browser().get("/for-someone/").content.decode()
    explained = page.index("we can't tell you whether someone is or was with us")
    assert explained < page.index('<input type="text"')
    assert explained < page.index('name="their_contact"')


def test_the_only_required_field_is_a_way_to_reach_them(program):
    response = Browser().post("/for-someone/", {"your_name": "Lee", "message": "Worried"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter their phone number or email so we can reach them" in page
    assert 'value="Lee"' in page and "Worried</textarea>" in page
    assert not ReturnRequest.objects.exists()


def test_what_a_trusted_person_shares_is_recorded_as_theirs(program):
    response = Browser().post(
        "/for-someone/",
        {
            "your_name": "Lee",
            "relationship": "brother",
            "your_contact": "lee@example.org",
            "their_name": "Ana",
            "their_contact": "(212) 555-0142",
            "message": "She might want to come back.",
        },
    )
    assert response.status_code == 302
    request = ReturnRequest.objects.get()
    assert request.origin == Origin.PROXY
    assert (request.phone, request.name) == (PHONE, "Ana")
    assert (request.proxy_name, request.proxy_relationship) == ("Lee", "brother")
    assert (request.proxy_email, request.proxy_phone) == ("lee@example.org", "")
    assert request.message == "She might want to come back."


def known_person(program):
    """A client whose number we know (verified), with an episode."""
    person = a_person(program)
    ContactPoint.objects.create(client=person, kind="phone", address=PHONE, verified=True)
    enrolled(person, program, timezone.now() - timedelta(days=60))
    return person


def on_behalf(phone):
    return {
        "your_name": "Lee",
        "relationship": "friend",
        "your_contact": "lee@example.org",
        "their_name": "Ana Rivera",
        "their_contact": phone,
        "message": "I think she'd like to come back.",
    }


def answer(browser, phone):
    """POST the form, follow the redirect: (post, page, seconds for the POST).
    One test client for every try (a new one would time its own start-up),
    with no cookies carried from one try to the next."""
    browser.cookies.clear()
    started = time.perf_counter()
    post = browser.post("/for-someone/", on_behalf(phone))
    seconds = time.perf_counter() - started
    page = browser.get(post["Location"])
    return post, page, seconds


HEADERS = ["Location", "Content-Type", "Content-Length", "Cache-Control", "Expires", "Vary"]


def shape(response) -> dict:
    return {
        "status": response.status_code,
        "headers": {name: response.get(name) for name in HEADERS},
        "cookies": sorted(response.cookies),
    }


def test_the_on_behalf_answer_cannot_tell_a_known_person_from_an_unknown_one(program, settings):
    """42 CFR 2.13(c), STANDARDS.md requirement 16: the same status, headers,
    bytes and length, and timing within noise, whoever is asked about."""
    settings.PUBLIC_PROXY_ANSWER_SECONDS = 0.25
    settings.PUBLIC_LIMIT_PER_ADDRESS = settings.PUBLIC_LIMIT_PER_CONTACT = (1000, 600)
    known_person(program)
    unknown = "+12125550199"
    timings = {"known": [], "unknown": []}
    answers = {}
    browser = Browser()
    with travel(local(program, 2026, 11, 30, 14, 0)):
        answer(browser, PHONE), answer(browser, unknown)  # warm up both paths
        for round_ in range(20):
            order = [("known", PHONE), ("unknown", unknown)]
            for who, phone in order if round_ % 2 else order[::-1]:
                post, page, seconds = answer(browser, phone)
                timings[who].append(seconds)
                answers[who] = (shape(post), post.content, shape(page), page.content)
    known_answer, unknown_answer = answers["known"], answers["unknown"]
    assert known_answer[0] == unknown_answer[0]
    assert known_answer[1] == unknown_answer[1]
    assert known_answer[2] == unknown_answer[2]
    # The page carries a fresh CSRF token each time, for anyone; the rest is byte for byte.
    assert CSRF.sub(b"", known_answer[3]) == CSRF.sub(b"", unknown_answer[3])
    assert len(known_answer[3]) == len(unknown_answer[3])
    known_median = statistics.median(timings["known"])
    unknown_median = statistics.median(timings["unknown"])
    assert min(timings["known"] + timings["unknown"]) >= 0.25
    assert abs(known_median - unknown_median) < 0.010, (known_median, unknown_median)
    # Behind the scenes the paths do differ: only a known person gets a
    # task for the staff to reach them directly.
    assert Task.objects.filter(client__phone=PHONE).count() == 21
    assert ReturnRequest.objects.filter(origin=Origin.PROXY).count() == 42


def test_the_on_behalf_page_never_mentions_the_person(program):
    known_person(program)
    browser = Browser()
    post = browser.post("/for-someone/", on_behalf(PHONE))
    page = browser.get(post["Location"]).content.decode()
    for private in ("Ana", "Rivera", "555-0142", "0142", "Lee", "lee@example.org"):
        assert private not in page
    assert 'href="tel:988"' in page and 'href="tel:911"' in page


def test_a_bot_on_the_on_behalf_form_gets_the_same_answer(program):
    post = Browser().post("/for-someone/", {**on_behalf(PHONE), "website": "x"})
    assert post.status_code == 302 and post["Location"] == "/for-someone/thanks/"
    assert not ReturnRequest.objects.exists()


# -- one-tap links ------------------------------------------------------------


@pytest.fixture
def person(program):
    person = a_person(program)
    enrolled(person, program, timezone.now() - timedelta(days=60))
    return person


def test_a_link_names_no_one(person):
    for purpose in links.PURPOSES:
        path = links.make_link(person, purpose)
        assert path.startswith(f"/l/{purpose}/")
        for private in ("Ana", "Rivera", PHONE, "0142", "example.org"):
            assert private not in path


def test_opening_a_talk_link_changes_nothing(person):
    response = Browser().get(links.make_link(person, links.TALK))
    assert response.status_code == 200
    assert "Yes, I'd like to talk" in text(response)
    assert "no-store" in response["Cache-Control"]
    assert not ReturnRequest.objects.exists()


def test_pressing_talk_opens_a_request_for_them(person, program):
    path = links.make_link(person, links.TALK)
    with travel(local(program, 2026, 11, 30, 14, 0)):
        response = Browser().post(path)
    page = response.content.decode()
    request = ReturnRequest.objects.get()
    assert (request.client, request.channel, request.origin) == (
        person,
        RequestChannel.LINK,
        Origin.SELF,
    )
    assert "Someone from Riverbend will call or text you by 3:00 PM today." in page
    assert "Not yet, ask me again later" in page and "Stop messages" in page


def test_pressing_talk_twice_keeps_one_request(person):
    path = links.make_link(person, links.TALK)
    Browser().post(path)
    second = Browser().post(path)
    assert second.status_code == 200
    assert ReturnRequest.objects.count() == 1


def test_opening_a_pause_link_changes_nothing(person):
    Browser().get(links.make_link(person, links.PAUSE))
    person.refresh_from_db()
    assert person.paused_until is None


@pytest.mark.parametrize(("wait", "days"), [("week", 7), ("month", 30)])
def test_not_yet_pauses_outreach_for_a_week_or_a_month(person, program, wait, days):
    queued = Message.objects.create(
        client=person,
        program=program,
        channel="sms",
        purpose="lapsing",
        to_address=PHONE,
        sender_name="Riverbend",
        body="Hi Ana, thinking of you.",
        key="pause-test",
    )
    moment = local(program, 2026, 11, 30, 14, 0)
    with travel(moment):
        response = Browser().post(links.make_link(person, links.PAUSE), {"wait": wait})
    person.refresh_from_db()
    queued.refresh_from_db()
    assert person.paused_until == moment + timedelta(days=days)
    assert queued.state == MessageState.SUPPRESSED
    assert "We won't check in again until" in text(response)


def test_a_pause_link_used_twice_shows_the_same_confirmation(person, program):
    path = links.make_link(person, links.PAUSE)
    moment = local(program, 2026, 11, 30, 14, 0)
    with travel(moment):
        Browser().post(path, {"wait": "week"})
    with travel(moment + timedelta(hours=2)):
        again = Browser().post(path, {"wait": "month"})
        looked = Browser().get(path)
    person.refresh_from_db()
    assert person.paused_until == moment + timedelta(days=7)
    for response in (again, looked):
        assert response.status_code == 200
        assert "Monday, December 7" in response.content.decode()


def test_a_pause_link_works_again_once_the_pause_is_over(person, program):
    path = links.make_link(person, links.PAUSE, days_valid=30)
    moment = local(program, 2026, 11, 30, 14, 0)
    with travel(moment):
        Browser().post(path, {"wait": "week"})
    with travel(moment + timedelta(days=8)):
        Browser().post(path, {"wait": "week"})
    person.refresh_from_db()
    assert person.paused_until == moment + timedelta(days=15)


def test_opening_a_stop_link_changes_nothing(person):
    response = Browser().get(links.make_link(person, links.STOP))
    assert "Stop messages?" in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_stop_opts_out_of_texts_and_email_with_the_words_on_the_button(person):
    path = links.make_link(person, links.STOP)
    page = Browser().get(path).content.decode()
    Browser().post(path)
    events = ConsentEvent.objects.filter(granted=False).order_by("channel")
    assert [(e.channel, e.address, e.source) for e in events] == [
        ("email", "ana@example.org", "link"),
        ("sms", PHONE, "link"),
    ]
    for event in events:
        assert event.client == person
        assert event.wording.endswith("[Stop messages]")
        heading, explanation = event.wording.removesuffix(" [Stop messages]").split("? ")
        assert f"<h1>{heading}?</h1>" in page and explanation in unescape(page)


def test_a_stop_link_used_twice_shows_the_same_confirmation(person):
    path = links.make_link(person, links.STOP)
    first = Browser().post(path).content
    again = Browser().post(path).content
    looked = Browser().get(path).content
    assert ConsentEvent.objects.count() == 2
    for page in (first, again, looked):
        assert b"Messages stopped" in page


def test_each_page_offers_the_other_choices(person):
    talk = Browser().get(links.make_link(person, links.TALK)).content.decode()
    offered = re.findall(r'<li><a href="(/l/[^"]+)">', talk)
    assert [path.split("/")[2] for path in offered] == [links.PAUSE, links.STOP]
    assert Browser().get(offered[0]).status_code == 200


def test_a_link_opens_in_their_language_unless_they_chose_another(person):
    type(person).objects.filter(pk=person.pk).update(language="es")
    path = links.make_link(person, links.TALK)
    assert "¿Quieres hablar?" in Browser().get(path).content.decode()
    browser = Browser()
    browser.cookies["django_language"] = "en"
    assert "Would you like to talk?" in browser.get(path).content.decode()


def test_an_expired_link_gets_a_kind_page_and_changes_nothing(person, program):
    path = links.make_link(person, links.STOP)
    with travel(timezone.now() + timedelta(days=8)):
        response = Browser().post(path)
    page = response.content.decode()
    assert response.status_code == 400
    assert "This link has expired" in page
    assert 'href="tel:+12125550100"' in page and 'href="tel:988"' in page
    assert not ConsentEvent.objects.exists()


def test_a_longer_link_lasts_longer(person):
    path = links.make_link(person, links.TALK, days_valid=30)
    with travel(timezone.now() + timedelta(days=20)):
        assert Browser().get(path).status_code == 200


def test_a_tampered_link_gets_a_kind_page_and_changes_nothing(person):
    path = links.make_link(person, links.STOP)
    token = path.split("/")[3]
    value, stamp, signature = token.split(":")
    other = str(int(value.split(".")[0]) + 1) + "." + value.split(".", 1)[1]
    for bad in (token[:-3], f"{other}:{stamp}:{signature}", "nonsense"):
        response = Browser().post(f"/l/stop/{bad}/")
        assert response.status_code == 400
        assert "This link isn't working" in text(response)
    assert not ConsentEvent.objects.exists()


def test_a_link_only_works_for_its_own_purpose(person):
    talk_token = links.make_link(person, links.TALK).split("/")[3]
    for purpose in (links.PAUSE, links.STOP):
        response = Browser().post(f"/l/{purpose}/{talk_token}/", {"wait": "week"})
        assert response.status_code == 400
    with pytest.raises(links.BadLink):
        links.read_link(talk_token, links.STOP)
    assert links.read_link(talk_token, links.TALK) == person.pk
    assert not ConsentEvent.objects.exists() and not ReturnRequest.objects.exists()
    assert Browser().get(f"/l/other/{talk_token}/").status_code == 404


# -- email updates: double opt-in, one-click unsubscribe ----------------------

ADDRESS = "sam@example.org"


@pytest.fixture
def mail_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "hello@wb.example.org"
    settings.PUBLIC_BASE_URL = "https://wb.example.org"
    return settings


@pytest.fixture
def mailbox(mail_settings):
    """A real SMTP server on loopback (aiosmtpd) that keeps what it gets."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    mail_settings.EMAIL_PORT = port
    yield mailbox
    controller.stop()


def sign_up(browser=None, **data):
    browser = browser or Browser()
    values = {"email": ADDRESS, "language": "en", **data}
    return browser.post("/updates/", values, REMOTE_ADDR=data.pop("ip", "198.51.100.7"))


def last_mail(mailbox):
    return message_from_bytes(mailbox.envelopes[-1].content, policy=email_policy.default)


def links_in(body: str) -> list[str]:
    return re.findall(r"https://wb\.example\.org(/updates/[^\s]+)", body)


def test_signing_up_sends_one_confirmation_with_one_click_unsubscribe(program, mailbox, settings):
    page = Browser().get("/updates/").content.decode()
    response = sign_up()
    assert response.status_code == 302 and response["Location"] == "/updates/sent/"
    (envelope,) = mailbox.envelopes
    sent = mailbox.received()
    assert envelope.rcpt_tos == [ADDRESS]
    assert sent["Subject"] == "Please confirm your email"
    assert parseaddr(sent["From"]) == ("Riverbend", "hello@wb.example.org")
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    confirm, stop = links_in(sent.get_content())
    assert sent["List-Unsubscribe"].strip() == f"<https://wb.example.org{stop}>"
    subscriber = UpdateSubscriber.objects.get()
    assert subscriber.email == ADDRESS and not subscriber.active
    assert subscriber.confirmation_sent_at is not None
    # The words stored are the words on the form, button included.
    intro, rest = subscriber.wording.split(" We'll first", 1)
    assert intro in unescape(page) and "[Sign me up]" in subscriber.wording


def test_confirming_takes_a_press_of_the_button(program, mailbox):
    sign_up(language="es")
    confirm, _stop = links_in(mailbox.received().get_content())
    looked = Browser().get(confirm)
    assert looked.status_code == 200 and "Yes, send me updates" in looked.content.decode()
    assert not UpdateSubscriber.objects.get().active
    pressed = Browser().post(confirm)
    assert pressed.status_code == 200 and "You're signed up" in text(pressed)
    subscriber = UpdateSubscriber.objects.get()
    assert subscriber.active and subscriber.language == "es"


def test_the_confirmation_link_expires_after_a_week(program, mailbox):
    sign_up()
    confirm, _stop = links_in(mailbox.received().get_content())
    with travel(timezone.now() + timedelta(days=8)):
        response = Browser().post(confirm)
    assert response.status_code == 400
    assert "This link isn't working" in text(response)
    assert not UpdateSubscriber.objects.get().active


def test_signing_up_twice_does_not_tell_whether_the_address_was_known(program, mailbox):
    first_browser, second_browser = Browser(), Browser()
    # Frozen, so that Expires (the time of the answer) reads the same.
    with travel(timezone.now()):
        first = sign_up(first_browser)
        updates.confirm(UpdateSubscriber.objects.get(), "en")
        second = sign_up(second_browser)
        first_page = first_browser.get("/updates/sent/").content
        second_page = second_browser.get("/updates/sent/").content
    assert shape(first) == shape(second)
    assert CSRF.sub(b"", first_page) == CSRF.sub(b"", second_page)
    assert UpdateSubscriber.objects.count() == 1
    assert UpdateSubscriber.objects.get().active
    assert len(mailbox.envelopes) == 2


def test_a_bot_on_the_updates_form_gets_the_same_page_and_no_email(program, mailbox):
    response = sign_up(website="http://spam.example")
    assert response["Location"] == "/updates/sent/"
    assert not UpdateSubscriber.objects.exists() and not mailbox.envelopes


def test_one_address_gets_at_most_three_confirmations_an_hour(program, mailbox):
    for n in range(3):
        assert sign_up(ip=f"203.0.113.{n}").status_code == 302
    assert sign_up(ip="203.0.113.99").status_code == 429
    assert len(mailbox.envelopes) == 3


def test_a_mail_server_that_is_down_still_gets_the_same_page(program, mail_settings):
    mail_settings.EMAIL_PORT = free_port()  # nothing listens there
    response = sign_up()
    assert response["Location"] == "/updates/sent/"
    assert UpdateSubscriber.objects.get().confirmation_sent_at is None


def test_an_invalid_email_is_asked_for_again_kindly(program):
    response = sign_up(email="sam at example")
    assert response.status_code == 400
    assert "Enter an email like name@example.com" in response.content.decode()
    assert 'value="sam at example"' in response.content.decode()


@pytest.fixture
def mail_program():
    """Like a mail program: no cookie, no CSRF token."""
    return Browser(enforce_csrf_checks=True)


def test_one_click_unsubscribes_at_once(program, mailbox, mail_program):
    sign_up()
    _confirm, stop = links_in(mailbox.received().get_content())
    updates.confirm(UpdateSubscriber.objects.get(), "en")
    response = mail_program.post(stop, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not UpdateSubscriber.objects.get().active
    again = mail_program.post(stop, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200


def test_the_unsubscribe_page_shows_a_button_and_changes_nothing_by_itself(
    program, mailbox, mail_program
):
    sign_up()
    _confirm, stop = links_in(mailbox.received().get_content())
    updates.confirm(UpdateSubscriber.objects.get(), "en")
    page = mail_program.get(stop).content.decode()
    assert 'name="List-Unsubscribe" value="One-Click"' in page
    assert UpdateSubscriber.objects.get().active
    assert mail_program.post(stop, {}).status_code == 400
    assert UpdateSubscriber.objects.get().active


def test_a_tampered_unsubscribe_link_gets_a_kind_page(program, mail_program):
    response = mail_program.post("/updates/unsubscribe/abc:def/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "988" in response.content.decode()


def test_signing_up_again_after_unsubscribing_needs_a_new_yes(program, mailbox):
    sign_up()
    subscriber = UpdateSubscriber.objects.get()
    updates.confirm(subscriber, "en")
    updates.unsubscribe(subscriber)
    sign_up()
    subscriber.refresh_from_db()
    assert not subscriber.active
    confirm, _stop = links_in(last_mail(mailbox).get_content())
    Browser().post(confirm)
    subscriber.refresh_from_db()
    assert subscriber.active


def test_the_confirmation_is_no_client_outreach(program, mailbox):
    sign_up()
    assert not Message.objects.exists()

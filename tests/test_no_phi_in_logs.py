"""No PHI in logs (issue 6 part 7): every flow that exists runs with the
root logger at DEBUG and standard output and error captured, and none of a
person's distinctive fake name, phone number (in any format), email or
message text appears anywhere in what was written.

Flows: CSV import (with a bad row), FHIR import and export, the public return
form and the on-behalf form, a staff-logged call, outreach queued and sent
through the console provider, an incoming SMS webhook, triage, Part 2
consent, disclosure and a refused one, the REST API, a failed sign-in."""

import contextlib
import json
import logging
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client as Browser
from django.utils import timezone
from twilio.request_validator import RequestValidator

from tests.auth import sign_in
from tests.factories import ClientFactory, ProgramFactory, enrolled
from tests.part2_helpers import alex_consent
from welcomeback.api.keys import create_key
from welcomeback.care.models import Client
from welcomeback.disclosures.consents import Party
from welcomeback.disclosures.disclose import DisclosureRefused, disclose
from welcomeback.disclosures.models import InfoKind, Purpose
from welcomeback.outreach import consent, dispatch
from welcomeback.outreach.models import Channel, ConsentSource, Message
from welcomeback.outreach.models import Purpose as OutreachPurpose
from welcomeback.outreach.outbox import queue_from_template
from welcomeback.portal import intake
from welcomeback.returns.triage.classify import triage

pytestmark = pytest.mark.django_db

FIRST, LAST = "Quenzelia", "Marrowbrook"
EMAIL = "quenzelia.marrowbrook@example.org"
DIGITS = "2125550163"
PHONE = "+1" + DIGITS
PROXY_NAME, PROXY_PHONE = "Tobiasz Fennimore", "+12125550164"
WORDS = "zanzibar lantern evenings are hard"
PUBLIC = "https://wb.example.org"
TOKEN = "test-auth-token"


def secrets() -> list[str]:
    phone_forms = [
        PHONE,
        DIGITS,
        "212-555-0163",
        "(212) 555-0163",
        "212 555 0163",
        "212.555.0163",
        "555-0163",
        "5550163",
    ]
    proxy = [PROXY_PHONE, PROXY_PHONE[2:], "212-555-0164", "(212) 555-0164", "Fennimore"]
    return [FIRST, LAST, EMAIL, "marrowbrook@", WORDS, "zanzibar", *phone_forms, *proxy]


class Everything(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))  # message, args, exception text


@pytest.fixture
def logs(capfd):
    root = logging.getLogger()
    handler, level = Everything(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in logging.root.manager.loggerDict]
    levels = {lg: lg.level for lg in loggers}
    for lg in loggers:
        # Two loggers are pinned above DEBUG by settings.LOGGING, whatever
        # LOG_LEVEL says (test_debug_logging_is_pinned_where_it_would_leak):
        # SQL with its parameters, and missing template variables with the
        # whole template context.
        if lg.level > logging.DEBUG and not lg.name.startswith(("django.db", "django.template")):
            lg.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)
    for lg, old in levels.items():
        lg.setLevel(old)


@pytest.fixture
def program(settings, tmp_path):
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.PUBLIC_PROXY_ANSWER_SECONDS = 0
    return ProgramFactory(phone="+12125550100", neutral_name="Riverbend")


def test_no_flow_writes_a_name_a_number_an_email_or_message_text(
    program, logs, capfd, tmp_path, monkeypatch, django_user_model
):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(intake, "wake", intake.drain)
    from welcomeback.portal import views as portal_views

    if hasattr(portal_views, "forget_programs"):
        portal_views.forget_programs()

    # CSV import, with a row that fails (a bad email) and one that passes.
    rows = tmp_path / "clients.csv"
    rows.write_text(
        "client,first_name,last_name,phone,email,language\n"
        f"A-1,{FIRST},{LAST},{DIGITS},{EMAIL},en\n"
        f"A-2,{FIRST}x,{LAST}x,(212) 555-0163,not-an-{EMAIL}@@,en\n",
        "utf-8",
    )
    call_command(
        "importcsv",
        "clients",
        str(rows),
        program=program.pk,
        no_progress=True,
        errors_out=tmp_path / "errors.csv",
    )

    # FHIR import and export.
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:11111111-1111-1111-1111-111111111111",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": "urn:example:mrn", "value": "F-1"}],
                    "name": [{"family": LAST, "given": [FIRST]}],
                    "telecom": [
                        {"system": "phone", "value": "(212) 555-0163"},
                        {"system": "email", "value": EMAIL},
                    ],
                },
            },
            {"resource": {"resourceType": "Patient", "name": [{"family": LAST}], "bad": WORDS}},
        ],
    }
    (tmp_path / "bundle.json").write_text(json.dumps(bundle), "utf-8")
    # The bad entry is refused (the command exits 1); what it printed is scanned below.
    with contextlib.suppress(CommandError):
        call_command("importfhir", str(tmp_path / "bundle.json"), program=program.pk)
    call_command("exportfhir", program=program.pk, output=str(tmp_path / "out.json"))

    # The public pages: the return form and the on-behalf form.
    browser = Browser()
    browser.post("/come-back/", {"contact": "(212) 555-0163", "message": WORDS})
    browser.post(
        "/for-someone/",
        {
            "your_name": PROXY_NAME,
            "relationship": "brother",
            "your_contact": PROXY_PHONE,
            "their_name": f"{FIRST} {LAST}",
            "their_contact": EMAIL,
            "message": WORDS,
        },
    )

    # A person in care, messaged by the cadence's outbox and sent (console).
    person = ClientFactory(
        organization=program.site.organization,
        first_name=FIRST,
        last_name=LAST,
        phone="+12125550163",
        email=EMAIL,
    )
    enrolled(person, program, timezone.now() - timedelta(days=30))
    consent.grant(
        channel=Channel.SMS,
        address=person.phone,
        wording="Texts from Riverbend. Reply STOP to stop.",
        source=ConsentSource.FORM,
        client=person,
    )
    # A Tuesday afternoon in New York: inside every sending window.
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=program.zone), tick=True):
        message = queue_from_template(
            client=person,
            program=program,
            channel=Channel.SMS,
            purpose=OutreachPurpose.MISSED,
            key="log-scan",
        )
        if message is not None:
            Message.objects.filter(pk=message.pk).update(not_before=None)
            dispatch.deliver.call(message.pk)

    # An incoming text (Twilio's webhook, signed).
    params = {
        "MessageSid": "SM" + "b2" * 16,
        "AccountSid": "AC" + "0" * 32,
        "From": PHONE,
        "To": "+15005550006",
        "Body": WORDS,
        "NumMedia": "0",
    }
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/o/twilio/inbound/", params)
    Browser().post("/o/twilio/inbound/", params, HTTP_X_TWILIO_SIGNATURE=signature)
    triage(WORDS)
    call_command("triage", WORDS)

    # Staff: a call logged by hand, a person's pages, Part 2.
    staff = django_user_model.objects.create_user("casey", password="a-long-test-password")
    http = sign_in(Browser(), staff, [program])
    http.post(
        "/staff/requests/new/",
        {
            "program": program.pk,
            "channel": "phone",
            "phone": "212.555.0163",
            "message": WORDS,
            "language": "en",
        },
    )
    http.get(f"/staff/people/{person.pk}/")
    http.get(f"/staff/part2/people/{person.pk}/")
    alex_consent(person, program, recipients=[{"name": PROXY_NAME, "phone": PROXY_PHONE}])
    disclose(
        person,
        Party(phone=PROXY_PHONE),
        [InfoKind.APPOINTMENTS],
        Purpose.RETURN_TO_CARE,
        what=WORDS,
        by=staff,
    )
    with pytest.raises(DisclosureRefused):
        disclose(
            person, Party(name="Someone"), [InfoKind.PRESENCE], Purpose.TPO, what=WORDS, by=staff
        )

    # The REST API, and a failed sign-in with a person's email as username.
    _key, token = create_key(program, "EHR sync", "read")
    api = Browser()
    api.get("/api/clients", HTTP_AUTHORIZATION=f"Bearer {token}")
    api.post("/api/clients/lookup", {"phone": PHONE}, content_type="application/json")
    Browser().post("/accounts/login/", {"username": "nobody", "password": WORDS})

    # Every flow did its work (a flow that silently did nothing would prove nothing).
    from welcomeback.disclosures.models import Disclosure
    from welcomeback.outreach.models import InboundMessage
    from welcomeback.returns.models import ReturnRequest

    assert Client.objects.filter(last_name=LAST).count() >= 2
    # The staff-logged call joins the return form's open request (same number).
    assert ReturnRequest.objects.filter(origin="proxy").exists()
    assert ReturnRequest.objects.filter(origin="self", message__contains="zanzibar").exists()
    assert message is not None and Message.objects.get(pk=message.pk).state == "sent"
    assert InboundMessage.objects.filter(body=WORDS).exists()
    assert Disclosure.objects.count() == 1

    out, err = capfd.readouterr()
    written = "\n".join([*logs.lines, out, err])
    assert len(logs.lines) > 5, "the flows ran and logged"
    leaks = [secret for secret in secrets() if secret.lower() in written.lower()]
    assert leaks == [], f"PHI in logs or output: {leaks}\n" + "\n".join(
        line for line in written.splitlines() if any(s.lower() in line.lower() for s in leaks)
    )


def test_debug_logging_is_pinned_where_it_would_leak():
    from django.conf import settings

    pinned = settings.LOGGING["loggers"]
    assert logging.getLevelName(pinned["django.db.backends"]["level"]) > logging.DEBUG
    assert logging.getLevelName(pinned["django.template"]["level"]) > logging.DEBUG
    assert logging.getLogger("django.template").getEffectiveLevel() > logging.DEBUG

"""Break-glass: a clinician opens one record outside their programs, with a
reason, for an hour; audited; the director is emailed (real SMTP) with no
PHI; nobody else may, and it opens nothing else."""

import socket
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from tests.auth import sign_in
from tests.roles_world import build_world, staff_member
from welcomeback.accounts.models import AuditEvent
from welcomeback.care.models import Client
from welcomeback.disclosures.models import BreakGlass
from welcomeback.returns.requests import open_request

pytestmark = pytest.mark.django_db

REASON = "Called by the ED: unresponsive, needs medication list"


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=email_policy.default))
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    controller.stop()


@pytest.fixture
def world():
    own, other = build_world()
    other.program.director_email = "birch-director@example.org"
    other.program.save()
    return own, other


def open_glass(http, record, reason=REASON):
    return http.post(reverse("part2:break_glass"), {"record": record, "reason": reason})


def test_a_clinician_opens_one_record_for_an_hour_and_the_director_is_told(client, world, mailbox):
    own, other = world
    http = staff_member(client, "clinician", own.program)
    person_url = reverse("staff:person", args=[other.client.pk])
    assert http.get(person_url).status_code == 404
    assert http.get(reverse("part2:break_glass")).status_code == 200

    response = open_glass(http, other.client.pk)
    assert response.status_code == 302 and response["Location"] == person_url
    page = http.get(person_url)
    assert page.status_code == 200 and other.client.last_name in page.content.decode()

    grant = BreakGlass.objects.get()
    assert (grant.user, grant.client, grant.reason) == (http.user, other.client, REASON)
    assert grant.expires_at - grant.opened_at == timedelta(hours=1)
    event = AuditEvent.objects.get(action="break_glass")
    assert (event.client_id, event.actor_id) == (other.client.pk, http.user.pk)
    assert REASON not in event.detail

    ((to, email),) = mailbox.messages
    assert to == ["birch-director@example.org"]
    text = email["Subject"] + email.get_content()
    assert "emergency access" in text and "audit" in text
    for phi in (other.client.first_name, other.client.last_name, other.client.phone, "medication"):
        assert phi not in text

    # Only that person: another of Birch's people stays closed.
    stranger = Client.objects.create(
        organization=other.client.organization, first_name="Cy", last_name="Cedar"
    )
    open_request(program=other.program, channel="sms", phone="+12125550188", client=stranger)
    assert http.get(reverse("staff:person", args=[stranger.pk])).status_code == 404
    # Reading only: no changes to the other program's record.
    contact = reverse("staff:contact", args=[other.client.pk])
    assert http.post(contact, {"form": "preferences", "language": "en"}).status_code == 404

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        # Signed in afresh (the idle timeout has passed too): the grant is over.
        http = sign_in(http, http.user)
        assert http.get(person_url).status_code == 404


@pytest.mark.parametrize("role", ["front_desk", "case_manager", "director", "org_admin"])
def test_only_clinicians_may_break_the_glass(client, world, role):
    own, other = world
    http = staff_member(client, role, own.program)
    assert http.get(reverse("part2:break_glass")).status_code == 403
    assert open_glass(http, other.client.pk).status_code == 403
    assert not BreakGlass.objects.exists()


def test_a_reason_is_required_and_unknown_records_are_not_opened(client, world, mailbox):
    own, other = world
    http = staff_member(client, "clinician", own.program)
    assert open_glass(http, other.client.pk, reason="need it").status_code == 400
    assert open_glass(http, 999999).status_code == 400
    assert not BreakGlass.objects.exists() and mailbox.messages == []

"""Part 2 on the staff screens: "may I speak with them?" before a call back,
the block (audited) without a consent, and minimum necessary by role: front
desk and case managers see "consent on file: yes/no", never a consent's
details, clinical notes or instrument answers, on every page showing a person."""

import pytest
from django.urls import reverse

from tests.part2_helpers import alex_consent
from tests.roles_world import build_world, staff_member
from welcomeback.accounts.models import AuditEvent
from welcomeback.care.episodes import change_episode_status
from welcomeback.disclosures.consents import revoke_recipient
from welcomeback.disclosures.models import Disclosure
from welcomeback.returns.models import ContactAttempt, Origin
from welcomeback.returns.requests import open_request

pytestmark = pytest.mark.django_db

# Distinctive, so a page that shows them is caught.
INFORMATION = "Zephyrine-appointment-times-only"
NOTE = "Quillon clinical note about the discharge"


@pytest.fixture
def world():
    own, other = build_world()
    own.proxy_request = open_request(
        program=own.program,
        channel="web",
        phone="+12125550177",
        origin=Origin.PROXY,
        client=own.client,
        proxy={
            "proxy_name": "Alex Rivera",
            "proxy_relationship": "sister",
            "proxy_phone": "+12125550142",
        },
    )
    return own, other


def page(http, name, *args):
    response = http.get(reverse(name, args=args))
    assert response.status_code == 200, name
    return response.content.decode()


def test_without_consent_staff_may_listen_but_not_confirm_and_a_call_through_them_is_refused(
    client, world
):
    own, _other = world
    http = staff_member(client, "front_desk", own.program)
    url = reverse("staff:request", args=[own.proxy_request.pk])
    text = http.get(url).content.decode()
    assert "No consent on file:" in text
    assert "you may listen, but do not confirm that Ana Alderton is in care" in text
    response = http.post(
        reverse("staff:request_attempt", args=[own.proxy_request.pk]),
        {"method": "proxy", "result": "reached"},
    )
    assert response.status_code == 400
    assert "No consent names them" in response.content.decode()
    assert not ContactAttempt.objects.exists() and not Disclosure.objects.exists()
    refusal = AuditEvent.objects.filter(action="access_denied", client_id=own.client.pk).last()
    assert refusal.details["part2"] == "no_consent"
    assert "Alex" not in refusal.detail


def test_with_consent_staff_see_what_they_may_say_and_the_call_is_a_logged_disclosure(
    client, world
):
    own, _other = world
    consent = alex_consent(own.client, own.program)
    http = staff_member(client, "front_desk", own.program)
    text = page(http, "staff:request", own.proxy_request.pk)
    assert "You may talk with Alex Rivera (sister) about:" in text
    assert "appointments and attendance" in text and "until" in text
    response = http.post(
        reverse("staff:request_attempt", args=[own.proxy_request.pk]),
        {"method": "proxy", "result": "reached"},
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert (disclosure.consent, disclosure.recipient.name) == (consent, "Alex Rivera")
    assert disclosure.notice_text.startswith("This record which has been disclosed to you")
    # Revoked for Alex: the next call through them is refused at once.
    revoke_recipient(consent.recipients.get(), by=None)
    assert "No consent on file:" in page(http, "staff:request", own.proxy_request.pk)
    again = http.post(
        reverse("staff:request_attempt", args=[own.proxy_request.pk]),
        {"method": "proxy", "result": "reached"},
    )
    assert again.status_code == 400 and Disclosure.objects.count() == 1


def test_a_clinician_records_revokes_and_discloses_from_the_part2_page(client, world):
    own, _other = world
    http = staff_member(client, "clinician", own.program)
    new = reverse("part2:consent_new", args=[own.client.pk])
    form = http.get(new).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        kind="part2",
        program=own.program.pk,
        information=INFORMATION,
        info_kinds=["presence", "appointments"],
        purpose="To help me come back.",
        purposes=["return_to_care"],
        expires_on="2030-01-01",
        signature_method="wet",
        signer_role="patient",
        signed_on="2025-06-01",
        r1_name="Alex Rivera",
        r1_kind="person",
        r1_relationship="sister",
        r1_phone="212 555 0142",
    )
    data = {k: ("" if v is None else v) for k, v in data.items()}
    # Without the redisclosure statement it is not saved.
    missing = http.post(new, {**data, "redisclosure_statement": ""})
    assert missing.status_code == 400
    saved = http.post(new, data)
    assert saved.status_code == 302, saved.context["form"].errors.as_json()
    text = page(http, "part2:person", own.client.pk)
    assert INFORMATION in text and "Alex Rivera (sister)" in text
    disclose_url = reverse("part2:disclose", args=[own.client.pk])
    recipient = http.get(disclose_url).context["form"].fields["recipient"].choices[0][0]
    sent = {
        "recipient": recipient,
        "info_kinds": ["appointments"],
        "purpose": "return_to_care",
        "what": "Her next group is Tuesday.",
        "notice": "statement_2",
    }
    assert http.post(disclose_url, sent).status_code == 302
    refused = http.post(disclose_url, {**sent, "info_kinds": ["treatment_summary"]})
    assert refused.status_code == 403
    assert "does not cover this information" in refused.content.decode()
    assert Disclosure.objects.count() == 1
    http.post(reverse("part2:revoke", args=[own.client.pk]), {"recipient": recipient})
    assert "Revoke for Alex" not in page(http, "part2:person", own.client.pk)


@pytest.mark.parametrize("role", ["front_desk", "case_manager"])
def test_front_desk_and_outreach_see_only_whether_a_consent_is_on_file(client, world, role):
    own, _other = world
    alex_consent(own.client, own.program, information=INFORMATION, signed_by="Ana A. Alderton")
    change_episode_status(own.episode, "onhold", note=NOTE)
    http = staff_member(client, role, own.program)
    pages = {
        "staff:person": own.client.pk,
        "staff:contact": own.client.pk,
        "staff:request": own.proxy_request.pk,
        "part2:person": own.client.pk,
    }
    for name, pk in pages.items():
        text = page(http, name, pk)
        for secret in (INFORMATION, "Ana A. Alderton", NOTE, "statement", "Signed by"):
            assert secret not in text, f"{role} sees {secret!r} on {name}"
    assert "Part 2 consent on file:</strong> yes" in page(http, "part2:person", own.client.pk)
    assert "Part 2 consent on file:</strong> yes" in page(http, "staff:contact", own.client.pk)
    assert http.get(reverse("part2:disclose", args=[own.client.pk])).status_code == 403
    assert http.get(reverse("part2:consent_new", args=[own.client.pk])).status_code == 403
    # A clinician of the program sees the details.
    clinician = staff_member(client, "clinician", own.program, username="clin")
    assert INFORMATION in page(clinician, "part2:person", own.client.pk)


def test_nobody_sees_another_programs_consents(client, world):
    own, other = world
    alex_consent(other.client, other.program, information=INFORMATION)
    http = staff_member(client, "clinician", own.program)
    assert http.get(reverse("part2:person", args=[other.client.pk])).status_code == 404
    assert http.post(reverse("part2:revoke", args=[other.client.pk]), {}).status_code == 404

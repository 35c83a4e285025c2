"""42 CFR Part 2 consents (2.31), may_disclose, disclosures with the 2.32
notice, revocation (whole or one party), and 2.51 emergencies."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import person, riverbend
from tests.part2_helpers import ALEX, DANA, alex_consent, consent_fields
from welcomeback.accounts.models import AuditEvent
from welcomeback.disclosures.consents import (
    Party,
    has_consent_on_file,
    may_disclose,
    record_consent,
    revoke_consent,
    revoke_recipient,
    statement,
    what_they_may_hear,
)
from welcomeback.disclosures.disclose import (
    DisclosureRefused,
    disclose,
    notices,
    record_emergency,
)
from welcomeback.disclosures.models import (
    ConsentKind,
    Disclosure,
    InfoKind,
    Notice,
    Part2Consent,
    Purpose,
    SignerRole,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
ALEX_PHONE = Party(phone="212-555-0142")


@pytest.fixture
def program():
    return riverbend()


@pytest.fixture
def maya(program):
    return person(program, "Maya")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("casey", password="x")


# ---------------------------------------------------------------- 2.31 elements

REQUIRED = {
    "discloser": "",
    "information": "",
    "info_kinds": [],
    "purpose": "",
    "purposes": [],
    "revocation_statement": "",
    "revocation_method": "",
    "signed_by": "",
    "signature_method": "",
    "signed_on": None,
    "redisclosure_statement": "",
    "no_conditioning_statement": "",
}


@pytest.mark.parametrize("element", sorted(REQUIRED))
def test_a_consent_cannot_be_saved_without_any_231_element(maya, program, element):
    with pytest.raises((ValidationError, IntegrityError)), transaction.atomic():
        alex_consent(maya, program, **{element: REQUIRED[element]})
    assert not Part2Consent.objects.exists()


def test_a_consent_needs_an_expiry_date_or_event(maya, program):
    with pytest.raises(ValidationError, match="expiry"):
        alex_consent(maya, program, expires_on=None, expiry_event="")
    consent = alex_consent(maya, program, expires_on=None, expiry_event="the end of my treatment")
    assert consent.pk


def test_a_consent_needs_a_recipient(maya, program):
    with pytest.raises(ValidationError, match="recipient"):
        alex_consent(maya, program, recipients=[])
    with pytest.raises(ValidationError, match="name"):
        alex_consent(maya, program, recipients=[{"name": " ", "phone": "+12125550142"}])
    assert not Part2Consent.objects.exists()


def test_someone_signing_for_the_patient_states_their_authority(maya, program):
    with pytest.raises(ValidationError, match="signer_authority"):
        alex_consent(maya, program, signer_role=SignerRole.GUARDIAN, signed_by="Rosa Rivera")
    consent = alex_consent(
        maya,
        program,
        signer_role=SignerRole.GUARDIAN,
        signed_by="Rosa Rivera",
        signer_authority="Mother; Maya is 15 (42 CFR 2.14)",
    )
    assert consent.pk


def test_the_database_refuses_an_incomplete_consent_even_past_save(maya, program):
    consent = alex_consent(maya, program)
    with pytest.raises(IntegrityError), transaction.atomic():
        Part2Consent.objects.filter(pk=consent.pk).update(revocation_method="")


def test_a_tpo_consent_needs_the_hipaa_redisclosure_statement_and_names_the_class(maya, program):
    fields = consent_fields(
        maya, program, kind=ConsentKind.TPO, purposes=[Purpose.TPO], expires_on=None
    )
    fields["expiry_event"] = "none"
    with pytest.raises(ValidationError, match="hipaa_redisclosure_statement"):
        record_consent(recipients=[{"name": "Eastside Clinic", "kind": "organization"}], **fields)
    fields["hipaa_redisclosure_statement"] = statement("hipaa_redisclosure", "en")
    consent = record_consent(
        recipients=[{"name": "Eastside Clinic", "kind": "organization"}], **fields
    )
    assert statement("tpo_recipients", "en") in [r.name for r in consent.recipients.all()]
    provider = Party(name="Dr. Lee, County General", tpo_class=True)
    assert may_disclose(maya, provider, InfoKind.APPOINTMENTS, Purpose.TPO, NOW)
    # The TPO class is not the family.
    assert not may_disclose(maya, ALEX_PHONE, InfoKind.APPOINTMENTS, Purpose.TPO, NOW)


# ---------------------------------------------------------------- may_disclose


def test_a_named_recipient_may_hear_what_the_consent_covers_until_it_expires(maya, program):
    consent = alex_consent(maya, program)
    decision = may_disclose(maya, ALEX_PHONE, InfoKind.APPOINTMENTS, Purpose.RETURN_TO_CARE, NOW)
    assert decision.allowed and decision.consent == consent
    assert decision.recipient.name == "Alex Rivera" and decision.until == date(2027, 3, 1)
    # Recognized by name too, however it is typed.
    assert may_disclose(
        maya, Party(name="  alex   RIVERA"), InfoKind.PRESENCE, Purpose.RETURN_TO_CARE, NOW
    )
    after = datetime(2027, 3, 2, 12, tzinfo=UTC)
    assert not may_disclose(maya, ALEX_PHONE, InfoKind.APPOINTMENTS, Purpose.RETURN_TO_CARE, after)
    before = datetime(2025, 2, 27, 12, tzinfo=UTC)
    assert not may_disclose(maya, ALEX_PHONE, InfoKind.APPOINTMENTS, Purpose.RETURN_TO_CARE, before)


def test_nothing_beyond_the_information_and_purpose_signed(maya, program):
    alex_consent(maya, program)
    summary = may_disclose(maya, ALEX_PHONE, InfoKind.TREATMENT_SUMMARY, Purpose.RETURN_TO_CARE)
    assert not summary and summary.reason == "not_covered"
    other_purpose = may_disclose(maya, ALEX_PHONE, InfoKind.APPOINTMENTS, Purpose.TPO)
    assert not other_purpose and other_purpose.reason == "not_covered"
    stranger = may_disclose(maya, Party(phone="+12125550199"), InfoKind.PRESENCE, Purpose.TPO)
    assert not stranger and stranger.reason == "no_consent"
    # Another person's consent says nothing about Maya.
    assert not may_disclose(
        person(program, "Jordan"), ALEX_PHONE, InfoKind.PRESENCE, Purpose.RETURN_TO_CARE
    )


def test_a_general_medical_release_never_authorizes_a_part2_disclosure(maya, program):
    fields = consent_fields(maya, program, kind=ConsentKind.GENERAL_RELEASE)
    fields.update(redisclosure_statement="", no_conditioning_statement="")
    fields["info_kinds"] = list(InfoKind.values)
    fields["purposes"] = list(Purpose.values)
    record_consent(recipients=[ALEX], **fields)
    for info_kind in InfoKind.values:
        for purpose in Purpose.values:
            decision = may_disclose(maya, ALEX_PHONE, info_kind, purpose, NOW)
            assert not decision and decision.reason == "general_release"
    assert not has_consent_on_file(maya, NOW)
    with pytest.raises(DisclosureRefused):
        disclose(maya, ALEX_PHONE, [InfoKind.PRESENCE], Purpose.RETURN_TO_CARE, what="x", by=None)


def test_counseling_notes_need_their_own_consent_and_it_covers_nothing_else(maya, program, staff):
    with pytest.raises(ValidationError, match="own"):
        alex_consent(maya, program, info_kinds=[InfoKind.APPOINTMENTS, InfoKind.COUNSELING_NOTES])
    with pytest.raises(ValidationError, match="only"):
        alex_consent(
            maya,
            program,
            kind=ConsentKind.COUNSELING_NOTES,
            info_kinds=[InfoKind.COUNSELING_NOTES, InfoKind.APPOINTMENTS],
        )
    alex_consent(maya, program)
    notes = may_disclose(maya, ALEX_PHONE, InfoKind.COUNSELING_NOTES, Purpose.RETURN_TO_CARE, NOW)
    assert not notes and notes.reason == "counseling_notes"
    own = alex_consent(
        maya, program, kind=ConsentKind.COUNSELING_NOTES, info_kinds=[InfoKind.COUNSELING_NOTES]
    )
    allowed = may_disclose(maya, ALEX_PHONE, InfoKind.COUNSELING_NOTES, Purpose.RETURN_TO_CARE, NOW)
    assert allowed.consent == own


def test_what_they_may_hear_lists_each_kind_with_its_consent(maya, program):
    consent = alex_consent(maya, program)
    heard = dict(what_they_may_hear(maya, ALEX_PHONE, NOW))
    assert set(heard) == {InfoKind.PRESENCE, InfoKind.APPOINTMENTS, InfoKind.RETURN_PLANS}
    assert {d.consent for d in heard.values()} == {consent}
    assert what_they_may_hear(maya, Party(name="Someone else"), NOW) == []
    assert has_consent_on_file(maya, NOW)


# ---------------------------------------------------------------- revocation


def test_revoking_for_one_named_party_leaves_the_others(maya, program, staff):
    consent = alex_consent(maya, program, recipients=[ALEX, DANA])
    dana = Party(email="dana@example.org")
    alex_row = consent.recipients.get(name="Alex Rivera")
    assert revoke_recipient(alex_row, by=staff)
    assert not may_disclose(maya, ALEX_PHONE, InfoKind.PRESENCE, Purpose.RETURN_TO_CARE)
    assert may_disclose(maya, dana, InfoKind.PRESENCE, Purpose.RETURN_TO_CARE)
    with pytest.raises(DisclosureRefused):
        disclose(maya, alex_row, [InfoKind.PRESENCE], Purpose.RETURN_TO_CARE, what="x", by=staff)
    assert not revoke_recipient(alex_row, by=staff), "revoking twice changes nothing"
    changes = AuditEvent.objects.filter(action="consent_change", object_id=str(consent.pk))
    assert [e.details["change"] for e in changes] == ["recorded", "recipient_revoked"]


def test_revoking_the_whole_consent_blocks_the_next_disclosure_at_once(maya, program, staff):
    consent = alex_consent(maya, program, recipients=[ALEX, DANA])
    first = disclose(
        maya, ALEX_PHONE, [InfoKind.APPOINTMENTS], Purpose.RETURN_TO_CARE, what="x", by=staff
    )
    assert first.consent == consent
    revoke_consent(consent, by=staff)
    for party in (ALEX_PHONE, Party(email="dana@example.org")):
        with pytest.raises(DisclosureRefused) as refused:
            disclose(
                maya, party, [InfoKind.APPOINTMENTS], Purpose.RETURN_TO_CARE, what="y", by=staff
            )
        assert refused.value.decision.reason == "no_consent"
    assert Disclosure.objects.count() == 1
    denied = AuditEvent.objects.filter(action="access_denied", client_id=maya.pk)
    assert denied.count() == 2
    assert all(e.details["part2"] == "no_consent" for e in denied)


# ---------------------------------------------------------------- disclosures


def test_a_disclosure_is_logged_with_its_consent_and_carries_the_232_notice(maya, program, staff):
    consent = alex_consent(maya, program)
    disclosure = disclose(
        maya,
        ALEX_PHONE,
        [InfoKind.APPOINTMENTS, InfoKind.RETURN_PLANS],
        Purpose.RETURN_TO_CARE,
        what="Her next group is on Tuesday evening.",
        by=staff,
        now=NOW,
    )
    assert (disclosure.consent, disclosure.recipient.name) == (consent, "Alex Rivera")
    assert (disclosure.by, disclosure.at, disclosure.notice) == (staff, NOW, Notice.STATEMENT_1)
    assert disclosure.notice_text.startswith(
        "This record which has been disclosed to you is protected by Federal confidentiality"
    )
    assert "NOT sufficient" in disclosure.notice_text
    assert "Alex Rivera (sister)" in disclosure.scope and "2027-03-01" in disclosure.scope
    event = AuditEvent.objects.get(action="disclosure")
    assert event.client_id == maya.pk
    assert event.details == {
        "notice": "statement_1",
        "part2_consent": consent.pk,
        "recipient": disclosure.recipient.pk,
    }
    assert "Alex" not in event.detail and "Tuesday" not in event.detail


def test_the_short_notice_and_spanish(maya, program, staff):
    alex_consent(maya, program)
    disclosure = disclose(
        maya,
        ALEX_PHONE,
        [InfoKind.PRESENCE],
        Purpose.RETURN_TO_CARE,
        what="Sí, está con nosotros.",
        by=staff,
        notice=Notice.STATEMENT_2,
        language="es",
    )
    assert disclosure.notice_text.startswith(
        "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    )
    assert "42 CFR parte 2 prohíbe" in disclosure.notice_text
    assert "Consentimiento" in disclosure.scope or "Consent" in disclosure.scope


def test_the_notice_file_names_its_source():
    data = notices()
    assert "2.32" in data["source"] and data["source_url"].startswith("https://www.ecfr.gov/")
    assert data["statement_2"]["en"] == (
        "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    )


def test_one_disclosure_relies_on_one_consent(maya, program, staff):
    alex_consent(maya, program, info_kinds=[InfoKind.PRESENCE])
    alex_consent(maya, program, info_kinds=[InfoKind.APPOINTMENTS])
    with pytest.raises(DisclosureRefused):
        disclose(
            maya,
            ALEX_PHONE,
            [InfoKind.PRESENCE, InfoKind.APPOINTMENTS],
            Purpose.RETURN_TO_CARE,
            what="x",
            by=staff,
        )
    one = disclose(
        maya, ALEX_PHONE, [InfoKind.PRESENCE], Purpose.RETURN_TO_CARE, what="x", by=staff
    )
    assert one.pk


# ---------------------------------------------------------------- 2.51


def test_a_medical_emergency_disclosure_needs_no_consent_but_every_251_fact(maya, program, staff):
    facts = {
        "recipient_name": "Dr. Lee",
        "affiliation": "County General emergency department",
        "nature": "Unresponsive on arrival; suspected overdose",
        "what": "Current medications and allergies",
    }
    for missing in facts:
        with pytest.raises(ValidationError, match="2.51"):
            record_emergency(maya, program, by=staff, **{**facts, missing: " "})
    disclosure = record_emergency(maya, program, by=staff, at=NOW, **facts)
    assert disclosure.emergency and disclosure.consent is None
    assert (disclosure.recipient_affiliation, disclosure.by, disclosure.at) == (
        facts["affiliation"],
        staff,
        NOW,
    )
    assert disclosure.nature_of_emergency.startswith("Unresponsive")
    assert AuditEvent.objects.get(action="disclosure").details == {"emergency": True}
    # The database holds the line too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(
            client=maya,
            program=program,
            by=staff,
            recipient_name="X",
            what="y",
            emergency=True,
            notice=Notice.NONE,
        )

"""FHIR R4 export: every resource type built and valid, discreet message
content, the audit event, and the round trip import → export → import."""

import base64
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from fhir.resources.R4B import get_fhir_model_class

from tests.factories import enrolled, local, riverbend
from tests.outreach_helpers import person
from welcomeback.accounts.models import AuditAction, AuditEvent
from welcomeback.care.episodes import change_episode_status
from welcomeback.care.models import (
    Attendance,
    Client,
    DischargeReason,
    Episode,
    EpisodeStatus,
    Expectation,
    Session,
)
from welcomeback.interop.fhir import codes
from welcomeback.interop.fhir.exporter import WORDS_KEPT, export_bundle
from welcomeback.interop.fhir.importer import import_bundle
from welcomeback.interop.fhir.synthetic import demo_bundle
from welcomeback.interop.fhir.validation import validate
from welcomeback.outreach.models import Channel, Message, MessageState, Purpose
from welcomeback.outreach.templating import install_defaults, template_for
from welcomeback.returns.models import Assessment, AssessmentSource
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

pytestmark = pytest.mark.django_db

EXPORTED_TYPES = {
    "Patient",
    "Appointment",
    "Encounter",
    "EpisodeOfCare",
    "Communication",
    "CommunicationRequest",
    "Task",
    "QuestionnaireResponse",
    "Consent",
}


def by_type(bundle) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


@pytest.fixture
def program_with_everything():
    """A person with attendance, an ended episode, messages in each state,
    a task, consent given and withdrawn, and an assessment."""
    program = riverbend(name="Riverbend Recovery IOP", phone="(555) 555-0100")
    install_defaults(program)
    ana = person(program, first_name="Ana", last_name="Quintero")
    start = local(program, 2025, 3, 3, 9)
    episode = enrolled(ana, program, start)
    import_bundle(
        demo_bundle(people=2, weeks=3, today=date(2025, 3, 20)), program
    )  # other people, with attendance
    version = template_for(program, Channel.SMS, "en", Purpose.MISSED)
    common = {"client": ana, "program": program, "episode": episode, "sender_name": "Riverbend"}
    sent = Message.objects.create(
        **common,
        channel=Channel.SMS,
        purpose=Purpose.MISSED,
        to_address=ana.phone,
        template_version=version,
        body="Hi Ana, we missed you at Riverbend Recovery IOP. https://x.example/l/talk/SECRET/",
        state=MessageState.DELIVERED,
        key="m1",
        sent_at=start + timedelta(days=8),
        delivered_at=start + timedelta(days=8, seconds=5),
    )
    Message.objects.create(
        **common,
        channel=Channel.SMS,
        purpose=Purpose.STAFF,
        to_address=ana.phone,
        automated=False,
        body="Ana, it's Jordan from group. Thinking of you.",
        state=MessageState.SENT,
        key="m2",
        sent_at=start + timedelta(days=9),
    )
    Message.objects.create(
        **common,
        channel=Channel.EMAIL,
        purpose=Purpose.LAPSING,
        to_address=ana.email,
        template_version=template_for(program, Channel.EMAIL, "en", Purpose.LAPSING),
        subject="Checking in",
        body="Hi Ana, ...",
        state=MessageState.QUEUED,
        reason="held until 9:00 (quiet hours)",
        not_before=start + timedelta(days=10),
        key="m3",
    )
    Message.objects.create(
        **common,
        channel=Channel.SMS,
        purpose=Purpose.CHECK_IN,
        to_address=ana.phone,
        body="Hi Ana",
        state=MessageState.SUPPRESSED,
        reason="not sent: they opted out of this channel",
        key="m4",
    )
    open_task(kind=TaskKind.CALL, program=program, client=ana, episode=episode, title="Call")
    from welcomeback.outreach import consent
    from welcomeback.outreach.models import ConsentSource

    consent.withdraw(
        channel=Channel.SMS,
        address=ana.phone,
        wording="STOP",
        source=ConsentSource.KEYWORD,
        client=ana,
    )
    Assessment.objects.create(
        episode=episode,
        instrument="phq9",
        instrument_version="2001",
        answers={"q1": 1, "q2": 0, "q9": 0},
        total=1,
        complete=True,
        source=AssessmentSource.STAFF,
    )
    change_episode_status(
        episode,
        EpisodeStatus.FINISHED,
        discharge_reason=DischargeReason.COMPLETED,
        at=start + timedelta(days=30),
    )
    return program, ana, sent


def test_every_resource_type_is_exported_and_valid(program_with_everything):
    program, ana, _sent = program_with_everything
    bundle = export_bundle(program)
    validate(bundle)
    resources = by_type(bundle)
    assert set(resources) == EXPORTED_TYPES
    for kind, items in resources.items():
        for resource in items:
            # Each one passes fhir.resources' R4B model and R4's status codes.
            get_fhir_model_class(kind).model_validate(resource)
            validate(resource)
    episode = next(
        e for e in resources["EpisodeOfCare"] if e["patient"]["reference"].endswith(f"-{ana.pk}")
    )
    assert [h["status"] for h in episode["statusHistory"]] == ["planned", "active", "finished"]
    assert episode["status"] == "finished" and episode["period"]["end"]
    assert episode["extension"][0]["valueCoding"]["code"] == "1"
    # Queued: a request; held, with its reason.
    (request,) = resources["CommunicationRequest"]
    assert request["status"] == "active" and "quiet hours" in request["statusReason"]["text"]
    statuses = sorted(c["status"] for c in resources["Communication"])
    assert statuses == ["completed", "completed", "not-done"]
    consents = sorted(
        (c["provision"]["type"], c["status"])
        for c in resources["Consent"]
        if c["provision"]["code"][0]["coding"][0]["code"] == "sms"
    )
    assert consents == [("deny", "active"), ("permit", "inactive")]
    words = base64.b64decode(resources["Consent"][0]["sourceAttachment"]["data"]).decode()
    assert "STOP" in words or "text" in words
    (response,) = resources["QuestionnaireResponse"]
    assert response["questionnaire"].endswith("/phq9|2001")
    assert {i["linkId"]: i["answer"][0]["valueInteger"] for i in response["item"]}["q1"] == 1
    assert resources["Task"][0]["status"] == "requested"


def test_communication_content_is_discreet(program_with_everything):
    program, ana, sent = program_with_everything
    bundle = export_bundle(program, ana)
    text = json.dumps(
        [r["payload"] for r in by_type(bundle)["Communication"]]
        + [r["payload"] for r in by_type(bundle)["CommunicationRequest"]]
    )
    # Never the words as sent: no name, no program name, no one-tap link.
    for secret in ("Ana", "Quintero", "Riverbend Recovery IOP", "SECRET", "Jordan"):
        assert secret not in text
    payload = next(
        c["payload"][0]["contentString"]
        for c in by_type(bundle)["Communication"]
        if c["id"] == f"message-{sent.pk}"
    )
    # The template's own text, with its placeholders.
    assert payload == sent.template_version.body and "{name}" in payload


def test_a_template_that_reveals_care_is_not_copied(program_with_everything):
    program, ana, sent = program_with_everything
    version = sent.template_version
    version.body = "Hi {name}, we missed you at Riverbend Recovery IOP."
    version.save()
    bundle = export_bundle(program, ana)
    payloads = [c["payload"][0]["contentString"] for c in by_type(bundle)["Communication"]]
    assert WORDS_KEPT in payloads
    assert "Recovery" not in json.dumps(payloads)


def test_each_export_is_audited_per_person(program_with_everything):
    program, ana, _sent = program_with_everything
    before = AuditEvent.objects.count()
    bundle = export_bundle(program)
    events = list(AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("seq"))
    assert len(events) == AuditEvent.objects.count() - before
    patients = {int(p["id"].removeprefix("client-")) for p in by_type(bundle)["Patient"]}
    assert {e.client_id for e in events} == patients and ana.pk in patients
    assert all(e.object_type == "interop.fhir_bundle" for e in events)
    # Ids and counts only: no names in the trail.
    assert "Ana" not in " ".join(e.detail for e in events)


def test_round_trip_loses_nothing():
    program = riverbend()
    source = demo_bundle(people=8, weeks=5, today=date(2025, 3, 12))
    first = import_bundle(source, program)
    assert not first.problems

    def snapshot():
        clients = {
            c.external_id: (
                c.first_name,
                c.last_name,
                c.preferred_name,
                c.phone,
                c.email,
                c.language,
            )
            for c in Client.objects.all()
        }
        marks = sorted(
            (a.client.external_id, a.session.starts_at, a.status, a.drop_in)
            for a in Attendance.objects.select_related("client", "session")
        )
        expected = sorted(
            (e.episode.client.external_id, e.session.starts_at, e.session.is_cancelled)
            for e in Expectation.objects.select_related("episode__client", "session")
        )
        counts = (Session.objects.count(), Episode.objects.count())
        return clients, marks, expected, counts

    before = snapshot()
    exported = export_bundle(program)
    resources = by_type(exported)
    # The same people and attendance went out...
    assert len(resources["Patient"]) == 8
    source_patients = [
        e["resource"] for e in source["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert {p["identifier"][0]["value"] for p in source_patients} == {
        i["value"]
        for p in resources["Patient"]
        for i in p["identifier"]
        if i["system"] == codes.system(codes.EXTERNAL_ID)
    }
    # ...with the EHR's own appointment identifiers...
    ehr_ids = {
        i["value"]
        for a in resources["Appointment"]
        for i in a["identifier"]
        if i.get("system") == "https://ehr.example.org/fhir/sid/appointment"
    }
    source_appointments = [
        e["resource"]["identifier"][0]["value"]
        for e in source["entry"]
        if e["resource"]["resourceType"] == "Appointment"
    ]
    assert ehr_ids == set(source_appointments)
    # ...and coming back in changes nothing and duplicates nothing.
    again = import_bundle(json.loads(json.dumps(exported)), program)
    assert not again.problems and again.changed == 0, again.summary()
    assert snapshot() == before
    # Nor does the original EHR file, after the round trip.
    assert import_bundle(source, program).changed == 0
    assert snapshot() == before


def test_exportfhir_command_writes_a_valid_bundle(program_with_everything, tmp_path):
    program, ana, _sent = program_with_everything
    out = tmp_path / "out.json"
    call_command(
        "exportfhir", "--program", str(program.pk), "--client", str(ana.pk), "-o", str(out)
    )
    bundle = json.loads(out.read_text())
    validate(bundle)
    assert {p["id"] for p in by_type(bundle)["Patient"]} == {f"client-{ana.pk}"}
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, client_id=ana.pk, actor_label="exportfhir"
    ).exists()
    demo = tmp_path / "demo.json"
    call_command("exportfhir", "--demo", "--people", "3", "--weeks", "2", "-o", str(demo))
    assert by_type(json.loads(demo.read_text()))["Patient"].__len__() == 3

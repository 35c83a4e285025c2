"""FHIR R4 import: Patient, Appointment and Encounter become clients,
expectations and attendance; bad resources are reported and the rest kept;
a second import changes nothing."""

import copy
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import enrolled, group_meeting, local, riverbend, sessions_of
from welcomeback.care.models import (
    Attendance,
    AttendanceStatus,
    Client,
    Episode,
    Expectation,
    Session,
    SessionKind,
)
from welcomeback.interop.fhir.importer import BundleError, import_bundle
from welcomeback.interop.fhir.synthetic import demo_bundle
from welcomeback.interop.models import ExternalId

pytestmark = pytest.mark.django_db

MRN = "https://ehr.example.org/fhir/sid/mrn"
CANCEL = "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"


def bundle(*resources, kind="transaction"):
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [
            {"fullUrl": f"urn:uuid:00000000-0000-0000-0000-{index:012d}", "resource": resource}
            for index, resource in enumerate(resources)
        ],
    }


def patient(mrn="MRN-1", given="Maya", family="Ortiz", **extra):
    return {
        "resourceType": "Patient",
        "identifier": [{"use": "usual", "system": MRN, "value": mrn}],
        "name": [{"use": "official", "family": family, "given": [given]}],
        "telecom": [
            {"system": "email", "value": "Maya@Example.org"},
            {"system": "phone", "value": "(212) 555-0142", "use": "mobile"},
        ],
        "communication": [
            {"language": {"coding": [{"code": "es-MX"}]}, "preferred": True},
        ],
        **extra,
    }


def appointment(ident, patient_ref, start, status, end=None, cancelled_by=None):
    resource = {
        "resourceType": "Appointment",
        "identifier": [{"system": "https://ehr.example.org/appt", "value": ident}],
        "status": status,
        "start": start,
        "end": end or start.replace("T15", "T16"),
        "participant": [
            {"actor": {"reference": "Practitioner/p1"}, "status": "accepted"},
            {"actor": {"reference": patient_ref}, "status": "accepted"},
        ],
    }
    if cancelled_by:
        resource["cancelationReason"] = {"coding": [{"system": CANCEL, "code": cancelled_by}]}
    return resource


def ref(index):
    return f"urn:uuid:00000000-0000-0000-0000-{index:012d}"


def test_patient_becomes_a_client_with_contact_details_and_language():
    program = riverbend()
    report = import_bundle(bundle(patient()), program)
    assert report.created["Patient"] == 1 and not report.problems
    client = Client.objects.get(external_id="MRN-1")
    assert (client.first_name, client.last_name) == ("Maya", "Ortiz")
    assert client.phone == "+12125550142"
    assert client.email == "maya@example.org"
    assert client.language == "es"
    assert client.organization_id == program.site.organization_id


def test_appointment_statuses_become_attendance():
    program = riverbend()
    data = bundle(
        patient(),
        appointment("a1", ref(0), "2025-03-03T15:00:00Z", "fulfilled"),
        appointment("a2", ref(0), "2025-03-10T15:00:00Z", "noshow"),
        appointment("a3", ref(0), "2025-03-17T15:00:00Z", "cancelled", cancelled_by="pat"),
        appointment("a4", ref(0), "2025-03-24T15:00:00Z", "cancelled", cancelled_by="prov"),
        appointment("a5", ref(0), "2025-03-31T15:00:00Z", "booked"),
        appointment("a6", ref(0), "2025-04-07T15:00:00Z", "proposed"),
    )
    report = import_bundle(data, program)
    assert not report.problems
    assert report.created["Appointment"] == 5
    assert report.skipped["Appointment"] == 1  # proposed: nobody is expected yet
    client = Client.objects.get(external_id="MRN-1")
    marks = {
        a.session.starts_at.day: a.status
        for a in Attendance.objects.filter(client=client).select_related("session")
    }
    assert marks == {
        3: AttendanceStatus.ATTENDED,
        10: AttendanceStatus.MISSED,
        17: AttendanceStatus.EXCUSED,
    }
    sessions = Session.objects.filter(program=program).order_by("starts_at")
    assert [s.kind for s in sessions] == [SessionKind.INDIVIDUAL] * 5
    # Cancelled by the program: a cancelled session nobody is counted missing.
    assert [s.is_cancelled for s in sessions] == [False, False, False, True, False]
    # Expected at each appointment, in one episode opened from the first one.
    episode = Episode.objects.get(client=client)
    assert episode.status == "active"
    assert Expectation.objects.filter(episode=episode).count() == 5


def test_encounter_is_attended_contact_at_its_appointment_or_a_drop_in():
    program = riverbend()
    data = bundle(
        patient(),
        appointment("a1", ref(0), "2025-03-03T15:00:00Z", "booked"),
        {
            "resourceType": "Encounter",
            "status": "finished",
            "class": {"code": "AMB"},
            "subject": {"reference": ref(0)},
            "appointment": [{"reference": ref(1)}],
            "period": {"start": "2025-03-03T15:05:00Z", "end": "2025-03-03T16:00:00Z"},
        },
        {
            "resourceType": "Encounter",
            "status": "finished",
            "class": {"code": "AMB"},
            "subject": {"reference": ref(0)},
            "period": {"start": "2025-03-05T18:00:00Z", "end": "2025-03-05T19:00:00Z"},
        },
    )
    report = import_bundle(data, program)
    assert not report.problems
    marks = Attendance.objects.order_by("session__starts_at")
    assert [(m.session.starts_at.day, m.status, m.drop_in) for m in marks] == [
        (3, AttendanceStatus.ATTENDED, False),
        (5, AttendanceStatus.ATTENDED, True),
    ]


def test_appointment_at_an_expected_group_session_marks_that_session():
    program = riverbend()
    group = group_meeting(program)
    sessions_of(group, date(2025, 3, 1), days=14)
    client = Client.objects.create(
        organization=program.site.organization, external_id="MRN-1", first_name="M", last_name="O"
    )
    enrolled(client, program, local(program, 2025, 3, 1), groups=[group])
    tuesday = local(program, 2025, 3, 4, 18)
    data = bundle(patient(), appointment("g1", ref(0), tuesday.isoformat(), "noshow"))
    report = import_bundle(data, program)
    assert not report.problems
    mark = Attendance.objects.get()
    assert mark.session.group == group and mark.status == AttendanceStatus.MISSED
    assert not Session.objects.filter(kind=SessionKind.INDIVIDUAL).exists()


def test_bad_resources_are_reported_and_the_rest_is_kept():
    program = riverbend()
    no_identifier = patient()
    del no_identifier["identifier"]
    data = bundle(
        patient(),
        {"resourceType": "Patient", "id": "bad-date", "birthDate": "yesterday"},
        appointment("a1", ref(0), "2025-03-03T15:00:00Z", "fulfilled"),
        {**appointment("a2", ref(0), "2025-03-10T15:00:00Z", "noshow"), "status": "missed"},
        appointment("a3", "Patient/unknown", "2025-03-17T15:00:00Z", "fulfilled"),
        {"resourceType": "Encounter", "id": "e1", "status": "finished"},
        no_identifier,
        {"resourceType": "Nonsense"},
    )
    report = import_bundle(data, program)
    problems = {p.index: p for p in report.problems}
    assert sorted(problems) == [1, 3, 4, 5, 6, 7]
    assert problems[1].resource_id == "bad-date" and "birthDate" in problems[1].reason
    assert "status 'missed'" in problems[3].reason
    assert "we do not know" in problems[4].reason
    assert problems[5].resource_type == "Encounter" and "class" in problems[5].reason
    assert "identifier" in problems[6].reason
    assert "not a FHIR resource type" in problems[7].reason
    # The good ones are kept.
    assert report.created["Patient"] == 1 and report.created["Appointment"] == 1
    assert Attendance.objects.get().status == AttendanceStatus.ATTENDED
    # No value from the file in the reasons (no PHI in reports).
    assert "yesterday" not in " ".join(p.reason for p in report.problems)


def test_a_file_that_is_not_a_bundle_is_refused_whole():
    program = riverbend()
    with pytest.raises(BundleError):
        import_bundle("not json", program)
    with pytest.raises(BundleError):
        import_bundle(patient(), program)
    with pytest.raises(BundleError):
        import_bundle(bundle(patient(), kind="history"), program)


def test_importing_twice_changes_nothing_and_a_changed_resource_updates():
    program = riverbend()
    data = demo_bundle(people=6, weeks=4, today=date(2025, 3, 12))
    first = import_bundle(data, program)
    assert not first.problems and first.changed > 0
    counts = (
        Client.objects.count(),
        Session.objects.count(),
        Attendance.objects.count(),
        Expectation.objects.count(),
        Episode.objects.count(),
        ExternalId.objects.count(),
    )
    again = import_bundle(json.dumps(data), program)
    assert again.changed == 0 and not again.problems
    imported = first.created + first.unchanged
    assert again.unchanged == imported
    assert counts == (
        Client.objects.count(),
        Session.objects.count(),
        Attendance.objects.count(),
        Expectation.objects.count(),
        Episode.objects.count(),
        ExternalId.objects.count(),
    )
    # The EHR corrects one appointment and one name: those two update.
    changed = copy.deepcopy(data)
    appointments = [
        e["resource"] for e in changed["entry"] if e["resource"]["resourceType"] == "Appointment"
    ]
    target = next(a for a in appointments if a["status"] == "noshow")
    target["status"] = "fulfilled"
    first_patient = changed["entry"][0]["resource"]
    first_patient["name"][0]["family"] = "Newname"
    third = import_bundle(changed, program)
    assert third.updated == {"Appointment": 1, "Patient": 1}
    assert Client.objects.filter(last_name="Newname").count() == 1
    assert Attendance.objects.count() == counts[2]


def test_a_rescheduled_appointment_moves_by_its_identifier():
    program = riverbend()
    first = bundle(patient(), appointment("a1", ref(0), "2025-03-03T15:00:00Z", "booked"))
    import_bundle(first, program)
    kept = bundle(patient(), appointment("a1", ref(0), "2025-03-03T15:00:00Z", "fulfilled"))
    report = import_bundle(kept, program)
    assert report.created["Appointment"] == 0 and report.updated["Appointment"] == 1
    moved = bundle(patient(), appointment("a1", ref(0), "2025-03-04T15:00:00Z", "fulfilled"))
    report = import_bundle(moved, program)
    assert report.updated["Appointment"] == 1
    session = Session.objects.get()
    assert session.starts_at.day == 4
    assert Expectation.objects.get().starts == session.starts_at
    assert Attendance.objects.get().status == AttendanceStatus.ATTENDED


def test_importfhir_command(tmp_path, capsys):
    program = riverbend()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(demo_bundle(people=3, weeks=2, today=date(2025, 3, 12))))
    call_command("importfhir", str(path), "--program", str(program.pk), "--no-progress")
    out = capsys.readouterr().out
    assert "Patient: 3 new" in out and "0 not imported" in out
    bad = bundle(patient(), {"resourceType": "Patient", "birthDate": "x"})
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError, match="1 resource"):
        call_command("importfhir", str(path), "--program", str(program.pk), "--no-progress")
    assert "entry 1 (Patient)" in capsys.readouterr().out


def test_the_docs_example_imports_as_the_docs_say(tmp_path, capsys):
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "integration.md").read_text()
    section = docs.split("## FHIR", 1)[1].split("\n## ", 1)[0]
    example = section.split("```json\n", 1)[1].split("```", 1)[0]
    shown = section.split("$ manage.py importfhir example.json --program 1\n", 1)[1]
    shown = shown.split("```", 1)[0]
    program = riverbend()
    path = tmp_path / "example.json"
    path.write_text(example)
    call_command("importfhir", str(path), "--program", str(program.pk), "--no-progress")
    assert capsys.readouterr().out == shown
    client = Client.objects.get(external_id="MRN-100234")
    assert client.language == "es" and client.phone == "+12125550142"
    marks = Attendance.objects.order_by("session__starts_at").values_list("status", "drop_in")
    assert list(marks) == [(AttendanceStatus.MISSED, False), (AttendanceStatus.ATTENDED, True)]

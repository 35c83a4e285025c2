"""CSV import: good, bad and mixed files; idempotence; changed rows; encodings
and date formats; the command's output and error file."""

import csv
from datetime import UTC, date, datetime, time

import pytest
from django.core.management import CommandError, call_command

from tests.factories import ProgramFactory
from welcomeback.care.models import (
    Attendance,
    AttendanceStatus,
    Client,
    Episode,
    EpisodeStatus,
    Expectation,
    Group,
    Session,
)
from welcomeback.engagement.models import Engagement
from welcomeback.interop import presets
from welcomeback.interop.importer import import_file
from welcomeback.interop.models import ExternalId
from welcomeback.interop.reader import FileRefused

pytestmark = pytest.mark.django_db

CLIENTS = """client,first_name,last_name,phone,email,language,admitted
C1,Maya,Okafor,(212) 555-0142,maya@example.org,en,2026-03-02
C2,Jordan,Lee,,,es,2026-03-02
"""
GROUPS = """group,name,schedule,duration_minutes
EVE,Evening group,Tue 18:00; Thu 18:00,180
"""
EXPECTATIONS = """client,group,starts
C1,EVE,2026-03-02
C2,EVE,2026-03-02
"""
ATTENDANCE = """client,group,date,status
C1,EVE,2026-03-03,attended
C2,EVE,2026-03-03,missed
C1,EVE,2026-03-05,late
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(program, kind, path, preset="welcomeback", **options):
    return import_file(path, program=program, kind=kind, preset=presets.load(preset), **options)


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def loaded(program, tmp_path):
    """Clients, a group and its expectations, imported as a program would."""
    for kind, text in [("clients", CLIENTS), ("groups", GROUPS), ("expectations", EXPECTATIONS)]:
        report = run(program, kind, write(tmp_path, f"{kind}.csv", text))
        assert report.errors == 0, report.problems
    return program


def test_a_good_file_of_each_kind_builds_the_care_record(loaded, tmp_path):
    maya = Client.objects.get(external_id="C1")
    assert (maya.first_name, maya.phone, maya.email) == ("Maya", "+12125550142", "maya@example.org")
    assert Client.objects.get(external_id="C2").language == "es"
    episode = Episode.objects.get(client=maya)
    assert episode.status == EpisodeStatus.ACTIVE
    # Admitted at the start of that day in the program's zone (New York).
    assert episode.started == datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    group = Group.objects.get()
    assert [(s.weekday, s.starts_at) for s in group.slots.all()] == [(1, time(18)), (3, time(18))]
    assert ExternalId.objects.get(kind="group", external_id="EVE").object_id == group.pk
    assert Expectation.objects.filter(group=group).count() == 2

    report = run(loaded, "attendance", write(tmp_path, "a.csv", ATTENDANCE))
    assert (report.rows, report.created, report.errors) == (3, 3, 0)
    marks = {
        (a.client.external_id, a.session.starts_at): a.status
        for a in Attendance.objects.select_related("client", "session")
    }
    # 18:00 in New York in March (EST, then EDT from March 8).
    assert marks == {
        ("C1", datetime(2026, 3, 3, 23, 0, tzinfo=UTC)): "attended",
        ("C2", datetime(2026, 3, 3, 23, 0, tzinfo=UTC)): "missed",
        ("C1", datetime(2026, 3, 5, 23, 0, tzinfo=UTC)): "late",
    }
    assert not Attendance.objects.filter(drop_in=True).exists()
    assert set(Attendance.objects.values_list("source", flat=True)) == {"import"}


def test_the_same_files_twice_change_nothing(loaded, tmp_path):
    run(loaded, "attendance", write(tmp_path, "a.csv", ATTENDANCE))
    before = list(Attendance.objects.values_list("pk", "status", "recorded_at"))
    again = {
        kind: run(loaded, kind, write(tmp_path, f"{kind}2.csv", text))
        for kind, text in [
            ("clients", CLIENTS),
            ("groups", GROUPS),
            ("expectations", EXPECTATIONS),
            ("attendance", ATTENDANCE),
        ]
    }
    for kind, report in again.items():
        assert (report.created, report.updated, report.errors) == (0, 0, 0), kind
        assert report.unchanged == report.rows, kind
    assert list(Attendance.objects.values_list("pk", "status", "recorded_at")) == before
    assert Episode.objects.count() == 2 and Session.objects.count() == 2


def test_a_changed_row_updates_and_the_rest_stay(loaded, tmp_path):
    run(loaded, "attendance", write(tmp_path, "a.csv", ATTENDANCE))
    changed = ATTENDANCE.replace("C2,EVE,2026-03-03,missed", "C2,EVE,2026-03-03,excused")
    report = run(loaded, "attendance", write(tmp_path, "b.csv", changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Attendance.objects.get(client__external_id="C2").status == "excused"

    renamed = CLIENTS.replace("Jordan,Lee", "Jordan,Lee-Park")
    report = run(loaded, "clients", write(tmp_path, "c.csv", renamed))
    assert (report.updated, report.unchanged) == (1, 1)
    assert Client.objects.get(external_id="C2").last_name == "Lee-Park"

    moved = GROUPS.replace("Tue 18:00; Thu 18:00", "Mon 17:00; Thu 18:00")
    report = run(loaded, "groups", write(tmp_path, "g.csv", moved))
    assert report.updated == 1
    assert [(s.weekday, s.starts_at) for s in Group.objects.get().slots.all()] == [
        (0, time(17)),
        (3, time(18)),
    ]


def test_a_mixed_file_keeps_every_good_row_and_reports_each_bad_one(loaded, tmp_path):
    text = (
        "client,group,date,status\n"
        "C1,EVE,2026-03-03,attended\n"  # line 2: good
        "C9,EVE,2026-03-03,attended\n"  # 3: unknown client
        "C2,NOPE,2026-03-03,missed\n"  # 4: unknown group
        "C2,EVE,03/05/2026,missed\n"  # 5: ambiguous date
        "C2,EVE,2026-03-05,maybe\n"  # 6: unknown mark
        "C2,EVE,2026-03-06,missed\n"  # 7: the group does not meet on Friday
        ",EVE,2026-03-05,missed\n"  # 8: no client
        "C2,EVE,2026-03-05,missed\n"  # 9: good
    )
    report = run(loaded, "attendance", write(tmp_path, "mixed.csv", text))
    assert (report.rows, report.created, report.errors) == (8, 2, 6)
    found = [(p.line, p.column) for p in report.problems]
    assert found == [
        (3, "client"),
        (4, "group"),
        (5, "date"),
        (6, "status"),
        (7, "time"),
        (8, "client"),
    ]
    reasons = {p.line: p.reason for p in report.problems}
    assert "client id" in reasons[3] and "clients file" in reasons[3]
    assert "month/day or day/month" in reasons[5]
    assert "“maybe” is not an attendance mark" in reasons[6]
    assert "start time" in reasons[7]
    assert reasons[8] == "This is empty."
    assert Attendance.objects.count() == 2


def test_bad_client_cells_never_repeat_what_they_say(program, tmp_path):
    text = "client,first_name,last_name,phone,email\nC1,Maya,Okafor,555-01,not-an-email\n"
    report = run(program, "clients", write(tmp_path, "c.csv", text))
    assert report.created == 0
    assert [(p.column, p.reason) for p in report.problems] == [
        ("phone", "This is not a phone number we can text or call."),
        ("email", "This is not an email address."),
    ]


def test_a_missing_column_refuses_the_whole_file(program, tmp_path):
    with pytest.raises(FileRefused, match="no column “status”"):
        run(
            program,
            "attendance",
            write(tmp_path, "a.csv", "client,group,date\nC1,EVE,2026-03-03\n"),
        )


def test_utf8_with_a_byte_order_mark(program, tmp_path):
    path = write(tmp_path, "bom.csv", "\ufeff" + CLIENTS.replace("Okafor", "Núñez"))
    report = run(program, "clients", path)
    assert report.encoding == "utf-8-sig" and report.created == 2
    # The BOM is not part of the first column's name.
    assert Client.objects.get(external_id="C1").last_name == "Núñez"


def test_latin1_is_refused_until_chosen(program, tmp_path):
    path = write(tmp_path, "latin.csv", CLIENTS.replace("Okafor", "Núñez"), encoding="latin-1")
    with pytest.raises(FileRefused, match="not UTF-8 .line 2.*Latin-1"):
        run(program, "clients", path)
    assert not Client.objects.exists()
    report = run(program, "clients", path, encoding="latin-1")
    assert report.encoding == "latin-1"
    assert Client.objects.get(external_id="C1").last_name == "Núñez"


def test_dates_follow_the_chosen_format(loaded, tmp_path):
    text = "client,group,date,status\nC1,EVE,03/05/2026,attended\n"
    report = run(loaded, "attendance", write(tmp_path, "us.csv", text), date_format="MM/DD/YYYY")
    assert report.created == 1 and report.date_format == "MM/DD/YYYY"
    session = Attendance.objects.get().session
    assert session.starts_at.astimezone(loaded.zone).date() == date(2026, 3, 5)
    # The same text read day-first is 3 May, a Sunday: no Evening group then.
    report = run(loaded, "attendance", write(tmp_path, "eu.csv", text), date_format="DD/MM/YYYY")
    assert report.errors == 1 and report.problems[0].column == "time"


def test_an_ehr_preset_maps_column_names_and_status_codes(loaded, tmp_path):
    text = (
        "Patient ID,Group Code,Appt Date,Appt Time,Attendance Status,Room\n"
        "C1,EVE,03/03/2026,6:00 PM,P,12\n"
        "C2,EVE,03/03/2026,18:00,DNA,12\n"
        "C2,EVE,03/05/2026,18:00,CX,12\n"
    )
    report = run(loaded, "attendance", write(tmp_path, "ehr.csv", text), preset="sample-ehr")
    assert report.errors == 0 and report.ignored_columns == ["Room"]
    assert sorted(Attendance.objects.values_list("status", flat=True)) == [
        AttendanceStatus.ATTENDED,
        AttendanceStatus.CANCELLED,
        AttendanceStatus.MISSED,
    ]


def test_imported_attendance_makes_the_sweep_look_again(loaded, tmp_path):
    maya = Engagement.objects.get(episode__client__external_id="C1")
    Engagement.objects.filter(pk=maya.pk).update(next_check_at=None)
    Engagement.objects.filter(pk=maya.pk).update(
        next_check_at=datetime(2030, 1, 1, tzinfo=UTC),
        scanned_until=datetime(2026, 3, 10, tzinfo=UTC),
    )
    run(loaded, "attendance", write(tmp_path, "a.csv", ATTENDANCE))
    maya.refresh_from_db()
    assert maya.scanned_until is None
    assert maya.next_check_at < datetime(2030, 1, 1, tzinfo=UTC)
    assert maya.last_contact_at == datetime(2026, 3, 5, 23, 0, tzinfo=UTC)


def test_the_command_prints_a_report_and_writes_the_error_file(loaded, tmp_path, capsys):
    path = write(tmp_path, "a.csv", ATTENDANCE + "C9,EVE,2026-03-05,missed\n")
    errors = tmp_path / "errors.csv"
    call_command(
        "importcsv",
        "attendance",
        str(path),
        "--program",
        str(loaded.pk),
        "--errors-out",
        str(errors),
    )
    out = capsys.readouterr()
    assert "4 rows read (utf-8, dates YYYY-MM-DD): 3 created, 0 updated, 0 unchanged" in out.out
    assert "line 5, column client" in out.out
    assert "Importing attendance" in out.err  # the progress bar
    with open(errors, newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["line", "column", "reason"]
    assert rows[1][:2] == ["5", "client"]


def test_the_command_refuses_a_latin1_file_with_advice(loaded, tmp_path):
    path = write(tmp_path, "l.csv", CLIENTS.replace("Maya", "Maÿa"), encoding="latin-1")
    with pytest.raises(CommandError, match="choose that encoding"):
        call_command("importcsv", "clients", str(path), "--no-progress")


def test_a_corrected_mark_takes_its_contact_back(loaded, tmp_path):
    run(loaded, "attendance", write(tmp_path, "a.csv", ATTENDANCE))
    maya = Engagement.objects.get(episode__client__external_id="C1")
    assert maya.last_contact_at == datetime(2026, 3, 5, 23, 0, tzinfo=UTC)
    corrected = ATTENDANCE.replace("C1,EVE,2026-03-05,late", "C1,EVE,2026-03-05,missed")
    report = run(loaded, "attendance", write(tmp_path, "b.csv", corrected))
    assert report.updated == 1
    maya.refresh_from_db()
    # Back to the contact before it (3 March), as a roll call correction would.
    assert maya.last_contact_at == datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    assert maya.scanned_until is None


def test_the_same_person_and_session_twice_keeps_the_later_line(loaded, tmp_path):
    text = "client,group,date,status\nC1,EVE,2026-03-03,missed\nC1,EVE,2026-03-03,attended\n"
    report = run(loaded, "attendance", write(tmp_path, "d.csv", text))
    assert report.created == 1 and Attendance.objects.get().status == "attended"
    assert [(p.line, p.reason) for p in report.problems] == [
        (2, "Line 3 is for the same person and session; that later line was used.")
    ]

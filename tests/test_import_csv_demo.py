"""The synthetic EHR export of the demo program, and the examples in
docs/integration.md run as written: export, import in order, import again."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import ProgramFactory, SiteFactory
from welcomeback.care.models import Attendance, Client, Episode, Expectation, Group
from welcomeback.interop import presets, synthetic
from welcomeback.interop.importer import import_file

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 20)


def import_all(folder, program, preset, capsys):
    outputs = []
    for kind in synthetic.KINDS:
        call_command(
            "importcsv",
            kind,
            str(folder / f"{kind}.csv"),
            "--program",
            str(program.pk),
            "--preset",
            preset,
            "--no-progress",
        )
        outputs.append(capsys.readouterr().out)
    return outputs


def test_the_export_is_deterministic_for_a_seed():
    one = synthetic.demo_export(seed=3, today=TODAY)
    two = synthetic.demo_export(seed=3, today=TODAY)
    other = synthetic.demo_export(seed=4, today=TODAY)
    assert one.rows == two.rows
    assert one.rows["clients"] != other.rows["clients"]
    statuses = {row["status"] for row in one.rows["attendance"]}
    assert {"attended", "missed"} <= statuses
    assert all(row["date"] < TODAY for row in one.rows["attendance"])


def test_the_docs_example_exports_and_imports_in_order(tmp_path, capsys):
    program = ProgramFactory()
    call_command("exportdemo", "--csv", str(tmp_path / "ehr"))
    assert "Import them in this order" in capsys.readouterr().out
    first = import_all(tmp_path / "ehr", program, "welcomeback", capsys)
    assert all("0 with problems" in out for out in first), first
    assert Client.objects.count() == 24 and Episode.objects.count() == 24
    assert Group.objects.count() == 4 and Expectation.objects.count() == 24
    attendance = Attendance.objects.count()
    assert attendance > 100
    assert not Attendance.objects.filter(drop_in=True).exists()

    again = import_all(tmp_path / "ehr", program, "welcomeback", capsys)
    assert all(" 0 created, 0 updated" in out for out in again), again
    assert Attendance.objects.count() == attendance


def test_an_ehr_shaped_export_reads_the_same_through_its_preset(tmp_path, capsys):
    ours, theirs = ProgramFactory(), ProgramFactory(site=SiteFactory(name="Other"))
    export = synthetic.demo_export(seed=5, people=10, weeks=4, today=TODAY)
    synthetic.write_csv(export, tmp_path / "ours", "welcomeback")
    synthetic.write_csv(export, tmp_path / "ehr", "sample-ehr")
    header = (tmp_path / "ehr" / "attendance.csv").read_text().splitlines()[0]
    assert header == "Patient ID,Group Code,Appt Date,Appt Time,Attendance Status"
    import_all(tmp_path / "ours", ours, "welcomeback", capsys)
    # The same people again, by the same ids, in another organization's program.
    import_all(tmp_path / "ehr", theirs, "sample-ehr", capsys)

    def marks(program):
        return sorted(
            Attendance.objects.filter(session__program=program).values_list(
                "client__external_id", "session__starts_at", "status"
            )
        )

    assert marks(ours) == marks(theirs) and len(marks(ours)) > 20


DOCS = Path(__file__).resolve().parent.parent / "docs" / "integration.md"
EXAMPLE = re.compile(
    r"<!-- example: (\w+)(?: ([\w-]+))?(?: problems=(\d+))? -->\n```csv\n(.*?)```", re.S
)


def test_every_csv_example_in_the_docs_imports_as_the_docs_say(tmp_path):
    program = ProgramFactory()
    examples = EXAMPLE.findall(DOCS.read_text(encoding="utf-8"))
    assert [kind for kind, *_rest in examples] == [
        "clients",
        "groups",
        "expectations",
        "attendance",
        "attendance",
    ]
    for number, (kind, preset, problems, text) in enumerate(examples):
        path = tmp_path / f"{number}.csv"
        path.write_text(text, encoding="utf-8")
        report = import_file(
            path, program=program, kind=kind, preset=presets.load(preset or "welcomeback")
        )
        assert report.errors == int(problems or 0), (kind, report.problems)
    # The sample-ehr example reads the first two marks again (unchanged) and
    # adds C2's 5 March session, which the program cancelled ("CX").
    assert Attendance.objects.get(client__external_id="C2", session__starts_at__day=5).status == (
        "cancelled"
    )

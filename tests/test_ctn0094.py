"""CTN-0094: the presets read the trial files in place (../shared), and a
small slice of people replayed day by day through the sweep reaches the
statuses their records say it should."""

import csv
from datetime import UTC, date, datetime

import pytest

from tests.factories import ProgramFactory
from welcomeback.care.models import Attendance, Client, Episode, Expectation, Session
from welcomeback.engagement.models import Status, StatusChange
from welcomeback.interop import ctn0094, presets
from welcomeback.interop.importer import import_file

FOLDER = ctn0094.data_dir()
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FOLDER.is_dir(), reason="../shared/data/ctn0094 is not here"),
]
PEOPLE = 12
# A few people whose records hold a real drift (two of them flagged by the
# trial), and one who kept coming.
DRIFTED = ["2", "139", "172", "191", "193", "729"]
ANCHOR = date(2020, 1, 6)


@pytest.fixture
def program():
    return ProgramFactory(name="CTN-0094 replay")


@pytest.fixture
def sliced(tmp_path):
    who = set(ctn0094.treated_people(FOLDER, PEOPLE))
    return who, ctn0094.slice_files(FOLDER, who, tmp_path)


def test_the_presets_import_the_trial_files_as_people_visits_and_dosing(program, sliced, tmp_path):
    who, files = sliced
    main = presets.load("ctn0094")
    groups = tmp_path / "groups.csv"
    groups.write_text(ctn0094.DOSING_GROUP)
    import_file(groups, program=program, kind="groups", preset=presets.load("welcomeback"))
    people = import_file(files["everybody"], program=program, kind="clients", preset=main)
    assert (people.created, people.errors) == (PEOPLE, 0)
    assert set(Client.objects.values_list("external_id", flat=True)) == who
    assert Client.objects.get(external_id="2").display_name == "Participant 2"
    # Everyone admitted on study day 0: 6 January 2020 in the program's zone.
    assert set(Episode.objects.values_list("started", flat=True)) == {
        datetime(2020, 1, 6, 5, 0, tzinfo=UTC)
    }

    visits = import_file(files["visit"], program=program, kind="expectations", preset=main)
    with open(files["visit"], newline="") as stream:
        rows = list(csv.DictReader(stream))
    blank_days = sum(1 for row in rows if not row["when"])
    assert visits.errors == blank_days  # a planned visit without a day cannot be placed
    assert {p.reason for p in visits.problems} <= {"This is empty."}
    assert Expectation.objects.count() == visits.created
    assert Session.objects.filter(kind="individual").count() == Expectation.objects.count()

    dosing = import_file(files["treatment"], program=program, kind="attendance", preset=main)
    with open(files["treatment"], newline="") as stream:
        doses = list(csv.DictReader(stream))
    assert (dosing.rows, dosing.created, dosing.errors) == (len(doses), len(doses), 0)
    # Person 2's first dose is on study day 7: 13 January 2020, 09:00 in New York.
    first = (
        Attendance.objects.filter(client__external_id="2").order_by("session__starts_at").first()
    )
    assert first.session.starts_at == datetime(2020, 1, 13, 14, 0, tzinfo=UTC)
    assert first.status == "attended" and first.drop_in  # nobody is "expected" at dosing

    again = import_file(files["treatment"], program=program, kind="attendance", preset=main)
    assert again.unchanged == len(doses) and again.created == again.updated == 0


def test_a_replayed_slice_reaches_the_statuses_its_gaps_imply(program):
    outcome = ctn0094.replay(program, who=DRIFTED, folder=FOLDER)
    assert outcome.people == len(DRIFTED)
    assert sum(outcome.reached.values()) == len(DRIFTED) == sum(outcome.final.values())
    assert sum(outcome.confusion.values()) == len(DRIFTED)
    # Each time someone became disengaged, their raw records show no dose
    # and no visit in the 14 days before, and a planned visit missed in
    # between: checked against the files themselves.
    contacts, missed = contact_days(FOLDER, set(DRIFTED))
    changes = StatusChange.objects.filter(to_status=Status.DISENGAGED).select_related(
        "engagement__episode__client"
    )
    drifted = {c.engagement.episode.client.external_id for c in changes}
    assert {"139", "172", "191", "193", "729"} <= drifted
    assert "2" not in drifted
    for change in changes:
        person = change.engagement.episode.client.external_id
        day = (change.at.astimezone(program.zone).date() - ANCHOR).days
        last = max([d for d in contacts[person] if d <= day], default=0)
        assert day - last >= 14, (person, day, last)
        assert any(last < m <= day for m in missed[person]), (person, day, last)
    assert outcome.confusion[(True, True)] == 2  # 193 and 729: the trial flagged them too
    table = ctn0094.report_markdown(outcome)
    assert "| flagged `is_missing_14_consecutive` | 2 | 0 |" in table


def contact_days(folder, who) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Per person, the study days with a dose or an attended visit, and the
    days of planned visits missed."""
    days: dict[str, set[int]] = {person: set() for person in who}
    missed: dict[str, set[int]] = {person: set() for person in who}
    with open(folder / "ctn0094_treatment.csv", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["who"] in who:
                days[row["who"]].add(int(float(row["when"])))
    with open(folder / "ctn0094_visit.csv", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["who"] in who and row["when"]:
                day = int(float(row["when"]))
                if row["what"] in ("visit", "final"):
                    days[row["who"]].add(day)
                elif row["what"] in ("MISSING", "no visit"):
                    missed[row["who"]].add(day)
    return days, missed

"""Real history: the NIDA CTN-0094 trials' visits and daily dosing, replayed
through the import and the sweep (docs/integration.md, "Real history").

The data stays in ``../shared/data/ctn0094`` (SOURCES.md; MIT licence); it is
read in place, never copied into the project. Three presets map it:

- ``ctn0094`` clients: ``ctn0094_everybody.csv``, one person a row, admitted
  on study day 0; expectations: ``ctn0094_visit.csv``, each planned visit an
  individual appointment; attendance: ``ctn0094_treatment.csv``, each dosing
  day an attended contact at a daily "Dosing" group (a drop-in: nobody is
  expected at dosing, but coming is contact).
- ``ctn0094-visits`` attendance: ``ctn0094_visit.csv`` again, each planned
  visit's outcome (visit / final → attended, MISSING / no visit → missed,
  blank → set aside).

Study days become dates from a fixed anchor, day 0 = Monday 6 January 2020
(the presets' ``anchor``); any anchor gives the same statuses.

A single sweep at the end of the data would only say where everyone ended
up. To see who *reached* each status along the way, ``replay`` imports the
attendance one study day at a time and runs ``engagement.sweep.run_once``
at the end of each day, as a program's nightly sweep would.
"""

import csv
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings

from welcomeback.care.models import Episode, Program
from welcomeback.care.schedule import local_start_to_utc
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status, StatusChange
from welcomeback.engagement.rebuild import rescan
from welcomeback.interop import formats, presets
from welcomeback.interop.attendance import AttendanceWriter
from welcomeback.interop.importer import RowReader, import_file
from welcomeback.interop.reader import CsvSource, detect_encoding

ORDER = [s.value for s in Status]  # engaged < missed < lapsing < … < inactive
DOSING_GROUP = "group,name,schedule,duration_minutes\n" + (
    "dosing,Daily dosing,Mon 09:00; Tue 09:00; Wed 09:00; Thu 09:00; Fri 09:00; "
    "Sat 09:00; Sun 09:00,60\n"
)
# The nightly sweep: after the day's sessions and their grace period.
NIGHTLY = time(23, 0)
# Days swept after a person's last record: enough to reach "inactive".
TAIL_DAYS = 91


def data_dir() -> Path:
    default = Path(settings.BASE_DIR).parent / "shared" / "data" / "ctn0094"
    return Path(getattr(settings, "CTN0094_DIR", default))


@dataclass
class Outcome:
    people: int = 0
    reached: Counter = field(default_factory=Counter)  # highest status reached
    final: Counter = field(default_factory=Counter)
    # (flagged by the trial, reached disengaged or further) -> people
    confusion: Counter = field(default_factory=Counter)
    problems: dict[str, int] = field(default_factory=dict)
    days: int = 0


def slice_files(folder: Path, who: set[str], out: Path) -> dict[str, Path]:
    """Copies (in a temporary folder) of the three files, only these people."""
    paths = {}
    for name in ("everybody", "visit", "treatment"):
        source = folder / f"ctn0094_{name}.csv"
        target = out / source.name
        with open(source, newline="") as src, open(target, "w", newline="") as dst:
            reader, writer = csv.reader(src), csv.writer(dst)
            writer.writerow(next(reader))
            writer.writerows(row for row in reader if row[0] in who)
        paths[name] = target
    return paths


def treated_people(folder: Path, limit: int | None) -> list[str]:
    with open(folder / "ctn0094_treatment.csv", newline="") as stream:
        people = sorted({row["who"] for row in csv.DictReader(stream)}, key=int)
    return people[:limit] if limit else people


def read_rows(path: Path, kind: str, preset: presets.Preset) -> tuple[list[dict], int]:
    """Typed rows of a file through a preset, and how many rows had problems."""
    encoding = detect_encoding(path)
    parse = formats.date_parser(preset.date_format, preset.anchor)
    rows, problems = [], []
    with CsvSource(path, encoding) as source:
        reader = RowReader(kind, source.header, preset.mapping(kind), parse)
        for chunk in source.chunks(10_000):
            for raw in chunk:
                row = reader.read(raw.line, raw.cells, problems)
                if row:
                    rows.append(row)
    return rows, len(problems)


def replay(
    program: Program,
    people: int | None = None,
    folder: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    who: list[str] | None = None,
) -> Outcome:
    """Import the first ``people`` treated people (all by default), or those
    named in ``who``, into ``program`` and replay their attendance day by
    day through the sweep."""
    folder = folder or data_dir()
    main, visits = presets.load("ctn0094"), presets.load("ctn0094-visits")
    anchor = main.anchor
    zone = program.zone
    who = who or treated_people(folder, people)
    outcome = Outcome(people=len(who))
    at_day0 = local_start_to_utc(anchor, time(0), zone)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = slice_files(folder, set(who), tmp)
        (tmp / "groups.csv").write_text(DOSING_GROUP)
        steps = [
            ("groups", tmp / "groups.csv", presets.load("welcomeback")),
            ("clients", files["everybody"], main),
            ("expectations", files["visit"], main),
        ]
        for kind, path, preset in steps:
            report = import_file(path, program=program, kind=kind, preset=preset, at=at_day0)
            outcome.problems[f"{kind} ({path.name})"] = report.errors
        dosing, dosing_problems = read_rows(files["treatment"], "attendance", main)
        marks, visit_problems = read_rows(files["visit"], "attendance", visits)
    outcome.problems["attendance (ctn0094_treatment.csv)"] = dosing_problems
    outcome.problems["attendance (ctn0094_visit.csv)"] = visit_problems
    by_day: dict[date, list[dict]] = defaultdict(list)
    for row in dosing + marks:
        by_day[row["date"]].append(row)
    episodes = list(Episode.objects.filter(program=program).values_list("pk", flat=True))
    # Every episode watched from day 0, on the replay's clock.
    rescan(episodes, at_day0)
    first = min([anchor, *by_day])
    last = max(by_day) + timedelta(days=TAIL_DAYS)
    writer = AttendanceWriter(program)
    day, total = first, (last - first).days + 1
    while day <= last:
        nightly = local_start_to_utc(day, NIGHTLY, zone)
        if day in by_day:
            writer.at = nightly
            writer.write(by_day.pop(day))
        sweep.run_once(now=nightly)
        outcome.days += 1
        if progress:
            progress(outcome.days, total)
        day += timedelta(days=1)
    summarise(program, folder, set(who), outcome)
    return outcome


def flagged_people(folder: Path) -> set[str]:
    with open(folder / "ctn0094_visit.csv", newline="") as stream:
        return {
            row["who"] for row in csv.DictReader(stream) if row["is_missing_14_consecutive"] == "1"
        }


def summarise(program: Program, folder: Path, who: set[str], outcome: Outcome) -> None:
    flagged = flagged_people(folder) & who
    highest: dict[str, str] = {}
    for external_id, status in StatusChange.objects.filter(engagement__program=program).values_list(
        "engagement__episode__client__external_id", "to_status"
    ):
        if ORDER.index(status) > ORDER.index(highest.get(external_id, Status.ENGAGED)):
            highest[external_id] = status
    finals = dict(
        Engagement.objects.filter(program=program).values_list(
            "episode__client__external_id", "status"
        )
    )
    disengaged = ORDER.index(Status.DISENGAGED)
    for person in who:
        reached = highest.get(person, Status.ENGAGED)
        outcome.reached[reached] += 1
        outcome.final[finals.get(person, Status.ENGAGED)] += 1
        outcome.confusion[(person in flagged, ORDER.index(reached) >= disengaged)] += 1


def report_markdown(outcome: Outcome) -> str:
    lines = [f"People: {outcome.people}; days swept: {outcome.days}.", ""]
    lines += ["| status | reached (highest) | at the end |", "| --- | ---: | ---: |"]
    for status in ORDER:
        lines.append(f"| {status} | {outcome.reached[status]} | {outcome.final[status]} |")
    c = outcome.confusion
    lines += [
        "",
        "| | reached disengaged or further | did not |",
        "| --- | ---: | ---: |",
        f"| flagged `is_missing_14_consecutive` | {c[(True, True)]} | {c[(True, False)]} |",
        f"| not flagged | {c[(False, True)]} | {c[(False, False)]} |",
        "",
        "Rows set aside as problems: "
        + "; ".join(f"{name}: {count}" for name, count in outcome.problems.items())
        + ".",
    ]
    return "\n".join(lines)


def anchor_datetime(program: Program) -> datetime:
    return local_start_to_utc(presets.load("ctn0094").anchor, time(0), program.zone)

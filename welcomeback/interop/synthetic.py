"""A synthetic EHR export of the demo program, as CSV files: the kind of
files a program's EHR gives (people, groups with their weekly schedules, who
is expected at which group, attendance), deterministic for a seed.

The program and its groups are the demo's "Adult IOP, evenings"
(``demo.catalog.EVENINGS``); the people are made as the demo makes them
(``demo.people``: fictional names, 555-01xx numbers, example.org
addresses). Most attend, some drift, a few stop; now and then a session is
excused or cancelled by the clinic. The tests and the docs' examples import
these files; ``manage.py exportdemo --csv DIR`` writes them, in our own
format or in a preset's (``--preset sample-ehr``: the EHR's column names,
status codes and dates).
"""

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from welcomeback.demo.catalog import EVENINGS
from welcomeback.demo.people import PhoneBook, make_person
from welcomeback.interop import formats, presets

AREA_CODES = ["212", "718", "646"]
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
KINDS = ("clients", "groups", "expectations", "attendance")


@dataclass
class Export:
    """Rows by kind, keyed by our field names, with typed values."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {kind: [] for kind in KINDS})


def demo_export(
    *, seed: int = 1, people: int = 24, weeks: int = 6, today: date | None = None
) -> Export:
    """``people`` clients admitted over the ``weeks`` before ``today``, each
    expected at one of the evening groups, with attendance up to yesterday."""
    rng = random.Random(seed)
    zone = ZoneInfo(EVENINGS.time_zone)
    today = today or datetime.now(zone).date()
    first_day = today - timedelta(weeks=weeks)
    export = Export()
    groups = list(EVENINGS.groups)
    for spec in groups:
        export.rows["groups"].append(
            {
                "group": spec.key,
                "name": spec.name,
                "schedule": list(spec.slots),
                "duration_minutes": 180,
                "modality": str(spec.modality),
                "language": spec.language,
            }
        )
    phones = PhoneBook(rng)
    for index in range(people):
        language = "es" if rng.random() < 0.25 else "en"
        person = make_person(rng, language, AREA_CODES, phones, index)
        key = f"MRN{100001 + index}"
        admitted = first_day + timedelta(days=rng.randrange(0, 7 * max(weeks - 1, 1)))
        export.rows["clients"].append(
            {
                "client": key,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "preferred_name": person.preferred_name,
                "phone": person.phone,
                "email": person.email,
                "language": person.language,
                "admitted": admitted,
            }
        )
        spanish = [g for g in groups if g.language == "es"]
        english = [g for g in groups if g.language != "es"]
        group = rng.choice(spanish if language == "es" and spanish else english)
        export.rows["expectations"].append({"client": key, "group": group.key, "starts": admitted})
        # How this person's weeks go: steady, drifting from some day, or stopped.
        path = rng.choices(["steady", "drifting", "stopped"], weights=[6, 3, 1])[0]
        turn = admitted + timedelta(days=rng.randrange(7, 7 * weeks + 1))
        day = admitted
        while day < today:
            for weekday, starts_at in group.slots:
                if weekday != day.weekday():
                    continue
                status = mark_for(rng, path, day >= turn)
                if status:
                    export.rows["attendance"].append(
                        {
                            "client": key,
                            "group": group.key,
                            "date": day,
                            "time": starts_at,
                            "status": status,
                        }
                    )
            day += timedelta(days=1)
    return export


def mark_for(rng: random.Random, path: str, past_turn: bool) -> str:
    """One session's mark; "" when the EHR has no line for it."""
    if path == "stopped" and past_turn:
        return ""  # no longer on the roll: nothing exported
    missed = 0.6 if path == "drifting" and past_turn else 0.08
    roll = rng.random()
    if roll < 0.02:
        return "cancelled"
    if roll < 0.05:
        return "excused"
    if roll < 0.05 + missed:
        return "missed"
    return "late" if rng.random() < 0.07 else "attended"


def write_csv(export: Export, folder: Path, preset_name: str = "welcomeback") -> list[Path]:
    """One file per kind in ``folder``, with the preset's column names, codes
    and date format; returns the paths in the order to import them."""
    preset = presets.load(preset_name)
    pattern = formats.DATE_FORMATS[formats.check_date_format(preset.date_format)]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in KINDS:
        mapping = preset.mapping(kind)
        columns = [c.name for c in formats.FORMATS[kind] if has_any(export.rows[kind], c.name)]
        header = [header_of(mapping, name) for name in columns]
        path = folder / f"{kind}.csv"
        with open(path, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            for row in export.rows[kind]:
                writer.writerow(
                    [theirs(mapping, name, cell(row.get(name), pattern)) for name in columns]
                )
        paths.append(path)
    return paths


def has_any(rows: list[dict], name: str) -> bool:
    return any(row.get(name) not in (None, "") for row in rows)


def header_of(mapping: presets.Mapping, name: str) -> str:
    spec = mapping.header_for(name)
    return spec if isinstance(spec, str) else spec[0]


def theirs(mapping: presets.Mapping, name: str, value: str) -> str:
    """Our value in the EHR's words: the first code the preset maps to it."""
    return mapping.exports.get(name, {}).get(value, value)


def cell(value, pattern: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(pattern)
    if isinstance(value, list):  # a schedule
        return "; ".join(f"{DAY_NAMES[day]} {at:%H:%M}" for day, at in value)
    if hasattr(value, "strftime"):  # a time
        return value.strftime("%H:%M")
    return str(value)

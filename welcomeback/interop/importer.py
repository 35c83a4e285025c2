"""Importing one CSV file: read it in chunks, map and check each row, apply
the good ones, and report every bad one with its line, column and reason.

Used by ``manage.py importcsv`` and by the upload screen's task. Memory stays
flat whatever the file's size: one chunk of rows at a time, problems kept up
to a cap (counted beyond it).
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _

from welcomeback.care.models import Program
from welcomeback.interop import apply, formats
from welcomeback.interop.apply import Problem, Result
from welcomeback.interop.attendance import AttendanceWriter
from welcomeback.interop.presets import Mapping, Preset
from welcomeback.interop.reader import CsvSource, FileRefused, detect_encoding
from welcomeback.interop.recheck import tidy

CHUNK_ROWS = 10_000
# Vacuum the engagement table every this many attendance chunks (recheck.tidy).
TIDY_EVERY = 5
# Problems kept for the report and the error file; more are only counted.
PROBLEMS_KEPT = 10_000


@dataclass
class Report:
    kind: str
    encoding: str = ""
    date_format: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def take(self, result: Result) -> None:
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged
        self.skipped += result.skipped
        self.errors += len(result.problems)
        room = PROBLEMS_KEPT - len(self.problems)
        self.problems += result.problems[: max(room, 0)]


class RowReader:
    """Turns raw cells into a typed row (our field names) or problems."""

    def __init__(self, kind: str, header: list[str], mapping: Mapping, date_parse):
        self.kind = kind
        self.mapping = mapping
        self.columns = formats.FORMATS[kind]
        self.date_parse = date_parse
        positions = {name.casefold(): index for index, name in enumerate(header)}
        self.sources: dict[str, list[int] | None] = {}
        self.labels: dict[str, str] = {}
        missing = []
        used = set()
        for column in self.columns:
            spec = mapping.header_for(column.name)
            names = spec if isinstance(spec, list) else [spec]
            self.labels[column.name] = " + ".join(names)
            indexes = [positions.get(name.strip().casefold()) for name in names]
            if None in indexes:
                self.sources[column.name] = None
                if column.required and column.name not in mapping.constants:
                    missing.append(self.labels[column.name])
            else:
                self.sources[column.name] = indexes
                used.update(indexes)
        if missing:
            raise FileRefused(
                _("The file has no column %(columns)s. Its columns are: %(header)s.")
                % {
                    "columns": ", ".join(f"“{name}”" for name in missing),
                    "header": ", ".join(header) or "—",
                }
            )
        self.ignored = [name for index, name in enumerate(header) if index not in used]
        # One tuple a column, in the order read: the per-row loop looks
        # nothing up by name (it runs a million times in a large import).
        self.plan = []
        for column in self.columns:
            indexes = self.sources[column.name]
            self.plan.append(
                (
                    column.name,
                    indexes[0] if indexes and len(indexes) == 1 else None,
                    indexes,
                    mapping.constants.get(column.name, ""),
                    mapping.values.get(column.name),
                    date_parse if column.name in formats.DATE_COLUMNS else column.parse,
                    column.required,
                    column.private,
                    self.labels[column.name],
                )
            )
        self.one_of = formats.ONE_OF.get(kind)

    def read(self, line: int, cells: list[str], problems: list[Problem]) -> dict | None:
        row: dict = {"line": line}
        ok = True
        width = len(cells)
        for name, single, indexes, constant, table, parse, required, private, label in self.plan:
            if single is not None:
                raw = cells[single].strip() if single < width else ""
            elif indexes is None:
                raw = constant
            else:
                parts = [cells[i].strip() if i < width else "" for i in indexes]
                raw = ":".join(parts) if any(parts) else ""
            if table is not None:
                raw = table.get(raw.casefold(), raw).strip()
            if not raw:
                if required:
                    problems.append(Problem(line, label, _("This is empty.")))
                    ok = False
                continue
            try:
                row[name] = parse(raw)
            except formats.CellError as error:
                reason = str(error)
                if private and "“" in reason:
                    # The message quotes the cell: say what is wrong, not what it says.
                    reason = _("This value is not valid here.")
                problems.append(Problem(line, label, reason))
                ok = False
        if ok and self.one_of and not any(row.get(name) for name in self.one_of):
            problems.append(
                Problem(
                    line,
                    " / ".join(self.labels[name] for name in self.one_of),
                    _("Give either the group or the appointment."),
                )
            )
            ok = False
        return row if ok else None


def applier(kind: str, program: Program, at: datetime | None, by=None) -> Callable:
    if kind == "attendance":
        writer = AttendanceWriter(program, at=at, recorded_by=by)
        return writer.write
    if kind == "clients":
        return lambda rows: apply.upsert_clients(program, rows, by=by)
    if kind == "groups":
        return lambda rows: apply.upsert_groups(program, rows)
    if kind == "expectations":
        return lambda rows: apply.upsert_expectations(program, rows, at=at)
    raise ValueError(kind)


def import_file(
    path: Path,
    *,
    program: Program,
    kind: str,
    preset: Preset,
    encoding: str = "",
    date_format: str = "",
    at: datetime | None = None,
    by=None,
    chunk_rows: int = CHUNK_ROWS,
    on_progress: Callable[[Report, int, int], None] | None = None,
) -> Report:
    """Import ``path``; raise FileRefused when the whole file cannot be read.

    ``at`` is when the sweep should look again at the people touched (now by
    default; a replay of old history passes its own clock).
    ``on_progress(report, bytes_read, bytes_total)`` is called after each chunk.
    """
    if kind not in formats.FORMATS:
        raise FileRefused(_("Unknown kind of file: %(kind)s.") % {"kind": kind})
    used_encoding = detect_encoding(path, encoding or preset.encoding)
    format_name = date_format or preset.date_format or formats.ISO
    try:
        date_parse = formats.date_parser(format_name, preset.anchor)
    except ValueError as error:
        raise FileRefused(str(error)) from None
    report = Report(
        kind=kind, encoding=used_encoding, date_format=formats.check_date_format(format_name)
    )
    write = applier(kind, program, at, by)
    with CsvSource(path, used_encoding) as source:
        rows = RowReader(kind, source.header, preset.mapping(kind), date_parse)
        report.ignored_columns = rows.ignored
        chunks_done = 0
        try:
            for chunk in source.chunks(chunk_rows):
                problems: list[Problem] = []
                typed = [row for raw in chunk if (row := rows.read(raw.line, raw.cells, problems))]
                report.rows += len(chunk)
                result = write(typed) if typed else Result()
                result.problems = problems + result.problems
                report.take(result)
                chunks_done += 1
                if kind == "attendance" and chunks_done % TIDY_EVERY == 0:
                    tidy()
                if on_progress:
                    on_progress(report, source.bytes_read, source.bytes_total)
        except UnicodeDecodeError:
            raise FileRefused(
                _("This file is not %(encoding)s after all; choose its encoding.")
                % {"encoding": used_encoding}
            ) from None
    report.problems.sort(key=lambda problem: problem.line)
    return report


ERROR_HEADER = ["line", "column", "reason"]


def write_problems(problems, stream) -> None:
    """The error file: one row per problem, to fix the export and import again."""
    writer = csv.writer(stream)
    writer.writerow(ERROR_HEADER)
    for problem in problems:
        writer.writerow([problem.line, problem.column, problem.reason])

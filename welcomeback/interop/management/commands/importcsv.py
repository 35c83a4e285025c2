"""manage.py importcsv KIND FILE: import an EHR's CSV export (docs/integration.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from welcomeback.care.models import Program
from welcomeback.interop import formats, presets
from welcomeback.interop.importer import import_file, write_problems
from welcomeback.interop.reader import FileRefused


class Command(BaseCommand):
    help = "Import clients, groups, expectations or attendance from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(formats.FORMATS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--preset",
            default="welcomeback",
            help=f"A preset name ({', '.join(presets.available())}) or a preset TOML file's path.",
        )
        parser.add_argument("--program", type=int, help="The program's id (needed if several).")
        parser.add_argument(
            "--encoding",
            default="",
            help="utf-8, latin-1 or windows-1252 (default: UTF-8, checked)",
        )
        parser.add_argument(
            "--date-format",
            default="",
            help=f"One of {', '.join([*formats.DATE_FORMATS, formats.STUDY_DAY])} "
            "(default: the preset's, else YYYY-MM-DD).",
        )
        parser.add_argument("--errors-out", type=Path, help="Write every problem to this CSV file.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, kind, file, preset, program, encoding, date_format, errors_out, **opts):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            chosen = presets.load(preset)
        except presets.PresetError as error:
            raise CommandError(str(error)) from None
        target = self.program(program)
        bar = tqdm(
            total=file.stat().st_size,
            unit="B",
            unit_scale=True,
            desc=f"Importing {kind}",
            disable=opts["no_progress"],
            file=sys.stderr,
        )

        def progress(report, done, total):
            bar.update(done - bar.n)
            bar.set_postfix(rows=report.rows, errors=report.errors, refresh=False)

        try:
            report = import_file(
                file,
                program=target,
                kind=kind,
                preset=chosen,
                encoding=encoding,
                date_format=date_format,
                on_progress=progress,
            )
        except FileRefused as error:
            bar.close()
            raise CommandError(str(error)) from None
        bar.update(bar.total - bar.n)
        bar.close()
        out = self.stdout
        out.write(
            f"{report.rows} rows read ({report.encoding}, dates {report.date_format}): "
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.skipped} skipped, {report.errors} with problems."
        )
        if report.ignored_columns:
            out.write("Columns not used: " + ", ".join(report.ignored_columns))
        for problem in report.problems[:20]:
            where = f"line {problem.line}" + (
                f", column {problem.column}" if problem.column else ""
            )
            out.write(f"  {where}: {problem.reason}")
        if report.errors > 20:
            out.write(
                f"  … and {report.errors - 20} more"
                + ("" if errors_out else " (--errors-out FILE lists them all)")
            )
        if errors_out:
            with open(errors_out, "w", newline="", encoding="utf-8") as stream:
                write_problems(report.problems, stream)
            out.write(f"Problems written to {errors_out}")

    def program(self, program_id):
        if program_id:
            try:
                return Program.objects.select_related("site").get(pk=program_id)
            except Program.DoesNotExist:
                raise CommandError(f"No program with id {program_id}.") from None
        programs = list(Program.objects.select_related("site")[:2])
        if len(programs) != 1:
            raise CommandError("Say which program with --program ID.")
        return programs[0]

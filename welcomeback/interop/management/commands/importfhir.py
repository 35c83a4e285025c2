"""manage.py importfhir FILE [--program ID] [--identifier-system URI]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from welcomeback.accounts import audit
from welcomeback.care.models import Program
from welcomeback.interop.fhir.importer import BundleError, import_bundle, load


class Command(BaseCommand):
    help = (
        "Import a FHIR R4 Bundle (transaction, batch or collection) of Patient, Appointment "
        "and Encounter resources into a program. Bad resources are listed; the rest is kept. "
        "Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a Bundle as JSON; - reads standard input")
        parser.add_argument("--program", type=int, help="the program's id (needed if several)")
        parser.add_argument(
            "--identifier-system",
            default="",
            help="which Patient identifier is the EHR's id (by default the usual one)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        program = choose_program(options["program"])
        path = options["file"]
        try:
            text = self.stdin.read() if path == "-" else Path(path).read_bytes()
            bundle = load(text)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        except BundleError as error:
            raise CommandError(str(error)) from None
        total = len(bundle.get("entry") or []) if isinstance(bundle, dict) else 0
        bar = tqdm(
            total=total,
            unit="resource",
            disable=options["no_progress"],
            file=self.stderr._out,
        )
        try:
            with audit.acting_as("importfhir"), bar:
                report = import_bundle(
                    bundle,
                    program,
                    identifier_system=options["identifier_system"],
                    progress=bar.update,
                )
        except BundleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(report.summary())
        for problem in report.problems:
            self.stdout.write(f"  {problem}")
        if report.problems:
            raise CommandError(f"{len(report.problems)} resource(s) were not imported (see above)")


def choose_program(program_id: int | None) -> Program:
    if program_id is not None:
        try:
            return Program.objects.select_related("site").get(pk=program_id)
        except Program.DoesNotExist:
            raise CommandError(f"there is no program {program_id}") from None
    programs = list(Program.objects.select_related("site")[:2])
    if len(programs) != 1:
        raise CommandError(
            "say which program with --program ID"
            if programs
            else "there is no program yet; create one first"
        )
    return programs[0]

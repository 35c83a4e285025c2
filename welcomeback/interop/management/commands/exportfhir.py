"""manage.py exportfhir [--program ID] [--client ID] [-o FILE] | --demo"""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from welcomeback.accounts import audit
from welcomeback.care.models import Client, Program
from welcomeback.interop.fhir.exporter import export_bundle
from welcomeback.interop.fhir.synthetic import demo_bundle


class Command(BaseCommand):
    help = (
        "Write what Welcome Back adds as a FHIR R4 collection Bundle (Patient, Appointment, "
        "Encounter, EpisodeOfCare, Communication, CommunicationRequest, Task, "
        "QuestionnaireResponse, Consent). Every export is recorded in the audit trail. "
        "--demo writes the synthetic EHR Bundle of the demo program instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", type=int, help="only this program's people")
        parser.add_argument("--client", type=int, help="only this person")
        parser.add_argument("-o", "--output", help="a file to write (default: standard output)")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="write the synthetic EHR export of the demo program (no real data)",
        )
        parser.add_argument("--seed", type=int, default=1, help="with --demo")
        parser.add_argument("--people", type=int, default=40, help="with --demo")
        parser.add_argument("--weeks", type=int, default=12, help="with --demo")
        parser.add_argument("--today", type=date.fromisoformat, help="with --demo: YYYY-MM-DD")

    def handle(self, *args, **options):
        if options["demo"]:
            bundle = demo_bundle(
                seed=options["seed"],
                people=options["people"],
                weeks=options["weeks"],
                today=options["today"],
            )
        else:
            program = find(Program, options["program"])
            client = find(Client, options["client"])
            with audit.acting_as("exportfhir"):
                bundle = export_bundle(program, client)
        text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(bundle.get('entry', []))} resources written")
        else:
            self.stdout.write(text, ending="")


def find(model, pk):
    if pk is None:
        return None
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist:
        raise CommandError(f"there is no {model._meta.verbose_name} {pk}") from None

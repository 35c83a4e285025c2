"""manage.py exportdemo --csv DIR: a synthetic EHR export of the demo program."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from welcomeback.interop import presets, synthetic


class Command(BaseCommand):
    help = "Write a synthetic EHR export of the demo program (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--csv", type=Path, metavar="DIR", help="Write CSV files here.")
        parser.add_argument(
            "--preset",
            default="welcomeback",
            help="Write the CSV in this preset's columns and codes (e.g. sample-ehr).",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--people", type=int, default=24)
        parser.add_argument("--weeks", type=int, default=6)

    def handle(self, *args, csv, preset, seed, people, weeks, **options):
        if not csv:
            raise CommandError("Say where: --csv DIR.")
        try:
            presets.load(preset)
        except presets.PresetError as error:
            raise CommandError(str(error)) from None
        export = synthetic.demo_export(seed=seed, people=people, weeks=weeks)
        for path in synthetic.write_csv(export, csv, preset):
            rows = sum(1 for _line in path.open(encoding="utf-8")) - 1
            self.stdout.write(f"{path} ({rows} rows)")
        self.stdout.write(
            "Import them in this order: clients, groups, expectations, attendance "
            "(manage.py importcsv KIND FILE)."
        )

"""The full CTN-0094 replay for docs/integration.md ("Real history").

Reads ../shared/data/ctn0094 in place (never copied), imports every treated
person into a dedicated database (``wb_bench_ctn0094``, made afresh), replays
their dosing and visits day by day through the sweep
(``welcomeback.interop.ctn0094.replay``) and prints the Markdown tables the
docs quote.

    .venv/bin/python bench/ctn0094.py               # everyone (about 2,400 people)
    .venv/bin/python bench/ctn0094.py --people 200  # a quicker look
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wb_bench_ctn0094"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_CTN_URL", DEFAULT_URL))
    parser.add_argument("--people", type=int, default=None)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    from importlib import import_module

    bench_import = import_module("import")  # bench/import.py: the same database set-up
    bench_import.recreate_database(args.database_url)
    bench_import.setup_django(args.database_url)
    from django.core.management import call_command
    from tqdm import tqdm

    from welcomeback.care.models import Organization, Program, Site
    from welcomeback.interop import ctn0094

    call_command("migrate", interactive=False, verbosity=0)
    organization = Organization.objects.create(name="CTN-0094 replay")
    site = Site.objects.create(organization=organization, name="Trials")
    program = Program.objects.create(site=site, name="CTN-0094", neutral_name="CTN")
    bar = tqdm(desc="study days swept", unit="day", file=sys.stderr)

    def progress(done, total):
        bar.total = total
        bar.update(done - bar.n)

    started = time.perf_counter()
    outcome = ctn0094.replay(program, people=args.people, progress=progress)
    bar.close()
    print(f"{time.perf_counter() - started:.0f} s")
    print(ctn0094.report_markdown(outcome))


if __name__ == "__main__":
    main()

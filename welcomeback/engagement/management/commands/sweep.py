import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from welcomeback.care.schedule import generate_ahead
from welcomeback.engagement.hooks import run_after_pass
from welcomeback.engagement.sweep import default_processes, run_once


class Command(BaseCommand):
    help = "Bring due engagement statuses up to date; loops until stopped (--once for one pass)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one pass and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between passes (default: SWEEP_INTERVAL_SECONDS).",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Processes that share a pass with many rows due (default: 2 on PostgreSQL, "
            "1 on SQLite).",
        )

    def handle(self, *args, once=False, interval=None, processes=None, **options):
        from django.conf import settings

        interval = interval if interval is not None else settings.SWEEP_INTERVAL_SECONDS
        processes = processes if processes is not None else default_processes()
        self.stopping = False
        signal.signal(signal.SIGTERM, self.stop)
        last_generated = None
        while True:
            now = timezone.now()
            if last_generated is None or (now - last_generated).total_seconds() > 3600:
                generate_ahead(now)
                last_generated = now
            result = run_once(now, processes=processes)
            run_after_pass(now)
            if result.checked or once:
                self.stdout.write(
                    f"{now:%Y-%m-%d %H:%M:%S} checked {result.checked}, "
                    f"status changes {result.changed}, errors {result.errors}"
                )
            if once or self.stopping:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return

    def stop(self, *args):
        self.stopping = True

"""``manage.py seeddemo``: a realistic synthetic program to look around in."""

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from welcomeback.demo.calibration import (
    TEDS_IOP_DROPOUT_SHARE,
    TEDS_IOP_MEDIAN_LOS_DAYS,
    TEDS_IOP_MEDIAN_LOS_DAYS_BY_REASON,
)
from welcomeback.demo.logins import print_demo_logins
from welcomeback.demo.seed import (
    DEFAULT_CLIENTS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    build_demo,
    demo_exists,
)
from welcomeback.engagement.models import Status

LOGIN_URL = "http://127.0.0.1:8000/staff/"


class Command(BaseCommand):
    help = (
        "Build a synthetic IOP organization with six months of attendance ending today, "
        "and a demo staff login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (1).")
        parser.add_argument(
            "--clients", type=int, default=DEFAULT_CLIENTS, help="How many people (300)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if an organization already exists (used by `make run`).",
        )
        parser.add_argument(
            "--now",
            type=parse_moment,
            default=None,
            help="Build the demo as of this ISO 8601 moment instead of now (for tests).",
        )

    def handle(self, *args, seed, clients, if_empty, now, **options):
        verbosity = options["verbosity"]
        if demo_exists():
            if not if_empty:
                raise CommandError(
                    "The database already has an organization; the demo goes into an empty "
                    "database only (start from a fresh one, or use --if-empty)."
                )
            self.say(verbosity, "The demo is already there; nothing to do.")
            self.print_login()
            return
        if clients < 1:
            raise CommandError("--clients must be at least 1.")
        started = time.perf_counter()
        self.say(verbosity, f"Building the demo program (seed {seed}, {clients} people)...")
        summary = build_demo(seed=seed, clients=clients, now=now, progress=verbosity >= 1)
        elapsed = time.perf_counter() - started
        if verbosity >= 1:
            self.report(summary, elapsed)
        self.print_login()

    def say(self, verbosity, text):
        if verbosity >= 1:
            self.stdout.write(text)

    def report(self, summary, elapsed):
        write = self.stdout.write
        write(
            f"{summary.clients} people, {summary.episodes} episodes, {summary.sessions} sessions "
            f"({summary.cancelled_sessions} cancelled by the programs), "
            f"{summary.attendance} attendance marks."
        )
        statuses = ", ".join(
            f"{Status(status).label.lower()} {count}"
            for status, count in summary.active_statuses.items()
        )
        write(f"Open episodes today: {statuses}.")
        if summary.finished:
            write(
                f"{summary.finished} finished episodes: dropped out "
                f"{summary.dropout_share:.0%} (TEDS-D IOP {TEDS_IOP_DROPOUT_SHARE:.0%}), "
                f"median stay {summary.median_stay_days:g} days "
                f"(TEDS-D {TEDS_IOP_MEDIAN_LOS_DAYS}), after dropping out "
                f"{summary.median_stay_days_dropped_out:g} days "
                f"(TEDS-D {TEDS_IOP_MEDIAN_LOS_DAYS_BY_REASON[2]})."
            )
        write(f"Built in {elapsed:.1f} s.")

    def print_login(self):
        # Printed even with --verbosity 0, so `make run` always shows it.
        self.stdout.write(
            f"Demo staff login: {LOGIN_URL}  user: {DEMO_USERNAME}  password: {DEMO_PASSWORD}"
        )
        # Each demo login's authenticator key (DEBUG only; demo/logins.py).
        print_demo_logins(self.stdout.write)


def parse_moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        raise ValueError("give a time zone, e.g. 2025-12-10T22:30:00-05:00")
    return moment

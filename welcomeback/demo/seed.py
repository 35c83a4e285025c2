"""Build the demo: an organization, its programs and groups, and six months
of people coming, drifting, leaving and coming back, ending now.

Deterministic: everything random comes from ``random.Random(seed)``, and the
only clock read is "now", which sets the last day. The same seed on the same
day gives the same people, stays and attendance; the hour only decides how
many of today's sessions have had their roll call yet.
"""

import random
import zoneinfo
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from welcomeback.care.models import Organization
from welcomeback.demo.catalog import (
    build_catalog,
    cancel_one_offs,
    close_for_holidays,
    schedule_sessions,
    scheduled_sessions_by_group,
)
from welcomeback.demo.journeys import Calendar, Planner
from welcomeback.demo.outreach import start_outreach
from welcomeback.demo.requests import open_demo_requests
from welcomeback.demo.returns import add_returned_people
from welcomeback.demo.simulate import Simulation
from welcomeback.demo.staff_users import create_demo_staff
from welcomeback.demo.summary import Summary, summarize

DEFAULT_SEED = 1
DEFAULT_CLIENTS = 300
HISTORY_DAYS = 182  # six months of attendance, ending today
# Days run on the main office's calendar; the Chicago site is an hour behind.
OFFICE_ZONE = zoneinfo.ZoneInfo("America/New_York")

DEMO_USERNAME = "demo"
# A fixed, documented password for a local demo login, printed on every run;
# never a real account.
DEMO_PASSWORD = "welcome-back-demo"  # noqa: S105


def demo_exists() -> bool:
    return Organization.objects.exists()


def build_demo(
    seed: int = DEFAULT_SEED,
    clients: int = DEFAULT_CLIENTS,
    now: datetime | None = None,
    progress: bool = False,
) -> Summary:
    """Build the whole demo in one transaction: all of it or nothing."""
    now = now or timezone.now()
    rng = random.Random(seed)
    today = now.astimezone(OFFICE_ZONE).date()
    calendar = Calendar(today - timedelta(days=HISTORY_DAYS), today, OFFICE_ZONE)
    with transaction.atomic():
        staff = demo_staff_user()
        catalog = build_catalog()
        create_demo_staff(catalog.programs)
        horizon = today + timedelta(
            days=max(program.session_horizon_days for program in catalog.programs.values())
        )
        schedule_sessions(catalog, calendar.first_day, horizon)
        close_for_holidays(catalog, calendar.first_day, horizon)
        cancel_one_offs(rng, catalog, calendar.first_day, today)
        sessions = scheduled_sessions_by_group(catalog)
        plan = Planner(rng, calendar, catalog, sessions).plan(clients)
        Simulation(plan, calendar, catalog, now, staff).run(progress=progress)
        programs = sorted(catalog.programs.values(), key=lambda program: program.pk)
        # Before outreach starts today: they are engaged again by now.
        add_returned_people(rng, programs, now, staff)
        start_outreach(rng, programs, now, staff)
        open_demo_requests(rng, programs, now, staff)
    return summarize()


def demo_staff_user():
    """The demo's staff login; its roles come with the programs
    (demo/staff_users.py: director and clinician in every program)."""
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        user = User.objects.create_superuser(DEMO_USERNAME, "demo@example.org", DEMO_PASSWORD)
    return user

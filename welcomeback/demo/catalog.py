"""The demo organization: two sites, three programs in two time zones, eight
groups with real weekly schedules, their sessions, and the days the
programs close."""

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from welcomeback.care.models import (
    Group,
    Modality,
    Organization,
    Program,
    Session,
    SessionStatus,
    Site,
)
from welcomeback.care.schedule import Slot, cancel_session, generate_sessions, set_schedule
from welcomeback.demo.holidays import closures_between

MON, TUE, WED, THU, FRI, SAT = range(6)

ORGANIZATION_NAME = "Riverbend Health"


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    slots: tuple[tuple[int, time], ...]
    share: float  # of the program's English-speaking clients
    modality: str = Modality.IN_PERSON
    language: str = "en"


@dataclass(frozen=True)
class ProgramSpec:
    key: str
    name: str
    neutral_name: str
    phone: str
    time_zone: str
    opens_at: time
    closes_at: time
    open_weekdays: str
    share: float  # of English-speaking clients
    groups: tuple[GroupSpec, ...]


@dataclass(frozen=True)
class SiteSpec:
    name: str
    address: str
    area_codes: tuple[str, ...]
    programs: tuple[ProgramSpec, ...]


EVENINGS = ProgramSpec(
    key="evenings",
    name="Adult IOP, evenings",
    neutral_name="Riverbend Center",
    phone="+12125550100",
    time_zone="America/New_York",
    opens_at=time(16),
    closes_at=time(22),
    open_weekdays="0123",
    share=0.40,
    groups=(
        GroupSpec(
            "evening-a",
            "Evening group A",
            ((MON, time(18)), (WED, time(18)), (THU, time(18))),
            0.40,
        ),
        GroupSpec(
            "evening-b",
            "Evening group B",
            ((MON, time(18)), (TUE, time(18)), (THU, time(18))),
            0.35,
        ),
        GroupSpec(
            "telehealth",
            "Telehealth evening group",
            ((MON, time(18, 30)), (WED, time(18, 30)), (THU, time(18, 30))),
            0.25,
            modality=Modality.TELEHEALTH,
        ),
        GroupSpec(
            "spanish",
            "Grupo de la tarde (en español)",
            ((TUE, time(18)), (WED, time(18)), (THU, time(18))),
            0.0,  # Spanish speakers are placed here, see journeys.choose_group
            language="es",
        ),
    ),
)
DAYS = ProgramSpec(
    key="days",
    name="Adult IOP, days",
    neutral_name="Riverbend Center",
    phone="+12125550101",
    time_zone="America/New_York",
    opens_at=time(8, 30),
    closes_at=time(17),
    open_weekdays="01234",
    share=0.32,
    groups=(
        GroupSpec(
            "morning",
            "Morning group",
            ((MON, time(9, 30)), (TUE, time(9, 30)), (WED, time(9, 30)), (THU, time(9, 30))),
            0.6,
        ),
        GroupSpec(
            "afternoon",
            "Afternoon group",
            ((MON, time(13)), (TUE, time(13)), (THU, time(13))),
            0.4,
        ),
    ),
)
YOUNG_ADULTS = ProgramSpec(
    key="young-adults",
    name="Young adult IOP",
    neutral_name="Lakeshore Commons",
    phone="+13125550100",
    time_zone="America/Chicago",
    opens_at=time(9),
    closes_at=time(21),
    open_weekdays="012345",
    share=0.28,
    groups=(
        GroupSpec(
            "young-weekday",
            "Young adult group",
            ((MON, time(16, 30)), (WED, time(16, 30)), (THU, time(16, 30))),
            0.6,
        ),
        GroupSpec(
            "young-saturday",
            "Young adult group, Tuesdays and Saturdays",
            ((TUE, time(17)), (THU, time(17)), (SAT, time(10))),
            0.4,
        ),
    ),
)
SITES = (
    SiteSpec(
        "Riverside",
        "100 Example Avenue, New York, NY 10001",
        ("212", "347", "646", "718", "917", "929"),
        (EVENINGS, DAYS),
    ),
    SiteSpec(
        "Lakeshore",
        "200 Example Street, Chicago, IL 60601",
        ("312", "773", "872"),
        (YOUNG_ADULTS,),
    ),
)
ONE_OFF_REASONS = ["Facilitator out sick", "Building maintenance", "Staff training day"]
WINTER_REASON = "Closed for snow"
WINTER_MONTHS = {12, 1, 2, 3}


@dataclass
class Catalog:
    organization: Organization
    programs: dict[str, Program] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    area_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    specs: dict[str, ProgramSpec] = field(default_factory=dict)


def build_catalog() -> Catalog:
    catalog = Catalog(Organization.objects.create(name=ORGANIZATION_NAME))
    for site_spec in SITES:
        site = Site.objects.create(
            organization=catalog.organization, name=site_spec.name, address=site_spec.address
        )
        for spec in site_spec.programs:
            catalog.programs[spec.key] = create_program(site, spec)
            catalog.area_codes[spec.key] = site_spec.area_codes
            catalog.specs[spec.key] = spec
            for group_spec in spec.groups:
                catalog.groups[group_spec.key] = create_group(
                    catalog.programs[spec.key], group_spec
                )
    return catalog


def create_program(site: Site, spec: ProgramSpec) -> Program:
    return Program.objects.create(
        site=site,
        name=spec.name,
        neutral_name=spec.neutral_name,
        phone=spec.phone,
        time_zone=spec.time_zone,
        opens_at=spec.opens_at,
        closes_at=spec.closes_at,
        open_weekdays=spec.open_weekdays,
        # Fictional on-call contacts: the console provider shows the pages.
        on_call_phone="+12125550199",
        on_call_email="on-call@example.org",
        director_email="director@example.org",
    )


def create_group(program: Program, spec: GroupSpec) -> Group:
    group = Group.objects.create(
        program=program,
        name=spec.name,
        modality=spec.modality,
        language=spec.language,
        duration_minutes=180,
    )
    set_schedule(group, [Slot(weekday, starts_at) for weekday, starts_at in spec.slots])
    return group


def schedule_sessions(catalog: Catalog, first_day: date, last_day: date) -> None:
    for group in catalog.groups.values():
        generate_sessions(group, first_day, last_day)


def close_for_holidays(catalog: Catalog, first_day: date, last_day: date) -> int:
    """The programs cancel every session on the days they close."""
    closed = closures_between(first_day, last_day)
    cancelled = 0
    for program in catalog.programs.values():
        for session in sessions_of(program, first_day, last_day):
            name = closed.get(session.starts_at.astimezone(program.zone).date())
            if name:
                cancel_session(session, f"Closed for {name}")
                cancelled += 1
    return cancelled


def cancel_one_offs(rng: random.Random, catalog: Catalog, first_day: date, today: date) -> None:
    """A few sessions cancelled for everyday reasons: four in the past, one
    coming up."""
    past, upcoming = [], []
    for program in catalog.programs.values():
        for session in sessions_of(program, first_day, today + timedelta(days=14)):
            if session.is_cancelled:
                continue
            local_day = session.starts_at.astimezone(program.zone).date()
            (past if local_day < today else upcoming).append(session)
    chosen = rng.sample(past, min(4, len(past))) + rng.sample(upcoming, min(1, len(upcoming)))
    for session in chosen:
        cancel_session(session, one_off_reason(rng, session))


def one_off_reason(rng: random.Random, session: Session) -> str:
    winter = session.starts_at.month in WINTER_MONTHS
    return rng.choice(ONE_OFF_REASONS + ([WINTER_REASON] if winter else []))


def sessions_of(program: Program, first_day: date, last_day: date) -> list[Session]:
    # A day either side covers every local date whatever the zone.
    return list(
        Session.objects.filter(
            program=program,
            starts_at__date__gte=first_day - timedelta(days=1),
            starts_at__date__lte=last_day + timedelta(days=1),
        ).order_by("starts_at", "pk")
    )


def scheduled_sessions_by_group(catalog: Catalog) -> dict[str, list[Session]]:
    """Every session the programs still hold, per group key, in time order."""
    by_id = {group.pk: key for key, group in catalog.groups.items()}
    sessions: dict[str, list[Session]] = {key: [] for key in catalog.groups}
    queryset = Session.objects.filter(group_id__in=by_id, status=SessionStatus.SCHEDULED).order_by(
        "starts_at", "pk"
    )
    for session in queryset:
        sessions[by_id[session.group_id]].append(session)
    return sessions

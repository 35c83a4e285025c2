"""Applying imported rows to the care record, whatever format they came in.

CSV, FHIR and the API all end here, with typed rows: dicts keyed by our
field names (``formats.FORMATS``) plus ``line`` (where the row came from, for
problems). Each function is idempotent on the kind's natural key:

| kind | natural key |
| --- | --- |
| clients | ``client``: the EHR's id, ``Client.external_id`` in the organization |
| groups | ``group``: the EHR's id, in ``ExternalId`` |
| expectations | (client's current episode, group, first day), or the ``appointment`` id |
| attendance | (client, session): the group's session at that local time, or the appointment |

The same rows twice change nothing ("unchanged"); a changed row updates. A
bad row becomes a ``Problem`` and every good row is still written.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.bulk import current_episodes
from welcomeback.care.episodes import ENDED, open_episode
from welcomeback.care.models import (
    AttendanceSource,
    Client,
    Episode,
    Expectation,
    Group,
    Program,
    Session,
    SessionKind,
)
from welcomeback.care.schedule import Slot, local_start_to_utc, set_schedule
from welcomeback.engagement.rebuild import rescan
from welcomeback.interop.models import ExternalId, ExternalKind

APPOINTMENT_MINUTES = 60


@dataclass
class Problem:
    line: int
    column: str
    reason: str


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Episodes whose engagement was asked to look again.
    episodes: set[int] = field(default_factory=set)

    def add(self, other: "Result") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.problems += other.problems
        self.episodes |= other.episodes

    def problem(self, row: dict, column: str, reason: str) -> None:
        self.problems.append(Problem(row.get("line", 0), column, reason))


def local_midnight(day: date, program: Program) -> datetime:
    return local_start_to_utc(day, time(0, 0), program.zone)


def clients_by_key(program: Program, keys: Iterable[str]) -> dict[str, Client]:
    keys = sorted(set(keys))
    found = {}
    for start in range(0, len(keys), 500):
        for client in Client.objects.filter(
            organization_id=program.site.organization_id, external_id__in=keys[start : start + 500]
        ):
            found[client.external_id] = client
    return found


def external_ids(program: Program, kind: str, keys: Iterable[str]) -> dict[str, int]:
    keys = sorted(set(keys))
    found = {}
    for start in range(0, len(keys), 500):
        found.update(
            ExternalId.objects.filter(
                program=program, kind=kind, system="", external_id__in=keys[start : start + 500]
            ).values_list("external_id", "object_id")
        )
    return found


# -- clients ----------------------------------------------------------------

CLIENT_FIELDS = ("first_name", "last_name", "preferred_name", "pronouns", "phone", "email")


def upsert_clients(program: Program, rows: Sequence[dict], by=None) -> Result:
    """People, by their EHR id. An ``admitted`` date opens an active episode
    in ``program`` from that day, when they have no open episode there."""
    result = Result()
    existing = clients_by_key(program, (row["client"] for row in rows))
    open_in_program = set(
        Episode.objects.filter(program=program, client__in=[c.pk for c in existing.values()])
        .exclude(status__in=ENDED)
        .values_list("client_id", flat=True)
    )
    for row in rows:
        values = {name: row[name] for name in (*CLIENT_FIELDS, "language") if name in row}
        with transaction.atomic():
            client = existing.get(row["client"])
            changed = False
            if client is None:
                client = Client.objects.create(
                    organization_id=program.site.organization_id,
                    external_id=row["client"],
                    **values,
                )
                existing[row["client"]] = client
                outcome = "created"
            else:
                different = [
                    name for name, value in values.items() if getattr(client, name) != value
                ]
                for name in different:
                    setattr(client, name, values[name])
                if different:
                    client.save(update_fields=different)
                changed = bool(different)
                outcome = "updated" if changed else "unchanged"
            if row.get("admitted") and client.pk not in open_in_program:
                episode = open_episode(
                    client, program, at=local_midnight(row["admitted"], program), by=by
                )
                open_in_program.add(client.pk)
                result.episodes.add(episode.pk)
                if outcome == "unchanged":
                    outcome = "updated"
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# -- groups -------------------------------------------------------------------

GROUP_FIELDS = ("name", "duration_minutes", "modality", "language", "capacity", "active")


def upsert_groups(program: Program, rows: Sequence[dict]) -> Result:
    """Groups by their EHR id, with their weekly schedule (``schedule``: a
    list of (weekday, time)); a changed schedule goes through set_schedule."""
    result = Result()
    ids = external_ids(program, ExternalKind.GROUP, (row["group"] for row in rows))
    for row in rows:
        values = {name: row[name] for name in GROUP_FIELDS if name in row}
        try:
            with transaction.atomic():
                group = None
                if row["group"] in ids:
                    group = Group.objects.filter(pk=ids[row["group"]], program=program).first()
                if group is None:
                    group = Group.objects.create(program=program, **values)
                    ExternalId.objects.update_or_create(
                        program=program,
                        kind=ExternalKind.GROUP,
                        system="",
                        external_id=row["group"],
                        defaults={"object_id": group.pk},
                    )
                    ids[row["group"]] = group.pk
                    outcome = "created"
                else:
                    different = [n for n, v in values.items() if getattr(group, n) != v]
                    for name in different:
                        setattr(group, name, values[name])
                    if different:
                        group.save(update_fields=different)
                    outcome = "updated" if different else "unchanged"
                if "schedule" in row:
                    wanted = {Slot(weekday, at) for weekday, at in row["schedule"]}
                    have = {Slot(s.weekday, s.starts_at) for s in group.slots.all()}
                    if wanted != have:
                        set_schedule(group, wanted)
                        if outcome == "unchanged":
                            outcome = "updated"
        except ValidationError as error:
            result.problem(row, "schedule", " ".join(error.messages))
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# -- expectations -------------------------------------------------------------


def resolve_episodes(program: Program, client_keys: Iterable[str]) -> dict[str, int | None]:
    """Each client key's current episode in ``program`` (None when the client
    is known but has none); unknown clients are left out."""
    clients = clients_by_key(program, client_keys)
    episodes = current_episodes({(client.pk, program.pk) for client in clients.values()})
    result = {}
    for key, client in clients.items():
        episode = episodes.get((client.pk, program.pk))
        result[key] = episode.pk if episode is not None else None
    return result


def unknown_client(result: Result, row: dict) -> None:
    result.problem(
        row,
        "client",
        _("No one with this client id has been imported yet; import them in the clients file."),
    )


def no_episode(result: Result, row: dict) -> None:
    result.problem(
        row,
        "client",
        _(
            "This person has no episode in this program; give them an admission date in "
            "the clients file."
        ),
    )


def upsert_expectations(program: Program, rows: Sequence[dict], at: datetime | None = None):
    """Who is expected where: at a group's sessions from ``starts`` to
    ``ends`` (the last day, inclusive; ``weekday`` for a reduced schedule),
    or at one individual ``appointment`` on ``starts`` at ``time``."""
    result = Result()
    episodes = resolve_episodes(program, (row["client"] for row in rows))
    groups = external_ids(program, ExternalKind.GROUP, (r["group"] for r in rows if r.get("group")))
    appointments = AppointmentBook(program)
    appointments.load(row["appointment"] for row in rows if row.get("appointment"))
    with transaction.atomic():
        at_appointments = []
        for row in rows:
            if row["client"] not in episodes:
                unknown_client(result, row)
                continue
            episode_id = episodes[row["client"]]
            if episode_id is None:
                no_episode(result, row)
                continue
            if row.get("appointment"):
                at_appointments.append((row, episode_id))
                continue
            if row["group"] not in groups:
                result.problem(row, "group", _("No group with this id has been imported yet."))
                continue
            else:
                outcome = expect_at_group(program, groups[row["group"]], episode_id, row)
            setattr(result, outcome, getattr(result, outcome) + 1)
            if outcome != "unchanged":
                result.episodes.add(episode_id)
        for outcome, episode_id in expect_at_appointments(program, appointments, at_appointments):
            setattr(result, outcome, getattr(result, outcome) + 1)
            if outcome != "unchanged":
                result.episodes.add(episode_id)
        if result.episodes:
            rescan(result.episodes, at or timezone.now())
    return result


def expect_at_group(program: Program, group_id: int, episode_id: int, row: dict) -> str:
    starts = local_midnight(row["starts"], program)
    ends = local_midnight(row["ends"] + timedelta(days=1), program) if row.get("ends") else None
    weekday = row.get("weekday")
    expectation = Expectation.objects.filter(
        episode_id=episode_id, group_id=group_id, starts=starts
    ).first()
    if expectation is None:
        Expectation.objects.create(
            episode_id=episode_id, group_id=group_id, starts=starts, ends=ends, weekday=weekday
        )
        return "created"
    if (expectation.ends, expectation.weekday) == (ends, weekday):
        return "unchanged"
    expectation.ends, expectation.weekday = ends, weekday
    expectation.save(update_fields=["ends", "weekday"])
    return "updated"


class AppointmentBook:
    """Individual appointments by their EHR id: the session, made on first sight."""

    def __init__(self, program: Program):
        self.program = program
        self.sessions: dict[str, Session] = {}

    def load(self, keys: Iterable[str]) -> None:
        wanted = [key for key in set(keys) if key not in self.sessions]
        ids = external_ids(self.program, ExternalKind.APPOINTMENT, wanted)
        by_pk = Session.objects.in_bulk(list(ids.values()))
        for key, pk in ids.items():
            if pk in by_pk:
                self.sessions[key] = by_pk[pk]

    def starts_at(self, row: dict, day_field: str) -> datetime:
        at = row.get("time") or self.program.opens_at
        return local_start_to_utc(row[day_field], at, self.program.zone)

    def session(self, key: str, starts_at: datetime, minutes: int | None) -> tuple[Session, str]:
        """The appointment's session at ``starts_at``, created or moved."""
        duration = timedelta(minutes=minutes or APPOINTMENT_MINUTES)
        session = self.sessions.get(key)
        if session is None:
            session = Session(
                program=self.program,
                kind=SessionKind.INDIVIDUAL,
                starts_at=starts_at,
                ends_at=starts_at + duration,
            )
            session.save()
            ExternalId.objects.update_or_create(
                program=self.program,
                kind=ExternalKind.APPOINTMENT,
                system="",
                external_id=key,
                defaults={"object_id": session.pk},
            )
            self.sessions[key] = session
            return session, "created"
        if session.starts_at == starts_at and (
            minutes is None or session.ends_at - starts_at == duration
        ):
            return session, "unchanged"
        session.starts_at = starts_at
        session.ends_at = starts_at + duration
        session.save(update_fields=["starts_at", "ends_at"])
        return session, "updated"


def expect_at_appointments(program: Program, book: AppointmentBook, items: list[tuple[dict, int]]):
    """Each (row, episode) expected at its appointment: new appointments and
    their expectations are made a few statements a chunk (a trial's tens of
    thousands of visits), a moved one is saved on its own. Yields (outcome,
    episode id) per row."""
    zone = program.zone
    made: dict[str, Session] = {}
    for row, _episode in items:
        key = row["appointment"]
        if key in book.sessions or key in made:
            continue
        starts_at = book.starts_at(row, "starts")
        minutes = row.get("duration_minutes") or APPOINTMENT_MINUTES
        made[key] = Session(
            program=program,
            kind=SessionKind.INDIVIDUAL,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            local_weekday=starts_at.astimezone(zone).weekday(),
        )
    if made:
        Session.objects.bulk_create(list(made.values()), batch_size=500)
        ExternalId.objects.bulk_create(
            [
                ExternalId(
                    program=program,
                    kind=ExternalKind.APPOINTMENT,
                    system="",
                    external_id=key,
                    object_id=session.pk,
                )
                for key, session in made.items()
            ],
            batch_size=500,
        )
        book.sessions.update(made)
    session_ids = sorted({book.sessions[row["appointment"]].pk for row, _episode in items})
    existing = {}
    for start in range(0, len(session_ids), 500):
        for expectation in Expectation.objects.filter(
            session_id__in=session_ids[start : start + 500]
        ):
            existing[(expectation.episode_id, expectation.session_id)] = expectation
    new = {}
    for row, episode_id in items:
        key = row["appointment"]
        starts_at = book.starts_at(row, "starts")
        if key in made:
            session, outcome = made[key], "created"
        else:
            session, outcome = book.session(key, starts_at, row.get("duration_minutes"))
        # Expected from the start of that day, so a time moved earlier stays covered.
        starts = min(local_midnight(row["starts"], program), starts_at)
        pair = (episode_id, session.pk)
        expectation = existing.get(pair)
        if expectation is None and pair not in new:
            new[pair] = Expectation(episode_id=episode_id, session_id=session.pk, starts=starts)
            yield "created", episode_id
        elif expectation is not None and expectation.starts != starts:
            expectation.starts = starts
            expectation.save(update_fields=["starts"])
            yield "updated", episode_id
        else:
            yield ("unchanged" if pair in new else outcome), episode_id
    Expectation.objects.bulk_create(list(new.values()), batch_size=500)


# -- attendance -----------------------------------------------------------------


def record_attendance_rows(
    program: Program, rows: Sequence[dict], source: str = AttendanceSource.IMPORT, by=None
) -> Result:
    """Attendance rows, once (the API's bulk call, a FHIR bundle): see
    ``interop.attendance.AttendanceWriter``, which an import keeps for all
    its chunks."""
    from welcomeback.interop.attendance import AttendanceWriter

    return AttendanceWriter(program, source=source, recorded_by=by).write(rows)

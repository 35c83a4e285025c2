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

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.bulk import current_episodes, is_covered
from welcomeback.care.episodes import ENDED, open_episode
from welcomeback.care.models import (
    Attendance,
    AttendanceSource,
    Client,
    Episode,
    Expectation,
    Group,
    Program,
    Session,
    SessionKind,
    SessionStatus,
)
from welcomeback.care.schedule import Slot, local_start_to_utc, set_schedule
from welcomeback.engagement.rebuild import rescan
from welcomeback.interop.formats import SKIP
from welcomeback.interop.models import ExternalId, ExternalKind
from welcomeback.lib.bulk import insert_rows, update_from_values

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
        for row in rows:
            if row["client"] not in episodes:
                unknown_client(result, row)
                continue
            episode_id = episodes[row["client"]]
            if episode_id is None:
                no_episode(result, row)
                continue
            if row.get("appointment"):
                outcome = expect_at_appointment(program, appointments, episode_id, row)
            elif row["group"] not in groups:
                result.problem(row, "group", _("No group with this id has been imported yet."))
                continue
            else:
                outcome = expect_at_group(program, groups[row["group"]], episode_id, row)
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


def expect_at_appointment(program, book: AppointmentBook, episode_id: int, row: dict) -> str:
    starts_at = book.starts_at(row, "starts")
    session, outcome = book.session(row["appointment"], starts_at, row.get("duration_minutes"))
    expectation = Expectation.objects.filter(episode_id=episode_id, session=session).first()
    # Expected from the start of that day, so a time moved earlier stays covered.
    starts = min(local_midnight(row["starts"], program), starts_at)
    if expectation is None:
        Expectation.objects.create(episode_id=episode_id, session=session, starts=starts)
        return "created"
    if expectation.starts != starts:
        expectation.starts = starts
        expectation.save(update_fields=["starts"])
        return "updated"
    return outcome


# -- attendance -----------------------------------------------------------------


@dataclass
class GroupInfo:
    pk: int
    duration: timedelta
    slots: dict[int, list[time]]


class AttendanceWriter:
    """Writes attendance rows a chunk at a time, with set-based SQL.

    The same meaning as ``care.attendance.record_attendance`` (a cancelled
    session is refused; a person nobody expected is kept as a drop-in; the
    same person and session again updates the one row), without its five
    queries a mark: keys are resolved in bulk and cached for the whole
    import, missing group sessions are created in one statement, and new
    and changed marks are written with one INSERT and one UPDATE a chunk
    (``lib.bulk``). The engagement of every episode touched is asked to
    look again in the same transaction (``engagement.rebuild.rescan``).
    """

    def __init__(
        self,
        program: Program,
        at: datetime | None = None,
        source: str = AttendanceSource.IMPORT,
        recorded_by=None,
    ):
        self.program = program
        self.zone = program.zone
        self.at = at
        self.source = source
        self.recorded_by_id = recorded_by.pk if recorded_by else None
        self.clients: dict[str, int | None] = {}  # key -> client id, None if unknown
        self.groups: dict[str, GroupInfo | None] = {}
        self.sessions: dict[tuple[int, datetime], tuple[int, bool]] = {}  # -> (pk, cancelled)
        self.episodes: dict[int, int | None] = {}  # client id -> current episode id
        self.expectations: dict[int, list[Expectation]] = {}
        self.appointments = AppointmentBook(program)
        self._starts: dict[tuple[date, time], datetime] = {}

    def write(self, rows: Sequence[dict]) -> Result:
        result = Result()
        self.resolve(rows)
        marks: dict[tuple[int, int], tuple[dict, int, bool]] = {}
        for row in rows:
            if row["status"] == SKIP:
                result.skipped += 1
                continue
            found = self.locate(row, result)
            if found is None:
                continue
            session_pk, client_pk, session = found
            key = (session_pk, client_pk)
            if key in marks:
                earlier = marks[key][0]
                result.problem(
                    earlier,
                    "",
                    _("Line %(line)s is for the same person and session; that later line was used.")
                    % {"line": row.get("line", 0)},
                )
            episode_id = self.episode_of(client_pk)
            expected = episode_id is not None and is_covered(
                self.expectations.get(episode_id, []), session
            )
            marks[key] = (row, episode_id, not expected)
        for attempt in range(2):
            try:
                with transaction.atomic():
                    self.save(marks, result)
                break
            except IntegrityError:
                # Someone recorded one of these marks between our read and our
                # write (a roll call): read again and write as an update.
                if attempt:
                    raise
                result.created = result.updated = result.unchanged = 0
                result.episodes = set()
        return result

    # -- keys

    def resolve(self, rows: Sequence[dict]) -> None:
        new_clients = {row["client"] for row in rows} - self.clients.keys()
        if new_clients:
            found = clients_by_key(self.program, new_clients)
            for key in new_clients:
                self.clients[key] = found[key].pk if key in found else None
            pairs = {(client.pk, self.program.pk) for client in found.values()}
            episodes = current_episodes(pairs)
            for client in found.values():
                episode = episodes.get((client.pk, self.program.pk))
                self.episodes[client.pk] = episode.pk if episode else None
            new_episodes = {e.pk for e in episodes.values()} - self.expectations.keys()
            for episode_id in new_episodes:
                self.expectations[episode_id] = []
            for _start, ids in enumerate_chunks(sorted(new_episodes)):
                for expectation in Expectation.objects.filter(episode_id__in=ids):
                    self.expectations[expectation.episode_id].append(expectation)
        new_groups = {row["group"] for row in rows if row.get("group")} - self.groups.keys()
        if new_groups:
            ids = external_ids(self.program, ExternalKind.GROUP, new_groups)
            found = {
                group.pk: group
                for group in Group.objects.filter(
                    pk__in=ids.values(), program=self.program
                ).prefetch_related("slots")
            }
            for key in new_groups:
                group = found.get(ids.get(key))
                if group is None:
                    self.groups[key] = None
                    continue
                slots = defaultdict(list)
                for slot in group.slots.all():
                    slots[slot.weekday].append(slot.starts_at)
                self.groups[key] = GroupInfo(
                    group.pk, timedelta(minutes=group.duration_minutes), dict(slots)
                )
        self.appointments.load(row["appointment"] for row in rows if row.get("appointment"))
        self.load_sessions(rows)

    def group_start(self, row: dict, info: GroupInfo) -> datetime | None:
        day = row["date"]
        at = row.get("time")
        if at is None:
            slots = info.slots.get(day.weekday(), [])
            if len(slots) != 1:
                return None
            at = slots[0]
        key = (day, at)
        if key not in self._starts:
            self._starts[key] = local_start_to_utc(day, at, self.zone)
        return self._starts[key]

    def load_sessions(self, rows: Sequence[dict]) -> None:
        """Find (or create, in one statement) each group session the rows name."""
        wanted = {}
        for row in rows:
            info = self.groups.get(row.get("group") or "")
            if info is None:
                continue
            starts_at = self.group_start(row, info)
            if starts_at is not None and (info.pk, starts_at) not in self.sessions:
                wanted[(info.pk, starts_at)] = info
        if not wanted:
            return
        self.fetch_sessions(wanted)
        missing = [key for key in wanted if key not in self.sessions]
        if missing:
            Session.objects.bulk_create(
                [
                    Session(
                        program=self.program,
                        group_id=group_pk,
                        kind=SessionKind.GROUP,
                        starts_at=starts_at,
                        ends_at=starts_at + wanted[(group_pk, starts_at)].duration,
                        local_weekday=starts_at.astimezone(self.zone).weekday(),
                    )
                    for group_pk, starts_at in missing
                ],
                ignore_conflicts=True,
                batch_size=500,
            )
            self.fetch_sessions({key: wanted[key] for key in missing})

    def fetch_sessions(self, wanted: dict) -> None:
        by_group = defaultdict(list)
        for group_pk, starts_at in wanted:
            by_group[group_pk].append(starts_at)
        for group_pk, starts in by_group.items():
            found = Session.objects.filter(
                group_id=group_pk, starts_at__gte=min(starts), starts_at__lte=max(starts)
            ).values_list("pk", "starts_at", "status")
            for pk, starts_at, status in found:
                self.sessions[(group_pk, starts_at.astimezone(UTC))] = (
                    pk,
                    status == SessionStatus.CANCELLED,
                )

    def locate(self, row: dict, result: Result):
        """(session pk, client pk, a Session for the coverage test) or None."""
        client_pk = self.clients.get(row["client"])
        if client_pk is None:
            unknown_client(result, row)
            return None
        if row.get("appointment"):
            starts_at = self.appointments.starts_at(row, "date")
            session, _outcome = self.appointments.session(row["appointment"], starts_at, None)
            pk, cancelled = session.pk, session.is_cancelled
            probe = session
        else:
            info = self.groups.get(row["group"])
            if info is None:
                result.problem(row, "group", _("No group with this id has been imported yet."))
                return None
            starts_at = self.group_start(row, info)
            if starts_at is None:
                result.problem(
                    row,
                    "time",
                    _(
                        "The group does not meet exactly once on that weekday, so the "
                        "session needs its start time."
                    ),
                )
                return None
            pk, cancelled = self.sessions[(info.pk, starts_at)]
            probe = Session(
                pk=pk,
                group_id=info.pk,
                starts_at=starts_at,
                local_weekday=starts_at.astimezone(self.zone).weekday(),
            )
        if cancelled:
            result.problem(
                row,
                "date",
                _("The program cancelled this session, so attendance can't be recorded for it."),
            )
            return None
        return pk, client_pk, probe

    def episode_of(self, client_pk: int) -> int | None:
        return self.episodes.get(client_pk)

    # -- writing

    def save(self, marks: dict, result: Result) -> None:
        existing = self.existing(marks.keys())
        now = timezone.now()
        new, changed = [], []
        for (session_pk, client_pk), (row, episode_id, drop_in) in marks.items():
            before = existing.get((session_pk, client_pk))
            if before is not None and before[1:] == (row["status"], episode_id, drop_in):
                result.unchanged += 1
                continue
            attendance = Attendance(
                session_id=session_pk,
                client_id=client_pk,
                episode_id=episode_id,
                status=row["status"],
                drop_in=drop_in,
                source=self.source,
                recorded_by_id=self.recorded_by_id,
                recorded_at=now,
            )
            if before is None:
                new.append(attendance)
            else:
                attendance.pk = before[0]
                changed.append(attendance)
            if episode_id is not None:
                result.episodes.add(episode_id)
        insert_rows(Attendance, new)
        update_from_values(
            Attendance,
            ["episode", "status", "drop_in", "source", "recorded_by", "recorded_at"],
            changed,
        )
        result.created += len(new)
        result.updated += len(changed)
        if result.episodes:
            rescan(result.episodes, self.at or now)

    def existing(self, keys: Iterable[tuple[int, int]]) -> dict:
        keys = set(keys)
        session_ids = sorted({session_pk for session_pk, _client in keys})
        table = connection.ops.quote_name(Attendance._meta.db_table)
        if connection.vendor == "postgresql":
            where, param = "session_id = ANY(%s)", session_ids
        else:
            where, param = "session_id IN (SELECT value FROM json_each(%s))", _json(session_ids)
        columns = "id, session_id, client_id, status, episode_id, drop_in"
        sql = f"SELECT {columns} FROM {table} WHERE {where}"  # noqa: S608
        found = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [param])
            for pk, session_id, client_id, status, episode_id, drop_in in cursor.fetchall():
                if (session_id, client_id) in keys:
                    found[(session_id, client_id)] = (pk, status, episode_id, bool(drop_in))
        return found


def _json(values) -> str:
    import json

    return json.dumps(values)


def enumerate_chunks(items: Sequence, size: int = 500):
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def record_attendance_rows(
    program: Program, rows: Sequence[dict], source: str = AttendanceSource.IMPORT, by=None
) -> Result:
    """Attendance rows, once (the API's bulk call, a FHIR bundle)."""
    return AttendanceWriter(program, source=source, recorded_by=by).write(rows)

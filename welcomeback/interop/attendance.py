"""Writing imported attendance a chunk at a time, with set-based SQL.

The same meaning as ``care.attendance.record_attendance`` (a cancelled
session is refused; a person nobody expected is kept as a drop-in; the same
person and session again updates the one row), without its five queries a
mark: keys are resolved in bulk and cached for the whole import, missing
group sessions are created in one statement, new and changed marks are
written with one INSERT and one UPDATE a chunk (``lib.bulk``), and the
engagement of every episode touched is asked to look again in the same
transaction (``interop.recheck``). Plain objects, not model instances, carry
the rows: a million ``Model.__init__`` calls cost more than the SQL.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.bulk import current_episodes
from welcomeback.care.models import (
    CONTACT_STATUSES,
    Attendance,
    AttendanceSource,
    Expectation,
    Group,
    Program,
    Session,
    SessionKind,
    SessionStatus,
)
from welcomeback.care.schedule import local_start_to_utc
from welcomeback.care.signals import attendance_recorded_in_bulk
from welcomeback.interop.apply import (
    AppointmentBook,
    Result,
    clients_by_key,
    external_ids,
    unknown_client,
)
from welcomeback.interop.formats import SKIP
from welcomeback.interop.models import ExternalKind
from welcomeback.interop.recheck import recheck
from welcomeback.lib.bulk import update_from_values

CONTACT = frozenset(str(status) for status in CONTACT_STATUSES)
WRITTEN = ["episode", "status", "drop_in", "source", "recorded_by", "recorded_at"]


@dataclass
class GroupInfo:
    pk: int
    duration: timedelta
    slots: dict[int, list[time]]


class Probe:
    """What ``Expectation.covers`` reads of a session."""

    __slots__ = ("pk", "group_id", "starts_at", "local_weekday")

    def __init__(self, pk, group_id, starts_at, local_weekday):
        self.pk = pk
        self.group_id = group_id
        self.starts_at = starts_at
        self.local_weekday = local_weekday


class Mark:
    """One attendance row to write, by column attribute name (lib.bulk reads these)."""

    __slots__ = (
        "id",
        "session_id",
        "client_id",
        "episode_id",
        "status",
        "drop_in",
        "source",
        "recorded_by_id",
        "recorded_at",
    )

    def __init__(self, session_id, client_id, episode_id, status, drop_in, source, by, at):
        self.id = None
        self.session_id = session_id
        self.client_id = client_id
        self.episode_id = episode_id
        self.status = status
        self.drop_in = drop_in
        self.source = source
        self.recorded_by_id = by
        self.recorded_at = at


class AttendanceWriter:
    def __init__(
        self,
        program: Program,
        at: datetime | None = None,
        source: str = AttendanceSource.IMPORT,
        recorded_by=None,
    ):
        self.program = program
        self.zone = program.zone
        # One "look again from" time for the whole import, so a row already
        # due is not rewritten by every chunk.
        self.at = at or timezone.now()
        self.source = source
        self.recorded_by_id = recorded_by.pk if recorded_by else None
        self.clients: dict[str, int | None] = {}  # key -> client id, None if unknown
        self.groups: dict[str, GroupInfo | None] = {}
        # (group id, UTC start) -> (session id, cancelled, local weekday)
        self.sessions: dict[tuple[int, datetime], tuple[int, bool, int]] = {}
        self.episodes: dict[int, int | None] = {}  # client id -> current episode id
        self.expectations: dict[int, list[Expectation]] = {}
        self.appointments = AppointmentBook(program)
        self._starts: dict[tuple, datetime | None] = {}
        self.starts_by_pk: dict[int, datetime] = {}

    def write(self, rows: Sequence[dict]) -> Result:
        result = Result()
        self.resolve(rows)
        # (session, client) -> (row, episode, drop-in)
        marks: dict[tuple[int, int], tuple[dict, int | None, bool]] = {}
        clients, episodes, expectations = self.clients, self.episodes, self.expectations
        for row in rows:
            if row["status"] == SKIP:
                result.skipped += 1
                continue
            client_pk = clients.get(row["client"])
            if client_pk is None:
                unknown_client(result, row)
                continue
            probe = self.locate(row, result)
            if probe is None:
                continue
            key = (probe.pk, client_pk)
            if key in marks:
                result.problem(
                    marks[key][0],
                    "",
                    _("Line %(line)s is for the same person and session; that later line was used.")
                    % {"line": row.get("line", 0)},
                )
            episode_id = episodes.get(client_pk)
            expected = False
            if episode_id is not None:
                for expectation in expectations[episode_id]:
                    if expectation.covers(probe):
                        expected = True
                        break
            marks[key] = (row, episode_id, not expected)
        for attempt in range(2):
            outcome = Result()
            try:
                with transaction.atomic():
                    self.save(marks, outcome)
                break
            except IntegrityError:
                # Someone recorded one of these marks between our read and our
                # write (a roll call at that moment): read again, then update.
                if attempt:
                    raise
        result.add(outcome)
        self.announce_contacts(marks)
        return result

    def announce_contacts(self, marks) -> None:
        """Whoever came is told to the floors that care (a return request
        closes when the person attends), once per chunk."""
        contacts = {
            (client_pk, self.program.pk)
            for (_session, client_pk), (row, _episode, _drop_in) in marks.items()
            if row["status"] in CONTACT
        }
        if contacts:
            attendance_recorded_in_bulk.send(sender=Attendance, pairs=contacts)

    # -- keys

    def resolve(self, rows: Sequence[dict]) -> None:
        new_clients = {row["client"] for row in rows} - self.clients.keys()
        if new_clients:
            self.resolve_clients(new_clients)
        new_groups = {row["group"] for row in rows if row.get("group")} - self.groups.keys()
        if new_groups:
            self.resolve_groups(new_groups)
        appointments = [row["appointment"] for row in rows if row.get("appointment")]
        if appointments:
            self.appointments.load(appointments)
        self.load_sessions(rows)

    def resolve_clients(self, keys: set[str]) -> None:
        found = clients_by_key(self.program, keys)
        for key in keys:
            self.clients[key] = found[key].pk if key in found else None
        episodes = current_episodes({(client.pk, self.program.pk) for client in found.values()})
        for client in found.values():
            episode = episodes.get((client.pk, self.program.pk))
            self.episodes[client.pk] = episode.pk if episode else None
        new = sorted({e.pk for e in episodes.values()} - self.expectations.keys())
        for episode_id in new:
            self.expectations[episode_id] = []
        for start in range(0, len(new), 500):
            for expectation in Expectation.objects.filter(episode_id__in=new[start : start + 500]):
                self.expectations[expectation.episode_id].append(expectation)

    def resolve_groups(self, keys: set[str]) -> None:
        ids = external_ids(self.program, ExternalKind.GROUP, keys)
        found = {
            group.pk: group
            for group in Group.objects.filter(
                pk__in=ids.values(), program=self.program
            ).prefetch_related("slots")
        }
        for key in keys:
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

    def group_start(self, day: date, at: time | None, info: GroupInfo) -> datetime | None:
        """The session's UTC start: the row's local time, or the group's one
        meeting that weekday."""
        key = (day, at, info.pk if at is None else 0)
        if key in self._starts:
            return self._starts[key]
        if at is None:
            slots = info.slots.get(day.weekday(), [])
            at = slots[0] if len(slots) == 1 else None
        start = local_start_to_utc(day, at, self.zone) if at is not None else None
        self._starts[key] = start
        return start

    def load_sessions(self, rows: Sequence[dict]) -> None:
        """Find (or create, in one statement) each group session the rows name."""
        wanted: dict[tuple[int, datetime], GroupInfo] = {}
        groups, sessions = self.groups, self.sessions
        for row in rows:
            info = groups.get(row.get("group") or "")
            if info is None:
                continue
            starts_at = self.group_start(row["date"], row.get("time"), info)
            if starts_at is not None and (info.pk, starts_at) not in sessions:
                wanted[(info.pk, starts_at)] = info
        if not wanted:
            return
        self.fetch_sessions(wanted)
        missing = [key for key in wanted if key not in sessions]
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
                batch_size=1000,
            )
            self.fetch_sessions({key: wanted[key] for key in missing})

    def fetch_sessions(self, wanted: dict) -> None:
        """One query for the chunk: the wanted groups' sessions in its time span."""
        group_ids = sorted({group_pk for group_pk, _start in wanted})
        starts = [starts_at for _group, starts_at in wanted]
        found = Session.objects.filter(
            group_id__in=group_ids, starts_at__gte=min(starts), starts_at__lte=max(starts)
        ).values_list("pk", "group_id", "starts_at", "status")
        zone = self.zone
        for pk, group_id, starts_at, status in found.iterator(chunk_size=5000):
            starts_at = starts_at.astimezone(UTC)
            self.starts_by_pk[pk] = starts_at
            self.sessions[(group_id, starts_at)] = (
                pk,
                status == SessionStatus.CANCELLED,
                starts_at.astimezone(zone).weekday(),
            )

    def locate(self, row: dict, result: Result) -> Probe | None:
        if row.get("appointment"):
            starts_at = self.appointments.starts_at(row, "date")
            session, _outcome = self.appointments.session(row["appointment"], starts_at, None)
            probe = Probe(session.pk, None, session.starts_at, None)
            self.starts_by_pk[session.pk] = session.starts_at
            cancelled = session.is_cancelled
        else:
            info = self.groups.get(row["group"])
            if info is None:
                result.problem(row, "group", _("No group with this id has been imported yet."))
                return None
            starts_at = self.group_start(row["date"], row.get("time"), info)
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
            pk, cancelled, weekday = self.sessions[(info.pk, starts_at)]
            probe = Probe(pk, info.pk, starts_at, weekday)
        if cancelled:
            result.problem(
                row,
                "date",
                _("The program cancelled this session, so attendance can't be recorded for it."),
            )
            return None
        return probe

    # -- writing

    def save(self, marks: dict, result: Result) -> None:
        existing = self.existing(marks.keys())
        now = timezone.now()
        by, source = self.recorded_by_id, self.source
        new, changed = [], []
        contacts: dict[int, datetime | None] = {}
        taken_back: set[int] = set()
        starts = self.starts_by_pk
        for (session_pk, client_pk), (row, episode_id, drop_in) in marks.items():
            status = row["status"]
            before = existing.get((session_pk, client_pk))
            if before is not None and before[1:] == (status, episode_id, drop_in):
                result.unchanged += 1
                continue
            mark = Mark(session_pk, client_pk, episode_id, status, drop_in, source, by, now)
            if before is None:
                new.append(mark)
            else:
                mark.id = before[0]
                changed.append(mark)
                if before[1] in CONTACT and status not in CONTACT and before[2] is not None:
                    taken_back.add(before[2])
                if before[2] is not None and before[2] != episode_id:
                    taken_back.add(before[2])  # moved to another episode
            if episode_id is not None:
                latest = contacts.get(episode_id)
                if status in CONTACT:
                    at = starts[session_pk]
                    contacts[episode_id] = at if latest is None or at > latest else latest
                else:
                    contacts.setdefault(episode_id, None)
        insert_marks(new, source, by, now)
        update_from_values(Attendance, WRITTEN, changed)
        result.created += len(new)
        result.updated += len(changed)
        result.episodes |= contacts.keys() | taken_back
        if contacts or taken_back:
            recheck(contacts, taken_back, self.at)

    def existing(self, keys: Iterable[tuple[int, int]]) -> dict:
        """The marks already recorded for these (session, client) pairs."""
        keys = set(keys)
        if not keys:
            return {}
        session_ids = sorted({session_pk for session_pk, _client in keys})
        table = connection.ops.quote_name(Attendance._meta.db_table)
        if connection.vendor == "postgresql":
            where, param = "session_id = ANY(%s)", session_ids
        else:
            where, param = (
                "session_id IN (SELECT value FROM json_each(%s))",
                json.dumps(session_ids),
            )
        columns = "id, session_id, client_id, status, episode_id, drop_in"
        sql = f"SELECT {columns} FROM {table} WHERE {where}"  # noqa: S608
        found = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [param])
            for pk, session_id, client_id, status, episode_id, drop_in in cursor.fetchall():
                if (session_id, client_id) in keys:
                    found[(session_id, client_id)] = (pk, status, episode_id, bool(drop_in))
        return found


def insert_marks(marks: list[Mark], source: str, by: int | None, at: datetime) -> None:
    """One INSERT for new marks, their values in one JSON parameter (as in
    ``lib.bulk.insert_rows``); what every mark shares (source, by, when)
    is bound once instead of encoded into each row."""
    if not marks:
        return
    q = connection.ops.quote_name
    table = q(Attendance._meta.db_table)
    names = ["session_id", "client_id", "episode_id", "status", "drop_in"]
    shared = ["source", "recorded_by_id", "recorded_at"]
    if connection.vendor == "postgresql":
        types = ["bigint", "bigint", "bigint", "text", "boolean"]
        values = [f"CAST(r ->> {i} AS {t})" for i, t in enumerate(types)]
        rows = "jsonb_array_elements(CAST(%s AS jsonb)) AS v(r)"
        when = at
    else:
        values = [f"json_extract(v.value, '$[{i}]')" for i in range(len(names))]
        rows = "json_each(%s) AS v"
        when = connection.ops.adapt_datetimefield_value(at)
    document = json.dumps(
        [[m.session_id, m.client_id, m.episode_id, m.status, m.drop_in] for m in marks],
        separators=(",", ":"),
    )
    columns = ", ".join(q(name) for name in names + shared)
    # Only quoted identifiers from the model's meta are interpolated.
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT {', '.join(values)}, %s, %s, %s FROM {rows}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [source, by, when, document])


def record_attendance_rows(
    program: Program, rows: Sequence[dict], source: str = AttendanceSource.IMPORT, by=None
) -> Result:
    """Attendance rows, once (the API's bulk call, a FHIR bundle)."""
    return AttendanceWriter(program, source=source, recorded_by=by).write(rows)

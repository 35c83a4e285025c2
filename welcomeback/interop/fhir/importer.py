"""Importing a FHIR R4 Bundle from the program's EHR.

Patient → Client; Appointment → a session the person is expected at, and
its attendance; Encounter → attended contact. Every resource is validated
on its own: a bad one is reported (entry index, resource id, reason) and the
rest is kept. Importing the same Bundle again changes nothing and creates
nothing twice:

- a Patient is found by Welcome Back's own client identifier, else by its
  EHR identifier, kept in ``Client.external_id``;
- an Appointment or Encounter is found by Welcome Back's own attendance
  identifier, else by the EHR's identifiers (``interop.ExternalId``, kind
  "appointment"), else by the one session it can only be: the group session
  the person is expected at that starts at that minute, or their individual
  appointment at that minute.

Who cancelled an appointment matters: cancelled by the patient is an excused
absence; cancelled by anyone else means the person was not expected, and an
individual appointment is a session the program cancelled.
"""

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from welcomeback.care.attendance import episode_for, record_attendance
from welcomeback.care.episodes import open_episode
from welcomeback.care.expectations import covering
from welcomeback.care.models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Client,
    Episode,
    Expectation,
    Program,
    Session,
    SessionKind,
)
from welcomeback.care.schedule import cancel_session
from welcomeback.interop.fhir import codes
from welcomeback.interop.fhir.validation import Invalid, validate
from welcomeback.interop.models import ExternalId, ExternalKind
from welcomeback.lib.phones import to_e164

BUNDLE_TYPES = {"transaction", "batch", "collection", "searchset"}
IMPORTED = ("Patient", "Appointment", "Encounter")
DEFAULT_MINUTES = 60
EXTERNAL_ID_LENGTH = 64
CANCELLED_BY_PATIENT = "pat"


class BundleError(Exception):
    """The file as a whole is not a Bundle we can read."""


@dataclass
class Problem:
    index: int  # the entry's position in Bundle.entry, from 0
    resource_type: str
    resource_id: str
    reason: str

    def __str__(self):
        what = self.resource_type or "entry"
        ident = f" {self.resource_id}" if self.resource_id else ""
        return f"entry {self.index} ({what}{ident}): {self.reason}"


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def summary(self) -> str:
        lines = []
        for kind in sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.skipped)
        ):
            lines.append(
                f"{kind}: {self.created[kind]} new, {self.updated[kind]} updated, "
                f"{self.unchanged[kind]} unchanged, {self.skipped[kind]} skipped"
            )
        lines.append(f"{len(self.problems)} not imported")
        return "\n".join(lines)


@dataclass
class Entry:
    index: int
    resource: dict
    full_url: str = ""

    @property
    def kind(self) -> str:
        return self.resource.get("resourceType", "")

    @property
    def id(self) -> str:
        return str(self.resource.get("id", ""))


class Skip(Exception):
    """The resource is valid but there is nothing to record for it."""


@dataclass
class Outcome:
    """What one resource did to the record."""

    created: bool = False
    updated: bool = False

    def add(self, other: "Outcome") -> None:
        self.created |= other.created
        self.updated |= other.updated


def load(data) -> dict:
    if isinstance(data, dict):
        return data
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise BundleError(f"the file is not JSON: {error}") from None


def import_bundle(
    data,
    program: Program,
    *,
    by=None,
    identifier_system: str = "",
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import a Bundle (a dict, or its JSON text) into ``program``.

    ``identifier_system``: which Patient identifier is the EHR's id, when a
    Patient carries several; by default the "usual" or "official" one, else
    the first. ``progress(n)`` is called after each n entries.
    """
    bundle = load(data)
    entries = read_entries(bundle)
    importer = Importer(program, by=by, identifier_system=identifier_system)
    importer.index([entry for entry in entries if isinstance(entry, Entry)])
    # Patients first: appointments and encounters point at them.
    for kind in IMPORTED:
        for entry in entries:
            if isinstance(entry, Problem):
                continue
            if entry.kind == kind:
                importer.run(entry)
                if progress:
                    progress(1)
    for entry in entries:
        if isinstance(entry, Problem):
            importer.report.problems.append(entry)
        elif entry.kind not in IMPORTED:
            importer.report.skipped[entry.kind] += 1
        else:
            continue
        if progress:
            progress(1)
    importer.report.problems.sort(key=lambda problem: problem.index)
    return importer.report


def read_entries(bundle: dict) -> list["Entry | Problem"]:
    """Each entry validated on its own; the Bundle without its resources
    must be valid as a whole, or nothing can be read."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise BundleError("the file is not a FHIR Bundle")
    if bundle.get("type") not in BUNDLE_TYPES:
        raise BundleError(
            f"a {bundle.get('type')!r} Bundle cannot be imported; send a transaction, "
            "batch or collection"
        )
    raw_entries = bundle.get("entry") or []
    if not isinstance(raw_entries, list):
        raise BundleError("Bundle.entry is not a list")
    shell = {**bundle, "entry": [strip_resource(entry) for entry in raw_entries]}
    try:
        validate(shell)
    except Invalid as error:
        raise BundleError(f"the Bundle is not valid FHIR: {error}") from None
    entries = []
    for index, raw in enumerate(raw_entries):
        resource = raw.get("resource") if isinstance(raw, dict) else None
        kind = resource.get("resourceType", "") if isinstance(resource, dict) else ""
        ident = str(resource.get("id", "")) if isinstance(resource, dict) else ""
        try:
            validate(resource)
        except Invalid as error:
            entries.append(Problem(index, kind, ident, str(error)))
            continue
        entries.append(Entry(index, resource, raw.get("fullUrl", "")))
    return entries


def strip_resource(entry) -> dict:
    if not isinstance(entry, dict):
        return entry
    return {key: value for key, value in entry.items() if key != "resource"}


class Importer:
    def __init__(self, program: Program, *, by=None, identifier_system: str = ""):
        self.program = program
        self.organization_id = program.site.organization_id
        self.by = by
        self.identifier_system = identifier_system
        self.report = Report()
        # References in this Bundle: fullUrl and "Type/id" → entry.
        self.by_reference: dict[str, Entry] = {}
        self.clients: dict[int, Client] = {}  # Patient entry index → client
        self.sessions: dict[int, Session] = {}  # Appointment entry index → session
        self.episodes: dict[int, Episode] = {}  # client id → current episode
        self.created_sessions: set[int] = set()

    def index(self, entries: list[Entry]) -> None:
        for entry in entries:
            if entry.full_url:
                self.by_reference[entry.full_url] = entry
            if entry.id:
                self.by_reference[f"{entry.kind}/{entry.id}"] = entry

    def run(self, entry: Entry) -> None:
        handler = getattr(self, f"import_{entry.kind.lower()}")
        known_episodes = set(self.episodes)
        try:
            with transaction.atomic():
                outcome = handler(entry)
        except (Skip, Invalid) as error:
            # Episodes opened inside the rolled-back transaction are gone.
            for client_id in set(self.episodes) - known_episodes:
                del self.episodes[client_id]
            self.fail(entry, error)
            return
        if outcome.created:
            self.report.created[entry.kind] += 1
        elif outcome.updated:
            self.report.updated[entry.kind] += 1
        else:
            self.report.unchanged[entry.kind] += 1

    def fail(self, entry: Entry, error: Exception) -> None:
        problem = Problem(entry.index, entry.kind, entry.id, str(error))
        if isinstance(error, Skip):
            self.report.skipped[entry.kind] += 1
            self.report.notes.append(problem)
        else:
            self.report.problems.append(problem)

    # ---------------------------------------------------------------- Patient

    def import_patient(self, entry: Entry) -> Outcome:
        patient = entry.resource
        client = self.find_client(patient)
        values = patient_values(patient, self.report, entry)
        external_id = self.external_id(patient)
        if client is None:
            if external_id is None:
                raise Invalid(
                    "a Patient needs an identifier, so that a second import finds the same person"
                )
            if not values.get("first_name") and not values.get("last_name"):
                raise Invalid("the Patient has no name")
            client = Client.objects.create(
                organization_id=self.organization_id, external_id=external_id, **values
            )
            self.clients[entry.index] = client
            return Outcome(created=True)
        if external_id and not client.external_id:
            values["external_id"] = external_id
        changed = [name for name, value in values.items() if getattr(client, name) != value]
        for name in changed:
            setattr(client, name, values[name])
        if changed:
            client.save(update_fields=changed)
        self.clients[entry.index] = client
        return Outcome(updated=bool(changed))

    def find_client(self, patient: dict) -> Client | None:
        clients = Client.objects.filter(organization_id=self.organization_id)
        for identifier in patient.get("identifier", []):
            if identifier.get("system") == codes.system(codes.CLIENT):
                value = identifier.get("value", "")
                if value.isdigit():
                    found = clients.filter(pk=int(value)).first()
                    if found:
                        return found
        external_id = self.external_id(patient)
        if external_id:
            return clients.filter(external_id=external_id).first()
        return None

    def external_id(self, patient: dict) -> str | None:
        """The EHR's id for the person, or None when it has none."""
        ours = {codes.system(codes.CLIENT)}
        candidates = [
            identifier
            for identifier in patient.get("identifier", [])
            if identifier.get("value") and identifier.get("system") not in ours
        ]
        if self.identifier_system:
            candidates = [i for i in candidates if i.get("system") == self.identifier_system]
        if not candidates:
            return None
        preferred = [i for i in candidates if i.get("use") in ("usual", "official")]
        value = (preferred or candidates)[0]["value"]
        if len(value) > EXTERNAL_ID_LENGTH:
            raise Invalid(f"the identifier is longer than {EXTERNAL_ID_LENGTH} characters")
        return value

    # ------------------------------------------------------------ Appointment

    def import_appointment(self, entry: Entry) -> Outcome:
        appointment = entry.resource
        status = appointment["status"]
        if status in codes.APPOINTMENT_IGNORED:
            raise Skip(f"{status}: nobody is expected yet")
        clients = [
            self.resolve_patient(participant["actor"])
            for participant in appointment.get("participant", [])
            if self.is_patient(participant.get("actor"))
        ]
        if not clients:
            raise Invalid("no Patient among its participants")
        start, end = period_of(appointment.get("start"), appointment.get("end"))
        if appointment.get("minutesDuration") and not appointment.get("end"):
            end = start + timedelta(minutes=appointment["minutesDuration"])
        outcome = Outcome()
        session = None
        # Our own export already lists every expectation; its appointments add none.
        own = self.own_session(entry) is not None
        for client in clients:
            session, found = self.session_for(entry, client, start, end, session)
            outcome.add(found)
            outcome.add(self.apply_appointment(session, client, status, appointment, own))
        self.sessions[entry.index] = session
        if session.pk not in self.created_sessions:
            # A new mark on a session we knew is a change to that appointment.
            return Outcome(updated=outcome.created or outcome.updated)
        return outcome

    def apply_appointment(self, session, client, status, appointment, own=False) -> Outcome:
        outcome = Outcome()
        expect = session.kind == SessionKind.INDIVIDUAL and not own
        if status == "cancelled" and not cancelled_by_patient(appointment):
            if session.kind == SessionKind.INDIVIDUAL:
                if expect:
                    outcome.add(self.expect(client, session))
                if not session.is_cancelled:
                    cancel_session(session, "Cancelled in the EHR")
                    outcome.updated = True
                return outcome
            return self.mark(session, client, AttendanceStatus.CANCELLED)
        if expect:
            outcome.add(self.expect(client, session))
        if status == "cancelled":
            outcome.add(self.mark(session, client, AttendanceStatus.EXCUSED))
        elif status in codes.APPOINTMENT_MARKS:
            outcome.add(self.mark(session, client, codes.APPOINTMENT_MARKS[status]))
        return outcome

    # -------------------------------------------------------------- Encounter

    def import_encounter(self, entry: Entry) -> Outcome:
        encounter = entry.resource
        status = encounter["status"]
        if status not in codes.ENCOUNTER_CONTACT:
            raise Skip(f"{status}: no contact to record")
        subject = encounter.get("subject")
        if not self.is_patient(subject):
            raise Invalid("the Encounter's subject is not a Patient")
        client = self.resolve_patient(subject)
        period = encounter.get("period") or {}
        if not period.get("start"):
            raise Invalid("the Encounter has no period.start")
        start, end = period_of(period["start"], period.get("end"))
        session = self.appointment_session(encounter)
        outcome = Outcome()
        if session is None:
            session, outcome = self.session_for(entry, client, start, end)
        else:
            self.remember(entry, session)
        outcome.add(self.mark(session, client, AttendanceStatus.ATTENDED))
        return outcome

    def appointment_session(self, encounter: dict) -> Session | None:
        """The session of an Appointment in this Bundle the Encounter names."""
        for reference in encounter.get("appointment", []):
            target = self.by_reference.get(reference.get("reference", ""))
            if target is not None and target.index in self.sessions:
                return self.sessions[target.index]
        return None

    # ------------------------------------------------------------- references

    def is_patient(self, reference) -> bool:
        if not isinstance(reference, dict):
            return False
        ref = reference.get("reference", "")
        if ref in self.by_reference:
            return self.by_reference[ref].kind == "Patient"
        return reference.get("type") == "Patient" or ref.split("/")[-2:-1] == ["Patient"]

    def resolve_patient(self, reference: dict) -> Client:
        ref = reference.get("reference", "")
        target = self.by_reference.get(ref)
        if target is not None:
            client = self.clients.get(target.index)
            if client is None:
                raise Invalid(f"its Patient ({ref}) was not imported")
            return client
        clients = Client.objects.filter(organization_id=self.organization_id)
        own = f"Patient/{codes.CLIENT_ID_PREFIX}"
        if ref.startswith(own) and ref[len(own) :].isdigit():
            client = clients.filter(pk=int(ref[len(own) :])).first()
            if client:
                return client
        identifier = reference.get("identifier") or {}
        if identifier.get("value"):
            client = clients.filter(external_id=identifier["value"]).first()
            if client:
                return client
        raise Invalid(f"it refers to a Patient ({ref or 'by identifier'}) we do not know")

    # --------------------------------------------------------------- sessions

    def session_for(self, entry, client, start, end, shared=None) -> tuple[Session, Outcome]:
        """The session this Appointment or Encounter is about, found as the
        module docstring says, or a new individual appointment."""
        session = self.own_session(entry) or shared
        if session is None:
            session = self.mapped_session(entry)
            if session is not None:
                return session, self.reschedule(session, start, end)
            session = self.group_session(client, start) or self.individual_session(client, start)
        if session is not None:
            self.remember(entry, session)
            return session, Outcome()
        session = Session.objects.create(
            program=self.program,
            kind=SessionKind.INDIVIDUAL,
            starts_at=start,
            ends_at=end or start + timedelta(minutes=DEFAULT_MINUTES),
        )
        self.created_sessions.add(session.pk)
        self.remember(entry, session)
        return session, Outcome(created=True)

    def reschedule(self, session: Session, start, end) -> Outcome:
        """The EHR moved an individual appointment it named before."""
        end = end or start + (session.ends_at - session.starts_at)
        if session.kind != SessionKind.INDIVIDUAL or (session.starts_at, session.ends_at) == (
            start,
            end,
        ):
            return Outcome()
        session.starts_at, session.ends_at = start, end
        session.save(update_fields=["starts_at", "ends_at"])
        Expectation.objects.filter(session=session).update(starts=start)
        return Outcome(updated=True)

    def own_session(self, entry: Entry) -> Session | None:
        for identifier in entry.resource.get("identifier", []):
            if identifier.get("system") == codes.system(codes.ATTENDANCE):
                session_id = identifier.get("value", "").split("-")[0]
                if session_id.isdigit():
                    found = Session.objects.filter(pk=int(session_id), program=self.program)
                    if found.exists():
                        return found.get()
        return None

    def mapped_session(self, entry: Entry) -> Session | None:
        keys = external_keys(entry)
        if not keys:
            return None
        query = Q()
        for system, value in keys:
            query |= Q(system=system, external_id=value)
        mapped = (
            ExternalId.objects.filter(program=self.program, kind=ExternalKind.APPOINTMENT)
            .filter(query)
            .values_list("object_id", flat=True)
            .first()
        )
        return Session.objects.filter(pk=mapped).first() if mapped else None

    def remember(self, entry: Entry, session: Session) -> None:
        for system, value in external_keys(entry):
            ExternalId.objects.get_or_create(
                program=self.program,
                kind=ExternalKind.APPOINTMENT,
                system=system,
                external_id=value,
                defaults={"object_id": session.pk},
            )

    def group_session(self, client, start) -> Session | None:
        """The group session at exactly ``start`` the person is expected at."""
        episode = self.episode(client, start)
        for session in Session.objects.filter(
            program=self.program, starts_at=start, group__isnull=False
        ):
            if Expectation.objects.filter(covering(session), episode=episode).exists():
                return session
        return None

    def individual_session(self, client, start) -> Session | None:
        """Their individual appointment at exactly ``start``, if there is one."""
        theirs = Q(expectations__episode__client=client) | Q(attendance__client=client)
        return (
            Session.objects.filter(
                program=self.program, kind=SessionKind.INDIVIDUAL, starts_at=start
            )
            .filter(theirs)
            .order_by("pk")
            .first()
        )

    # ---------------------------------------------------------- the record

    def episode(self, client, at) -> Episode:
        """Their current episode here; someone the EHR schedules is in care,
        so a person without one gets an episode from their first session."""
        if client.pk not in self.episodes:
            episode = episode_for(client.pk, self.program.pk)
            if episode is None:
                episode = open_episode(client, self.program, at=at, by=self.by)
            self.episodes[client.pk] = episode
        return self.episodes[client.pk]

    def expect(self, client, session) -> Outcome:
        episode = self.episode(client, session.starts_at)
        if Expectation.objects.filter(covering(session), episode=episode).exists():
            return Outcome()
        Expectation.objects.create(episode=episode, session=session, starts=session.starts_at)
        return Outcome(created=True)

    def mark(self, session, client, status) -> Outcome:
        existing = (
            Attendance.objects.filter(session=session, client=client)
            .values_list("status", flat=True)
            .first()
        )
        if existing == status or (
            existing == AttendanceStatus.LATE and status == AttendanceStatus.ATTENDED
        ):
            return Outcome()
        if session.is_cancelled:
            raise Invalid("the program cancelled this session, so attendance can't be recorded")
        self.episode(client, session.starts_at)
        record_attendance(
            session, client, status, source=AttendanceSource.IMPORT, recorded_by=self.by
        )
        return Outcome(created=existing is None, updated=existing is not None)


# ------------------------------------------------------------------ helpers


def patient_values(patient: dict, report: Report, entry: Entry) -> dict:
    """The client fields a Patient gives; fields it leaves out stay as they are."""
    values = {}
    names = patient.get("name", [])
    official = [n for n in names if n.get("use") in ("official", "usual", None)]
    name = (official or names or [None])[0]
    if name:
        values["first_name"] = " ".join(name.get("given", []))[:100]
        values["last_name"] = (name.get("family") or "")[:100]
    nickname = next((n for n in names if n.get("use") == "nickname" and n.get("given")), None)
    if nickname:
        values["preferred_name"] = nickname["given"][0][:100]
    phones = [t for t in patient.get("telecom", []) if t.get("system") in ("phone", "sms")]
    phones.sort(key=lambda t: (t.get("use") != "mobile", t.get("rank") or 99))
    if phones:
        phone = to_e164(phones[0].get("value", ""))
        if phone:
            values["phone"] = phone
        else:
            report.notes.append(
                Problem(entry.index, "Patient", entry.id, "the phone number is not a valid number")
            )
    emails = [t for t in patient.get("telecom", []) if t.get("system") == "email"]
    if emails and emails[0].get("value"):
        values["email"] = emails[0]["value"].strip().lower()[:254]
    language = preferred_language(patient)
    if language:
        values["language"] = language
    return values


def preferred_language(patient: dict) -> str:
    """'es-MX' → 'es': the language part of the preferred (or first) one."""
    spoken = patient.get("communication", [])
    spoken = sorted(spoken, key=lambda c: not c.get("preferred"))
    for communication in spoken:
        for coding in communication["language"].get("coding", []):
            if coding.get("code"):
                return coding["code"].split("-")[0].lower()[:8]
    return ""


def cancelled_by_patient(appointment: dict) -> bool:
    reason = appointment.get("cancelationReason") or {}
    return any(
        coding.get("code") == CANCELLED_BY_PATIENT
        or (coding.get("code") or "").startswith(CANCELLED_BY_PATIENT + "-")
        for coding in reason.get("coding", [])
    )


def period_of(start: str | None, end: str | None) -> tuple[datetime, datetime | None]:
    if not start:
        raise Invalid("it has no start time")
    return moment(start), moment(end) if end else None


def moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{text!r} is not a date and time") from None
    if value.tzinfo is None:
        raise Invalid("a start or end time needs its time zone (or Z for UTC)")
    return value


def external_keys(entry: Entry) -> list[tuple[str, str]]:
    """(system, value) pairs an EHR names this resource by, namespaced by
    resource type so an Appointment and an Encounter never share one."""
    keys = []
    for identifier in entry.resource.get("identifier", []):
        system = identifier.get("system", "")
        value = identifier.get("value", "")
        if system == codes.system(codes.ATTENDANCE) or not value:
            continue
        if len(value) <= EXTERNAL_ID_LENGTH:
            keys.append((f"{entry.kind}|{system}"[:200], value))
    if entry.id and not entry.full_url.startswith("urn:"):
        keys.append((f"{entry.kind}|id", entry.id[:EXTERNAL_ID_LENGTH]))
    return keys

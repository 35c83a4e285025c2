"""A synthetic EHR export of the demo program, as a FHIR R4 transaction
Bundle: the kind of file a program's EHR sends (Patient, Appointment,
Encounter), deterministic for a seed. The tests, the docs' examples and
``manage.py exportdemo --fhir`` / ``exportfhir --demo`` use it.

The people are made the way the demo makes them (``demo.people``): fictional
names, 555-01xx numbers, example.org addresses. Each has a weekly individual
appointment; most are kept (fulfilled, with an Encounter), some are missed,
some cancelled by the person or by the program, the ones ahead are booked,
and now and then someone drops in without an appointment.
"""

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from welcomeback.demo.people import PhoneBook, make_person

MRN_SYSTEM = "https://ehr.example.org/fhir/sid/mrn"
APPOINTMENT_SYSTEM = "https://ehr.example.org/fhir/sid/appointment"
ENCOUNTER_SYSTEM = "https://ehr.example.org/fhir/sid/encounter"
AREA_CODES = ["212", "718", "646"]
WEEKDAY_HOURS = [time(10), time(13), time(15), time(17)]


def demo_bundle(
    *,
    seed: int = 1,
    people: int = 12,
    weeks: int = 6,
    weeks_ahead: int = 1,
    today: date | None = None,
    time_zone: str = "America/New_York",
) -> dict:
    """A transaction Bundle: ``people`` Patients, each with a weekly
    appointment for ``weeks`` weeks before ``today`` and ``weeks_ahead``
    after. Deterministic for (seed, people, weeks, weeks_ahead, today)."""
    rng = random.Random(seed)
    zone = ZoneInfo(time_zone)
    today = today or datetime.now(zone).date()
    names = uuid.UUID(int=rng.getrandbits(128))
    phones = PhoneBook(rng)
    entries = []

    def add(resource: dict) -> str:
        url = f"urn:uuid:{uuid.uuid5(names, str(len(entries)))}"
        entries.append(
            {
                "fullUrl": url,
                "resource": resource,
                "request": {"method": "POST", "url": resource["resourceType"]},
            }
        )
        return url

    for index in range(people):
        language = "es" if rng.random() < 0.25 else "en"
        person = make_person(rng, language, AREA_CODES, phones, index)
        patient_url = add(patient(person))
        weekday = rng.randrange(5)
        hour = rng.choice(WEEKDAY_HOURS)
        first = (
            today - timedelta(days=today.weekday()) - timedelta(weeks=weeks) + timedelta(weekday)
        )
        for week in range(weeks + weeks_ahead):
            day = first + timedelta(weeks=week)
            start = datetime.combine(day, hour, tzinfo=zone)
            ahead = day >= today
            status, cancelled_by = appointment_status(rng, ahead)
            number = f"A{index:03d}{week:03d}"
            appointment_url = add(appointment(number, patient_url, start, status, cancelled_by))
            if status == "fulfilled":
                add(encounter(f"E{index:03d}{week:03d}", patient_url, start, appointment_url))
            if not ahead and rng.random() < 0.05:
                # A drop-in: they came by on another day without an appointment.
                walk_in = start + timedelta(days=1, hours=1)
                add(encounter(f"W{index:03d}{week:03d}", patient_url, walk_in, None))
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(names, "bundle")),
        "type": "transaction",
        "entry": entries,
    }


def appointment_status(rng: random.Random, ahead: bool) -> tuple[str, str | None]:
    if ahead:
        return "booked", None
    roll = rng.random()
    if roll < 0.72:
        return "fulfilled", None
    if roll < 0.88:
        return "noshow", None
    if roll < 0.95:
        return "cancelled", "pat"
    return "cancelled", "prov"


def patient(person) -> dict:
    names = [{"use": "official", "family": person.last_name, "given": [person.first_name]}]
    if person.preferred_name:
        names.append({"use": "nickname", "given": [person.preferred_name]})
    telecom = []
    if person.phone:
        telecom.append({"system": "phone", "value": person.phone, "use": "mobile"})
    if person.email:
        telecom.append({"system": "email", "value": person.email})
    resource = {
        "resourceType": "Patient",
        "identifier": [{"use": "usual", "system": MRN_SYSTEM, "value": person.external_id}],
        "name": names,
        "communication": [
            {
                "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": person.language}]},
                "preferred": True,
            }
        ],
    }
    if telecom:
        resource["telecom"] = telecom
    return resource


def appointment(number, patient_url, start, status, cancelled_by) -> dict:
    resource = {
        "resourceType": "Appointment",
        "identifier": [{"system": APPOINTMENT_SYSTEM, "value": number}],
        "status": status,
        "start": utc(start),
        "end": utc(start + timedelta(minutes=50)),
        "participant": [{"actor": {"reference": patient_url}, "status": "accepted"}],
    }
    if cancelled_by:
        resource["cancelationReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason",
                    "code": cancelled_by,
                }
            ]
        }
    return resource


def encounter(number, patient_url, start, appointment_url) -> dict:
    resource = {
        "resourceType": "Encounter",
        "identifier": [{"system": ENCOUNTER_SYSTEM, "value": number}],
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": {"reference": patient_url},
        "period": {"start": utc(start), "end": utc(start + timedelta(minutes=50))},
    }
    if appointment_url:
        resource["appointment"] = [{"reference": appointment_url}]
    return resource


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")

"""Exporting what Welcome Back adds, as a FHIR R4 collection Bundle.

For each person in scope: Patient (who), Appointment and Encounter (their
attendance, so the EHR and a re-import see the same thing), EpisodeOfCare
with its status history, Communication (messages that went, or were not
sent, with the reason), CommunicationRequest (messages waiting to go),
Task (the staff worklist), QuestionnaireResponse (re-assessments) and
Consent (consent to texts and email, per number or address).

Every resource is built as plain JSON, validated with fhir.resources and
written as fhir.resources writes it back. Every export is audited, one
event per person in it.

Discretion: a Communication never carries the words as sent, which hold
the person's name and one-tap links. It carries the template's own text,
with its placeholders ({name}, {sender}), when that text passes the privacy
check; otherwise, and for words written by staff, a sentence saying where
the words are kept.
"""

import base64
import uuid
from datetime import UTC, datetime

from django.db.models import Q
from django.utils import timezone

from welcomeback.accounts import audit
from welcomeback.care.models import (
    CONTACT_STATUSES,
    Attendance,
    Client,
    Episode,
    EpisodeStatusChange,
    Expectation,
    Modality,
    Program,
)
from welcomeback.interop.fhir import codes
from welcomeback.interop.fhir.codes import system
from welcomeback.interop.fhir.validation import build
from welcomeback.interop.models import ExternalId, ExternalKind
from welcomeback.outreach.checks.privacy import check_privacy
from welcomeback.outreach.models import (
    Channel,
    ConsentEvent,
    Message,
    MessageState,
    Purpose,
)
from welcomeback.worklist.models import Task, TaskKind, TaskStatus

AUDIT_OBJECT = "interop.fhir_bundle"

COMMUNICATION_STATUS = {
    MessageState.SENDING: "in-progress",
    MessageState.SENT: "completed",
    MessageState.DELIVERED: "completed",
    MessageState.FAILED: "not-done",
    MessageState.SUPPRESSED: "not-done",
    MessageState.UNKNOWN: "unknown",
}
TASK_STATUS = {
    TaskStatus.OPEN: "requested",
    TaskStatus.DONE: "completed",
    TaskStatus.CANCELLED: "cancelled",
}
WORDS_KEPT = "The words of this message are kept in Welcome Back."
STAFF_WORDS_KEPT = "A message written by staff; its words are kept in Welcome Back."


def export_bundle(
    program: Program | None = None,
    client: Client | None = None,
    *,
    request=None,
) -> dict:
    """A collection Bundle of the people of ``program`` (or of one client),
    everything above about them, validated and audited."""
    clients = clients_in_scope(program, client)
    client_ids = [c.pk for c in clients]
    resources = []
    resources += [patient(c) for c in clients]
    resources += attendance_resources(client_ids, program)
    resources += episodes_of_care(client_ids, program)
    resources += communications(client_ids, program)
    resources += tasks(client_ids, program)
    resources += questionnaire_responses(client_ids, program)
    resources += consents(client_ids)
    bundle = build(
        {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "type": "collection",
            "timestamp": instant(timezone.now()),
            "entry": [
                {"fullUrl": f"{codes.base()}/{r['resourceType']}/{r['id']}", "resource": r}
                for r in resources
            ],
        }
    )
    counts: dict[str, int] = {}
    for resource in resources:
        counts[resource["resourceType"]] = counts.get(resource["resourceType"], 0) + 1
    detail = {"format": "fhir-r4", "program": program.pk if program else None, "count": counts}
    audit.exported(request, AUDIT_OBJECT, client_ids=client_ids, detail=detail)
    return bundle


def clients_in_scope(program: Program | None, client: Client | None) -> list[Client]:
    clients = Client.objects.all()
    if client is not None:
        clients = clients.filter(pk=client.pk)
    if program is not None:
        clients = clients.filter(
            Q(episodes__program=program) | Q(attendance__session__program=program)
        ).distinct()
    return list(clients.order_by("pk"))


# ------------------------------------------------------------------ people


def patient_ref(client_id: int) -> dict:
    return {"reference": f"Patient/{codes.CLIENT_ID_PREFIX}{client_id}"}


def patient(client: Client) -> dict:
    identifiers = [{"system": system(codes.CLIENT), "value": str(client.pk)}]
    if client.external_id:
        identifiers.append(
            {"use": "usual", "system": system(codes.EXTERNAL_ID), "value": client.external_id}
        )
    names = [{"use": "official", "family": client.last_name, "given": [client.first_name]}]
    if client.preferred_name:
        names.append({"use": "nickname", "given": [client.preferred_name]})
    telecom = []
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone, "use": "mobile"})
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    resource = {
        "resourceType": "Patient",
        "id": f"{codes.CLIENT_ID_PREFIX}{client.pk}",
        "identifier": identifiers,
        "name": [strip_empty(name) for name in names],
        "communication": [
            {
                "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": client.language}]},
                "preferred": True,
            }
        ],
    }
    if telecom:
        resource["telecom"] = telecom
    return build(resource)


# -------------------------------------------------------------- attendance


def attendance_resources(client_ids: list[int], program: Program | None) -> list[dict]:
    """An Appointment for each time a person was expected (kept, missed,
    excused or cancelled), an Encounter for each time they were there, and
    a booked Appointment for each individual appointment still ahead."""
    marks = Attendance.objects.filter(client_id__in=client_ids).select_related(
        "session", "session__group"
    )
    if program is not None:
        marks = marks.filter(session__program=program)
    ehr_ids = appointment_identifiers(program)
    resources = []
    seen = set()
    for mark in marks.order_by("session__starts_at", "client_id"):
        session = mark.session
        seen.add((session.pk, mark.client_id))
        contact = mark.status in CONTACT_STATUSES
        if not (contact and mark.drop_in):
            status, reason = codes.ATTENDANCE_APPOINTMENT[mark.status]
            resources.append(
                appointment(session, mark.client_id, status, reason, ehr_ids.get(session.pk))
            )
        if contact:
            resources.append(encounter(session, mark.client_id, mark.episode_id, mark.drop_in))
    booked = Expectation.objects.filter(
        episode__client_id__in=client_ids, session__isnull=False
    ).select_related("session", "episode")
    if program is not None:
        booked = booked.filter(session__program=program)
    for expectation in booked.order_by("session__starts_at", "pk"):
        session = expectation.session
        key = (session.pk, expectation.episode.client_id)
        if key in seen:
            continue
        seen.add(key)
        status, reason = ("cancelled", "prov") if session.is_cancelled else ("booked", None)
        resources.append(appointment(session, key[1], status, reason, ehr_ids.get(session.pk)))
    return resources


def appointment_identifiers(program: Program | None) -> dict[int, list[dict]]:
    """The EHR's own identifiers of sessions it sent us, by session id."""
    rows = ExternalId.objects.filter(
        kind=ExternalKind.APPOINTMENT, system__startswith="Appointment|"
    )
    if program is not None:
        rows = rows.filter(program=program)
    found: dict[int, list[dict]] = {}
    for row in rows:
        own_system = row.system.removeprefix("Appointment|")
        if own_system == "id":
            continue  # a resource id, not an identifier
        identifier = {"value": row.external_id}
        if own_system:
            identifier["system"] = own_system
        found.setdefault(row.object_id, []).append(identifier)
    return found


def attendance_id(session_id: int, client_id: int) -> str:
    return f"{session_id}-{client_id}"


def appointment(session, client_id, status, cancelled_by, ehr_identifiers=None) -> dict:
    ident = attendance_id(session.pk, client_id)
    resource = {
        "resourceType": "Appointment",
        "id": f"attendance-{ident}",
        "identifier": [
            {"system": system(codes.ATTENDANCE), "value": ident},
            *(ehr_identifiers or []),
        ],
        "status": status,
        "start": instant(session.starts_at),
        "end": instant(session.ends_at),
        "participant": [{"actor": patient_ref(client_id), "status": "accepted"}],
    }
    if cancelled_by:
        resource["cancelationReason"] = {
            "coding": [{"system": codes.CANCELLATION_REASON, "code": cancelled_by}]
        }
    return build(resource)


def encounter(session, client_id, episode_id, drop_in) -> dict:
    ident = attendance_id(session.pk, client_id)
    virtual = session.group is not None and session.group.modality == Modality.TELEHEALTH
    resource = {
        "resourceType": "Encounter",
        "id": f"encounter-{ident}",
        "identifier": [{"system": system(codes.ATTENDANCE), "value": ident}],
        "status": "finished",
        "class": {"system": codes.V3_ACT_CODE, "code": "VR" if virtual else "AMB"},
        "subject": patient_ref(client_id),
        "period": {"start": instant(session.starts_at), "end": instant(session.ends_at)},
    }
    if not drop_in:
        resource["appointment"] = [{"reference": f"Appointment/attendance-{ident}"}]
    if episode_id:
        resource["episodeOfCare"] = [{"reference": f"EpisodeOfCare/episode-{episode_id}"}]
    return build(resource)


# ---------------------------------------------------------------- episodes


def episodes_of_care(client_ids: list[int], program: Program | None) -> list[dict]:
    episodes = Episode.objects.filter(client_id__in=client_ids).select_related(
        "program__site__organization"
    )
    if program is not None:
        episodes = episodes.filter(program=program)
    history: dict[int, list[EpisodeStatusChange]] = {}
    changes = EpisodeStatusChange.objects.filter(episode__in=episodes).order_by("at", "pk")
    for change in changes:
        history.setdefault(change.episode_id, []).append(change)
    return [episode_of_care(e, history.get(e.pk, [])) for e in episodes.order_by("pk")]


def episode_of_care(episode: Episode, changes: list[EpisodeStatusChange]) -> dict:
    status_history = []
    for index, change in enumerate(changes):
        period = {"start": instant(change.at)}
        if index + 1 < len(changes):
            period["end"] = instant(changes[index + 1].at)
        status_history.append({"status": change.to_status, "period": period})
    resource = {
        "resourceType": "EpisodeOfCare",
        "id": f"episode-{episode.pk}",
        "identifier": [{"system": system(codes.EPISODE), "value": str(episode.pk)}],
        "status": episode.status,
        "statusHistory": status_history,
        "type": [
            {
                "coding": [
                    {
                        "system": system(codes.LEVEL_OF_CARE),
                        "code": episode.level_of_care,
                        "display": str(episode.get_level_of_care_display()),
                    }
                ]
            }
        ],
        "patient": patient_ref(episode.client_id),
        "managingOrganization": {"display": episode.program.site.organization.name},
        "period": strip_empty({"start": instant(episode.started), "end": instant(episode.ended)}),
    }
    if episode.discharge_reason is not None:
        resource["extension"] = [
            {
                "url": system(codes.DISCHARGE_REASON_EXT),
                "valueCoding": {
                    "system": system(codes.DISCHARGE_REASON),
                    "code": str(episode.discharge_reason),
                    "display": str(episode.get_discharge_reason_display()),
                },
            }
        ]
    return build(strip_empty(resource))


# ---------------------------------------------------------------- outreach


def communications(client_ids: list[int], program: Program | None) -> list[dict]:
    messages = Message.objects.filter(client_id__in=client_ids).select_related(
        "program", "template_version"
    )
    if program is not None:
        messages = messages.filter(program=program)
    resources = []
    for message in messages.order_by("created", "pk"):
        if message.state == MessageState.QUEUED:
            resources.append(communication_request(message))
        else:
            resources.append(communication(message))
    return resources


def outreach_common(message: Message) -> dict:
    return {
        "id": f"message-{message.pk}",
        "identifier": [{"system": system(codes.MESSAGE), "value": str(message.pk)}],
        "category": [coded(codes.PURPOSE, message.purpose, Purpose(message.purpose).label)],
        "medium": [coded(codes.CHANNEL, message.channel, Channel(message.channel).label)],
        "subject": patient_ref(message.client_id),
        "recipient": [patient_ref(message.client_id)],
        "payload": [{"contentString": discreet_text(message)}],
    }


def communication(message: Message) -> dict:
    resource = {
        "resourceType": "Communication",
        **outreach_common(message),
        "status": COMMUNICATION_STATUS[message.state],
        "sender": {"display": message.sender_name},
        "sent": instant(message.sent_at),
        "received": instant(message.delivered_at),
    }
    if resource["status"] == "not-done" and message.reason:
        resource["statusReason"] = {"text": message.reason}
    return build(strip_empty(resource))


def communication_request(message: Message) -> dict:
    resource = {
        "resourceType": "CommunicationRequest",
        **outreach_common(message),
        # Held (quiet hours, caps, a pause) is still going to go.
        "status": "active",
        "authoredOn": instant(message.created),
        "occurrenceDateTime": instant(message.not_before or message.created),
        "sender": {"display": message.sender_name},
    }
    if message.reason:
        resource["statusReason"] = {"text": message.reason}
    return build(strip_empty(resource))


def discreet_text(message: Message) -> str:
    """What a Communication may say about a message (module docstring)."""
    version = message.template_version
    if version is None:
        return STAFF_WORDS_KEPT
    text = "\n\n".join(part for part in (version.subject, version.body) if part)
    revealing = message.program.revealing_names_list()
    if check_privacy(text, message.client.language if message.client else "en", revealing):
        return WORDS_KEPT
    return text


# ------------------------------------------------------------------- tasks


def tasks(client_ids: list[int], program: Program | None) -> list[dict]:
    rows = Task.objects.filter(client_id__in=client_ids).select_related("owner")
    if program is not None:
        rows = rows.filter(program=program)
    return [task(row) for row in rows.order_by("created", "pk")]


def task(row: Task) -> dict:
    owner = row.owner.get_full_name() or row.owner.get_username() if row.owner else ""
    resource = {
        "resourceType": "Task",
        "id": f"task-{row.pk}",
        "identifier": [{"system": system(codes.TASK), "value": str(row.pk)}],
        "status": TASK_STATUS[row.status],
        "intent": "order",
        "code": coded(codes.TASK_KIND, row.kind, TaskKind(row.kind).label),
        "description": row.title,
        "for": patient_ref(row.client_id) if row.client_id else None,
        "authoredOn": instant(row.created),
        "lastModified": instant(row.closed or row.created),
        "restriction": {"period": {"end": instant(row.due_at)}},
        "owner": {"display": owner} if owner else None,
    }
    return build(strip_empty(resource))


# ---------------------------------------------------------- assessments


def questionnaire_responses(client_ids: list[int], program: Program | None) -> list[dict]:
    from welcomeback.returns.models import Assessment

    rows = Assessment.objects.filter(
        Q(episode__client_id__in=client_ids) | Q(request__client_id__in=client_ids)
    ).select_related("episode", "request")
    if program is not None:
        rows = rows.filter(Q(episode__program=program) | Q(request__program=program))
    return [questionnaire_response(row) for row in rows.order_by("at", "pk")]


def questionnaire_response(row) -> dict:
    client_id = row.episode.client_id if row.episode_id else row.request.client_id
    items = []
    for link_id, value in (row.answers or {}).items():
        answer = answer_value(value)
        item = {"linkId": str(link_id)}
        if answer:
            item["answer"] = [answer]
        items.append(item)
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": f"assessment-{row.pk}",
        "identifier": {"system": system(codes.ASSESSMENT), "value": str(row.pk)},
        "questionnaire": f"{system('Questionnaire')}/{row.instrument}|{row.instrument_version}",
        "status": "completed" if row.complete else "in-progress",
        "subject": patient_ref(client_id),
        "authored": instant(row.at),
        "item": items,
    }
    if row.total is not None:
        resource["extension"] = [
            {"url": system(codes.ASSESSMENT_TOTAL_EXT), "valueInteger": row.total}
        ]
    return build(strip_empty(resource))


def answer_value(value) -> dict | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if value in (None, ""):
        return None
    return {"valueString": str(value)}


# ----------------------------------------------------------------- consent


def consents(client_ids: list[int]) -> list[dict]:
    events = list(ConsentEvent.objects.filter(client_id__in=client_ids).order_by("at", "pk"))
    # The latest event for (channel, address) is the one in force.
    in_force = {(e.channel, e.address): e.pk for e in events}
    return [consent(e, in_force[(e.channel, e.address)] == e.pk) for e in events]


def consent(event: ConsentEvent, current: bool) -> dict:
    point = "email" if event.channel == Channel.EMAIL else "phone"
    resource = {
        "resourceType": "Consent",
        "id": f"consent-{event.pk}",
        "identifier": [{"system": system(codes.CONSENT), "value": str(event.pk)}],
        "status": "active" if current else "inactive",
        "scope": {"coding": [{"system": codes.CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [
            {"coding": [{"system": "http://loinc.org", "code": "59284-0"}]},
            coded(codes.CHANNEL, event.channel, Channel(event.channel).label),
        ],
        "patient": patient_ref(event.client_id),
        "dateTime": instant(event.at),
        "policyRule": {
            "coding": [
                {"system": codes.V3_ACT_CODE, "code": "OPTIN" if event.granted else "OPTOUT"}
            ]
        },
        "sourceAttachment": {
            "contentType": "text/plain; charset=utf-8",
            "title": "The words the person saw or heard",
            "data": base64.b64encode(event.wording.encode()).decode(),
        },
        "provision": {
            "type": "permit" if event.granted else "deny",
            "period": {"start": instant(event.at)},
            "code": [coded(codes.CHANNEL, event.channel, Channel(event.channel).label)],
        },
        "extension": [
            {
                "url": system(codes.CONSENT_ADDRESS_EXT),
                "valueContactPoint": {"system": point, "value": event.address},
            }
        ],
    }
    return build(resource)


# ----------------------------------------------------------------- helpers


def coded(code_system: str, code: str, display) -> dict:
    return {"coding": [{"system": system(code_system), "code": code, "display": str(display)}]}


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def strip_empty(value):
    """Drop None, empty strings, lists and dicts: FHIR forbids empty elements."""
    if isinstance(value, dict):
        cleaned = {k: strip_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        cleaned = [strip_empty(v) for v in value]
        return [v for v in cleaned if v not in (None, "", [], {})]
    return value

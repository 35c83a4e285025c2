"""Identifier systems, code systems and the status codes of each resource.

Welcome Back's own systems hang off ``FHIR_SYSTEM_BASE`` (a setting; by
default the public address + ``/fhir``). They are names, not pages: nothing
is served there. Keep the setting stable, or an earlier export's own
identifiers are no longer recognised on import.
"""

from django.conf import settings

from welcomeback.care.models import AttendanceStatus


def base() -> str:
    configured = getattr(settings, "FHIR_SYSTEM_BASE", "")
    return (configured or settings.PUBLIC_BASE_URL.rstrip("/") + "/fhir").rstrip("/")


def system(name: str) -> str:
    """Our identifier or code system called ``name``."""
    return f"{base()}/{name}"


# Identifier systems.
CLIENT = "sid/client"  # a client's id in Welcome Back
EXTERNAL_ID = "sid/ehr-id"  # the client's id in the EHR, when no system came with it
ATTENDANCE = "sid/attendance"  # "<session id>-<client id>": one person at one session
EPISODE = "sid/episode"
MESSAGE = "sid/message"
TASK = "sid/task"
CONSENT = "sid/consent"

# Code systems.
CHANNEL = "CodeSystem/channel"
PURPOSE = "CodeSystem/outreach-purpose"
TASK_KIND = "CodeSystem/task-kind"
DISCHARGE_REASON = "CodeSystem/teds-d-reason"
LEVEL_OF_CARE = "CodeSystem/asam-level"

# Extensions.
DISCHARGE_REASON_EXT = "StructureDefinition/discharge-reason"
CONSENT_ADDRESS_EXT = "StructureDefinition/consent-address"

V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"
CANCELLATION_REASON = "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"

# fhir.resources checks structure and types but not required code bindings,
# so the statuses we read and write are checked against R4's value sets here.
STATUS_CODES = {
    "Appointment": {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    },
    "Encounter": {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "EpisodeOfCare": {
        "planned",
        "waitlist",
        "active",
        "onhold",
        "finished",
        "cancelled",
        "entered-in-error",
    },
    "Communication": {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    },
    "CommunicationRequest": {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    "Task": {
        "draft",
        "requested",
        "received",
        "accepted",
        "rejected",
        "ready",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    },
    "Consent": {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"},
    "QuestionnaireResponse": {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },
}

# Appointment.status → attendance. "cancelled" depends on who cancelled:
# see importer.appointment_mark().
APPOINTMENT_MARKS = {
    "fulfilled": AttendanceStatus.ATTENDED,
    "arrived": AttendanceStatus.ATTENDED,
    "checked-in": AttendanceStatus.ATTENDED,
    "noshow": AttendanceStatus.MISSED,
}
# Booked: the person is expected, nothing has happened yet.
APPOINTMENT_EXPECTED = {"booked"}
# Not (yet) an appointment anyone is expected at.
APPOINTMENT_IGNORED = {"proposed", "pending", "waitlist", "entered-in-error"}

# Encounter.status that means the person was there.
ENCOUNTER_CONTACT = {"arrived", "triaged", "in-progress", "onleave", "finished"}

# Attendance → Appointment.status on export (and cancelationReason code).
ATTENDANCE_APPOINTMENT = {
    AttendanceStatus.ATTENDED: ("fulfilled", None),
    AttendanceStatus.LATE: ("fulfilled", None),
    AttendanceStatus.MISSED: ("noshow", None),
    AttendanceStatus.EXCUSED: ("cancelled", "pat"),
    AttendanceStatus.CANCELLED: ("cancelled", "prov"),
}

# Resource ids of our own exports: "Patient/client-12" is client 12.
CLIENT_ID_PREFIX = "client-"
ASSESSMENT = "sid/assessment"
ASSESSMENT_TOTAL_EXT = "StructureDefinition/assessment-total"

"""The audit trail: who saw, changed, exported or sent what, when, from where,
and with what outcome (HIPAA 45 CFR 164.312(b) audit controls; STANDARDS.md
requirement 24). Why our own model and not django-auditlog: docs/security.md.

Each event is one row of a hash chain. Its ``hash`` is SHA-256 over a
canonical serialization of every other column, ``prev_hash`` included, so
editing, deleting, inserting or reordering rows in the database breaks the
chain where it happened; ``manage.py verifyaudit`` walks it. Rows are written
only by ``welcomeback.accounts.audit_chain.append`` and are never updated or
deleted through the application: kept at least 6 years (164.316(b)(2)).
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The prev_hash of the first event ever written.
GENESIS = "0" * 64
# Bumped if the canonical serialization ever changes; hashed into every row.
HASH_VERSION = 1


class AuditAction(models.TextChoices):
    # ASTM E2147 / ONC 170.210(e) actions (create, modify, access, delete),
    # and the events STANDARDS.md requirements 24, 25 and 27 name.
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    PRINT = "print", _("Printed")
    MESSAGE_SENT = "message_sent", _("Message sent")
    MESSAGE_RECEIVED = "message_received", _("Message received")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_OUT = "sign_out", _("Signed out")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    CONSENT_CHANGE = "consent_change", _("Consent recorded or withdrawn")
    DISCLOSURE = "disclosure", _("Disclosed")
    BREAK_GLASS = "break_glass", _("Emergency access")
    ACCESS_DENIED = "access_denied", _("Access refused")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Succeeded")
    DENIED = "denied", _("Refused")
    FAILURE = "failure", _("Failed")


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or delete audit events through the
    application: the trail is append-only (HIPAA 164.312(b), 164.316)."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("audit events are never updated")

    def delete(self):
        raise AuditLogImmutable("audit events are never deleted")

    # bulk_update() goes through update(); bulk_create() is an insert that
    # would skip the chain, so it is refused too.
    def bulk_create(self, *args, **kwargs):
        raise AuditLogImmutable("audit events are appended with audit_chain.append()")


class AuditEvent(models.Model):
    """One audited event. Holds ids, labels and field names, never PHI
    values: no names, numbers, addresses or message text."""

    # The chain position: 1, 2, 3… with no gaps, so a deleted row shows.
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(help_text=_("When, in UTC."))
    # Kept as a plain id without a database constraint: deleting a user must
    # neither be blocked by nor change (and so break) the chain. User ids are
    # never reused, and actor_label keeps the username as it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(
        max_length=150, help_text=_('The username, or "system" or "public".')
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True, help_text=_('e.g. "care.client"'))
    object_id = models.CharField(max_length=64, blank=True)
    # Plain ids, not foreign keys, for the same reason as actor.
    client_id = models.BigIntegerField(
        null=True, blank=True, help_text=_("The person whose record it is.")
    )
    program_id = models.BigIntegerField(null=True, blank=True)
    outcome = models.CharField(
        max_length=8, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    # Where from. Text, not an inet column, so what is hashed is exactly
    # what is stored on SQLite and PostgreSQL alike.
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=300, blank=True, help_text=_("Never the query string."))
    # Canonical JSON text (sorted keys): ids and field names only.
    detail = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            # The per-client access and disclosure report (requirement 25).
            models.Index(fields=["client_id", "at"], name="audit_client_time"),
            # The audit viewer's date filter.
            models.Index(fields=["at"], name="audit_time"),
            # The audit viewer's "who" filter: a username, "system", "public".
            models.Index(fields=["actor_label", "at"], name="audit_actor_time"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}".strip()

    def save(self, *args, **kwargs):
        """A new event is appended to the chain; an existing one never changes."""
        if not self._state.adding:
            raise AuditLogImmutable("audit events are never updated")
        from welcomeback.accounts.audit_chain import append

        self.at = self.at or timezone.now()
        append([self])

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("audit events are never deleted")

    @property
    def details(self) -> dict:
        return json.loads(self.detail) if self.detail else {}

    def canonical(self) -> bytes:
        """Every column but ``hash``, in a fixed order, as compact JSON."""
        values = [HASH_VERSION]
        for name in HASHED_FIELDS:
            value = getattr(self, name)
            values.append(value.astimezone(UTC).strftime(TIME_FORMAT) if name == "at" else value)
        return json.dumps(values, separators=(",", ":"), ensure_ascii=True).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# Every column except hash itself; a test checks none is left out.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "client_id",
    "program_id",
    "outcome",
    "ip",
    "user_agent",
    "path",
    "detail",
    "prev_hash",
)


# ---------------------------------------------------------------- roles


class Role(models.TextChoices):
    """What a staff member does in one program. What each role may do, and
    which fields it sees, is declared once in ``accounts/permissions.py``."""

    FRONT_DESK = "front_desk", _("Front desk")
    CASE_MANAGER = "case_manager", _("Case manager")
    CLINICIAN = "clinician", _("Clinician")
    DIRECTOR = "director", _("Program director")
    ORG_ADMIN = "org_admin", _("Organization admin")


class StaffRole(models.Model):
    """One role of one staff member in one program. A person may hold several
    roles in several programs; with none, they see nothing on the staff side
    (a superuser included: the admin site is theirs, client records are not).

    Organization admins are granted per program too, in each program of the
    organization they run: one rule for every role, and a new program is never
    opened to anyone until someone grants it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    # By label: accounts imports no domain app (ARCHITECTURE.md floors).
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["user", "program", "role"]
        verbose_name = _("staff role")
        constraints = [
            models.UniqueConstraint(fields=["user", "program", "role"], name="staff_role_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · program {self.program_id}"

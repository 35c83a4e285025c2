"""42 CFR Part 2: consents (2.31), the disclosures made under them with the
notice that went along (2.32), medical-emergency disclosures (2.51), and
emergency ("break-glass") access to a record outside one's programs (HIPAA
164.312(a)(2)(ii)). Every change goes through ``consents.py``,
``disclose.py`` or ``breakglass.py``; see docs/security.md.

Rows here hold what the signed form says (names of recipients, the
description of the information): they are PHI, shown only to the roles
``accounts/permissions.py`` allows, and never written to logs or the audit
trail (which keeps their ids)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import Client, Program


class ConsentKind(models.TextChoices):
    # A consent to disclose to named people or organizations (2.31).
    PART2 = "part2", _("Part 2 consent to disclose")
    # One consent for all future treatment, payment and operations (2.31(a)(4)(i), 2.33).
    TPO = "tpo", _("Consent for treatment, payment and health care operations")
    # SUD counseling notes need a consent of their own (2.31(b)).
    COUNSELING_NOTES = "counseling_notes", _("Consent for counseling notes")
    # Kept when a person brings one, so staff see it exists; never enough for
    # Part 2 records (2.31, the 2.32 notice: "NOT sufficient").
    GENERAL_RELEASE = "general_release", _("General medical release (not valid for Part 2)")


PART2_KINDS = (ConsentKind.PART2, ConsentKind.TPO, ConsentKind.COUNSELING_NOTES)


class InfoKind(models.TextChoices):
    """What may be disclosed, in the units staff act on. Each consent also
    keeps the description in the words the person signed (2.31(a)(3))."""

    # Even "yes, they are with us" is a disclosure (2.11, 2.13(c)).
    PRESENCE = "presence", _("that they are in care here")
    APPOINTMENTS = "appointments", _("appointments and attendance")
    RETURN_PLANS = "return_plans", _("plans for coming back")
    TREATMENT_SUMMARY = "treatment_summary", _("a summary of treatment")
    COUNSELING_NOTES = "counseling_notes", _("counseling notes")


class Purpose(models.TextChoices):
    PATIENT_REQUEST = "patient_request", _("at the request of the patient")
    RETURN_TO_CARE = "return_to_care", _("helping them come back to care")
    CARE_COORDINATION = "care_coordination", _("coordinating their care")
    TPO = "tpo", _("treatment, payment, and health care operations")


class RecipientKind(models.TextChoices):
    PERSON = "person", _("A person")
    ORGANIZATION = "organization", _("An organization")
    # The single TPO consent's class of recipients (2.31(a)(4)(i)).
    TPO_CLASS = "tpo_class", _("Treating providers, health plans, payers and program operations")


class SignerRole(models.TextChoices):
    PATIENT = "patient", _("The patient")
    # 2.14: a minor's parent or guardian, where state law requires it.
    GUARDIAN = "guardian", _("Parent or guardian (minor)")
    # 2.15: for a patient who lacks capacity or has died.
    REPRESENTATIVE = "representative", _("Authorized representative")


class SignatureMethod(models.TextChoices):
    WET = "wet", _("Signed on paper")
    ELECTRONIC = "electronic", _("Signed electronically")


def _filled(field: str) -> Q:
    return ~Q(**{field: ""})


class Part2Consent(models.Model):
    """One signed consent. ``save()`` refuses it unless every element its
    kind needs is present (``missing_elements``); the database's checks
    back the text columns up. Create through ``consents.record_consent``,
    which adds the recipients in the same transaction."""

    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    # 2.31(a)(1) the patient.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="part2_consents")
    # 2.31(a)(2) who may disclose: the program, named as on the form.
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    discloser = models.CharField(
        max_length=200, help_text=_("The program or organization that may disclose, as named.")
    )
    # 2.31(a)(3) the information, in the signed words and as codes we check.
    information = models.TextField(
        help_text=_("What may be shared, how much and what kind, in the words on the form.")
    )
    info_kinds = models.JSONField(default=list)
    # 2.31(a)(5) each purpose.
    purpose = models.TextField()
    purposes = models.JSONField(default=list)
    # 2.31(a)(6) the right to revoke in writing, and how.
    revocation_statement = models.TextField()
    revocation_method = models.TextField()
    # 2.31(a)(7) an expiry date or an expiry event.
    expires_on = models.DateField(null=True, blank=True)
    expiry_event = models.CharField(max_length=200, blank=True)
    # 2.31(a)(8) the signature; 2.14 and 2.15 for someone signing for them.
    signed_by = models.CharField(max_length=200)
    signer_role = models.CharField(
        max_length=16, choices=SignerRole.choices, default=SignerRole.PATIENT
    )
    signer_authority = models.CharField(
        max_length=200, blank=True, help_text=_("For a parent, guardian or representative.")
    )
    signature_method = models.CharField(max_length=12, choices=SignatureMethod.choices)
    # 2.31(a)(9) the date signed.
    signed_on = models.DateField()
    # The 2024 statements (docs/security.md lists which applies when).
    redisclosure_statement = models.TextField(blank=True)
    no_conditioning_statement = models.TextField(blank=True)
    hipaa_redisclosure_statement = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="en")

    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # A written revocation of the whole consent; effective when recorded.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("Part 2 consent")
        indexes = [models.Index(fields=["client", "revoked_at"], name="part2_consent_client")]
        constraints = [
            models.CheckConstraint(
                condition=_filled("discloser")
                & _filled("information")
                & _filled("purpose")
                & _filled("revocation_statement")
                & _filled("revocation_method")
                & _filled("signed_by")
                & _filled("signature_method")
                & (Q(expires_on__isnull=False) | _filled("expiry_event")),
                name="part2_consent_elements",
            ),
            models.CheckConstraint(
                condition=Q(signer_role=SignerRole.PATIENT) | _filled("signer_authority"),
                name="part2_consent_signer_authority",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        # The one rule everyone meets: no consent row without its elements.
        self.clean()
        super().save(*args, **kwargs)

    @property
    def authorizes_part2(self) -> bool:
        return self.kind in PART2_KINDS

    def missing_elements(self) -> list[str]:
        """The 2.31(a) elements this consent lacks, by field name."""
        missing = [
            name
            for name in (
                "discloser",
                "information",
                "purpose",
                "revocation_statement",
                "revocation_method",
                "signed_by",
                "signature_method",
                "signed_on",
            )
            if not getattr(self, name)
        ]
        if not self.client_id:
            missing.append("client")
        if not self.program_id:
            missing.append("program")
        if not self.info_kinds:
            missing.append("info_kinds")
        if not self.purposes:
            missing.append("purposes")
        if not self.expires_on and not self.expiry_event.strip():
            missing.append("expiry")
        if self.signer_role != SignerRole.PATIENT and not self.signer_authority.strip():
            missing.append("signer_authority")
        if self.authorizes_part2:
            missing += [
                name
                for name in ("redisclosure_statement", "no_conditioning_statement")
                if not getattr(self, name).strip()
            ]
        if self.kind == ConsentKind.TPO and not self.hipaa_redisclosure_statement.strip():
            missing.append("hipaa_redisclosure_statement")
        return missing

    def clean(self):
        missing = self.missing_elements()
        if missing:
            raise ValidationError(
                _("A Part 2 consent needs every element of 42 CFR 2.31: %(missing)s missing.")
                % {"missing": ", ".join(missing)},
                code="incomplete",
            )
        unknown = set(self.info_kinds) - set(InfoKind.values)
        unknown |= set(self.purposes) - set(Purpose.values)
        if unknown:
            raise ValidationError(_("Unknown information or purpose."), code="unknown")
        notes = InfoKind.COUNSELING_NOTES in self.info_kinds
        if notes and self.kind not in (ConsentKind.COUNSELING_NOTES, ConsentKind.GENERAL_RELEASE):
            raise ValidationError(
                _("Counseling notes need a consent of their own (42 CFR 2.31(b))."),
                code="counseling_notes",
            )
        if self.kind == ConsentKind.COUNSELING_NOTES and set(self.info_kinds) != {
            InfoKind.COUNSELING_NOTES
        }:
            raise ValidationError(
                _("A counseling-notes consent covers counseling notes only (42 CFR 2.31(b))."),
                code="counseling_notes",
            )

    def in_force(self, at) -> bool:
        """Signed, not revoked, not expired by date at ``at``. An expiry
        *event* is recorded by revoking the consent when it happens."""
        if self.revoked_at is not None and self.revoked_at <= at:
            return False
        if self.expires_on is not None and at.date() > self.expires_on:
            return False
        return self.signed_on <= at.date()


class ConsentRecipient(models.Model):
    """One named recipient of a consent, revocable on its own (SAMHSA FAQ:
    revoking for one named party leaves the rest in effect)."""

    consent = models.ForeignKey(Part2Consent, on_delete=models.PROTECT, related_name="recipients")
    kind = models.CharField(
        max_length=14, choices=RecipientKind.choices, default=RecipientKind.PERSON
    )
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=100, blank=True, help_text=_('e.g. "sister", or an organization\'s role.')
    )
    # How staff recognize them when they call or write: E.164 and lower case.
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["consent", "pk"]
        constraints = [
            models.CheckConstraint(condition=_filled("name"), name="part2_recipient_named")
        ]

    def __str__(self):
        return f"Recipient {self.pk} of consent {self.consent_id}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.relationship})" if self.relationship else self.name


class Notice(models.TextChoices):
    # 42 CFR 2.32(a): which statement went with the disclosure.
    STATEMENT_1 = "statement_1", _("Statement 1 (the full notice)")
    STATEMENT_2 = "statement_2", _("Statement 2 (the short notice)")
    # 2.51 emergencies carry no 2.32 notice: no consent was relied on.
    NONE = "none", _("None (medical emergency)")


class Disclosure(models.Model):
    """Every disclosure: under a consent (2.32) or in a medical emergency
    (2.51). Never edited or deleted: the accounting of disclosures (2.25)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="part2_disclosures")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(
        Part2Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    recipient = models.ForeignKey(
        ConsentRecipient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who received it, as written at the time (an emergency has no consent recipient).
    recipient_name = models.CharField(max_length=200)
    recipient_affiliation = models.CharField(max_length=200, blank=True)
    info_kinds = models.JSONField(default=list)
    what = models.TextField(help_text=_("What was shared, briefly."))
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True)
    # 2.32(a) and (b): the statement sent, its text, and the consent's scope.
    notice = models.CharField(max_length=12, choices=Notice.choices)
    notice_text = models.TextField(blank=True)
    scope = models.TextField(blank=True)
    # 2.51(c): a bona fide medical emergency.
    emergency = models.BooleanField(default=False)
    nature_of_emergency = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "at"], name="part2_disclosure_client")]
        constraints = [
            models.CheckConstraint(
                condition=_filled("recipient_name") & _filled("what"),
                name="disclosure_recipient_and_what",
            ),
            # Under a consent it carries a 2.32 notice and its scope; in an
            # emergency it names the recipient's affiliation and the emergency.
            models.CheckConstraint(
                condition=(
                    Q(emergency=False, consent__isnull=False)
                    & ~Q(notice=Notice.NONE)
                    & _filled("notice_text")
                    & _filled("scope")
                )
                | (
                    Q(emergency=True, consent__isnull=True, notice=Notice.NONE)
                    & _filled("recipient_affiliation")
                    & _filled("nature_of_emergency")
                ),
                name="disclosure_basis",
            ),
        ]

    def __str__(self):
        return f"Disclosure {self.pk}"


class BreakGlass(models.Model):
    """Emergency access by one clinician to one person's record outside their
    programs, for a short time, with a reason; audited and the program
    director told (HIPAA 164.312(a)(2)(ii); STANDARDS.md requirement 27)."""

    DEFAULT_MINUTES = 60

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # The programs whose directors were told (the person's programs then).
    program_ids = models.JSONField(default=list)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["user", "client", "expires_at"], name="break_glass_open")]
        constraints = [models.CheckConstraint(condition=_filled("reason"), name="break_glass_why")]

    def __str__(self):
        return f"Emergency access {self.pk}"

    @classmethod
    def default_expiry(cls, now):
        return now + timedelta(minutes=cls.DEFAULT_MINUTES)

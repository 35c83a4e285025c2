"""Part 2 consents: recording, revoking, and the one question staff ask
before they say anything about a person to someone else: may I?

    consent = record_consent(client=…, program=…, kind=ConsentKind.PART2, …,
                             recipients=[{"name": "Alex Rivera", "relationship": "sister",
                                          "phone": "+15555550100"}], by=user)
    decision = may_disclose(client, Party(phone="+15555550100"), InfoKind.APPOINTMENTS,
                            Purpose.RETURN_TO_CARE)
    decision.allowed, decision.consent, decision.recipient, decision.reason
    revoke_consent(consent, by=user)            # whole consent, at once
    revoke_recipient(recipient, by=user)        # one named party, at once

Receiving information from someone is never a disclosure; saying anything
back (even that the person is in care) is one (42 CFR 2.11, 2.13(c)).
"""

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction
from welcomeback.disclosures.models import (
    ConsentKind,
    ConsentRecipient,
    InfoKind,
    Part2Consent,
    Purpose,
    RecipientKind,
)
from welcomeback.lib.phones import to_e164

DATA = Path(__file__).resolve().parent / "data"


@cache
def statements() -> dict:
    """The consent statements our form offers, {name: {"en": …, "es": …}}."""
    return tomllib.loads((DATA / "consent_statements.toml").read_text("utf-8"))


def statement(name: str, language: str | None = None) -> str:
    texts = statements()[name]
    return texts.get((language or get_language() or "en")[:2], texts["en"])


# ---------------------------------------------------------------- recording


def record_consent(*, recipients: list[dict], by=None, request=None, **fields) -> Part2Consent:
    """Save a consent and its recipients together, or nothing: a consent
    with every 2.31 element but no recipient is refused too."""
    people = [clean_recipient(r) for r in recipients]
    if not people:
        raise ValidationError(
            _("A Part 2 consent needs at least one recipient (42 CFR 2.31(a)(4))."),
            code="incomplete",
        )
    if fields.get("kind") == ConsentKind.TPO and not any(
        p["kind"] == RecipientKind.TPO_CLASS for p in people
    ):
        people.append(
            {
                "kind": RecipientKind.TPO_CLASS,
                "name": statement("tpo_recipients", fields.get("language")),
                "relationship": "",
                "phone": "",
                "email": "",
            }
        )
    with transaction.atomic():
        consent = Part2Consent(recorded_by=by, **fields)
        consent.save()
        for person in people:
            ConsentRecipient.objects.create(consent=consent, **person)
    audit.record(
        AuditAction.CONSENT_CHANGE,
        request=request,
        user=by,
        obj=consent,
        program_id=consent.program_id,
        detail={"part2_consent": consent.pk, "change": "recorded", "kind": consent.kind},
    )
    return consent


def clean_recipient(raw: dict) -> dict:
    name = (raw.get("name") or "").strip()
    if not name:
        raise ValidationError(_("Each recipient needs a name."), code="incomplete")
    return {
        "kind": raw.get("kind") or RecipientKind.PERSON,
        "name": name[:200],
        "relationship": (raw.get("relationship") or "").strip()[:100],
        "phone": to_e164(raw.get("phone") or ""),
        "email": (raw.get("email") or "").strip().lower(),
    }


def revoke_consent(consent: Part2Consent, *, by=None, request=None, now=None) -> bool:
    """A written revocation of the whole consent, effective the moment it is
    recorded (2.31(a)(6)). Revoking twice changes nothing."""
    now = now or timezone.now()
    changed = Part2Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    consent.refresh_from_db(fields=["revoked_at", "revoked_by"])
    if changed:
        audit.record(
            AuditAction.CONSENT_CHANGE,
            request=request,
            user=by,
            obj=consent,
            program_id=consent.program_id,
            detail={"part2_consent": consent.pk, "change": "revoked"},
        )
    return bool(changed)


def revoke_recipient(recipient: ConsentRecipient, *, by=None, request=None, now=None) -> bool:
    """Revoke the consent for one named party; the rest stays in effect."""
    now = now or timezone.now()
    changed = ConsentRecipient.objects.filter(pk=recipient.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    recipient.refresh_from_db(fields=["revoked_at", "revoked_by"])
    if changed:
        consent = recipient.consent
        audit.record(
            AuditAction.CONSENT_CHANGE,
            request=request,
            user=by,
            obj=consent,
            program_id=consent.program_id,
            detail={
                "part2_consent": consent.pk,
                "change": "recipient_revoked",
                "recipient": recipient.pk,
            },
        )
    return bool(changed)


# ---------------------------------------------------------------- deciding


@dataclass(frozen=True)
class Party:
    """Someone information might go to: a consent's recipient, or a caller
    recognized by the number or address they gave, or by name."""

    name: str = ""
    phone: str = ""
    email: str = ""
    # A treating provider, health plan, payer or someone operating the
    # program: the class a single TPO consent names.
    tpo_class: bool = False
    recipient_id: int | None = None

    @classmethod
    def of(cls, recipient: ConsentRecipient) -> "Party":
        return cls(name=recipient.name, recipient_id=recipient.pk)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # a code: see REASONS
    consent: Part2Consent | None = None
    recipient: ConsentRecipient | None = None

    def __bool__(self):
        return self.allowed

    @property
    def until(self) -> date | str | None:
        if self.consent is None:
            return None
        return self.consent.expires_on or self.consent.expiry_event


REASONS = {
    "covered": "a consent in force covers it",
    "no_consent": "no Part 2 consent in force names this recipient",
    "general_release": "only a general medical release names them; it never covers Part 2",
    "counseling_notes": "counseling notes need a consent of their own",
    "not_covered": "a consent names them, but not for this information or purpose",
}


def may_disclose(client, recipient, info_kind: str, purpose: str, at: datetime | None = None):
    """May ``info_kind`` about ``client`` go to ``recipient`` (a Party or a
    ConsentRecipient) for ``purpose`` at ``at``? A Decision with the consent
    relied on, or the reason why not. Reads the database every time, so a
    revocation recorded a moment ago already counts."""
    return decide(list(candidates(client)), recipient, info_kind, purpose, at)


def decide(rows, recipient, info_kind: str, purpose: str, at=None) -> Decision:
    """``may_disclose`` over recipients already read (``candidates``)."""
    if info_kind not in InfoKind.values or purpose not in Purpose.values:
        raise ValueError("unknown information kind or purpose")
    at = at or timezone.now()
    party = Party.of(recipient) if isinstance(recipient, ConsentRecipient) else recipient
    seen = set()
    for row in rows:
        consent = row.consent
        if not names(row, party):
            continue
        if (row.revoked_at is not None and row.revoked_at <= at) or not consent.in_force(at):
            continue
        if not consent.authorizes_part2:
            seen.add("general_release")
            continue
        # Counseling notes only under their own consent, and that consent
        # covers nothing else (2.31(b); checked when it is saved).
        notes_asked = info_kind == InfoKind.COUNSELING_NOTES
        if notes_asked != (consent.kind == ConsentKind.COUNSELING_NOTES):
            seen.add("counseling_notes" if notes_asked else "not_covered")
            continue
        if info_kind in consent.info_kinds and purpose in consent.purposes:
            return Decision(True, "covered", consent, row)
        seen.add("not_covered")
    for reason in ("counseling_notes", "not_covered", "general_release"):
        if reason in seen:
            return Decision(False, reason)
    return Decision(False, "no_consent")


def candidates(client):
    return (
        ConsentRecipient.objects.filter(consent__client=client)
        .select_related("consent")
        .order_by("-consent__signed_on", "pk")
    )


def names(recipient: ConsentRecipient, party: Party) -> bool:
    """Is ``party`` this recipient? By the recipient chosen, a matching
    number or address, a matching name, or the TPO class."""
    if party.recipient_id is not None:
        return recipient.pk == party.recipient_id
    if recipient.kind == RecipientKind.TPO_CLASS:
        return party.tpo_class
    phone = to_e164(party.phone) if party.phone else ""
    if phone and recipient.phone == phone:
        return True
    if party.email and recipient.email and recipient.email == party.email.strip().lower():
        return True
    return bool(party.name) and _folded(party.name) == _folded(recipient.name)


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def what_they_may_hear(client, party: Party, at=None) -> list[tuple[str, Decision]]:
    """(information kind, Decision) for each kind ``party`` may hear about
    ``client`` for some purpose: the answer to "may I speak with them?"."""
    rows = list(candidates(client))
    allowed = []
    for info_kind in InfoKind.values:
        for purpose in Purpose.values:
            decision = decide(rows, party, info_kind, purpose, at)
            if decision:
                allowed.append((info_kind, decision))
                break
    return allowed


def has_consent_on_file(client, at=None) -> bool:
    """A Part 2 consent in force for this person: the "yes/no" every role may see."""
    at = at or timezone.now()
    return any(
        consent.in_force(at)
        for consent in Part2Consent.objects.filter(
            client=client, kind__in=[k.value for k in ConsentKind if k != "general_release"]
        )
    )


def proxy_of(return_request) -> Party | None:
    """The trusted person who asked on someone's behalf, as a Party."""
    if not (return_request.proxy_name or return_request.proxy_phone or return_request.proxy_email):
        return None
    return Party(
        name=return_request.proxy_name,
        phone=return_request.proxy_phone,
        email=return_request.proxy_email,
    )


def may_speak_with(return_request, at=None) -> dict | None:
    """For the request page, before anyone calls the trusted person back:
    {"allowed": bool, "kinds": [labels], "until": date or event, "name": …}.
    None when the request did not come from someone else."""
    party = proxy_of(return_request)
    if party is None:
        return None
    heard = what_they_may_hear(return_request.client, party, at) if return_request.client else []
    until = min((d.until for _k, d in heard if isinstance(d.until, date)), default=None)
    events = [d.until for _k, d in heard if isinstance(d.until, str) and d.until]
    return {
        "allowed": bool(heard),
        "kinds": [InfoKind(kind).label for kind, _d in heard],
        "until": until or (events[0] if events else None),
        "name": return_request.proxy_name,
        "relationship": return_request.proxy_relationship,
    }

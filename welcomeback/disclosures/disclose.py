"""Making a disclosure: the one way, checked, logged and noticed.

    disclosure = disclose(client, recipient_or_party, [InfoKind.APPOINTMENTS],
                          Purpose.RETURN_TO_CARE, what="Next group: Tuesday 10:00", by=user)
    # DisclosureRefused (after an audited ``denied``) when no consent covers it.

    record_emergency(client, program, recipient_name="Dr. Lee",
                     affiliation="County General ED", nature="Unresponsive, overdose suspected",
                     what="Current medications", by=user)

Each disclosure under a consent carries the 42 CFR 2.32 notice (Statement 1
by default, or Statement 2) in the regulation's words, plus a clear
explanation of the consent's scope (2.32(b)); the row keeps both, so what
went out can be shown later. An emergency disclosure (2.51) needs no
consent and records the recipient, their affiliation, who disclosed, when
and the nature of the emergency.
"""

import tomllib
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from welcomeback.accounts import audit
from welcomeback.disclosures.consents import DATA, Decision, may_disclose
from welcomeback.disclosures.models import Disclosure, InfoKind, Notice, Part2Consent


class DisclosureRefused(Exception):
    """No consent in force covers it. The refusal is already in the audit trail."""

    def __init__(self, decision: Decision):
        super().__init__(decision.reason)
        self.decision = decision


@cache
def notices() -> dict:
    """The 2.32(a) statements, {"statement_1": {"en": …, "es": …}, …, "source": …}."""
    return tomllib.loads((DATA / "notice_2_32.toml").read_text("utf-8"))


def notice_text(notice: str, language: str = "en") -> str:
    """The statement in the regulation's English, with our Spanish courtesy
    translation after it for a Spanish-speaking recipient."""
    texts = notices()[notice]
    if language[:2] == "es":
        return f"{texts['en']}\n\n{texts['es']}"
    return texts["en"]


def scope_of(consent: Part2Consent, language: str = "en") -> str:
    """A clear explanation of the consent's scope (2.32(b))."""
    with override(language[:2]):
        until = consent.expires_on.isoformat() if consent.expires_on else consent.expiry_event
        recipients = "; ".join(r.label for r in consent.recipients.filter(revoked_at__isnull=True))
        return _(
            "Consent %(id)s signed %(signed)s by %(signer)s. Who may share: %(discloser)s. "
            "With: %(recipients)s. What: %(information)s. Why: %(purpose)s. Until: %(until)s."
        ) % {
            "id": consent.pk,
            "signed": consent.signed_on.isoformat(),
            "signer": consent.signed_by,
            "discloser": consent.discloser,
            "recipients": recipients,
            "information": consent.information,
            "purpose": consent.purpose,
            "until": until,
        }


def refuse(client, decision: Decision, *, info_kinds, purpose, by=None, request=None, where=""):
    """Record that a disclosure was blocked: ids and codes, never names."""
    audit.denied(
        request,
        client,
        client.pk,
        detail={
            "part2": decision.reason,
            "info": sorted(info_kinds),
            "purpose": purpose,
            **({"where": where} if where else {}),
        },
    )


def disclose(
    client,
    recipient,
    info_kinds: list[str],
    purpose: str,
    *,
    what: str,
    by,
    request=None,
    notice: str = Notice.STATEMENT_1,
    language: str = "en",
    now=None,
) -> Disclosure:
    """Record a disclosure under a consent, after checking that one consent
    in force covers every kind of information for this recipient and
    purpose. Otherwise the block is audited and DisclosureRefused raised."""
    now = now or timezone.now()
    if not info_kinds or not what.strip():
        raise ValidationError(_("Say what was shared."), code="incomplete")
    if notice not in (Notice.STATEMENT_1, Notice.STATEMENT_2):
        raise ValidationError(_("Choose the notice that goes with it."), code="notice")
    decisions = [may_disclose(client, recipient, kind, purpose, now) for kind in info_kinds]
    refused = next((d for d in decisions if not d), None)
    consents = {d.consent.pk for d in decisions if d}
    if refused is None and len(consents) > 1:
        # Each disclosure names the one consent it relied on.
        refused = Decision(False, "not_covered")
    if refused is not None:
        refuse(client, refused, info_kinds=info_kinds, purpose=purpose, by=by, request=request)
        raise DisclosureRefused(refused)
    decision = decisions[0]
    consent, row = decision.consent, decision.recipient
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            client=client,
            program=consent.program,
            at=now,
            by=by,
            consent=consent,
            recipient=row,
            recipient_name=row.name,
            recipient_affiliation=row.relationship,
            info_kinds=list(info_kinds),
            what=what.strip(),
            purpose=purpose,
            notice=notice,
            notice_text=notice_text(notice, language),
            scope=scope_of(consent, language),
        )
    audit.disclosed(
        request,
        disclosure,
        client.pk,
        detail={"part2_consent": consent.pk, "recipient": row.pk, "notice": notice},
    )
    return disclosure


def record_emergency(
    client,
    program,
    *,
    recipient_name: str,
    affiliation: str,
    nature: str,
    what: str,
    by,
    at=None,
    request=None,
) -> Disclosure:
    """A disclosure to medical personnel in a bona fide medical emergency
    (42 CFR 2.51): no consent, every 2.51(c) fact required."""
    facts = {
        "recipient_name": recipient_name.strip(),
        "recipient_affiliation": affiliation.strip(),
        "nature_of_emergency": nature.strip(),
        "what": what.strip(),
    }
    missing = [name for name, value in facts.items() if not value]
    if missing or by is None:
        raise ValidationError(
            _(
                "An emergency disclosure needs who received it, their affiliation, "
                "what was shared and the nature of the emergency (42 CFR 2.51)."
            ),
            code="incomplete",
        )
    disclosure = Disclosure.objects.create(
        client=client,
        program=program,
        at=at or timezone.now(),
        by=by,
        info_kinds=[InfoKind.TREATMENT_SUMMARY],
        purpose="",
        notice=Notice.NONE,
        emergency=True,
        **facts,
    )
    audit.disclosed(request, disclosure, client.pk, detail={"emergency": True})
    return disclosure

"""Building Part 2 consents for tests (tests/test_part2*.py, test_break_glass.py)."""

from datetime import date

from welcomeback.disclosures.consents import record_consent, statement
from welcomeback.disclosures.models import ConsentKind, InfoKind, Purpose, SignatureMethod


def consent_fields(client, program, **overrides) -> dict:
    """Every 2.31 element of a consent to tell Alex (sister) about
    appointments and plans for coming back, until 2027-03-01."""
    fields = {
        "kind": ConsentKind.PART2,
        "client": client,
        "program": program,
        "discloser": f"{program.name} ({program.site.organization.name})",
        "information": "Whether I am in care, my appointment times and attendance, "
        "and my plans for coming back. Nothing else.",
        "info_kinds": [InfoKind.PRESENCE, InfoKind.APPOINTMENTS, InfoKind.RETURN_PLANS],
        "purpose": "To help me come back to care.",
        "purposes": [Purpose.RETURN_TO_CARE, Purpose.PATIENT_REQUEST],
        "revocation_statement": statement("revocation", "en"),
        "revocation_method": statement("revocation_method", "en"),
        "expires_on": date(2027, 3, 1),
        "signed_by": client.display_name,
        "signature_method": SignatureMethod.WET,
        "signed_on": date(2025, 3, 1),
        "redisclosure_statement": statement("redisclosure", "en"),
        "no_conditioning_statement": statement("no_conditioning", "en"),
    }
    return {**fields, **overrides}


ALEX = {"name": "Alex Rivera", "relationship": "sister", "phone": "(212) 555-0142"}
DANA = {"name": "Dana Okafor", "relationship": "friend", "email": "Dana@Example.org"}


def alex_consent(client, program, recipients=(ALEX,), by=None, **overrides):
    return record_consent(
        recipients=list(recipients), by=by, **consent_fields(client, program, **overrides)
    )

"""Emergency ("break-glass") access: HIPAA 164.312(a)(2)(ii) asks for an
emergency access procedure, STANDARDS.md requirement 27 that every use be
audited and flagged for review.

    grant = open_break_glass(user, client, reason="…", request=request)
    has_break_glass(user, client_id)           # staff/access.py asks this

A clinician (the ``break_glass`` action) may open one person's record outside
their own programs after giving a reason. The grant lasts an hour, covers
that person only, is written to the audit trail as ``break_glass``, and the
director of each of the person's programs gets an email that names no one:
"a record was opened with emergency access; see the audit trail".
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.accounts import audit, permissions
from welcomeback.care.models import Program
from welcomeback.disclosures.models import BreakGlass

MIN_REASON = 10


def open_break_glass(user, client, *, reason: str, request=None, now=None, minutes=None):
    """Open a grant for ``user`` to see ``client``; raises PermissionDenied
    for anyone the roles do not allow, ValidationError without a reason."""
    if not permissions.can(user, "break_glass"):
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(_("Say in a few words why you need this record now."), code="reason")
    now = now or timezone.now()
    programs = sorted(permissions.client_program_ids(client, all_program_ids(client)))
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            user=user,
            client=client,
            reason=reason,
            opened_at=now,
            expires_at=now + timedelta(minutes=minutes or BreakGlass.DEFAULT_MINUTES),
            program_ids=programs,
        )
    audit.break_glass(
        request,
        grant,
        client.pk,
        detail={"grant": grant.pk, "minutes": minutes or BreakGlass.DEFAULT_MINUTES},
    )
    tell_directors(grant, programs)
    return grant


def all_program_ids(client) -> list[int]:
    return list(
        Program.objects.filter(site__organization_id=client.organization_id).values_list(
            "pk", flat=True
        )
    )


def has_break_glass(user, client_id, now=None) -> bool:
    """An open grant for this user and this person, now."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return BreakGlass.objects.filter(
        user=user, client_id=client_id, expires_at__gt=now or timezone.now()
    ).exists()


def tell_directors(grant: BreakGlass, program_ids) -> int:
    """Email each program director; no name, no number, no reason text
    (the reason may describe the person: it stays in the application)."""
    addresses = sorted(
        set(
            Program.objects.filter(pk__in=program_ids)
            .exclude(director_email="")
            .values_list("director_email", flat=True)
        )
    )
    if not addresses:
        return 0
    link = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("audit:events") + "?action=break_glass"
    body = _(
        "A record was opened with emergency access by %(user)s at %(at)s UTC, "
        "for %(minutes)s minutes. Please review it in the audit trail: %(link)s"
    ) % {
        "user": grant.user.get_username(),
        "at": grant.opened_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
        "minutes": int((grant.expires_at - grant.opened_at).total_seconds() // 60),
        "link": link,
    }
    return send_mail(
        _("Emergency access to a record"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        addresses,
        fail_silently=False,
    )

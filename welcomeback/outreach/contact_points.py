"""Contact points: finding them, and noticing when one stops working."""

from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.outreach.models import ContactPoint, PointKind
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task


def kind_for_channel(channel: str) -> str:
    return PointKind.EMAIL if channel == "email" else PointKind.PHONE


def normalise(kind: str, address: str) -> str:
    address = (address or "").strip()
    return address.lower() if kind == PointKind.EMAIL else address


def point_for(client, kind: str, address: str) -> ContactPoint:
    point, _created = ContactPoint.objects.get_or_create(
        client=client, kind=kind, address=normalise(kind, address)
    )
    return point


def mark_failing(client, program, kind: str, address: str, reason: str, now=None) -> bool:
    """Stop using a number or address the provider says is bad, and ask a
    person on the staff to find another way to reach them.

    Returns True the first time; later failures of the same point change
    nothing and open no second task.
    """
    now = now or timezone.now()
    point = point_for(client, kind, address)
    changed = ContactPoint.objects.filter(pk=point.pk, failing_since__isnull=True).update(
        failing_since=now, failing_reason=reason[:200]
    )
    if changed:
        open_task(
            kind=TaskKind.NEW_CONTACT,
            program=program,
            client=client,
            title=_("Ask for a new way to reach them"),
            detail=_("Their %(kind)s stopped working: %(reason)s. Ask through another channel.")
            % {"kind": point.get_kind_display().lower(), "reason": reason},
            due_at=now,
            key=f"new-contact:{point.pk}:{now:%Y%m%d}",
        )
    return bool(changed)


def is_failing(client, kind: str, address: str) -> bool:
    return ContactPoint.objects.filter(
        client=client, kind=kind, address=normalise(kind, address), failing_since__isnull=False
    ).exists()


def match_sender(kind: str, address: str):
    """The one client whose verified contact point this is, or None.

    Only verified points match; an address shared by two clients matches
    nobody, so a message is never filed under the wrong person.
    """
    points = list(
        ContactPoint.objects.filter(
            kind=kind, address=normalise(kind, address), verified=True
        ).select_related("client")[:2]
    )
    return points[0] if len(points) == 1 else None

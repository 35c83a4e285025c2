"""Making and switching off webhook subscriptions: the one function for each."""

import ipaddress
import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction
from welcomeback.api.models import Event, WebhookSubscription

SECRET_START = "whsec_"  # noqa: S105 (a prefix, not a secret)


def check_url(url: str) -> None:
    """HTTPS, except to this machine (a receiver on loopback while testing)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(parts.hostname or ""):
        return
    raise ValidationError(_("Use an https:// address."), code="https")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_subscription(program, url: str, events, *, by=None, request=None):
    """A new subscription and its signing secret, shown once."""
    check_url(url)
    events = [event for event in Event.values if event in set(events)]
    if not events:
        raise ValidationError(_("Choose at least one event."), code="events")
    secret = SECRET_START + secrets.token_urlsafe(32)
    with transaction.atomic():
        sub = WebhookSubscription.objects.create(
            program=program, url=url, secret=secret, events=events, created_by=by
        )
        audit.record(
            AuditAction.CREATE,
            request=request,
            user=by,
            obj=sub,
            program_id=program.pk,
            detail={"events": events},
        )
    return sub, secret


def deactivate(sub: WebhookSubscription, *, by=None, request=None) -> bool:
    with transaction.atomic():
        changed = WebhookSubscription.objects.filter(pk=sub.pk, active=True).update(active=False)
        if changed:
            audit.changed(sub, ["active"], request=request, user=by, on_commit=False)
    sub.refresh_from_db()
    return bool(changed)

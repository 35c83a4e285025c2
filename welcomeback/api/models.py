"""API keys, webhook subscriptions and webhook deliveries.

A key is a machine's credential for one program: read, or read and write.
Only a SHA-256 of the token is kept; the token is shown once, when made.
A delivery row is one event for one subscription; it carries its state, and
a worker moves it with conditional updates, so a task that runs twice sends
once per attempt (docs/integration.md, "Webhooks").
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import Program


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiKey(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, help_text=_("What uses it, e.g. “EHR nightly sync”."))
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    # The token's public part: found by it, shown in lists and the audit trail.
    prefix = models.CharField(max_length=16, unique=True)
    # sha256 of the whole token; the token is random enough that no salt or
    # slow hash is needed (it is not a password a person chose).
    hashed = models.CharField(max_length=64)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    @property
    def label(self) -> str:
        """Who the audit trail names for this key's calls."""
        return f"api key {self.prefix}"


class Event(models.TextChoices):
    STATUS_CHANGED = "engagement.status_changed", _("Engagement status changed")
    REQUEST_OPENED = "return_request.opened", _("Return request opened")


class WebhookSubscription(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    # Needed in the clear to sign each delivery; shown once, when made.
    secret = models.CharField(max_length=64)
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Webhook {self.pk} ({self.program_id})"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Gave up")


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    # Names what happened (e.g. "status:12:3"): one delivery per event and
    # subscription, however many times the event is announced.
    event_key = models.CharField(max_length=100)
    # The idempotency key receivers see (Welcome-Back-Event-Id).
    event_id = models.UUIDField(default=uuid.uuid4, unique=True)
    # The exact JSON body, kept as sent so every retry signs the same bytes.
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_key"], name="delivery_once")
        ]
        indexes = [
            # delivery.claim_due(): pending rows by due time.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.subscription_id} ({self.state})"

"""The derived engagement status of each active episode, and its history."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import Episode, Program


class Status(models.TextChoices):
    ENGAGED = "engaged", _("Engaged")
    MISSED = "missed", _("Just missed")
    LAPSING = "lapsing", _("Lapsing")
    DISENGAGED = "disengaged", _("Disengaged")
    INTERRUPTED = "interrupted", _("Interrupted")
    INACTIVE = "inactive", _("Inactive: staff to decide")


class Engagement(models.Model):
    """One row per episode; the sweep keeps it current.

    ``next_check_at`` is the one denormalised due time the sweep looks for,
    like Healthchecks' ``alert_after``; attendance moves it to "now".
    """

    episode = models.OneToOneField(
        Episode, on_delete=models.CASCADE, primary_key=True, related_name="engagement"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ENGAGED)
    since = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    # Start of the drift clock when the person has not attended yet.
    started_at = models.DateTimeField(default=timezone.now)
    # Set when an episode that was on hold (or finished) is resumed: until
    # the person attends a session again, the sweep never calls them
    # "engaged" just because nothing was missed since the resume; the first
    # attended (or late) session clears it. NULL for everyone else.
    returning_since = models.DateTimeField(null=True, blank=True)
    # Expected sessions that started up to here have been looked at.
    scanned_until = models.DateTimeField(null=True, blank=True)
    first_missed_at = models.DateTimeField(null=True, blank=True)
    missed_count = models.PositiveIntegerField(default=0)
    recent_missed = models.JSONField(default=list, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # Number of status changes so far; (episode, seq) is unique in the
    # history, so a transition can never be written twice.
    seq = models.PositiveIntegerField(default=0)
    # A sweep claims a batch with a conditional update on these two.
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # sweep.claim_batch(): due rows only; finished episodes have NULL.
            models.Index(
                fields=["next_check_at"],
                name="engagement_due",
                condition=models.Q(next_check_at__isnull=False),
            ),
            # The staff Today board lists a program's drifting people.
            models.Index(fields=["program", "status", "since"], name="engagement_board"),
        ]

    def __str__(self):
        return f"{self.get_status_display()} since {self.since:%Y-%m-%d}"


class StatusChange(models.Model):
    """Never updated or deleted: how an episode's engagement moved."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="changes")
    seq = models.PositiveIntegerField()
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)
    recorded = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "seq"], name="status_change_once")
        ]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"

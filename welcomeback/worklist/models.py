"""Staff tasks: a piece of work for a person on the staff, with a due time.

Outreach call steps, opt-out reviews, "ask for a new number" and, later,
return requests and clinical reviews all become tasks here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import Client, Episode, Program


class TaskKind(models.TextChoices):
    CALL = "call", _("Call")
    LETTER = "letter", _("Letter")
    OPT_OUT_REVIEW = "opt_out_review", _("Check a possible opt-out")
    NEW_CONTACT = "new_contact", _("Ask for a new way to reach them")
    HELD_MESSAGE = "held_message", _("A held message needs a person")
    FOLLOW_UP = "follow_up", _("Follow up")
    # A clinician looks at a flagged re-assessment answer (STANDARDS.md 32).
    CLINICIAN_REVIEW = "clinician_review", _("Clinician review")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    kind = models.CharField(max_length=24, choices=TaskKind.choices)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    # Whoever creates a task for an event names it, so a retry never
    # creates the same task twice.
    key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    closed = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # The staff task queue: open tasks of a program by due time.
            models.Index(fields=["program", "status", "due_at"], name="task_queue"),
        ]

    def __str__(self):
        return self.title

"""Interop's own bookkeeping: EHR ids, and each import's progress and problems.

Clients keep their EHR id on the care record itself (``Client.external_id``,
unique in the organization: staff see it on the person page). Everything
else an EHR names by its own id (a group, an appointment, an expectation, an
episode) is mapped here, per program, so that importing the same file twice
finds the same rows instead of making new ones.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import Program


class ExternalKind(models.TextChoices):
    GROUP = "group", _("Group")
    APPOINTMENT = "appointment", _("Individual appointment")
    EXPECTATION = "expectation", _("Expectation")
    EPISODE = "episode", _("Episode")


class ExternalId(models.Model):
    """The EHR's id for one of our rows, in one program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ExternalKind.choices)
    # A namespace for the id, e.g. a FHIR identifier system; blank for CSV.
    system = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=64)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "system", "external_id"], name="external_id_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="external_id_object")]

    def __str__(self):
        return f"{self.kind} {self.external_id} → {self.object_id}"


class ImportKind(models.TextChoices):
    CLIENTS = "clients", _("People")
    GROUPS = "groups", _("Groups and their weekly schedules")
    EXPECTATIONS = "expectations", _("Who is expected at which group")
    ATTENDANCE = "attendance", _("Attendance")


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped")


class ImportRun(models.Model):
    """One import of one file: what was asked, how far it got, what it did.

    The task that runs it is only a trigger (ARCHITECTURE.md): it claims the
    row with a conditional UPDATE from queued to running, so a second run of
    the same task does nothing.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    preset = models.CharField(max_length=40, default="welcomeback")
    encoding = models.CharField(
        max_length=20, blank=True, help_text=_("Blank: UTF-8, checked strictly.")
    )
    date_format = models.CharField(max_length=40, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    # Where the uploaded file waits for the task; deleted once imported.
    stored_path = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    message = models.TextField(blank=True, help_text=_("Why the whole file stopped, if it did."))
    encoding_used = models.CharField(max_length=20, blank=True)
    bytes_total = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Import {self.pk} ({self.kind}, {self.state})"

    @property
    def percent(self) -> int:
        if self.state == ImportState.DONE:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, int(100 * self.bytes_read / self.bytes_total))

    @property
    def is_over(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)


class ImportProblem(models.Model):
    """One bad row (or cell) of an import: where, and why, in plain words.

    Never the cell's value when it may identify someone (names, phones,
    emails): the line and column are enough to find it in the file.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=400)

    class Meta:
        ordering = ["line", "pk"]

    def __str__(self):
        return f"line {self.line} {self.column}: {self.reason}"

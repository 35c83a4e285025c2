"""The care record: who is in which program, what they are expected at, and
what happened. Every time is stored in UTC and shown in the program's zone."""

import zoneinfo
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a time zone we know."), params={"zone": value})


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class LevelOfCare(models.TextChoices):
    # ASAM Criteria, 3rd edition level codes (STANDARDS.md §6).
    OUTPATIENT = "1", _("Outpatient (level 1)")
    INTENSIVE_OUTPATIENT = "2.1", _("Intensive outpatient (level 2.1)")
    PARTIAL_HOSPITALIZATION = "2.5", _("Partial hospitalization (level 2.5)")


class AsamEdition(models.TextChoices):
    THIRD = "3", _("ASAM Criteria, 3rd edition (2013)")
    FOURTH = "4", _("ASAM Criteria, 4th edition (2023)")


# The level codes of each ASAM edition (STANDARDS.md §6), with their names.
ASAM_LEVELS = {
    AsamEdition.THIRD: {
        "0.5": _("Early intervention"),
        "1": _("Outpatient"),
        "2.1": _("Intensive outpatient"),
        "2.5": _("Partial hospitalization"),
        "3.1": _("Clinically managed low-intensity residential"),
        "3.3": _("Clinically managed population-specific high-intensity residential"),
        "3.5": _("Clinically managed high-intensity residential"),
        "3.7": _("Medically monitored intensive inpatient"),
        "4": _("Medically managed intensive inpatient"),
    },
    AsamEdition.FOURTH: {
        "1.0": _("Long-term remission monitoring"),
        "1.5": _("Outpatient therapy"),
        "1.7": _("Medically managed outpatient"),
        "2.1": _("Intensive outpatient"),
        "2.5": _("High-intensity outpatient"),
        "2.7": _("Medically managed intensive outpatient"),
        "3.1": _("Clinically managed low-intensity residential"),
        "3.5": _("Clinically managed high-intensity residential"),
        "3.7": _("Medically managed residential"),
        "4": _("Medically managed inpatient"),
    },
}


class Organization(models.Model):
    name = models.CharField(max_length=200)

    def __str__(self):
        return self.name


class Site(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)

    def __str__(self):
        return self.name


class Program(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=200, help_text=_("The name staff use."))
    neutral_name = models.CharField(
        max_length=60,
        help_text=_("A discreet name for messages and public pages; says nothing about care."),
    )
    phone = models.CharField(max_length=20, blank=True)
    revealing_names = models.TextField(
        blank=True,
        help_text=_(
            "Other names that would tell someone this is care, one per line; discreet "
            "messages never use them. The program's own name is always one."
        ),
    )
    level_of_care = models.CharField(
        max_length=4, choices=LevelOfCare.choices, default=LevelOfCare.INTENSIVE_OUTPATIENT
    )
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    opens_at = models.TimeField(default=time(9, 0))
    closes_at = models.TimeField(default=time(17, 0))
    open_weekdays = models.CharField(
        max_length=7, default="01234", help_text=_("Weekday digits, Monday = 0.")
    )
    lapsing_after_days = models.PositiveSmallIntegerField(default=7)
    disengaged_after_days = models.PositiveSmallIntegerField(default=14)
    interrupted_after_days = models.PositiveSmallIntegerField(default=28)
    inactive_after_days = models.PositiveSmallIntegerField(default=90)
    messages_from = models.TimeField(
        default=time(9, 0), help_text=_("Automated messages go no earlier, in the person's time.")
    )
    messages_until = models.TimeField(
        default=time(20, 0), help_text=_("Automated messages go no later, in the person's time.")
    )
    # FCC health-care exemption (47 CFR 64.1200(a)(9)(iv)): 1 a day, 3 a week
    # at most; a program may only lower them.
    messages_per_day = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(1)]
    )
    messages_per_week = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(3)]
    )
    response_minutes = models.PositiveSmallIntegerField(
        default=60,
        help_text=_(
            "A person answers a return request within this many minutes while the program "
            "is open, or within this long after it next opens."
        ),
    )
    crisis_response_minutes = models.PositiveSmallIntegerField(
        default=5, help_text=_("For a request in crisis, at any hour.")
    )
    on_call_phone = models.CharField(
        max_length=20, blank=True, help_text=_("Paged by text at once for a crisis.")
    )
    on_call_email = models.EmailField(blank=True)
    director_email = models.EmailField(
        blank=True, help_text=_("Told when a request goes past its response time.")
    )
    missed_grace_minutes = models.PositiveSmallIntegerField(
        default=60, help_text=_("How long after a session ends before it counts as missed.")
    )
    session_horizon_days = models.PositiveSmallIntegerField(
        default=28, help_text=_("How far ahead sessions are generated from group schedules.")
    )
    resume_within_days = models.PositiveSmallIntegerField(
        default=180,
        help_text=_(
            "A return within this many days of the last episode's end resumes it; "
            "after that a new episode is opened, linked to the last one."
        ),
    )
    unreachable_after_attempts = models.PositiveSmallIntegerField(
        default=5,
        help_text=_(
            "Contact attempts without reaching the person before a request closes as "
            "unreachable and outreach slows to occasional check-ins."
        ),
    )
    require_full_reassessment = models.BooleanField(
        default=False,
        help_text=_(
            "Require the fuller re-assessment, not only the safety screen, "
            "before a re-entry plan is agreed."
        ),
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=15, help_text=_("Staff are signed out after this many idle minutes.")
    )

    def __str__(self):
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def revealing_names_list(self) -> list[str]:
        names = [self.name]
        names += [line.strip() for line in self.revealing_names.splitlines()]
        neutral = self.neutral_name.casefold()
        return [n for n in dict.fromkeys(names) if n and n.casefold() != neutral]

    def clean(self):
        thresholds = [
            self.lapsing_after_days,
            self.disengaged_after_days,
            self.interrupted_after_days,
            self.inactive_after_days,
        ]
        if thresholds != sorted(set(thresholds)):
            raise ValidationError(
                _("Thresholds must grow: lapsing < disengaged < interrupted < inactive.")
            )


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    TELEHEALTH = "telehealth", _("Telehealth")


class Group(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=200)
    duration_minutes = models.PositiveSmallIntegerField(
        default=180, validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    modality = models.CharField(max_length=12, choices=Modality.choices, default=Modality.IN_PERSON)
    language = models.CharField(max_length=8, default="en")
    capacity = models.PositiveSmallIntegerField(default=12)
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class GroupSlot(models.Model):
    """One weekly meeting time of a group, in the program's local time."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    starts_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "weekday", "starts_at"], name="slot_once")
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled by the program")


class SessionKind(models.TextChoices):
    GROUP = "group", _("Group")
    INDIVIDUAL = "individual", _("Individual appointment")


class Session(models.Model):
    """One occurrence of a group, or one individual appointment."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="sessions")
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    kind = models.CharField(max_length=12, choices=SessionKind.choices, default=SessionKind.GROUP)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancelled_reason = models.CharField(max_length=200, blank=True)
    # The weekday in the program's zone, stored so that a weekday-restricted
    # expectation (a reduced schedule) is one plain comparison in the sweep.
    local_weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            # generate_sessions() relies on this to stay idempotent.
            models.UniqueConstraint(
                fields=["group", "starts_at"],
                condition=models.Q(group__isnull=False),
                name="group_session_once",
            )
        ]
        indexes = [
            # The sweep and roll call look sessions up by group and time.
            models.Index(fields=["group", "starts_at"], name="session_group_time"),
            models.Index(fields=["program", "starts_at"], name="session_program_time"),
        ]

    def __str__(self):
        return f"{self.group or self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.starts_at is not None:
            self.local_weekday = self.starts_at.astimezone(self.program.zone).weekday()
            if kwargs.get("update_fields") is not None and "starts_at" in kwargs["update_fields"]:
                kwargs["update_fields"] = {*kwargs["update_fields"], "local_weekday"}
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class Client(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clients")
    external_id = models.CharField(
        max_length=64, blank=True, help_text=_("The client's id in the program's EHR.")
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text=_("E.164, e.g. +15555550123"))
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=8, default="en")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Blank means the program's time zone."),
    )
    postal_state = models.CharField(
        max_length=2,
        blank=True,
        help_text=_("US state of the home address, e.g. NY; it sets calling hours."),
    )
    # Contact preferences (HIPAA 164.522(b): honoured without asking why).
    sms_allowed = models.BooleanField(default=True)
    email_allowed = models.BooleanField(default=True)
    calls_allowed = models.BooleanField(default=True)
    letters_allowed = models.BooleanField(default=True)
    voicemail_allowed = models.BooleanField(default=False)
    discreet = models.BooleanField(
        default=True, help_text=_("Messages say nothing that reveals care.")
    )
    # The hours they welcome messages, in their own time; never wider than
    # 08:00-21:00 or their state's calling hours.
    contact_from = models.TimeField(null=True, blank=True)
    contact_until = models.TimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="client_external_id_once",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}".strip()


class EpisodeStatus(models.TextChoices):
    # FHIR R4 EpisodeOfCare.status
    PLANNED = "planned", _("Planned")
    WAITLIST = "waitlist", _("Waitlist")
    ACTIVE = "active", _("Active")
    ON_HOLD = "onhold", _("On hold")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class DischargeReason(models.IntegerChoices):
    # TEDS-D REASON codes (SAMHSA TEDS-D codebook).
    COMPLETED = 1, _("Treatment completed")
    DROPPED_OUT = 2, _("Dropped out of treatment")
    TERMINATED = 3, _("Terminated by facility")
    TRANSFERRED = 4, _("Transferred to another program or facility")
    INCARCERATED = 5, _("Incarcerated")
    DEATH = 6, _("Death")
    OTHER = 7, _("Other")


class Episode(models.Model):
    """An episode of care (FHIR EpisodeOfCare)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="episodes")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="episodes")
    status = models.CharField(
        max_length=12, choices=EpisodeStatus.choices, default=EpisodeStatus.PLANNED
    )
    level_of_care = models.CharField(
        max_length=4,
        default=LevelOfCare.INTENSIVE_OUTPATIENT,
        help_text=_("The ASAM level code, in the episode's ASAM edition."),
    )
    asam_edition = models.CharField(
        max_length=1, choices=AsamEdition.choices, default=AsamEdition.THIRD
    )
    weekly_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Planned hours of care a week."),
    )
    started = models.DateTimeField(null=True, blank=True)
    ended = models.DateTimeField(null=True, blank=True)
    discharge_reason = models.PositiveSmallIntegerField(
        choices=DischargeReason.choices, null=True, blank=True
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text=_("The earlier episode this one continues."),
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["program", "status"], name="episode_program_status")]

    def __str__(self):
        return f"Episode {self.pk} ({self.get_status_display()})"

    def get_level_of_care_display(self) -> str:
        """The level's name in its ASAM edition, e.g. "Intensive outpatient (level 2.1)"."""
        name = ASAM_LEVELS.get(self.asam_edition, {}).get(self.level_of_care)
        if name is None:
            return self.level_of_care
        return _("%(name)s (level %(code)s)") % {"name": name, "code": self.level_of_care}


class EpisodeStatusChange(models.Model):
    """Never updated or deleted: the episode's status history."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=12, choices=EpisodeStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=EpisodeStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class Transition(models.TextChoices):
    """What a smaller start means for the level of care (STANDARDS.md §6)."""

    NONE = "", _("No transition")
    RAMP = "ramp", _("A short ramp back to the full schedule")
    STEP_DOWN = "step_down", _("A step-down to a lower level of care")


class LevelOfCareChange(models.Model):
    """Never updated or deleted: each level-of-care decision on an episode,
    with the ASAM edition, level code and planned weekly hours."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="level_changes")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    asam_edition = models.CharField(max_length=1, choices=AsamEdition.choices)
    from_level = models.CharField(max_length=4, blank=True)
    to_level = models.CharField(max_length=4)
    weekly_hours = models.DecimalField(max_digits=4, decimal_places=1)
    transition = models.CharField(
        max_length=10, choices=Transition.choices, blank=True, default=Transition.NONE
    )
    until = models.DateField(null=True, blank=True, help_text=_("When a ramp ends."))
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_level or '—'} → {self.to_level} ({self.weekly_hours} h/week)"


class Milestone(models.Model):
    """A goal or milestone the person met; it stays theirs across episodes."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    met_on = models.DateField()
    by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["met_on", "pk"]

    def __str__(self):
        return self.title


class Expectation(models.Model):
    """A client is expected at a group's sessions, or at one appointment,
    from one date to another. "Missed" is always relative to these."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="expectations")
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="expectations"
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expectations",
        help_text=_("An individual appointment."),
    )
    weekday = models.PositiveSmallIntegerField(
        choices=WEEKDAYS,
        null=True,
        blank=True,
        help_text=_(
            "Only the group's sessions on this weekday (a reduced schedule); "
            "blank means every session."
        ),
    )
    starts = models.DateTimeField()
    ends = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group__isnull=False) ^ models.Q(session__isnull=False),
                name="expectation_group_or_session",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__isnull=True) | models.Q(group__isnull=False),
                name="expectation_weekday_only_for_group",
            ),
        ]

    def __str__(self):
        return f"Expected at {self.group or self.session}"

    def covers(self, session: "Session") -> bool:
        """Whether this expectation means the person is expected at ``session``
        (the same test as ``care.expectations.covering``, in memory)."""
        if self.starts > session.starts_at:
            return False
        if self.ends is not None and self.ends <= session.starts_at:
            return False
        if self.session_id is not None:
            return self.session_id == session.pk
        if session.group_id is None or self.group_id != session.group_id:
            return False
        return self.weekday is None or self.weekday == session.local_weekday


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    LATE = "late", _("Late")
    MISSED = "missed", _("Missed")
    EXCUSED = "excused", _("Excused")
    CANCELLED = "cancelled", _("Cancelled by program")


# Attendance that is contact with the person: it resets the drift clock.
CONTACT_STATUSES = (AttendanceStatus.ATTENDED, AttendanceStatus.LATE)
# Attendance that never counts against anyone.
NOT_COUNTED_STATUSES = (AttendanceStatus.EXCUSED, AttendanceStatus.CANCELLED)


class AttendanceSource(models.TextChoices):
    ROLL_CALL = "roll_call", _("Roll call")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    DEMO = "demo", _("Demo data")


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="attendance")
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="attendance"
    )
    status = models.CharField(max_length=12, choices=AttendanceStatus.choices)
    drop_in = models.BooleanField(
        default=False, help_text=_("Came without being expected; counts as contact.")
    )
    source = models.CharField(max_length=12, choices=AttendanceSource.choices)
    recorded_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Recording the same attendance twice updates this one row.
            models.UniqueConstraint(fields=["session", "client"], name="attendance_once")
        ]
        indexes = [
            # The person timeline reads a client's attendance newest first.
            models.Index(fields=["client", "-recorded_at"], name="attendance_client_time"),
        ]

    def __str__(self):
        return f"{self.get_status_display()} at {self.session}"

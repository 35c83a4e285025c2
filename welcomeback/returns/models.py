"""Return requests: anyone who left — or a trusted person for them — asks to
come back, on any channel, and a person on the staff answers in time."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import (
    AsamEdition,
    Client,
    Episode,
    Group,
    Program,
    Session,
    Transition,
)


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    REASSESSMENT_BOOKED = "booked", _("Re-assessment booked")
    PLAN_AGREED = "plan_agreed", _("Plan agreed")
    RESUMED = "resumed", _("Resumed")
    DECLINED = "declined", _("Declined for now")
    REFERRED = "referred", _("Referred elsewhere")
    UNREACHABLE = "unreachable", _("Unreachable")


OPEN_STATUSES = [
    RequestStatus.NEW,
    RequestStatus.CONTACTED,
    RequestStatus.REASSESSMENT_BOOKED,
    RequestStatus.PLAN_AGREED,
]


class RequestChannel(models.TextChoices):
    WEB = "web", _("Web form")
    SMS = "sms", _("Text")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    LINK = "link", _("A link in a message")


class Origin(models.TextChoices):
    SELF = "self", _("The person")
    PROXY = "proxy", _("Someone on their behalf")


class Reason(models.TextChoices):
    """Reasons for leaving (PRODUCT.md): always optional, never a condition."""

    FELT_BETTER = "felt_better", _("I started feeling better")
    GROUP_FIT = "group_fit", _("The group didn't feel right")
    WORK = "work", _("Work")
    CHILDCARE = "childcare", _("Childcare")
    TRANSPORTATION = "transportation", _("Getting there")
    USED_AGAIN = "used_again", _("I used again and worried about being judged")
    TOO_HEAVY = "too_heavy", _("It got too heavy")
    TIRED = "tired", _("I was tired or overwhelmed")
    GRIEF = "grief", _("Grief")
    ANXIETY = "anxiety", _("Anxiety")
    BORED = "bored", _("It felt boring")
    SCHEDULE = "schedule", _("The schedule")
    COST = "cost", _("Cost or insurance")
    OTHER = "other", _("Something else")


class FirstStep(models.TextChoices):
    """Small first steps a person can ask for (PRODUCT.md)."""

    CONVERSATION = "conversation", _("Just a conversation first")
    ONE_GROUP = "one_group", _("One group a week to start")
    CASE_MANAGER = "case_manager", _("A meeting with a case manager")
    ONE_ON_ONE = "one_on_one", _("A one-on-one session first")
    OTHER_TIME = "other_time", _("A different time or group")
    TELEHEALTH = "telehealth", _("Joining from home (video)")
    STEP_DOWN = "step_down", _("Fewer hours a week")


class PlanStep(models.TextChoices):
    """Steps a re-entry plan can choose (PRODUCT.md: re-entry plan). The
    person's own FirstStep choices are a subset; these are the staff's."""

    CONVERSATION = "conversation", _("A single re-entry conversation")
    ONE_GROUP = "one_group", _("One group a week to start")
    CASE_MANAGER = "case_manager", _("A meeting with a case manager")
    ONE_ON_ONE = "one_on_one", _("A one-on-one session first")
    BRIDGE = "bridge", _("One-on-one bridge sessions")
    OTHER_TIME = "other_time", _("Another schedule")
    OTHER_GROUP = "other_group", _("Another group")
    OTHER_SITE = "other_site", _("Another site")
    TELEHEALTH = "telehealth", _("A telehealth group (joining from home)")
    STEP_DOWN = "step_down", _("A step-down level of care (fewer hours)")
    HARM_REDUCTION = "harm_reduction", _("A harm-reduction welcome and a safety check")
    REFERRAL_UP = "referral_up", _("A referral to more care")


class ReturnRequest(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="return_requests"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.SELF)
    channel = models.CharField(max_length=8, choices=RequestChannel.choices)
    # How to reach the person who wants to come back.
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    best_time = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=8, default="en")
    reasons = models.JSONField(default=list, blank=True)
    reasons_note = models.CharField(
        max_length=500, blank=True, help_text=_("Reasons in their own words, if they gave any.")
    )
    first_steps = models.JSONField(default=list, blank=True)
    # A trusted person asking on someone's behalf. Kept as a note that is
    # never confirmed back to them (42 CFR 2.13(c)).
    proxy_name = models.CharField(max_length=200, blank=True)
    proxy_relationship = models.CharField(max_length=100, blank=True)
    proxy_phone = models.CharField(max_length=20, blank=True)
    proxy_email = models.EmailField(blank=True)
    intent = models.CharField(
        max_length=8, blank=True, help_text=_("What triage read: return, crisis or other.")
    )
    crisis = models.BooleanField(default=False)
    crisis_category = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inbound = models.ForeignKey(
        "outreach.InboundMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text=_("When a person should have answered."))
    first_response_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Unreachable: the next occasional check-in (PRODUCT.md principle 4).
    check_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-crisis", "due_at"]
        indexes = [
            # The Today board: a program's open requests, crisis first, by clock.
            models.Index(fields=["program", "status", "-crisis", "due_at"], name="request_board"),
            # returns.clock.escalate_overdue(): unanswered requests by due time.
            models.Index(
                fields=["due_at"],
                name="request_unanswered",
                condition=models.Q(first_response_at__isnull=True, escalated_at__isnull=True),
            ),
            models.Index(
                fields=["check_in_at"],
                name="request_check_in",
                condition=models.Q(check_in_at__isnull=False),
            ),
            # returns.requests.open_conversation(): a sender nobody knows yet,
            # by the number or email they wrote from. Without these it read
            # every open request of the program (thousands, after a burst).
            models.Index(
                fields=["phone", "created"],
                name="request_unknown_phone",
                condition=models.Q(client__isnull=True),
            ),
            models.Index(
                fields=["email", "created"],
                name="request_unknown_email",
                condition=models.Q(client__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Return request {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequestEvent(models.Model):
    """Never edited: what happened to a request, in order."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class ContactMethod(models.TextChoices):
    TEXT = "text", _("Text")
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")
    PROXY = "proxy", _("Through a trusted person (with consent)")


class ContactResult(models.TextChoices):
    REACHED = "reached", _("Reached them")
    LEFT_MESSAGE = "left_message", _("Left a message")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number or address")


class ContactAttempt(models.Model):
    """Each try to reach the person, numbered."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(max_length=12, choices=ContactMethod.choices)
    result = models.CharField(max_length=14, choices=ContactResult.choices)
    why_not_reached = models.CharField(
        max_length=300, blank=True, help_text=_("If not reached: what happened, in a few words.")
    )
    planned_date = models.DateField(
        null=True, blank=True, help_text=_("A day they said they plan to come.")
    )
    # When the sweep found the planned date passed with no attendance.
    planned_checked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="contact_attempt_once")
        ]
        indexes = [
            # returns.outcomes.follow_up_planned_dates(): planned dates not yet checked.
            models.Index(
                fields=["planned_date"],
                name="attempt_planned_date",
                condition=models.Q(planned_date__isnull=False, planned_checked_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"Attempt {self.number}: {self.get_result_display()}"

    @property
    def reached(self) -> bool:
        return self.result == ContactResult.REACHED


class FirstStepSuggestion(models.Model):
    """A program's table of suggested first steps: for a reason someone
    left, a step that might make coming back easier. Shipped defaults are
    installed per program (returns/defaults/first_steps.toml); staff
    always choose freely."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    step = models.CharField(max_length=16, choices=PlanStep.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "reason", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "reason", "step"], name="first_step_suggestion_once"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} → {self.get_step_display()}"


class AssessmentSource(models.TextChoices):
    STAFF = "staff", _("Filled in with staff")
    SELF = "self", _("Filled in by the person (one-tap link)")


class Assessment(models.Model):
    """Never edited: one instrument's answers, scored, with the version of
    the instrument they answered."""

    # Rows go with their episode or request, like its status history.
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
    )
    instrument = models.CharField(max_length=16)
    instrument_version = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    total = models.SmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    flagged = models.BooleanField(default=False)
    complete = models.BooleanField(default=False)
    source = models.CharField(max_length=8, choices=AssessmentSource.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(episode__isnull=False) | models.Q(request__isnull=False),
                name="assessment_for_episode_or_request",
            )
        ]

    def __str__(self):
        return f"{self.instrument} at {self.at:%Y-%m-%d}"


class ExpectAt(models.TextChoices):
    """How the first booking becomes an expectation."""

    ONCE = "once", _("That session only")
    WEEKLY = "weekly", _("That group, on that weekday each week")
    EVERY = "every", _("Every session of that group")


class ReentryPlan(models.Model):
    """Never edited: the plan agreed with the person (a later plan is a new row)."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="plans")
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="reentry_plans")
    steps = models.JSONField(default=list)
    asam_edition = models.CharField(max_length=1, choices=AsamEdition.choices)
    level_code = models.CharField(max_length=4)
    weekly_hours = models.DecimalField(max_digits=4, decimal_places=1)
    transition = models.CharField(
        max_length=10, choices=Transition.choices, blank=True, default=Transition.NONE
    )
    ramp_until = models.DateField(null=True, blank=True)
    first_session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expect = models.CharField(max_length=8, choices=ExpectAt.choices, blank=True)
    notes = models.TextField(blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreed_at", "pk"]

    def __str__(self):
        return f"Re-entry plan {self.pk}"

    def step_labels(self) -> list[str]:
        labels = dict(PlanStep.choices)
        return [str(labels.get(step, step)) for step in self.steps]

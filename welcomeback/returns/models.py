"""Return requests: anyone who left — or a trusted person for them — asks to
come back, on any channel, and a person on the staff answers in time."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import Client, Episode, Program


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
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="contact_attempt_once")
        ]

    def __str__(self):
        return f"Attempt {self.number}: {self.get_result_display()}"

    @property
    def reached(self) -> bool:
        return self.result == ContactResult.REACHED

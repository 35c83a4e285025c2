"""Outreach: templates, contact points, consent, messages in and out, and
cadences. Every automated word a client receives starts here."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import Client, Episode, Program
from welcomeback.engagement.models import Status


class Channel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    VOICEMAIL = "voicemail", _("Voicemail script")
    LETTER = "letter", _("Letter")


class Purpose(models.TextChoices):
    """What a template is for: an engagement status, or a system reply."""

    MISSED = "missed", _("After a missed session")
    LAPSING = "lapsing", _("Lapsing")
    DISENGAGED = "disengaged", _("Disengaged")
    INTERRUPTED = "interrupted", _("Interrupted")
    INACTIVE = "inactive", _("Inactive")
    CHECK_IN = "check_in", _("Low-key check-in")
    OPT_IN_CONFIRMATION = "opt_in", _("Texts turned on")
    OPT_OUT_CONFIRMATION = "opt_out", _("Texts turned off")
    HELP = "help", _("Reply to HELP")
    STAFF = "staff", _("Written by staff")
    CRISIS_REPLY = "crisis", _("Answer to a message in crisis")
    STAFF_ALERT = "staff_alert", _("Alert to the staff on call")
    DOOR_OPEN = "door_open", _("The door stays open")


class Template(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="templates")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    language = models.CharField(max_length=8, default="en")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)

    class Meta:
        ordering = ["program", "purpose", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "channel", "language", "purpose"], name="template_once"
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.get_channel_display()} · {self.language}"

    def current(self):
        return self.versions.order_by("-number").first()


class TemplateVersion(models.Model):
    """Never edited: saving a template writes a new version."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200, blank=True)
    preview = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_once")
        ]

    def __str__(self):
        return f"{self.template} v{self.number}"


class PointKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")


class ContactPoint(models.Model):
    """A phone number or email address of a client, and whether it works."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=8, choices=PointKind.choices)
    address = models.CharField(max_length=254, help_text=_("E.164 number or lower-case email"))
    verified = models.BooleanField(
        default=False, help_text=_("Confirmed as theirs; inbound messages match only these.")
    )
    failing_since = models.DateTimeField(null=True, blank=True)
    failing_reason = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "kind", "address"], name="contact_point_once")
        ]
        indexes = [
            # Matching an inbound text or email to a client.
            models.Index(fields=["kind", "address"], name="contact_point_lookup"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of client {self.client_id}"

    @property
    def failing(self) -> bool:
        return self.failing_since is not None


class ConsentSource(models.TextChoices):
    FORM = "form", _("A form they filled in")
    PAPER = "paper", _("On paper")
    VERBAL = "verbal", _("Said to staff")
    KEYWORD = "keyword", _("A keyword they texted")
    LINK = "link", _("A link they followed")
    REPLY = "reply", _("Their own words in a reply")
    IMPORT = "import", _("Imported from the EHR")


class ConsentEvent(models.Model):
    """Append-only: each grant or withdrawal of consent to a channel, with
    the exact wording shown, who captured it, when, and for which address.
    The latest event for (client, channel, address) is the one in force."""

    # Consent belongs to the number or address: a STOP from a phone two
    # people share stops texts to both. The client is who we knew it as.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    address = models.CharField(max_length=254)
    granted = models.BooleanField()
    wording = models.TextField(help_text=_("The exact words the person saw or heard."))
    source = models.CharField(max_length=12, choices=ConsentSource.choices)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # consent.in_force(): the latest event for one address.
            models.Index(fields=["channel", "address", "-at"], name="consent_latest"),
        ]

    def __str__(self):
        return f"{'Granted' if self.granted else 'Withdrawn'} {self.channel} {self.at:%Y-%m-%d}"


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Not sent")
    UNKNOWN = "unknown", _("Outcome unknown")


class Message(models.Model):
    """One outbound message. The row carries the state; a dispatch task is
    only a trigger, and a conditional update makes a second run harmless."""

    # Empty only for a reply to someone we don't know (a STOP or HELP from
    # an unknown number still gets its one answer).
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    to_address = models.CharField(max_length=254)
    sender_name = models.CharField(max_length=60)
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    automated = models.BooleanField(default=True)
    subject = models.CharField(max_length=200, blank=True)
    preview = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    state = models.CharField(
        max_length=12, choices=MessageState.choices, default=MessageState.QUEUED
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text=_("Why it is held, not sent, or failed.")
    )
    not_before = models.DateTimeField(
        null=True, blank=True, help_text=_("Held until then (quiet hours, caps, a pause).")
    )
    # Names the event this message is for, so it is never created twice.
    key = models.CharField(max_length=160, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=255, blank=True)
    provider_status = models.CharField(max_length=32, blank=True)
    error_code = models.CharField(max_length=32, blank=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]
        indexes = [
            # dispatch: queued messages whose hold has passed.
            models.Index(
                fields=["not_before"],
                name="message_due",
                condition=models.Q(state="queued"),
            ),
            # Status callbacks find the message by the provider's id.
            models.Index(fields=["provider_id"], name="message_provider_id"),
            # Caps and the outreach log read a client's messages by time.
            models.Index(fields=["client", "-created"], name="message_client_time"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.get_state_display()} ({self.pk})"


class AttemptOutcome(models.TextChoices):
    STARTED = "started", _("Started")
    ACCEPTED = "accepted", _("Accepted by the provider")
    TEMPORARY = "temporary", _("Temporary error")
    PERMANENT = "permanent", _("Permanent error")


class SendAttempt(models.Model):
    """Written before the provider is called, finished after: a crash in
    between leaves a started attempt, never a silent resend."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="send_attempts")
    number = models.PositiveSmallIntegerField()
    started = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=12, choices=AttemptOutcome.choices, default=AttemptOutcome.STARTED
    )
    error_code = models.CharField(max_length=32, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["message", "number"]
        constraints = [models.UniqueConstraint(fields=["message", "number"], name="attempt_once")]

    def __str__(self):
        return f"Attempt {self.number} of message {self.message_id}"


class InboundKind(models.TextChoices):
    OPT_OUT = "opt_out", _("Opt-out keyword")
    OPT_IN = "opt_in", _("Opt-in keyword")
    HELP = "help", _("Help keyword")
    OPT_OUT_LIKE = "opt_out_like", _("Reads like an opt-out")
    REPLY = "reply", _("A reply")


class InboundMessage(models.Model):
    """A text or email someone sent us, kept whoever sent it."""

    channel = models.CharField(max_length=12, choices=Channel.choices)
    from_address = models.CharField(max_length=254)
    to_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    received = models.DateTimeField(default=timezone.now)
    provider_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound"
    )
    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=InboundKind.choices, blank=True)

    class Meta:
        ordering = ["-received"]
        indexes = [
            models.Index(fields=["client", "-received"], name="inbound_client_time"),
            # Unknown senders, for the return-request triage to pick up.
            models.Index(
                fields=["received"],
                name="inbound_unmatched",
                condition=models.Q(client__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Inbound {self.get_channel_display()} {self.received:%Y-%m-%d %H:%M}"


class StepAction(models.TextChoices):
    SMS = "sms", _("Send a text")
    EMAIL = "email", _("Send an email")
    CALL = "call", _("Ask a case manager to call")
    LETTER = "letter", _("Ask staff to send a letter")


class CadenceStep(models.Model):
    """One step of a program's outreach: what to do, how many days after
    the person entered an engagement status."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cadence_steps")
    status = models.CharField(max_length=12, choices=Status.choices)
    after_days = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(max_length=8, choices=StepAction.choices)
    purpose = models.CharField(
        max_length=12, choices=Purpose.choices, help_text=_("Which template the step uses.")
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Repeat at this pace while the status lasts.")
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "status", "after_days", "pk"]

    def __str__(self):
        return f"{self.get_status_display()} +{self.after_days}d: {self.get_action_display()}"


class CadenceState(models.Model):
    """Where an episode is in its program's cadence; the planner looks for
    rows whose next_step_at is due, as the sweep does."""

    episode = models.OneToOneField(
        Episode, on_delete=models.CASCADE, primary_key=True, related_name="cadence"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    status_since = models.DateTimeField()
    engagement_seq = models.PositiveIntegerField()
    next_step_at = models.DateTimeField(null=True, blank=True)
    stopped_reason = models.CharField(max_length=200, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # outreach planner: due rows only.
            models.Index(
                fields=["next_step_at"],
                name="cadence_due",
                condition=models.Q(next_step_at__isnull=False),
            )
        ]

    def __str__(self):
        return f"Cadence of episode {self.episode_id}"


class StepOutcome(models.Model):
    """Each cadence step taken — sent, held, suppressed or a task — for the
    timeline. (episode, step, engagement_seq, cycle) is unique: a step is
    taken once per stay in a status, or once per repeat."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(CadenceStep, on_delete=models.CASCADE, related_name="+")
    engagement_seq = models.PositiveIntegerField()
    cycle = models.PositiveSmallIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now)
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "step", "engagement_seq", "cycle"], name="step_once"
            )
        ]

    def __str__(self):
        return self.summary


class UpdateSubscriber(models.Model):
    """Someone who asked for occasional email updates from the public site.

    Double opt-in: nothing is sent but the confirmation until they follow
    its link; one click unsubscribes (RFC 8058). Not tied to any client.
    """

    email = models.EmailField(unique=True)
    language = models.CharField(max_length=8, default="en")
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The exact words they agreed to on the sign-up page.
    wording = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Update subscriber {self.pk}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

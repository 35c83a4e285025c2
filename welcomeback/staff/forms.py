from django import forms
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import AttendanceStatus, Client, DischargeReason, Program
from welcomeback.lib.phones import to_e164
from welcomeback.returns.models import RequestChannel, RequestStatus

MARK_CHOICES = [
    (AttendanceStatus.ATTENDED, _("Here")),
    (AttendanceStatus.LATE, _("Late")),
    (AttendanceStatus.MISSED, _("Not here")),
    (AttendanceStatus.EXCUSED, _("Excused")),
]


class DischargeForm(forms.Form):
    reason = forms.TypedChoiceField(
        label=_("Reason (TEDS-D)"),
        choices=[("", _("Choose a reason"))] + list(DischargeReason.choices),
        coerce=int,
        error_messages={"required": _("Choose the reason for the discharge.")},
    )
    note = forms.CharField(
        label=_("Note for the record (optional)"), required=False, max_length=300
    )


class PreferencesForm(forms.ModelForm):
    """How the person wants to be reached (HIPAA 164.522(b)): recorded as
    they say it, never with a reason asked for."""

    class Meta:
        model = Client
        fields = [
            "preferred_name",
            "pronouns",
            "language",
            "phone",
            "email",
            "postal_state",
            "time_zone",
            "sms_allowed",
            "email_allowed",
            "calls_allowed",
            "voicemail_allowed",
            "letters_allowed",
            "discreet",
            "contact_from",
            "contact_until",
            "paused_until",
        ]
        widgets = {
            "language": forms.Select(choices=[("en", "English"), ("es", "Español")]),
            "contact_from": forms.TimeInput(attrs={"type": "time"}),
            "contact_until": forms.TimeInput(attrs={"type": "time"}),
            "paused_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }
        labels = {
            "sms_allowed": _("Texts are fine"),
            "email_allowed": _("Email is fine"),
            "calls_allowed": _("Calls are fine"),
            "voicemail_allowed": _("Voicemail is fine"),
            "letters_allowed": _("Letters are fine"),
            "postal_state": _("State (2 letters)"),
            "time_zone": _("Time zone, if not the program's"),
            "contact_from": _("Messages from (their time)"),
            "contact_until": _("Messages until (their time)"),
            "paused_until": _("Paused until"),
            "discreet": _("Discreet messages (nothing that reveals care)"),
        }

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        phone = to_e164(raw)
        if raw and not phone:
            raise forms.ValidationError(_("Enter a phone number like 212 555 0123."))
        return phone

    def clean_postal_state(self):
        return self.cleaned_data["postal_state"].strip().upper()


CONSENT_CHANNELS = [("sms", _("Text messages")), ("email", _("Email"))]
CONSENT_SOURCES = [
    ("form", _("A form they filled in")),
    ("paper", _("On paper")),
    ("verbal", _("Said to staff")),
]
OPT_OUT_SOURCES = [
    ("verbal", _("Said to staff (call or in person)")),
    ("paper", _("In writing")),
    ("reply", _("In an email or message")),
]


class ConsentForm(forms.Form):
    """Consent with the exact words the person saw or heard."""

    channel = forms.ChoiceField(label=_("Channel"), choices=CONSENT_CHANNELS)
    wording = forms.CharField(
        label=_("The exact words they agreed to"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the words they saw or heard, as they were.")},
    )
    source = forms.ChoiceField(label=_("How"), choices=CONSENT_SOURCES)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def clean(self):
        data = super().clean()
        channel = data.get("channel")
        if channel and not self.address():
            raise forms.ValidationError(
                _("Add their phone number or email first, then record consent for it.")
            )
        return data

    def address(self) -> str:
        channel = self.cleaned_data.get("channel")
        return self.client.email if channel == "email" else self.client.phone

    def save(self, by):
        from welcomeback.outreach.preferences import start_channel

        return start_channel(
            self.client,
            self.cleaned_data["channel"],
            self.address(),
            self.cleaned_data["wording"],
            self.cleaned_data["source"],
            by,
        )


class OptOutForm(ConsentForm):
    """An opt-out said on any channel takes effect at once."""

    wording = forms.CharField(
        label=_("What they said"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Note what they said, in a few words.")},
    )
    source = forms.ChoiceField(label=_("How"), choices=OPT_OUT_SOURCES)

    def save(self, by):
        from welcomeback.outreach.preferences import stop_channel

        return stop_channel(
            self.client,
            self.cleaned_data["channel"],
            self.address(),
            self.cleaned_data["wording"],
            self.cleaned_data["source"],
            by,
        )


class TaskDoneForm(forms.Form):
    outcome = forms.CharField(label=_("What happened"), max_length=300, required=False)


# The outcomes (declined, referred, unreachable), the plan and the return
# each have their own step, which does what they mean (one door-open
# message, check-ins, resuming the episode); this menu only moves between
# the stages before them.
STAGES = [RequestStatus.NEW, RequestStatus.CONTACTED, RequestStatus.REASSESSMENT_BOOKED]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where things stand"),
        choices=[(stage.value, stage.label) for stage in STAGES],
        help_text=_("Agreeing a plan, and closing a request, have their own steps above."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class NewRequestForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=None)
    channel = forms.ChoiceField(
        label=_("They reached us by"),
        choices=[(RequestChannel.PHONE, _("Phone call")), (RequestChannel.WALK_IN, _("Walk-in"))],
    )
    name = forms.CharField(label=_("Their name (optional)"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("en", "English"), ("es", "Español")]
    )
    message = forms.CharField(
        label=_("What they said, in their words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(pk__in=[p.pk for p in programs])

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Add a phone number or an email so we can reach them."))
        return data

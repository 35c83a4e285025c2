"""The public forms. One field is ever required: a way to reach someone.

Every field keeps what was typed when the form comes back with an error;
a phone number is accepted in any common US format and normalised.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from welcomeback.lib.phones import to_e164
from welcomeback.returns.models import FirstStep, Reason

NEED_CONTACT = _("Enter a phone number or an email so we can reach you")
NEED_THEIR_CONTACT = _("Enter their phone number or email so we can reach them")
BAD_EMAIL = _("Enter an email like name@example.com, or a phone number")
BAD_PHONE = _("Enter a phone number with its area code, like 212 555 0100, or an email")


@dataclass(frozen=True)
class Contact:
    phone: str = ""  # E.164
    email: str = ""

    @property
    def address(self) -> str:
        return self.phone or self.email


def read_contact(raw: str) -> Contact:
    """A phone number (normalised to E.164) or an email; ValidationError
    with a message that says what to do."""
    raw = (raw or "").strip()
    if "@" in raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise ValidationError(BAD_EMAIL, code="email") from None
        return Contact(email=raw.lower())
    phone = to_e164(raw)
    if not phone:
        raise ValidationError(BAD_PHONE, code="phone")
    return Contact(phone=phone)


class ContactField(forms.CharField):
    """One box for a phone number or an email."""

    def __init__(self, *, required_message=NEED_CONTACT, autocomplete="tel", **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(
            error_messages={"required": required_message},
            widget=forms.TextInput(
                attrs={"autocomplete": autocomplete, "spellcheck": "false", "class": "wide"}
            ),
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        return read_contact(value) if value else None


class SharedChoices:
    """Fixed choices, shared by every form instead of deep-copied for each
    one: a copy of their translated labels was a tenth of a millisecond of
    every form's answer. Nothing changes a field's choices per form."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class SharedChoiceField(SharedChoices, forms.ChoiceField):
    pass


class SharedMultipleChoiceField(SharedChoices, forms.MultipleChoiceField):
    pass


class SharedFields(dict):
    """A form's declared fields, shared by its instances instead of
    deep-copied for each one (Django copies them so that a view may change a
    field for one form; nothing here does). The copy of a form's fields and
    widgets was a fifth of the return form's answer."""

    def __deepcopy__(self, memo):
        return dict(self)


def shared_fields(form_class):
    """Class decorator: the form's instances share its fields (SharedFields)."""
    form_class.base_fields = SharedFields(form_class.base_fields)
    return form_class


class Honeypot(forms.Form):
    """A field people never see and bots fill in. Hidden by CSS, out of the
    tab order and hidden from screen readers (the template wraps it in
    aria-hidden). A filled one means: answer as usual, store nothing."""

    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


@shared_fields
class ReturnForm(Honeypot):
    contact = ContactField(
        label=_("Your phone number or email"),
        help_text=_("We'll only use it to get in touch about coming back."),
    )
    message = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Anything you'd like to say (optional)"),
        help_text=_("A few words are fine. So is nothing."),
        widget=forms.Textarea(attrs={"rows": 4, "class": "wide"}),
    )
    best_time = forms.CharField(
        required=False,
        max_length=100,
        label=_("When is a good time to reach you? (optional)"),
        help_text=_("For example: weekday mornings, or after 5 PM."),
        widget=forms.TextInput(attrs={"class": "wide", "autocomplete": "off"}),
    )
    language = SharedChoiceField(
        required=False,
        choices=language_choices,
        label=_("Which language should we use? (optional)"),
        widget=forms.RadioSelect,
    )
    reasons = SharedMultipleChoiceField(
        required=False,
        choices=Reason.choices,
        label=_("Did something make it hard to keep coming? (optional)"),
        help_text=_("Choose any that fit, or none. You never have to tell us."),
        widget=forms.CheckboxSelectMultiple,
    )
    first_steps = SharedMultipleChoiceField(
        required=False,
        choices=FirstStep.choices,
        label=_("Would a small first step help? (optional)"),
        help_text=_("Choose any you'd like to talk about."),
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["contact", "message", "best_time", "language", "reasons", "first_steps"]


class ProxyForm(Honeypot):
    your_name = forms.CharField(
        required=False,
        max_length=200,
        label=_("Your name (optional)"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": "wide"}),
    )
    relationship = forms.CharField(
        required=False,
        max_length=100,
        label=_("How do you know them? (optional)"),
        help_text=_("For example: parent, partner, friend or case manager."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "wide"}),
    )
    your_contact = ContactField(
        required=False,
        label=_("Your phone number or email (optional)"),
        help_text=_("So we can get back to you. We can listen, but we can't share anything."),
    )
    their_name = forms.CharField(
        required=False,
        max_length=200,
        label=_("Their name (optional)"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "wide"}),
    )
    their_contact = ContactField(
        required_message=NEED_THEIR_CONTACT,
        autocomplete="off",
        label=_("Their phone number or email"),
        help_text=_("We'll reach out to them gently, in a message that says nothing private."),
    )
    message = forms.CharField(
        required=False,
        max_length=2000,
        label=_("What would you like to tell us? (optional)"),
        help_text=_("Anything you think would help. We read every word."),
        widget=forms.Textarea(attrs={"rows": 5, "class": "wide"}),
    )
    field_order = [
        "your_name",
        "relationship",
        "your_contact",
        "their_name",
        "their_contact",
        "message",
    ]


class UpdatesForm(Honeypot):
    email = forms.EmailField(
        max_length=254,
        label=_("Your email"),
        error_messages={
            "required": _("Enter your email so we can send you updates"),
            "invalid": _("Enter an email like name@example.com"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    language = forms.ChoiceField(
        required=False,
        choices=language_choices,
        label=_("Which language? (optional)"),
        widget=forms.RadioSelect,
    )
    field_order = ["email", "language"]


class PauseForm(forms.Form):
    wait = forms.ChoiceField(
        choices=[
            ("week", _("In a week")),
            ("month", _("In a month")),
        ],
        initial="week",
        label=_("When should we ask again?"),
        widget=forms.RadioSelect,
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from welcomeback.disclosures.models import (
    InfoKind,
    Notice,
    Part2Consent,
    Purpose,
    RecipientKind,
)

RECIPIENT_ROWS = 3


class ConsentForm(forms.ModelForm):
    """Every 2.31 element, as on the signed form; up to three recipients."""

    info_kinds = forms.MultipleChoiceField(
        label=_("What may be shared (as we act on it)"),
        choices=InfoKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    purposes = forms.MultipleChoiceField(
        label=_("Why (as we act on it)"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Part2Consent
        fields = [
            "kind",
            "program",
            "discloser",
            "information",
            "info_kinds",
            "purpose",
            "purposes",
            "expires_on",
            "expiry_event",
            "signed_by",
            "signer_role",
            "signer_authority",
            "signature_method",
            "signed_on",
            "revocation_statement",
            "revocation_method",
            "redisclosure_statement",
            "no_conditioning_statement",
            "hipaa_redisclosure_statement",
            "language",
        ]
        labels = {
            "kind": _("Kind of consent"),
            "program": _("Program that may share"),
            "discloser": _("Who may share, as named on the form"),
            "information": _("What may be shared, in the words on the form"),
            "purpose": _("Why, in the words on the form"),
            "expires_on": _("Ends on (date)"),
            "expiry_event": _("Or ends when (event)"),
            "signed_by": _("Signed by"),
            "signer_role": _("Who signed"),
            "signer_authority": _("Their authority to sign for the person"),
            "signature_method": _("How it was signed"),
            "signed_on": _("Date signed"),
            "revocation_statement": _("The right to revoke, as stated"),
            "revocation_method": _("How to revoke, as stated"),
            "redisclosure_statement": _("Statement about redisclosure"),
            "no_conditioning_statement": _("Statement that care does not depend on signing"),
            "hipaa_redisclosure_statement": _("HIPAA redisclosure statement (TPO consents)"),
            "language": _("Language of the form"),
        }
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            "signed_on": forms.DateInput(attrs={"type": "date"}),
            "information": forms.Textarea(attrs={"rows": 3}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "revocation_statement": forms.Textarea(attrs={"rows": 2}),
            "revocation_method": forms.Textarea(attrs={"rows": 2}),
            "redisclosure_statement": forms.Textarea(attrs={"rows": 3}),
            "no_conditioning_statement": forms.Textarea(attrs={"rows": 2}),
            "hipaa_redisclosure_statement": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = self.fields["program"].queryset.filter(
            pk__in=[p.pk for p in programs]
        )
        for number in range(1, RECIPIENT_ROWS + 1):
            required = number == 1
            self.fields[f"r{number}_name"] = forms.CharField(
                label=_("Recipient %(n)s: name") % {"n": number},
                required=required,
                max_length=200,
            )
            self.fields[f"r{number}_kind"] = forms.ChoiceField(
                label=_("Recipient %(n)s: a person or an organization") % {"n": number},
                choices=RecipientKind.choices[:2],
                required=False,
            )
            self.fields[f"r{number}_relationship"] = forms.CharField(
                label=_("Recipient %(n)s: relationship or role") % {"n": number},
                required=False,
                max_length=100,
            )
            self.fields[f"r{number}_phone"] = forms.CharField(
                label=_("Recipient %(n)s: phone") % {"n": number}, required=False, max_length=30
            )
            self.fields[f"r{number}_email"] = forms.EmailField(
                label=_("Recipient %(n)s: email") % {"n": number}, required=False
            )

    def recipients(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "name": data[f"r{n}_name"],
                "kind": data[f"r{n}_kind"] or RecipientKind.PERSON,
                "relationship": data[f"r{n}_relationship"],
                "phone": data[f"r{n}_phone"],
                "email": data[f"r{n}_email"],
            }
            for n in range(1, RECIPIENT_ROWS + 1)
            if data.get(f"r{n}_name")
        ]

    def consent_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DiscloseForm(forms.Form):
    info_kinds = forms.MultipleChoiceField(
        label=_("What you shared"),
        choices=[c for c in InfoKind.choices if c[0] != InfoKind.COUNSELING_NOTES],
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.ChoiceField(label=_("Why"), choices=Purpose.choices)
    what = forms.CharField(
        label=_("What you said, briefly"), widget=forms.Textarea(attrs={"rows": 2})
    )
    notice = forms.ChoiceField(
        label=_("Notice sent with it (42 CFR 2.32)"),
        choices=[c for c in Notice.choices if c[0] != Notice.NONE],
    )
    recipient = forms.TypedChoiceField(label=_("To whom"), coerce=int, required=False)

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        if recipients:
            self.fields["recipient"].choices = [(r.pk, r.label) for r in recipients]
            self.fields["recipient"].required = True
        else:
            del self.fields["recipient"]


class EmergencyForm(forms.Form):
    recipient_name = forms.CharField(label=_("Who received it"), max_length=200)
    affiliation = forms.CharField(label=_("Their affiliation"), max_length=200)
    nature = forms.CharField(
        label=_("The nature of the emergency"), widget=forms.Textarea(attrs={"rows": 2})
    )
    what = forms.CharField(label=_("What you shared"), widget=forms.Textarea(attrs={"rows": 2}))


class BreakGlassForm(forms.Form):
    record = forms.IntegerField(label=_("Record number"), min_value=1)
    reason = forms.CharField(
        label=_("Why you need this record now"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        help_text=_("The program director is told, and the access ends after an hour."),
    )

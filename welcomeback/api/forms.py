from django import forms
from django.utils.translation import gettext_lazy as _

from welcomeback.api.models import Event, Scope


class KeyForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, label=_("Program"), empty_label=None)
    name = forms.CharField(
        max_length=100,
        label=_("Name"),
        help_text=_("What will use it, e.g. “EHR nightly sync”."),
    )
    scope = forms.ChoiceField(
        choices=Scope.choices, label=_("Access"), widget=forms.RadioSelect, initial=Scope.READ
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class WebhookForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, label=_("Program"), empty_label=None)
    url = forms.URLField(
        max_length=500,
        label=_("Address"),
        help_text=_("Where we send events: an https:// address that your system answers."),
        assume_scheme="https",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices, label=_("Events"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs

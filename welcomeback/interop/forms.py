from django import forms
from django.utils.translation import gettext_lazy as _

from welcomeback.interop import formats, presets
from welcomeback.interop.models import ImportKind

ENCODING_CHOICES = [
    ("", _("UTF-8 (checked; most exports)")),
    ("latin-1", _("Latin-1 (older Windows and EHR exports)")),
    ("windows-1252", _("Windows-1252 (Excel on Windows)")),
]
DATE_CHOICES = [("", _("As the preset says (YYYY-MM-DD unless it says otherwise)"))] + [
    (name, name) for name in formats.DATE_FORMATS
]


class UploadForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, label=_("Program"), empty_label=None)
    kind = forms.ChoiceField(choices=ImportKind.choices, label=_("What the file holds"))
    preset = forms.ChoiceField(
        label=_("Column names from"),
        help_text=_("A preset maps your EHR's column names and codes to ours."),
    )
    encoding = forms.ChoiceField(choices=ENCODING_CHOICES, required=False, label=_("Encoding"))
    date_format = forms.ChoiceField(choices=DATE_CHOICES, required=False, label=_("Dates"))
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["preset"].choices = [(name, name) for name in presets.available()]
        self.fields["preset"].initial = "welcomeback"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Choose a .csv file."))
        return upload

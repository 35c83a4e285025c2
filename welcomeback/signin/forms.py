from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from the authenticator app, or (``recovery=True``) a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
    )

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = {
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "inputmode": "text" if recovery else "numeric",
            "class": "code-input",
        }
        self.fields["code"].widget.attrs.update(attrs)

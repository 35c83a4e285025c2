from django import forms
from django.utils.translation import gettext_lazy as _

from welcomeback.care.models import AttendanceStatus, DischargeReason

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

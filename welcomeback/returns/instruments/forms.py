"""A Django form built from an instrument: one radio group per item, every item optional.

Used by the staff re-assessment pages and by the person's own one-tap page;
render it with the partial returns/instrument_form.html. A person may skip any
question, and change their mind: each group ends with "Skip this question",
since a radio button once chosen cannot be cleared without it.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import Instrument, Result, get, score

SKIP = ""


def item_number(key: str) -> str:
    """The number people see: "q7a" -> "7A"; a follow-up ("q6_recent") has none."""
    number = key.removeprefix("q")
    return number.upper() if number.isalnum() else ""


def _skip_logic_hint(instrument: Instrument, item) -> str:
    if item.ask_if is None:
        return ""
    parent = instrument.item(item.ask_if.item)
    answer = next(o.label for o in parent.options if o.value in item.ask_if.values)
    return format_lazy(
        _("Only if you answered “{answer}” to question {number}."),
        answer=answer,
        number=item_number(parent.key),
    )


class AnswerRadios(forms.RadioSelect):
    """Radios with nothing chosen until the person chooses: Django would otherwise
    render an unanswered question as "Skip this question" already ticked."""

    def format_value(self, value):
        return [] if value is None else super().format_value(value)


class InstrumentForm(forms.Form):
    """Answers to one instrument. `answers()` for storage, `result()` for the score."""

    def __init__(self, instrument: Instrument | str, *args, **kwargs):
        self.instrument = get(instrument) if isinstance(instrument, str) else instrument
        # Several instruments can share one page: field names are "<code>-<item key>".
        kwargs.setdefault("prefix", self.instrument.code)
        super().__init__(*args, **kwargs)
        for item in self.instrument.items:
            self.fields[item.key] = self._field(item)

    def _field(self, item) -> forms.TypedChoiceField:
        choices = [(option.value, option.label) for option in item.options]
        hints = [hint for hint in (_skip_logic_hint(self.instrument, item), item.hint) if hint]
        field = forms.TypedChoiceField(
            label=item.text,
            help_text=format_lazy(" ".join(["{}"] * len(hints)), *hints) if hints else "",
            choices=[*choices, (SKIP, _("Skip this question"))],
            coerce=int,
            empty_value=None,
            required=False,
            widget=AnswerRadios,
            error_messages={
                "invalid_choice": _("Choose one of the answers shown, or skip this question.")
            },
        )
        field.number = item_number(item.key)
        return field

    def answers(self) -> dict[str, int | None]:
        if not self.is_valid():
            raise ValueError("answers() needs a valid form; show its errors instead")
        return {key: self.cleaned_data.get(key) for key in self.instrument.keys}

    def result(self, *, sex: str | None = None) -> Result:
        return score(self.instrument.code, self.answers(), sex=sex)

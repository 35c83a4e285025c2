"""Reasons for leaving, and the first steps they suggest.

Reasons are always optional (PRODUCT.md principle 1): the person may give
them on the return form or the one-tap page, staff may note them later, and
nothing ever requires them. Each reason suggests a few small first steps
from the program's table, shown with the reason behind them.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.returns.models import (
    FirstStepSuggestion,
    PlanStep,
    Reason,
    RequestEvent,
    ReturnRequest,
)

DEFAULTS_FILE = Path(__file__).parent / "defaults" / "first_steps.toml"


def shipped_first_steps() -> dict[str, list[str]]:
    """The shipped table: reason → steps, in order."""
    with DEFAULTS_FILE.open("rb") as file:
        table = tomllib.load(file)
    return {reason: list(entry["steps"]) for reason, entry in table.items()}


def install_first_steps(program) -> int:
    """Install the shipped table for a program that has none; idempotent.
    Returns how many rows were installed."""
    if FirstStepSuggestion.objects.filter(program=program).exists():
        return 0
    rows = [
        FirstStepSuggestion(program=program, reason=reason, step=step, position=position)
        for reason, steps in shipped_first_steps().items()
        for position, step in enumerate(steps)
    ]
    try:
        with transaction.atomic():
            FirstStepSuggestion.objects.bulk_create(rows)
    except IntegrityError:
        return 0  # another process installed them a moment ago
    return len(rows)


def first_step_table(program) -> dict[str, list[str]]:
    """The program's table, installing the shipped one on first use."""
    rows = list(FirstStepSuggestion.objects.filter(program=program))
    if not rows and install_first_steps(program):
        rows = list(FirstStepSuggestion.objects.filter(program=program))
    table: dict[str, list[str]] = {}
    for row in rows:
        table.setdefault(row.reason, []).append(row.step)
    return table


@dataclass
class Suggestion:
    """One suggested step and the reason(s) behind it."""

    step: str
    because_reason: str
    because_reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(dict(PlanStep.choices).get(self.step, self.step))

    @property
    def because(self) -> str:
        """E.g. "because: “Getting there”" — the reasons as the person would say them."""
        names = dict(Reason.choices)
        said = ", ".join(f"“{names.get(r, r)}”" for r in self.because_reasons)
        return _("because: %(reasons)s") % {"reasons": said}


def suggest_steps(request_or_episode) -> list[Suggestion]:
    """Suggested first steps for a return request (its reasons), or for an
    episode (the reasons of its latest request). Each step appears once,
    with every reason that suggests it, in the order of the reasons given."""
    request = request_or_episode
    if not isinstance(request, ReturnRequest):
        request = (
            ReturnRequest.objects.filter(episode=request_or_episode).order_by("-created").first()
        )
        if request is None:
            return []
    table = first_step_table(request.program)
    found: dict[str, Suggestion] = {}
    for reason in request.reasons:
        for step in table.get(reason, []):
            if step in found:
                found[step].because_reasons.append(reason)
            else:
                found[step] = Suggestion(step, reason, [reason])
    return list(found.values())


def note_reasons(
    request: ReturnRequest, reasons, note: str = "", by=None, now=None
) -> ReturnRequest:
    """Record the reasons someone left, as staff heard them or the person
    gave them (``by`` None) — replacing what was noted before. Never
    required: an empty list and no note are fine."""
    now = now or timezone.now()
    reasons = list(dict.fromkeys(reasons or []))
    unknown = [r for r in reasons if r not in Reason.values]
    if unknown:
        raise ValidationError(_("Unknown reason: %(reason)s"), params={"reason": unknown[0]})
    note = (note or "").strip()[:500]
    with transaction.atomic():
        ReturnRequest.objects.filter(pk=request.pk).update(reasons=reasons, reasons_note=note)
        RequestEvent.objects.create(
            request=request,
            at=now,
            by=by,
            kind="reasons",
            note=", ".join(reasons)[:500],
        )
    request.refresh_from_db()
    return request

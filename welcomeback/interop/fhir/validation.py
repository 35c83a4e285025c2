"""Validating one resource with fhir.resources, and saying what is wrong in
plain words.

Why R4B for an R4 interface: fhir.resources 8 has no R4 module (it ships R5,
R4B and STU3). R4B (4.3.0) changed none of the elements Welcome Back reads
or writes on Patient, Appointment, Encounter, EpisodeOfCare, Communication,
CommunicationRequest, Task, QuestionnaireResponse, Consent and Bundle:
R4B's changes were to medication definition, evidence, subscriptions and
a few new resources. The models refuse any element they do not know, and
``tests/test_fhir_export.py`` validates every resource type we write, so an
element R4B lacked or renamed would fail there.

fhir.resources checks structure, cardinality and data types, but not
required code bindings; statuses are checked here against R4's value sets.
"""

from dataclasses import dataclass

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from welcomeback.interop.fhir.codes import STATUS_CODES

# How many of pydantic's complaints a report shows for one resource.
MAX_REASONS = 3


@dataclass
class Invalid(Exception):
    """A resource that is not valid FHIR R4; ``reason`` is for people."""

    reason: str

    def __str__(self):
        return self.reason


def validate(resource: dict):
    """The fhir.resources model of ``resource``; raises Invalid."""
    if not isinstance(resource, dict):
        raise Invalid("the entry has no resource object")
    kind = resource.get("resourceType")
    if not isinstance(kind, str) or not kind:
        raise Invalid("the resource has no resourceType")
    try:
        model_class = get_fhir_model_class(kind)
    except ValueError:
        raise Invalid(f"{kind} is not a FHIR resource type") from None
    try:
        model = model_class.model_validate(resource)
    except ValidationError as error:
        raise Invalid(explain(error)) from None
    check_status(kind, resource.get("status"))
    return model


def check_status(kind: str, status) -> None:
    allowed = STATUS_CODES.get(kind)
    if allowed is not None and status not in allowed:
        raise Invalid(f"status {status!r} is not one of {kind}'s status codes")


def as_json(model) -> dict:
    """A validated model back to plain JSON, as it goes on the wire."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def build(resource: dict) -> dict:
    """Validate a resource we made and return it as it will be written:
    export never writes anything fhir.resources would refuse."""
    return as_json(validate(resource))


def explain(error: ValidationError) -> str:
    parts = []
    for problem in error.errors()[:MAX_REASONS]:
        where = ".".join(str(step) for step in problem.get("loc", ())) or "resource"
        message = problem.get("msg", "is not valid").removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    more = error.error_count() - MAX_REASONS
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)

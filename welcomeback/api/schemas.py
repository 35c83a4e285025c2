"""What the API takes and gives. Ids and statuses, and names only where an
EHR needs them to match its own records; never phone numbers, addresses or
message text (minimum necessary, 45 CFR 164.502(b))."""

from datetime import UTC, datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

# Ids fit a signed 64-bit column; anything bigger is refused as invalid
# rather than reaching the database (PostgreSQL would fail the query).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _in_range(value: datetime) -> datetime:
    # A time near year 1 or 9999 with an offset has no UTC equivalent.
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("this time is out of range") from None


Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]
# Text without NUL (PostgreSQL refuses it in text columns).
Text = Annotated[str, StringConstraints(max_length=64, pattern=r"^[^\x00]*$")]


class Page(Schema):
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page."
    )


class Error(Schema):
    detail: str


class ClientOut(Schema):
    id: int
    external_id: str
    first_name: str
    last_name: str
    preferred_name: str
    pronouns: str
    language: str
    created: datetime


class ClientPage(Page):
    items: list[ClientOut]


class LookupIn(Schema):
    external_ids: list[Text] = Field(..., max_length=1000)


class LookupOut(Schema):
    external_id: str
    id: int


class SlotOut(Schema):
    weekday: int = Field(..., description="Monday = 0, in the program's time zone.")
    starts_at: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="Local time, HH:MM.")


class GroupOut(Schema):
    id: int
    name: str
    modality: str
    language: str
    capacity: int
    duration_minutes: int
    active: bool
    slots: list[SlotOut]


class GroupPage(Page):
    items: list[GroupOut]


class SessionOut(Schema):
    id: int
    group_id: int | None
    kind: str
    starts_at: datetime
    ends_at: datetime
    status: str


class SessionPage(Page):
    items: list[SessionOut]


class AttendanceOut(Schema):
    id: int
    session_id: int
    client_id: int
    episode_id: int | None
    status: str
    drop_in: bool
    source: str
    recorded_at: datetime


class AttendancePage(Page):
    items: list[AttendanceOut]


class AttendanceRowIn(Schema):
    session_id: Id
    client_id: Id | None = Field(None, description="Our id; or give `client_external_id`.")
    client_external_id: Text | None = Field(None, description="The EHR's id of the person.")
    status: Annotated[str, StringConstraints(max_length=20)] = Field(
        ..., description="attended, late, missed, excused or cancelled."
    )
    recorded_at: Moment | None = None


class AttendanceBatchIn(Schema):
    rows: list[AttendanceRowIn] = Field(..., min_length=1, max_length=10_000)


class RowResult(Schema):
    index: int = Field(..., description="The row's position in `rows`, from 0.")
    ok: bool
    error: str | None = None


class AttendanceBatchOut(Schema):
    written: int
    refused: int
    results: list[RowResult]


class ReturnRequestOut(Schema):
    id: int
    client_id: int | None
    episode_id: int | None
    status: str
    origin: str
    channel: str
    crisis: bool
    created: datetime
    due_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None


class ReturnRequestPage(Page):
    items: list[ReturnRequestOut]


class MessageOut(Schema):
    id: int
    client_id: int | None
    episode_id: int | None
    channel: str
    purpose: str
    state: str
    created: datetime
    sent_at: datetime | None
    delivered_at: datetime | None


class MessagePage(Page):
    items: list[MessageOut]


class InboundOut(Schema):
    id: int
    client_id: int | None
    channel: str
    kind: str
    received: datetime


class InboundPage(Page):
    items: list[InboundOut]


class EngagementOut(Schema):
    episode_id: int
    client_id: int
    status: str
    since: datetime
    reason: str
    last_contact_at: datetime | None


class EngagementPage(Page):
    items: list[EngagementOut]

"""The read endpoints: one funnel per object type (``scoping``), one audit
event per call (``calls``), cursor pages (``pagination``)."""

from typing import Annotated

from django.db.models import Prefetch
from ninja import Router
from pydantic import Field

from welcomeback.api import calls, scoping
from welcomeback.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page
from welcomeback.api.schemas import (
    AttendanceOut,
    AttendancePage,
    ClientOut,
    ClientPage,
    EngagementOut,
    EngagementPage,
    Error,
    GroupOut,
    GroupPage,
    Id,
    InboundPage,
    LookupIn,
    LookupOut,
    MessagePage,
    Moment,
    ReturnRequestOut,
    ReturnRequestPage,
    SessionOut,
    SessionPage,
)
from welcomeback.care.models import GroupSlot
from welcomeback.engagement.models import Status
from welcomeback.outreach.models import MessageState
from welcomeback.returns.models import RequestStatus

router = Router()

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str, Field(max_length=500)]
NOT_FOUND = {404: Error}
LIST_ERRORS = {400: Error}


def listing(request, queryset, name, cursor, limit, *, by=None, object_type, client_of=None):
    rows, next_cursor = page(queryset, name=name, cursor=cursor, limit=limit, by=by)
    client_ids = [client_of(row) for row in rows] if client_of else ()
    calls.called(
        request, calls.VIEW, object_type, client_ids=client_ids, detail={"count": len(rows)}
    )
    return {"items": rows, "next_cursor": next_cursor}


def one(request, queryset, pk, object_type, *, client_of=None):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise calls.not_found(request, object_type, pk)
    client_ids = [client_of(found)] if client_of else ()
    calls.called(request, calls.VIEW, object_type, object_id=pk, client_ids=client_ids)
    return found


# ---------------------------------------------------------------- clients


@router.get("/clients", response={200: ClientPage, **LIST_ERRORS}, tags=["clients"])
def list_clients(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    """People with an episode in, or a return request to, the key's program."""
    queryset = scoping.clients(request.auth)
    return listing(
        request,
        queryset,
        "clients",
        cursor,
        limit,
        by="created",
        object_type="care.client",
        client_of=lambda c: c.pk,
    )


@router.post("/clients/lookup", response=list[LookupOut], tags=["clients"])
def lookup_clients(request, body: LookupIn):
    """Our ids for the EHR's ids (sent in the body, never in a URL). Ids we
    do not know are left out of the answer."""
    found = list(
        scoping.clients(request.auth)
        .filter(external_id__in=[x for x in body.external_ids if x])
        .values("external_id", "id")
    )
    calls.called(
        request,
        calls.VIEW,
        "care.client",
        client_ids=[row["id"] for row in found],
        detail={"lookup": len(body.external_ids), "found": len(found)},
    )
    return found


@router.get("/clients/{client_id}", response={200: ClientOut, **NOT_FOUND}, tags=["clients"])
def get_client(request, client_id: Id):
    return one(
        request, scoping.clients(request.auth), client_id, "care.client", client_of=lambda c: c.pk
    )


# ---------------------------------------------------------------- groups and sessions


def groups_with_slots(key):
    return scoping.groups(key).prefetch_related(
        Prefetch("slots", queryset=GroupSlot.objects.order_by("weekday", "starts_at"))
    )


@router.get("/groups", response={200: GroupPage, **LIST_ERRORS}, tags=["schedule"])
def list_groups(request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT):
    queryset = groups_with_slots(request.auth)
    result = listing(request, queryset, "groups", cursor, limit, object_type="care.group")
    result["items"] = [group_out(group) for group in result["items"]]
    return result


@router.get("/groups/{group_id}", response={200: GroupOut, **NOT_FOUND}, tags=["schedule"])
def get_group(request, group_id: Id):
    return group_out(one(request, groups_with_slots(request.auth), group_id, "care.group"))


def group_out(group) -> dict:
    fields = ["id", "name", "modality", "language", "capacity", "duration_minutes", "active"]
    slots = [{"weekday": s.weekday, "starts_at": f"{s.starts_at:%H:%M}"} for s in group.slots.all()]
    return {**{f: getattr(group, f) for f in fields}, "slots": slots}


@router.get("/sessions", response={200: SessionPage, **LIST_ERRORS}, tags=["schedule"])
def list_sessions(
    request,
    group_id: Id | None = None,
    starts_from: Moment | None = None,
    starts_before: Moment | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """Sessions in id order; filter by group and by start time."""
    queryset = scoping.sessions(request.auth)
    if group_id is not None:
        queryset = queryset.filter(group_id=group_id)
    if starts_from is not None:
        queryset = queryset.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        queryset = queryset.filter(starts_at__lt=starts_before)
    return listing(request, queryset, "sessions", cursor, limit, object_type="care.session")


@router.get("/sessions/{session_id}", response={200: SessionOut, **NOT_FOUND}, tags=["schedule"])
def get_session(request, session_id: Id):
    return one(request, scoping.sessions(request.auth), session_id, "care.session")


# ---------------------------------------------------------------- attendance (reading)


@router.get("/attendance", response={200: AttendancePage, **LIST_ERRORS}, tags=["attendance"])
def list_attendance(
    request,
    session_id: Id | None = None,
    client_id: Id | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    queryset = scoping.attendance(request.auth)
    if session_id is not None:
        queryset = queryset.filter(session_id=session_id)
    if client_id is not None:
        queryset = queryset.filter(client_id=client_id)
    return listing(
        request,
        queryset,
        "attendance",
        cursor,
        limit,
        object_type="care.attendance",
        client_of=lambda a: a.client_id,
    )


@router.get(
    "/attendance/{attendance_id}", response={200: AttendanceOut, **NOT_FOUND}, tags=["attendance"]
)
def get_attendance(request, attendance_id: Id):
    return one(
        request,
        scoping.attendance(request.auth),
        attendance_id,
        "care.attendance",
        client_of=lambda a: a.client_id,
    )


# ---------------------------------------------------------------- return requests


@router.get("/return-requests", response={200: ReturnRequestPage, **LIST_ERRORS}, tags=["returns"])
def list_return_requests(
    request,
    status: RequestStatus | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """Requests to come back, oldest first. Their words and contact details
    stay on the staff side."""
    queryset = scoping.return_requests(request.auth)
    if status is not None:
        queryset = queryset.filter(status=status)
    return listing(
        request,
        queryset,
        "return-requests",
        cursor,
        limit,
        by="created",
        object_type="returns.returnrequest",
        client_of=lambda r: r.client_id,
    )


@router.get(
    "/return-requests/{request_id}",
    response={200: ReturnRequestOut, **NOT_FOUND},
    tags=["returns"],
)
def get_return_request(request, request_id: Id):
    return one(
        request,
        scoping.return_requests(request.auth),
        request_id,
        "returns.returnrequest",
        client_of=lambda r: r.client_id,
    )


# ---------------------------------------------------------------- outreach events


@router.get("/outreach/messages", response={200: MessagePage, **LIST_ERRORS}, tags=["outreach"])
def list_messages(
    request,
    state: MessageState | None = None,
    client_id: Id | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """Messages sent to people: channel, purpose and state, never the text."""
    queryset = scoping.messages(request.auth)
    if state is not None:
        queryset = queryset.filter(state=state)
    if client_id is not None:
        queryset = queryset.filter(client_id=client_id)
    return listing(
        request,
        queryset,
        "messages",
        cursor,
        limit,
        by="created",
        object_type="outreach.message",
        client_of=lambda m: m.client_id,
    )


@router.get("/outreach/inbound", response={200: InboundPage, **LIST_ERRORS}, tags=["outreach"])
def list_inbound(
    request,
    client_id: Id | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """Replies from people in the program: when, on which channel, and how
    they were read (a reply, an opt-out…), never the text."""
    queryset = scoping.inbound(request.auth)
    if client_id is not None:
        queryset = queryset.filter(client_id=client_id)
    return listing(
        request,
        queryset,
        "inbound",
        cursor,
        limit,
        by="received",
        object_type="outreach.inboundmessage",
        client_of=lambda m: m.client_id,
    )


# ---------------------------------------------------------------- engagement


@router.get("/engagement", response={200: EngagementPage, **LIST_ERRORS}, tags=["engagement"])
def list_engagement(
    request,
    status: Status | None = None,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """Each episode's engagement status, by episode id."""
    queryset = scoping.engagement(request.auth).select_related("episode")
    if status is not None:
        queryset = queryset.filter(status=status)
    result = listing(
        request,
        queryset,
        "engagement",
        cursor,
        limit,
        object_type="engagement.engagement",
        client_of=lambda e: e.episode.client_id,
    )
    result["items"] = [engagement_out(row) for row in result["items"]]
    return result


@router.get(
    "/engagement/{episode_id}", response={200: EngagementOut, **NOT_FOUND}, tags=["engagement"]
)
def get_engagement(request, episode_id: Id):
    queryset = scoping.engagement(request.auth).select_related("episode")
    row = one(
        request,
        queryset,
        episode_id,
        "engagement.engagement",
        client_of=lambda e: e.episode.client_id,
    )
    return engagement_out(row)


def engagement_out(row) -> dict:
    return {
        "episode_id": row.pk,
        "client_id": row.episode.client_id,
        "status": row.status,
        "since": row.since,
        "reason": row.reason,
        "last_contact_at": row.last_contact_at,
    }

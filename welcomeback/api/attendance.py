"""Writing attendance in bulk: up to 10,000 rows a call, each row judged on
its own. A bad row is reported with its index and the reason and never
stops the good ones.

The checks are ``care.bulk``'s own (``validate``: a cancelled session, an
unknown mark), plus what only the API can get wrong: a session or a person
that is not in the key's program. The good rows are then written by
``care.bulk.record_attendance_many`` in one transaction, and the sweep is
asked to look again at the episodes they touched, as every bulk writer does.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from welcomeback.api import calls, scoping
from welcomeback.api.endpoints import router
from welcomeback.api.schemas import AttendanceBatchIn, AttendanceBatchOut, Error
from welcomeback.care.bulk import Mark, chunks, record_attendance_many, validate
from welcomeback.care.models import AttendanceSource
from welcomeback.engagement.rebuild import rescan

NO_SESSION = "No such session in this program."
NO_CLIENT = "No such person in this program."
NO_WHO = "Give client_id or client_external_id."


@router.post(
    "/attendance",
    response={200: AttendanceBatchOut, 403: Error},
    tags=["attendance"],
)
def record_attendance_batch(request, body: AttendanceBatchIn):
    """Record attendance marks; recording a mark again updates it. Each row
    gets a result with its index: ``ok``, or the reason it was refused."""
    calls.require_write(request, "care.attendance")
    key = request.auth
    rows = body.rows
    sessions = sessions_by_id(key, {row.session_id for row in rows})
    by_id, by_external = clients_of(key, rows)
    marks, results = [], []
    for index, row in enumerate(rows):
        mark, error = judge(row, sessions, by_id, by_external)
        results.append({"index": index, "ok": error is None, "error": error})
        if mark is not None:
            marks.append(mark)
    with transaction.atomic():
        episodes = record_attendance_many(marks, source=AttendanceSource.API)
        rescan(episodes, timezone.now())
    refused = len(rows) - len(marks)
    calls.called(
        request,
        calls.UPDATE,
        "care.attendance",
        detail={"rows": len(rows), "written": len(marks), "refused": refused},
    )
    return {"written": len(marks), "refused": refused, "results": results}


def judge(row, sessions, by_id, by_external) -> tuple[Mark | None, str | None]:
    session = sessions.get(row.session_id)
    if session is None:
        return None, NO_SESSION
    if row.client_id is not None:
        client_id = row.client_id if row.client_id in by_id else None
    elif row.client_external_id:
        client_id = by_external.get(row.client_external_id)
    else:
        return None, NO_WHO
    if client_id is None:
        return None, NO_CLIENT
    mark = Mark(
        session=session, client_id=client_id, status=row.status, recorded_at=row.recorded_at
    )
    try:
        validate(mark)
    except ValidationError as error:
        return None, " ".join(error.messages)
    return mark, None


def sessions_by_id(key, ids: set[int]) -> dict:
    found = {}
    for chunk in chunks(sorted(ids)):
        for session in scoping.sessions(key).filter(pk__in=chunk).select_related("program"):
            found[session.pk] = session
    return found


def clients_of(key, rows) -> tuple[set[int], dict[str, int]]:
    """The ids, and the EHR ids, of the rows' people who are in the program."""
    ids = sorted({row.client_id for row in rows if row.client_id is not None})
    external = sorted({row.client_external_id for row in rows if row.client_external_id})
    by_id, by_external = set(), {}
    for chunk in chunks(ids):
        by_id |= set(scoping.clients(key).filter(pk__in=chunk).values_list("pk", flat=True))
    for chunk in chunks(external):
        found = scoping.clients(key).filter(external_id__in=chunk).values_list("external_id", "pk")
        by_external.update(found)
    return by_id, by_external

"""The REST API: keys, scopes, program boundaries, pages, per-row bulk
results and the audit trail. Riverbend's key never sees Harbor's people."""

import json

import pytest
from django.utils import timezone

from tests.api_helpers import bearer, build_world
from welcomeback.accounts.models import AuditAction, AuditEvent, AuditOutcome
from welcomeback.api.keys import digest, revoke_key
from welcomeback.api.models import ApiKey
from welcomeback.care.models import Attendance, AttendanceSource, SessionStatus
from welcomeback.engagement.models import Engagement

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def get(client, path, token):
    return client.get(path, **bearer(token))


def post(client, path, token, body):
    return client.post(path, json.dumps(body), content_type="application/json", **bearer(token))


# ---------------------------------------------------------------- keys


def test_the_token_is_stored_only_as_its_hash(world):
    key = ApiKey.objects.get(pk=world.read_key.pk)
    assert world.read_token.startswith(f"wbk_{key.prefix}_")
    assert key.hashed == digest(world.read_token)
    assert world.read_token not in {key.hashed, key.prefix, key.name}


def test_a_call_without_a_key_is_refused(client, world):
    response = client.get("/api/v1/clients")
    assert response.status_code == 401


def test_a_wrong_key_is_refused_and_recorded(client, world):
    wrong = world.read_token[:-4] + "AAAA"
    response = get(client, "/api/v1/clients", wrong)
    assert response.status_code == 401
    event = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).latest("pk")
    assert event.actor_label == f"api key {world.read_key.prefix}"
    assert event.outcome == AuditOutcome.DENIED
    assert wrong not in event.detail


def test_a_revoked_key_stops_working_at_once(client, world):
    assert get(client, "/api/v1/clients", world.read_token).status_code == 200
    revoke_key(world.read_key)
    assert get(client, "/api/v1/clients", world.read_token).status_code == 401


def test_a_read_key_cannot_write(client, world):
    row = {"session_id": world.sessions[0].pk, "client_id": world.maya.pk, "status": "attended"}
    response = post(client, "/api/v1/attendance", world.read_token, {"rows": [row]})
    assert response.status_code == 403
    assert not Attendance.objects.exists()
    event = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).latest("pk")
    assert event.actor_label == f"api key {world.read_key.prefix}"


def test_a_key_records_when_it_was_last_used(client, world):
    assert world.read_key.last_used is None
    get(client, "/api/v1/groups", world.read_token)
    world.read_key.refresh_from_db()
    assert world.read_key.last_used is not None


# ---------------------------------------------------------------- program boundaries


def test_another_programs_person_is_not_found(client, world):
    response = get(client, f"/api/v1/clients/{world.stranger.pk}", world.read_token)
    assert response.status_code == 404
    own = get(client, f"/api/v1/clients/{world.maya.pk}", world.read_token)
    assert own.status_code == 200
    assert own.json()["first_name"] == "Maya"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/groups/{other_group}",
        "/api/v1/sessions/{other_session}",
        "/api/v1/engagement/{other_episode}",
    ],
)
def test_another_programs_objects_are_not_found(client, world, path):
    ids = {
        "other_group": world.other_group.pk,
        "other_session": world.other_sessions[0].pk,
        "other_episode": world.stranger.episodes.get().pk,
    }
    assert get(client, path.format(**ids), world.read_token).status_code == 404


def test_lists_show_only_the_keys_program(client, world):
    clients = get(client, "/api/v1/clients", world.read_token).json()["items"]
    assert {c["id"] for c in clients} == {world.maya.pk, world.jordan.pk, world.sam.pk}
    sessions = get(client, "/api/v1/sessions?limit=500", world.read_token).json()["items"]
    assert {s["id"] for s in sessions} == {s.pk for s in world.sessions}


def test_no_phone_or_email_leaves_through_the_api(client, world):
    body = get(client, f"/api/v1/clients/{world.maya.pk}", world.read_token).content.decode()
    assert world.maya.phone not in body
    assert "phone" not in body and "email" not in body


def test_lookup_finds_our_ids_for_the_ehrs_ids_in_this_program_only(client, world):
    response = post(
        client, "/api/v1/clients/lookup", world.read_token, {"external_ids": ["EHR-1", "EHR-9"]}
    )
    assert response.json() == [{"external_id": "EHR-1", "id": world.maya.pk}]


# ---------------------------------------------------------------- pages


def test_cursor_pages_walk_every_row_once(client, world):
    seen, cursor, pages = [], None, 0
    while True:
        path = "/api/v1/sessions?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = get(client, path, world.read_token).json()
        seen += [s["id"] for s in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(s.pk for s in world.sessions)
    assert len(seen) == len(set(seen))
    assert pages == -(-len(world.sessions) // 3)


def test_cursor_pages_ordered_by_time_walk_every_row_once(client, world):
    first = get(client, "/api/v1/clients?limit=2", world.read_token).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = get(
        client, f"/api/v1/clients?limit=2&cursor={first['next_cursor']}", world.read_token
    ).json()
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert sorted(ids) == sorted([world.maya.pk, world.jordan.pk, world.sam.pk])
    assert rest["next_cursor"] is None


def test_a_forged_or_foreign_cursor_is_refused(client, world):
    sessions = get(client, "/api/v1/sessions?limit=1", world.read_token).json()
    foreign = get(client, f"/api/v1/clients?cursor={sessions['next_cursor']}", world.read_token)
    assert foreign.status_code == 400
    forged = get(client, "/api/v1/sessions?cursor=WyJzZXNzaW9ucyIsWzk5XV0", world.read_token)
    assert forged.status_code == 400


# ---------------------------------------------------------------- bulk attendance


def test_good_and_bad_rows_in_one_call_each_get_a_result_and_good_rows_are_kept(client, world):
    first, second = world.sessions[0], world.sessions[1]
    second.status = SessionStatus.CANCELLED
    second.save()
    rows = [
        {"session_id": first.pk, "client_id": world.maya.pk, "status": "attended"},
        {"session_id": first.pk, "client_id": world.jordan.pk, "status": "asleep"},
        {"session_id": second.pk, "client_id": world.sam.pk, "status": "missed"},
        {"session_id": world.other_sessions[0].pk, "client_id": world.maya.pk, "status": "late"},
        {"session_id": first.pk, "client_id": world.stranger.pk, "status": "attended"},
        {"session_id": first.pk, "client_external_id": "EHR-3", "status": "missed"},
        {"session_id": first.pk, "status": "missed"},
    ]
    response = post(client, "/api/v1/attendance", world.write_token, {"rows": rows})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["written"] == 2 and body["refused"] == 5
    results = body["results"]
    assert [r["index"] for r in results] == list(range(7))
    assert [r["ok"] for r in results] == [True, False, False, False, False, True, False]
    assert "Unknown attendance mark" in results[1]["error"]
    assert "cancelled" in results[2]["error"]
    assert results[3]["error"] == "No such session in this program."
    assert results[4]["error"] == "No such person in this program."
    assert results[6]["error"] == "Give client_id or client_external_id."
    kept = Attendance.objects.order_by("client__first_name")
    assert [(a.client_id, a.status, a.source) for a in kept] == [
        (world.maya.pk, "attended", AttendanceSource.API),
        (world.sam.pk, "missed", AttendanceSource.API),
    ]


def test_bulk_attendance_asks_the_sweep_to_look_again(client, world):
    Engagement.objects.update(next_check_at=timezone.now() + timezone.timedelta(days=9))
    row = {"session_id": world.sessions[0].pk, "client_id": world.maya.pk, "status": "attended"}
    post(client, "/api/v1/attendance", world.write_token, {"rows": [row]})
    maya = Engagement.objects.get(episode__client=world.maya)
    jordan = Engagement.objects.get(episode__client=world.jordan)
    assert maya.next_check_at < jordan.next_check_at


def test_recording_a_mark_again_updates_it(client, world):
    row = {"session_id": world.sessions[0].pk, "client_id": world.maya.pk, "status": "missed"}
    post(client, "/api/v1/attendance", world.write_token, {"rows": [row]})
    post(client, "/api/v1/attendance", world.write_token, {"rows": [{**row, "status": "excused"}]})
    assert list(Attendance.objects.values_list("status", flat=True)) == ["excused"]
    listed = get(client, f"/api/v1/attendance?client_id={world.maya.pk}", world.read_token).json()
    assert [a["status"] for a in listed["items"]] == ["excused"]


def test_more_than_ten_thousand_rows_are_refused_whole(client, world):
    row = {"session_id": world.sessions[0].pk, "client_id": world.maya.pk, "status": "attended"}
    response = post(client, "/api/v1/attendance", world.write_token, {"rows": [row] * 10_001})
    assert response.status_code == 422
    assert not Attendance.objects.exists()


def test_ten_thousand_rows_go_in_one_call(client, world):
    rows = [
        {"session_id": world.sessions[i % 8].pk, "client_id": world.maya.pk, "status": "attended"}
        for i in range(10_000)
    ]
    response = post(client, "/api/v1/attendance", world.write_token, {"rows": rows})
    assert response.status_code == 200
    assert response.json()["written"] == 10_000
    assert Attendance.objects.count() == 8


# ---------------------------------------------------------------- audit


def test_every_call_is_in_the_audit_trail_under_the_keys_name(client, world):
    before = AuditEvent.objects.count()
    get(client, f"/api/v1/clients/{world.maya.pk}", world.read_token)
    event = AuditEvent.objects.latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert event.actor_label == f"api key {world.read_key.prefix}"
    assert event.actor is None
    assert event.action == AuditAction.VIEW
    assert (event.object_type, event.object_id) == ("care.client", str(world.maya.pk))
    assert event.client_id == world.maya.pk
    assert event.program_id == world.program.pk
    assert event.path == f"/api/v1/clients/{world.maya.pk}"


def test_a_list_leaves_one_event_per_person_shown(client, world):
    before = AuditEvent.objects.count()
    get(client, "/api/v1/clients", world.read_token)
    events = AuditEvent.objects.filter(pk__gt=0).order_by("-pk")[:3]
    assert AuditEvent.objects.count() == before + 3
    assert {e.client_id for e in events} == {world.maya.pk, world.jordan.pk, world.sam.pk}


def test_a_bulk_write_leaves_one_event_with_its_counts(client, world):
    row = {"session_id": world.sessions[0].pk, "client_id": world.maya.pk, "status": "attended"}
    post(client, "/api/v1/attendance", world.write_token, {"rows": [row, {**row, "status": "x"}]})
    event = AuditEvent.objects.latest("pk")
    assert event.action == AuditAction.UPDATE
    assert event.actor_label == f"api key {world.write_key.prefix}"
    assert json.loads(event.detail) == {"refused": 1, "rows": 2, "written": 1}


def test_a_refused_object_is_recorded_as_denied(client, world):
    get(client, f"/api/v1/clients/{world.stranger.pk}", world.read_token)
    event = AuditEvent.objects.latest("pk")
    assert event.action == AuditAction.ACCESS_DENIED
    assert event.object_id == str(world.stranger.pk)


# ---------------------------------------------------------------- the schema


def test_the_openapi_schema_and_its_pages_are_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/attendance" in schema["paths"]
    assert schema["components"]["securitySchemes"]
    assert client.get("/api/docs").status_code == 200

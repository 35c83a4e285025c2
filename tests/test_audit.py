"""The audit trail: append-only, hash-chained, verified by verifyaudit, fed by
sign-ins, record changes, views and refusals, and read by admins.

Personas: Casey is on the staff, Ada is an admin (superuser); Maya and
Jordan are clients of Riverbend.
"""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.auth import roles_everywhere, sign_in
from tests.factories import group_meeting, person, riverbend, sessions_of, travel
from welcomeback.accounts import audit, audit_chain
from welcomeback.accounts.audit_chain import walk
from welcomeback.accounts.models import (
    GENESIS,
    HASHED_FIELDS,
    AuditAction,
    AuditEvent,
    AuditLogImmutable,
    AuditOutcome,
)
from welcomeback.care.attendance import record_attendance
from welcomeback.care.episodes import open_episode
from welcomeback.care.models import AttendanceStatus, Client, Expectation
from welcomeback.outreach.models import (
    Channel,
    ConsentEvent,
    ConsentSource,
    InboundMessage,
    Message,
    MessageState,
    Purpose,
)
from welcomeback.returns.models import RequestChannel, ReturnRequest
from welcomeback.worklist.models import Task, TaskKind

PASSWORD = "a-long-test-password"
TABLE = AuditEvent._meta.db_table
MONDAY = datetime(2026, 3, 2, 15, tzinfo=UTC)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- personas


@pytest.fixture(autouse=True)
def empty_trail():
    """Each test starts a chain of its own: rows other modules' threads or
    worker processes committed outside their test transaction are cleared
    (with SQL, since the application refuses to delete events)."""
    raw(f"DELETE FROM {TABLE}")  # noqa: S608


@pytest.fixture
def casey():
    user = User.objects.create_user("casey", password=PASSWORD, is_staff=True)
    # A staff member in every program, without the audit trail (directors' and admins').
    with roles_everywhere(user, ("front_desk", "case_manager", "clinician")):
        yield user


@pytest.fixture
def ada():
    return User.objects.create_superuser("ada", password=PASSWORD)


@pytest.fixture
def program():
    return riverbend()


@pytest.fixture
def maya(program):
    return person(program, "Maya")


@pytest.fixture
def jordan(program):
    return person(program, "Jordan")


@pytest.fixture
def admin_client(client, ada, program):
    # A superuser reads the whole trail; as the program's director, Ada may
    # also see the names of its people.
    sign_in(client, ada, programs=program, roles=("director",))
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Change events are written when the change commits; tests run inside
    a transaction, so this runs those callbacks at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("seq"))


def actions(**filters):
    return [event.action for event in events(**filters)]


def a_few(n=3, **fields):
    return [audit.record(AuditAction.VIEW, client_id=i, **fields) for i in range(1, n + 1)]


def verify(*args):
    call_command("verifyaudit", *args, stdout=(out := _Out()))
    return out.text


class _Out:
    text = ""

    def write(self, value):
        self.text += value

    def flush(self):
        pass


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# ---------------------------------------------------------------- the chain


def test_every_column_but_the_hash_itself_is_hashed():
    columns = {field.attname for field in AuditEvent._meta.concrete_fields}
    assert set(HASHED_FIELDS) == columns - {"hash"}


def test_events_are_numbered_and_each_names_the_hash_of_the_one_before():
    first, second, third = a_few()

    assert [e.seq for e in events()] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert all(e.hash == e.compute_hash() for e in events())


def test_an_event_is_appended_in_two_queries(django_assert_num_queries):
    a_few(1)
    with django_assert_num_queries(2):
        audit.record(AuditAction.VIEW, client_id=7)


def test_creating_an_event_through_the_orm_appends_it_to_the_chain():
    first = a_few(1)[0]
    event = AuditEvent.objects.create(actor_label="system", action=AuditAction.EXPORT)
    assert (event.seq, event.prev_hash) == (2, first.hash)
    assert event.hash == AuditEvent.objects.get(seq=2).compute_hash()


def test_the_application_refuses_to_change_or_delete_events():
    event = a_few(1)[0]
    event.client_id = 99
    attempts = [
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(seq=1).update(client_id=99),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_update([event], ["client_id"]),
        lambda: AuditEvent.objects.bulk_create([AuditEvent(seq=5, action="view")]),
    ]
    for attempt in attempts:
        with pytest.raises(AuditLogImmutable), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get().client_id == 1


def test_an_appender_that_lost_the_race_takes_the_next_position(monkeypatch):
    a_few(2)
    stale = iter([(0, GENESIS)])
    real_head = audit_chain.head
    monkeypatch.setattr(audit_chain, "head", lambda: next(stale, None) or real_head())

    audit.record(AuditAction.VIEW, client_id=3)

    assert [e.seq for e in events()] == [1, 2, 3]
    assert "intact" in verify()


def test_a_block_of_events_goes_in_whole_or_not_at_all(monkeypatch):
    """From a stale head the block's first two positions are taken and the
    third is free: the third must not stay behind, linked to nothing."""
    a_few(2)
    stale = iter([(0, GENESIS)])
    real_head = audit_chain.head
    monkeypatch.setattr(audit_chain, "head", lambda: next(stale, None) or real_head())

    audit.viewed_clients(None, [10, 11, 12])

    assert [(e.seq, e.client_id) for e in events()] == [(1, 1), (2, 2), (3, 10), (4, 11), (5, 12)]
    assert "intact" in verify()


def test_an_event_that_cannot_be_written_stops_the_caller(monkeypatch):
    def broken(events):
        raise DatabaseError("disk full")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(DatabaseError):
        audit.viewed(None, None, client_id=1)
    assert audit.record(AuditAction.ACCESS_DENIED, required=False) is None


def test_detail_is_canonical_and_short():
    event = audit.record(AuditAction.UPDATE, detail={"fields": ["b", "a"], "at": 1})
    assert event.detail == '{"at":1,"fields":["b","a"]}'
    with pytest.raises(ValueError):
        audit.record(AuditAction.UPDATE, detail={"fields": ["x" * 3000]})
    with pytest.raises(ValueError):
        audit.record("peeked")


# ---------------------------------------------------------------- verifyaudit


def test_an_intact_chain_passes_and_its_end_is_printed():
    *_, last = a_few(5)
    out = verify()
    assert "Checked 5 events; the audit chain is intact." in out
    assert f"Last event: 5:{last.hash}" in out


def test_an_empty_chain_passes():
    assert "Checked 0 events" in verify()


def test_an_edit_made_in_the_database_is_found():
    a_few(5)
    raw(f"UPDATE {TABLE} SET client_id = 42 WHERE seq = 3")  # noqa: S608

    with pytest.raises(CommandError, match="broken at event 3: its contents") as broken:
        verify()
    assert broken.value.returncode == 1


def test_a_row_deleted_in_the_database_is_found():
    a_few(5)
    raw(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608

    with pytest.raises(CommandError, match="broken at event 3: events 3 to 3 are missing"):
        verify()


def test_the_oldest_rows_deleted_are_found():
    a_few(5)
    raw(f"DELETE FROM {TABLE} WHERE seq <= 2")  # noqa: S608

    with pytest.raises(CommandError, match="events 1 to 2 are missing"):
        verify()


def test_reordered_rows_are_found():
    a_few(5)
    raw(f"UPDATE {TABLE} SET seq = -3 WHERE seq = 3")  # noqa: S608
    raw(f"UPDATE {TABLE} SET seq = 3 WHERE seq = 2")  # noqa: S608
    raw(f"UPDATE {TABLE} SET seq = 2 WHERE seq = -3")  # noqa: S608

    with pytest.raises(CommandError, match="broken at event 2"):
        verify()


def test_a_forged_event_inserted_in_the_middle_is_found():
    """The forger even hashes the new row correctly; what follows it cannot
    be renumbered without breaking its own hash."""
    a_few(5)
    for seq in (5, 4, 3):
        raw(f"UPDATE {TABLE} SET seq = seq + 1 WHERE seq = %s", [seq])  # noqa: S608
    forged = AuditEvent(at=timezone.now(), actor_label="mallory", action=AuditAction.VIEW)
    audit_chain.link([forged], 2, AuditEvent.objects.get(seq=2).hash)
    audit_chain._insert_rows([forged], "default")

    with pytest.raises(CommandError, match="broken at event 4: its contents"):
        verify()


def test_a_forged_event_added_with_a_wrong_link_is_found():
    a_few(3)
    forged = AuditEvent(at=timezone.now(), actor_label="mallory", action=AuditAction.VIEW)
    audit_chain.link([forged], 3, "f" * 64)
    audit_chain._insert_rows([forged], "default")

    with pytest.raises(CommandError, match="broken at event 4: it does not follow event 3"):
        verify()


def test_an_anchor_kept_outside_shows_the_newest_events_were_cut():
    *_, fourth, _fifth = a_few(5)
    anchor = f"5:{_fifth.hash}"
    assert "intact" in verify("--anchor", anchor)
    raw(f"DELETE FROM {TABLE} WHERE seq = 5")  # noqa: S608

    assert "Checked 4 events" in verify()  # the shorter chain is whole in itself…
    with pytest.raises(CommandError, match="newest events were deleted"):
        verify("--anchor", anchor)  # …but the anchor is gone
    assert "intact" in verify("--anchor", f"4:{fourth.hash}")


def test_an_archived_beginning_is_named_with_start():
    _first, second, *_ = a_few(5)
    raw(f"DELETE FROM {TABLE} WHERE seq <= 2")  # noqa: S608

    assert "Checked 3 events" in verify("--start", f"2:{second.hash}")
    with pytest.raises(CommandError):
        verify("--start", f"2:{'0' * 64}")


# ---------------------------------------------------------------- sign-in


def test_signing_in_and_out_is_recorded_with_who_and_from_where(client, casey):
    client.post(
        reverse("login"),
        {"username": "casey", "password": PASSWORD},
        HTTP_USER_AGENT="Firefox/140",
    )
    client.post(reverse("logout"))

    sign_in, sign_out = events()
    assert (sign_in.action, sign_in.actor, sign_in.actor_label) == ("sign_in", casey, "casey")
    assert (sign_in.ip, sign_in.path, sign_in.user_agent) == (
        "127.0.0.1",
        "/accounts/login/",
        "Firefox/140",
    )
    assert (sign_out.action, sign_out.actor) == ("sign_out", casey)


def test_a_failed_sign_in_keeps_the_username_tried_and_never_the_password(client, casey):
    client.post(reverse("login"), {"username": "casey", "password": "wrong-password-123"})

    (failed,) = events()
    assert (failed.action, failed.outcome, failed.actor) == ("sign_in_failed", "failure", None)
    assert failed.actor_label == "casey"
    assert b"wrong-password" not in failed.canonical()


# ---------------------------------------------------------------- record changes


def test_a_client_record_change_names_the_fields_and_never_their_values(committed, maya):
    with committed():
        maya = Client.objects.get(pk=maya.pk)
        maya.phone, maya.preferred_name = "+12125550199", "May"
        maya.save()

    (change,) = events(action="update")
    assert (change.object_type, change.object_id, change.client_id) == (
        "care.client",
        str(maya.pk),
        maya.pk,
    )
    assert change.details == {"fields": ["phone", "preferred_name"]}
    assert b"5550199" not in change.canonical() and b"May" not in change.canonical()


def test_a_save_that_changes_nothing_records_nothing(committed, maya):
    with committed():
        Client.objects.get(pk=maya.pk).save()
    assert actions(action="update") == []


def test_update_fields_limit_the_names_recorded(committed, maya):
    with committed():
        maya = Client.objects.get(pk=maya.pk)
        maya.first_name, maya.last_name = "Maia", "Rivers"
        maya.save(update_fields=["first_name"])
    assert events(action="update")[0].details == {"fields": ["first_name"]}


def test_creating_and_deleting_a_client_are_recorded(committed, program):
    with committed():
        someone = person(program, "Sam")
        pk = someone.pk
        someone.delete()
    assert [(e.action, e.client_id) for e in events()] == [("create", pk), ("delete", pk)]


def test_a_change_that_rolls_back_records_nothing(committed, program):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        person(program, "Sam")
        raise RuntimeError
    assert events() == []


def test_episodes_expectations_and_attendance_name_the_person_and_program(committed, program, maya):
    with travel(MONDAY):
        group = group_meeting(program)
        session = sessions_of(group, MONDAY.date(), days=7)[0]
    with committed():
        episode = open_episode(maya, program, at=MONDAY)
        Expectation.objects.create(episode=episode, group=group, starts=MONDAY)
        record_attendance(session, maya, AttendanceStatus.ATTENDED)

    seen = {(e.object_type, e.action, e.client_id, e.program_id) for e in events()}
    assert {
        ("care.episode", "create", maya.pk, program.pk),
        ("care.expectation", "create", maya.pk, program.pk),
        ("care.attendance", "create", maya.pk, program.pk),
    } <= seen


def test_consent_messages_requests_and_tasks_are_recorded(committed, program, maya):
    with committed():
        ConsentEvent.objects.create(
            client=maya,
            channel=Channel.SMS,
            address=maya.phone,
            granted=True,
            wording="Texts about visits",
            source=ConsentSource.VERBAL,
        )
        message = Message.objects.create(
            client=maya,
            program=program,
            channel=Channel.SMS,
            purpose=Purpose.LAPSING,
            to_address=maya.phone,
            sender_name="Riverbend",
            body="Hi",
            key="audit-test-1",
        )
        message.state = MessageState.SENT
        message.save(update_fields=["state"])
        InboundMessage.objects.create(channel=Channel.SMS, from_address=maya.phone, client=maya)
        ReturnRequest.objects.create(
            program=program, client=maya, channel=RequestChannel.WEB, due_at=timezone.now()
        )
        Task.objects.create(
            kind=TaskKind.CALL, program=program, client=maya, title="Call", due_at=timezone.now()
        )

    recorded = [(e.object_type, e.action) for e in events(client_id=maya.pk)]
    assert recorded == [
        ("outreach.consentevent", "consent_change"),
        ("outreach.message", "create"),
        ("outreach.message", "message_sent"),
        ("outreach.inboundmessage", "message_received"),
        ("returns.returnrequest", "create"),
        ("worklist.task", "create"),
    ]
    assert all(e.program_id == program.pk for e in events(object_type="outreach.message"))


def test_a_change_made_in_a_staff_request_is_the_staff_members(committed, client, casey, maya):
    sign_in(client, casey)
    with committed():
        client.post(
            reverse("staff:contact", args=[maya.pk]),
            {"form": "preferences", "language": "es", "discreet": "on", "sms_allowed": "on"},
        )

    (change,) = events(action="update")
    assert (change.actor, change.actor_label, change.client_id) == (casey, "casey", maya.pk)
    assert change.path == f"/staff/people/{maya.pk}/contact/"
    assert "language" in change.details["fields"]


def test_work_outside_a_request_is_the_systems_or_the_named_process(committed, program):
    with committed():
        person(program, "Sam")
        with audit.acting_as("sweep"):
            person(program, "Kai")
    assert [e.actor_label for e in events()] == ["system", "sweep"]


# ---------------------------------------------------------------- views and refusals


def test_a_client_view_is_recorded_only_when_the_record_is_shown(maya, casey):
    request = RequestFactory().get(f"/staff/people/{maya.pk}/?tab=all")
    request.user = casey
    shown = audit.client_view()(lambda request, pk: HttpResponse("Maya"))
    moved = audit.client_view()(lambda request, pk: HttpResponseRedirect("/"))

    shown(request, pk=maya.pk)
    moved(request, pk=maya.pk)

    (view,) = events()
    assert (view.action, view.client_id, view.actor, view.path) == (
        "view",
        maya.pk,
        casey,
        f"/staff/people/{maya.pk}/",
    )


def test_a_roll_call_view_is_recorded_for_each_person_on_it(maya, jordan, casey):
    request = RequestFactory().get("/staff/sessions/1/roll-call/")
    request.user = casey
    audit.viewed_clients(request, [maya.pk, jordan.pk, maya.pk], object_type="care.session")
    assert [e.client_id for e in events()] == [maya.pk, jordan.pk]


def test_an_export_is_recorded_for_each_person_in_it(maya, jordan, casey):
    request = RequestFactory().get("/staff/outreach/")
    request.user = casey
    audit.exported(request, "outreach.message", client_ids=[maya.pk, jordan.pk])
    audit.exported(request, "reports.measures")
    assert [(e.action, e.client_id) for e in events()] == [
        ("export", maya.pk),
        ("export", jordan.pk),
        ("export", None),
    ]


def test_a_refusal_under_staff_is_recorded_as_access_denied(client):
    outsider = User.objects.create_user("pat", password=PASSWORD)  # not on the staff
    sign_in(client, outsider)

    response = client.get(reverse("staff:today") + "?program=1")

    assert response.status_code == 403
    (denied,) = events(action="access_denied")
    assert (denied.actor, denied.outcome, denied.path) == (outsider, "denied", "/staff/")


def test_the_address_behind_our_proxy_is_the_last_forwarded_one(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert audit.client_address(request) == "127.0.0.1"
    settings.AUDIT_FORWARDED_FOR = True
    assert audit.client_address(request) == "203.0.113.9"


# ---------------------------------------------------------------- the viewer


def test_only_admins_read_the_audit_trail(client, casey):
    sign_in(client, casey)
    assert client.get(reverse("audit:events")).status_code == 403
    assert client.get(reverse("audit:client_report", args=[1])).status_code == 403
    assert actions(action="access_denied") == ["access_denied", "access_denied"]


def test_the_viewer_filters_by_who_what_whom_when_and_outcome(admin_client, casey, program):
    with travel(MONDAY):
        audit.record(AuditAction.VIEW, user=casey, client_id=1, program_id=program.pk)
        audit.record(AuditAction.EXPORT, user=casey, client_id=2)
    with travel(MONDAY + timedelta(days=3)):
        audit.record(AuditAction.VIEW, client_id=1, outcome=AuditOutcome.DENIED)

    def shown(**query):
        response = admin_client.get(reverse("audit:events"), query)
        assert response.status_code == 200
        return [(row.action, row.client_id) for row in response.context["rows"]]

    assert shown(actor="casey") == [("export", 2), ("view", 1)]
    assert shown(action="export") == [("export", 2)]
    assert shown(client=1) == [("view", 1), ("view", 1)]
    assert shown(program=program.pk) == [("view", 1)]
    assert shown(outcome="denied") == [("view", 1)]
    assert shown(**{"from": "2026-03-05", "to": "2026-03-05"}) == [("view", 1)]
    assert shown(**{"to": "2026-03-02", "actor": "casey"}) == [("export", 2), ("view", 1)]


def test_a_backwards_date_range_is_explained(admin_client):
    response = admin_client.get(reverse("audit:events"), {"from": "2026-03-05", "to": "2026-03-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_to"' in page
    assert 'aria-invalid="true"' in page and "<title>Error:" in page


def test_the_viewer_pages_back_through_older_events(admin_client):
    a_few(60)
    first = admin_client.get(reverse("audit:events"))
    newest = [row.seq for row in first.context["rows"]]
    older = admin_client.get(reverse("audit:events"), {"before": first.context["older"]})
    rest = [row.seq for row in older.context["rows"]]

    # The second page's newest is the first page's own viewing event (61)…
    assert newest[0] == 62 and len(newest) == 50
    assert rest == list(range(12, 0, -1))
    assert older.context["older"] is None


def test_downloading_the_trail_is_itself_recorded_as_an_export(admin_client, ada):
    audit.record(AuditAction.SIGN_IN_FAILED, actor_label="=HYPERLINK(1)")

    response = admin_client.get(
        reverse("audit:events"), {"action": "sign_in_failed", "format": "csv"}
    )
    body = b"".join(response.streaming_content).decode()

    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    assert body.splitlines()[0].startswith("seq,at,actor_id,actor_label,action")
    assert "'=HYPERLINK(1)" in body and ",=HYPERLINK" not in body
    export = events(action="export")[-1]
    assert (export.actor, export.details) == (ada, {"action": "sign_in_failed"})


# ---------------------------------------------------------------- the client report


def test_the_client_report_lists_that_persons_views_and_changes_only(
    committed, admin_client, casey, maya, jordan
):
    request = RequestFactory().get("/staff/people/")
    request.user = casey
    with committed():
        audit.viewed(request, maya)
        audit.viewed(request, jordan)
        maya.preferred_name = "May"
        maya.save()

    response = admin_client.get(reverse("audit:client_report", args=[maya.pk]))

    rows = [(row.action, row.actor_label, row.client_id) for row in response.context["rows"]]
    assert rows == [
        ("view", "casey", maya.pk),
        ("update", "system", maya.pk),
        ("view", "ada", maya.pk),  # the report records its own reading
    ]
    page = response.content.decode()
    assert "Access and disclosure report" in page and "May Rivera" in page
    assert "<caption>" in page


def test_the_client_report_covers_the_dates_asked_for(admin_client, maya):
    for day in (1, 10, 20):
        with travel(MONDAY + timedelta(days=day)):
            audit.record(AuditAction.DISCLOSURE, client_id=maya.pk)

    response = admin_client.get(
        reverse("audit:client_report", args=[maya.pk]), {"from": "2026-03-10", "to": "2026-03-14"}
    )

    assert [row.at.date().day for row in response.context["rows"]] == [12]


def test_the_client_report_downloads_as_csv_and_that_is_recorded(admin_client, maya):
    audit.record(AuditAction.VIEW, client_id=maya.pk)
    response = admin_client.get(reverse("audit:client_report", args=[maya.pk]), {"format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()

    assert len(lines) == 1 + 2  # header, the view, the export of this report
    assert events()[-1].action == "export" and events()[-1].client_id == maya.pk


# ---------------------------------------------------------------- concurrency


def _in_threads(count, work):
    start = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            start.wait()
            work(index)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _unbroken(expected):
    chain = walk(AuditEvent.objects.order_by("seq").iterator())
    assert chain.broken is None
    assert chain.checked == expected == AuditEvent.objects.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_processes_appending_at_once_make_one_unbroken_chain():
    def work(index):
        for n in range(20):
            if index % 2:
                audit.record(AuditAction.VIEW, client_id=index * 100 + n)
            else:
                audit.viewed_clients(None, [index, index + 1000])

    _in_threads(8, work)
    _unbroken(4 * 20 + 4 * 20 * 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_rolled_back_while_others_wait_leaves_no_gap():
    def work(index):
        for n in range(10):
            try:
                with transaction.atomic():
                    audit.record(AuditAction.UPDATE, client_id=index)
                    time.sleep(0.002)
                    audit.record(AuditAction.UPDATE, client_id=index)
                    if (index + n) % 3 == 0:
                        raise RuntimeError("roll back")
            except RuntimeError:
                pass

    _in_threads(6, work)
    kept = sum(2 for i in range(6) for n in range(10) if (i + n) % 3)
    _unbroken(kept)

"""A return request closes as "returned" on the first attended session after
it, however the attendance arrives: one roll-call mark (tests/test_outcomes.py),
or many at once — the API's bulk call and a CSV import."""

import pytest

from tests.factories import travel
from tests.reentry_world import build_world
from tests.test_import_csv import ATTENDANCE, loaded, program, run, write  # noqa: F401
from welcomeback.care.bulk import Mark, record_attendance_many
from welcomeback.care.models import AttendanceSource, AttendanceStatus, Client
from welcomeback.returns.models import RequestChannel, RequestEvent, RequestStatus
from welcomeback.returns.requests import open_request

pytestmark = pytest.mark.django_db


def test_marks_written_in_bulk_close_the_request_on_the_first_attended_session():
    world = build_world()
    request = world.ask_to_come_back()  # Monday 2 March
    missed, attended = world.day_group(3, 4), world.day_group(3, 6)

    with travel(world.at(3, 6, 14)):
        record_attendance_many(
            [
                Mark(missed, world.ana.pk, AttendanceStatus.MISSED),
                Mark(attended, world.ana.pk, AttendanceStatus.ATTENDED),
            ],
            source=AttendanceSource.API,
        )

    request.refresh_from_db()
    assert request.status == RequestStatus.RESUMED
    returned = RequestEvent.objects.get(request=request, kind="returned")
    assert returned.note == f"session {attended.pk}"


def test_only_missed_marks_in_bulk_leave_the_request_open():
    world = build_world()
    request = world.ask_to_come_back()

    with travel(world.at(3, 4, 14)):
        record_attendance_many([Mark(world.day_group(3, 4), world.ana.pk, AttendanceStatus.MISSED)])

    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_an_imported_attendance_file_closes_the_request_too(loaded, tmp_path):  # noqa: F811
    maya = Client.objects.get(external_id="C1")
    jordan = Client.objects.get(external_id="C2")
    with travel("2026-03-02T15:00:00Z"):
        asks = [
            open_request(
                program=loaded, channel=RequestChannel.PHONE, client=who, phone="+12125550199"
            )
            for who in (maya, jordan)
        ]

    with travel("2026-03-06T12:00:00Z"):
        report = run(loaded, "attendance", write(tmp_path, "a.csv", ATTENDANCE))

    assert report.errors == 0
    for ask in asks:
        ask.refresh_from_db()
    # Maya came on the 3rd; Jordan's only mark is a miss.
    assert [ask.status for ask in asks] == [RequestStatus.RESUMED, RequestStatus.NEW]

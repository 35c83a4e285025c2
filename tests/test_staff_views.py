"""The staff screens: Today, Person, Sessions and Roll call."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from tests.auth import roles_everywhere, sign_in
from tests.factories import ClientFactory, ProgramFactory, enrolled, group_meeting
from welcomeback.care.attendance import record_attendance
from welcomeback.care.models import Attendance, AttendanceStatus, EpisodeStatus, Session
from welcomeback.care.schedule import cancel_session, generate_sessions
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Status

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("casey", password="a-long-test-password", is_staff=True)
    with roles_everywhere(user):
        yield sign_in(client, user)


@pytest.fixture
def program_with_group():
    with time_machine.travel(MONDAY, tick=False):
        program = ProgramFactory()
        group = group_meeting(program)
        generate_sessions(group, MONDAY.date(), MONDAY.date() + timedelta(days=60))
    return program, group


def sessions_of(group):
    return list(Session.objects.filter(group=group).order_by("starts_at"))


def drifting_person(program, group, first_name="Ana"):
    person = ClientFactory(organization=program.site.organization, first_name=first_name)
    with time_machine.travel(MONDAY, tick=False):
        episode = enrolled(person, program, MONDAY, [group])
    first = sessions_of(group)[0]
    record_attendance(first, person, AttendanceStatus.ATTENDED, recorded_at=first.starts_at)
    return person, episode, first


def test_today_asks_anyone_signed_out_to_sign_in(client):
    response = client.get(reverse("staff:today"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_today_shows_a_lapsing_person_with_the_reason(staff_client, program_with_group):
    program, group = program_with_group
    person, _episode, first = drifting_person(program, group)
    with time_machine.travel(first.starts_at + timedelta(days=9), tick=False):
        sweep.run_once()
        response = staff_client.get(reverse("staff:today"))
    html = response.content.decode()
    assert response.status_code == 200
    assert person.display_name in html
    assert "last attended 9 days ago" in html
    lapsing_section = html.split('id="lapsing"')[1].split("</section>")[0]
    assert person.display_name in lapsing_section


def test_today_leaves_out_people_who_are_engaged(staff_client, program_with_group):
    program, group = program_with_group
    person, _episode, first = drifting_person(program, group)
    with time_machine.travel(first.starts_at + timedelta(hours=4), tick=False):
        sweep.run_once()
        response = staff_client.get(reverse("staff:today"))
    assert person.display_name not in response.content.decode()


def test_today_costs_the_same_queries_for_many_people(
    staff_client, program_with_group, django_assert_max_num_queries
):
    program, group = program_with_group
    drifting_person(program, group, "First")
    later = sessions_of(group)[0].starts_at + timedelta(days=9)
    with time_machine.travel(later, tick=False):
        sweep.run_once()
        # 13: the session, the user, the second-factor device, roles, then the board.
        with django_assert_max_num_queries(13) as few:
            staff_client.get(reverse("staff:today"))
    for n in range(20):
        drifting_person(program, group, f"More{n}")
    with time_machine.travel(later, tick=False):
        sweep.run_once()
        with django_assert_max_num_queries(len(few.captured_queries)):
            staff_client.get(reverse("staff:today"))


def test_person_page_tells_the_whole_story(staff_client, program_with_group):
    program, group = program_with_group
    person, _episode, first = drifting_person(program, group)
    with time_machine.travel(first.starts_at + timedelta(days=9), tick=False):
        sweep.run_once()
        response = staff_client.get(reverse("staff:person", args=[person.pk]))
    html = response.content.decode()
    assert "Attended: Evening group" in html
    assert "Now lapsing" in html
    assert "Expected at Evening group" in html


def test_roll_call_lists_everyone_expected_with_nobody_marked(staff_client, program_with_group):
    program, group = program_with_group
    person, _episode, _first = drifting_person(program, group)
    second = sessions_of(group)[1]
    response = staff_client.get(reverse("staff:roll_call", args=[second.pk]))
    html = response.content.decode()
    assert person.display_name in html
    assert "checked" not in html


def test_saving_a_roll_call_twice_does_not_duplicate(staff_client, program_with_group):
    program, group = program_with_group
    person, _episode, _first = drifting_person(program, group)
    second = sessions_of(group)[1]
    url = reverse("staff:roll_call", args=[second.pk])
    staff_client.post(url, {f"mark-{person.pk}": "attended"})
    staff_client.post(url, {f"mark-{person.pk}": "late"})
    marks = Attendance.objects.filter(session=second, client=person)
    assert [m.status for m in marks] == ["late"]
    assert marks[0].recorded_by == staff_client.user


def test_roll_call_with_htmx_saves_one_row_and_returns_it(staff_client, program_with_group):
    program, group = program_with_group
    person, _episode, _first = drifting_person(program, group)
    second = sessions_of(group)[1]
    response = staff_client.post(
        reverse("staff:roll_call", args=[second.pk]),
        {f"mark-{person.pk}": "excused"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="row-{person.pk}"' in response.content.decode()
    assert "Saved" in response.content.decode()
    assert Attendance.objects.get(session=second, client=person).status == "excused"


def test_roll_call_keeps_a_drop_in(staff_client, program_with_group):
    program, group = program_with_group
    other_group = group_meeting(program, "Morning group", slots=((0, datetime.min.time()),))
    person = ClientFactory(organization=program.site.organization, first_name="Dee")
    enrolled(person, program, MONDAY, [other_group])
    session = sessions_of(group)[1]
    staff_client.post(
        reverse("staff:roll_call", args=[session.pk]),
        {"drop_in_client": person.pk, "drop_in_mark": "attended"},
    )
    mark = Attendance.objects.get(session=session, client=person)
    assert mark.drop_in and mark.status == AttendanceStatus.ATTENDED
    page = staff_client.get(reverse("staff:roll_call", args=[session.pk])).content.decode()
    assert "Drop-in" in page


def test_roll_call_for_a_cancelled_session_says_so_clearly(staff_client, program_with_group):
    program, group = program_with_group
    person, _episode, _first = drifting_person(program, group)
    session = sessions_of(group)[1]
    cancel_session(session, "Building closed")
    response = staff_client.post(
        reverse("staff:roll_call", args=[session.pk]), {f"mark-{person.pk}": "attended"}
    )
    assert response.status_code == 409
    assert "The program cancelled this session" in response.content.decode()
    assert not Attendance.objects.filter(session=session).exists()


def test_dropped_out_discharge_too_early_is_refused_and_keeps_the_note(
    staff_client, program_with_group
):
    program, group = program_with_group
    person, episode, first = drifting_person(program, group)
    with time_machine.travel(first.starts_at + timedelta(days=20), tick=False):
        response = staff_client.post(
            reverse("staff:discharge", args=[episode.pk]),
            {"reason": "2", "note": "talked with the team"},
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "too soon" in html
    assert "talked with the team" in html
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_discharge_after_the_inactivity_period_finishes_the_episode(
    staff_client, program_with_group
):
    program, group = program_with_group
    person, episode, first = drifting_person(program, group)
    with time_machine.travel(first.starts_at + timedelta(days=95), tick=False):
        sweep.run_once()
        assert episode.engagement.__class__.objects.get(pk=episode.pk).status == Status.INACTIVE
        response = staff_client.post(reverse("staff:discharge", args=[episode.pk]), {"reason": "2"})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.FINISHED
    assert episode.discharge_reason == 2


def test_sessions_page_lists_the_day_in_the_program_time_zone(staff_client, program_with_group):
    program, group = program_with_group
    first = sessions_of(group)[0]  # Tuesday 18:00 New York
    response = staff_client.get(
        reverse("staff:sessions"), {"program": program.pk, "date": "2026-03-03"}
    )
    html = response.content.decode()
    assert "18:00" in html
    assert reverse("staff:roll_call", args=[first.pk]) in html


def test_today_speaks_spanish_to_staff_who_chose_it(staff_client, program_with_group):
    program, group = program_with_group
    drifting_person(program, group)
    later = sessions_of(group)[0].starts_at + timedelta(days=9)
    staff_client.cookies["django_language"] = "es"
    with time_machine.travel(later, tick=False):
        sweep.run_once()
        html = staff_client.get(reverse("staff:today")).content.decode()
    assert '<html lang="es">' in html
    assert "Alejándose" in html
    assert "última asistencia hace 9 días" in html


def test_viewing_a_person_or_a_roll_call_leaves_an_audit_event(staff_client, program_with_group):
    from welcomeback.accounts.models import AuditEvent

    program, group = program_with_group
    person, _episode, _first = drifting_person(program, group)
    staff_client.get(reverse("staff:person", args=[person.pk]))
    staff_client.get(reverse("staff:roll_call", args=[sessions_of(group)[1].pk]))
    views = AuditEvent.objects.filter(action="view", client_id=person.pk)
    assert views.count() == 2
    assert {event.actor_id for event in views} == {staff_client.user.pk}

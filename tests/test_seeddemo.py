"""manage.py seeddemo: a realistic demo, the same for the same seed,
calibrated to TEDS-D, with every kind of drift on today's board."""

import hashlib
from datetime import datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.factories import ClientFactory, ProgramFactory, enrolled, group_meeting
from welcomeback.care.attendance import CancelledSessionError
from welcomeback.care.bulk import Mark, record_attendance_many
from welcomeback.care.models import (
    Attendance,
    AttendanceStatus,
    Client,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Expectation,
    GroupSlot,
    Organization,
    Program,
    Session,
    SessionStatus,
    Site,
)
from welcomeback.care.models import Group as CareGroup
from welcomeback.care.schedule import cancel_session, generate_sessions
from welcomeback.demo.calibration import (
    TEDS_IOP_DROPOUT_SHARE,
    TEDS_IOP_MEDIAN_LOS_DAYS,
    TEDS_IOP_MEDIAN_LOS_DAYS_BY_REASON,
)
from welcomeback.demo.seed import DEMO_PASSWORD
from welcomeback.demo.summary import summarize
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status, StatusChange
from welcomeback.engagement.rebuild import rescan

pytestmark = pytest.mark.django_db

# A Wednesday evening after Thanksgiving and the autumn clock change.
NOW = datetime(2025, 12, 10, 22, 30, tzinfo=ZoneInfo("America/New_York"))
# Enough finished episodes (54) for the medians to mean something, small
# enough to build in about two seconds.
DEMO_SIZE = 120
TINY = 12
QUICK_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo, built once for the read-only tests of this module and
    removed after them; each test still runs in its own rolled-back
    transaction on top of it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=QUICK_HASHER):
        output = seed_demo(clients=DEMO_SIZE)
        yield output
        wipe()


def seed_demo(*extra: str, clients: int = DEMO_SIZE, seed: int = 1) -> str:
    out = StringIO()
    call_command(
        "seeddemo",
        "--seed",
        str(seed),
        "--clients",
        str(clients),
        "--now",
        NOW.isoformat(),
        *extra,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


def fingerprint() -> str:
    """Everything a person would see, without database ids."""
    rows = sorted(
        Client.objects.values_list(
            "external_id", "first_name", "last_name", "preferred_name", "pronouns", "phone", "email"
        )
    )
    rows += sorted(
        Attendance.objects.values_list(
            "client__external_id", "session__group__name", "session__starts_at", "status", "drop_in"
        )
    )
    rows += sorted(
        Episode.objects.values_list(
            "client__external_id", "program__name", "status", "started", "ended", "discharge_reason"
        )
    )
    rows += sorted(
        Engagement.objects.values_list("episode__client__external_id", "status", "since", "reason")
    )
    rows += sorted(Session.objects.values_list("group__name", "starts_at", "status"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def wipe():
    """Empty the database as a fresh one would be, children first."""
    from welcomeback.outreach.models import (
        CadenceState,
        CadenceStep,
        ConsentEvent,
        ContactPoint,
        InboundMessage,
        Message,
        StepOutcome,
        Template,
    )
    from welcomeback.returns.models import ReturnRequest
    from welcomeback.worklist.models import Task

    for model in (
        StepOutcome,
        CadenceState,
        CadenceStep,
        ReturnRequest,
        Message,
        InboundMessage,
        ConsentEvent,
        ContactPoint,
        Template,
        Task,
    ):
        model.objects.all().delete()
    StatusChange.objects.all().delete()
    Engagement.objects.all().delete()
    Attendance.objects.all().delete()
    Expectation.objects.all().delete()
    EpisodeStatusChange.objects.all().delete()
    Episode.objects.exclude(previous=None).delete()
    Episode.objects.all().delete()
    Client.objects.all().delete()
    Session.objects.all().delete()
    GroupSlot.objects.all().delete()
    CareGroup.objects.all().delete()
    Program.objects.all().delete()
    Site.objects.all().delete()
    Organization.objects.all().delete()
    get_user_model().objects.all().delete()


def active_engagements():
    return Engagement.objects.filter(episode__status=EpisodeStatus.ACTIVE)


# -- the command -----------------------------------------------------------


def test_it_builds_the_same_demo_from_the_same_seed(settings):
    settings.PASSWORD_HASHERS = QUICK_HASHER
    seed_demo(clients=TINY)
    first = fingerprint()
    assert Attendance.objects.count() > 100
    wipe()
    seed_demo(clients=TINY)
    assert fingerprint() == first


def test_it_builds_a_realistic_organization(demo):
    assert Organization.objects.count() == 1
    assert Site.objects.count() == 2
    assert Program.objects.count() == 3
    assert len(set(Program.objects.values_list("time_zone", flat=True))) == 2
    assert CareGroup.objects.count() == 8
    assert CareGroup.objects.filter(modality="telehealth").exists()
    assert CareGroup.objects.filter(language="es").exists()
    assert Client.objects.count() == DEMO_SIZE
    assert set(Client.objects.values_list("language", flat=True)) == {"en", "es"}
    assert Client.objects.exclude(preferred_name="").exists()
    assert Client.objects.exclude(pronouns="").exists()
    for phone in Client.objects.exclude(phone="").values_list("phone", flat=True):
        assert phone[5:9] == "5550" and 100 <= int(phone[-3:]) <= 199  # fictional numbers
    for email in Client.objects.exclude(email="").values_list("email", flat=True):
        assert email.endswith(("@example.org", "@example.com"))
    assert "Built in" in demo


def test_it_ends_today_with_sessions_ahead(demo):
    latest_attendance = Attendance.objects.latest("session__starts_at").session
    assert NOW - timedelta(days=2) < latest_attendance.starts_at <= NOW
    assert not Attendance.objects.filter(session__ends_at__gt=NOW).exists()
    assert not Attendance.objects.filter(recorded_at__gt=NOW).exists()
    assert Session.objects.filter(starts_at__gt=NOW + timedelta(days=21)).exists()


def test_open_episodes_show_every_kind_of_drift(demo):
    statuses = set(active_engagements().values_list("status", flat=True))
    assert {Status.ENGAGED, Status.MISSED, Status.LAPSING} <= statuses
    assert {Status.DISENGAGED, Status.INTERRUPTED, Status.INACTIVE} <= statuses


def test_attendance_has_late_arrivals_excused_absences_and_drop_ins(demo):
    marks = set(Attendance.objects.values_list("status", flat=True))
    assert {"attended", "late", "missed", "excused"} <= marks
    assert Attendance.objects.filter(drop_in=True).exists()


def test_status_history_was_written_by_the_sweep_over_time(demo):
    dropped = Episode.objects.filter(discharge_reason=2).first()
    path = list(dropped.engagement.changes.values_list("to_status", flat=True))
    for status in [Status.MISSED, Status.LAPSING, Status.DISENGAGED, Status.INTERRUPTED]:
        assert status in path
    assert path[-1] == Status.INACTIVE
    # Sweeps ran on many days, not once at the end.
    assert StatusChange.objects.dates("at", "day").count() > 60


def test_finished_episodes_match_teds_d_intensive_outpatient_discharges(demo):
    summary = summarize()
    assert summary.finished >= 50
    assert summary.dropout_share == pytest.approx(TEDS_IOP_DROPOUT_SHARE, abs=0.03)
    assert summary.median_stay_days == pytest.approx(TEDS_IOP_MEDIAN_LOS_DAYS, abs=5)
    dropped_out = TEDS_IOP_MEDIAN_LOS_DAYS_BY_REASON[2]
    assert summary.median_stay_days_dropped_out == pytest.approx(dropped_out, abs=5)


def test_a_dropped_out_discharge_waited_for_the_inactivity_period(demo):
    for episode in Episode.objects.filter(discharge_reason=2).select_related("program"):
        last = (
            Attendance.objects.filter(episode=episode, status__in=["attended", "late"])
            .latest("session__starts_at")
            .session.starts_at
        )
        assert episode.ended - last >= timedelta(days=episode.program.inactive_after_days)


def test_returning_resumes_with_a_linked_episode(demo):
    returned = Episode.objects.exclude(previous=None).select_related("previous")
    assert returned.exists()
    for episode in returned:
        assert episode.previous.client_id == episode.client_id
        assert episode.previous.ended <= episode.started


def test_holidays_are_cancelled_sessions_that_count_against_nobody(demo):
    thanksgiving = Session.objects.filter(cancelled_reason="Closed for Thanksgiving")
    assert thanksgiving.count() >= 7  # every group meeting that Thursday
    assert all(s.status == SessionStatus.CANCELLED for s in thanksgiving)
    cancelled = Session.objects.filter(status=SessionStatus.CANCELLED).select_related("group")
    assert not Attendance.objects.filter(session__in=cancelled).exists()
    cancelled_meetings = {(s.group.name, s.starts_at.isoformat()) for s in cancelled}
    for engagement in Engagement.objects.all():
        missed = {(miss["group"], miss["at"]) for miss in engagement.recent_missed}
        assert not missed & cancelled_meetings


def test_it_creates_the_demo_login_and_prints_it(demo):
    user = get_user_model().objects.get(username="demo")
    assert user.is_superuser and user.check_password(DEMO_PASSWORD)
    assert f"user: demo  password: {DEMO_PASSWORD}" in demo


def test_if_empty_skips_an_existing_demo_and_still_prints_the_login(demo):
    before = fingerprint()
    output = seed_demo("--if-empty", seed=2)
    assert fingerprint() == before
    assert "already" in output
    assert f"password: {DEMO_PASSWORD}" in output


def test_without_if_empty_it_refuses_a_database_that_has_an_organization(demo):
    with pytest.raises(CommandError):
        seed_demo(seed=2)


# -- the bulk writer the demo relies on -------------------------------------

START = datetime(2026, 3, 2, 12, tzinfo=ZoneInfo("UTC"))  # a Monday


@pytest.fixture
def evening():
    program = ProgramFactory()
    group = group_meeting(program)
    generate_sessions(group, START.date(), START.date() + timedelta(days=30))
    client = ClientFactory(organization=program.site.organization)
    episode = enrolled(client, program, START, [group])
    sessions = list(Session.objects.filter(group=group).order_by("starts_at"))
    return program, group, client, episode, sessions


def test_bulk_marks_upsert_and_keep_drop_ins(evening):
    program, group, client, episode, sessions = evening
    other = group_meeting(program, name="Other group", slots=((0, time(12)),))
    generate_sessions(other, START.date(), START.date() + timedelta(days=7))
    drop_in_session = Session.objects.filter(group=other).first()
    touched = record_attendance_many(
        [
            Mark(sessions[0], client.pk, AttendanceStatus.MISSED),
            Mark(sessions[0], client.pk, AttendanceStatus.ATTENDED),
            Mark(drop_in_session, client.pk, AttendanceStatus.ATTENDED),
        ]
    )
    assert touched == {episode.pk}
    assert Attendance.objects.get(session=sessions[0]).status == AttendanceStatus.ATTENDED
    assert Attendance.objects.get(session=sessions[0]).drop_in is False
    assert Attendance.objects.get(session=drop_in_session).drop_in is True
    record_attendance_many([Mark(sessions[0], client.pk, AttendanceStatus.LATE)])
    assert Attendance.objects.filter(client=client).count() == 2


def test_bulk_marks_refuse_a_cancelled_session_and_write_nothing(evening):
    _program, _group, client, _episode, sessions = evening
    cancel_session(sessions[1], "Closed for snow")
    with pytest.raises(CancelledSessionError):
        record_attendance_many(
            [
                Mark(sessions[0], client.pk, AttendanceStatus.ATTENDED),
                Mark(sessions[1], client.pk, AttendanceStatus.ATTENDED),
            ]
        )
    with pytest.raises(ValidationError):
        record_attendance_many([Mark(sessions[0], client.pk, "sleeping")])
    assert not Attendance.objects.filter(client=client).exists()


def test_rescan_lets_the_sweep_rebuild_the_status_from_attendance(evening):
    _program, _group, client, episode, sessions = evening
    first, second = sessions[0], sessions[1]
    touched = record_attendance_many(
        [
            Mark(first, client.pk, AttendanceStatus.ATTENDED, recorded_at=first.ends_at),
            Mark(second, client.pk, AttendanceStatus.MISSED, recorded_at=second.ends_at),
        ]
    )
    later = second.ends_at + timedelta(days=8)
    assert rescan(touched, later) == 1
    sweep.run_once(now=later)
    engagement = Engagement.objects.get(pk=episode.pk)
    assert engagement.last_contact_at == first.starts_at
    assert engagement.status == Status.LAPSING


def test_rescan_counts_a_drop_in_as_contact_and_takes_back_a_corrected_one(evening):
    program, _group, client, episode, _sessions = evening
    other = group_meeting(program, name="Other group", slots=((0, time(12)),))
    generate_sessions(other, START.date(), START.date() + timedelta(days=7))
    drop_in = Session.objects.filter(group=other).first()
    touched = record_attendance_many([Mark(drop_in, client.pk, AttendanceStatus.ATTENDED)])
    rescan(touched, drop_in.ends_at)
    assert Engagement.objects.get(pk=episode.pk).last_contact_at == drop_in.starts_at
    touched = record_attendance_many([Mark(drop_in, client.pk, AttendanceStatus.MISSED)])
    rescan(touched, drop_in.ends_at)
    assert Engagement.objects.get(pk=episode.pk).last_contact_at is None


def test_the_demo_shows_outreach_happening_to_people_drifting_now(demo):
    from welcomeback.outreach.models import Message, StepOutcome
    from welcomeback.worklist.models import Task

    assert StepOutcome.objects.exists()
    assert Message.objects.filter(purpose__in=["missed", "lapsing", "check_in"]).exists()
    assert Message.objects.filter(state="queued").exists()
    assert Message.objects.filter(state="suppressed").exists(), "some people declined messages"
    assert Task.objects.filter(kind__in=["call", "letter", "opt_out_review"]).exists()


def test_the_demo_has_open_requests_in_crisis_overdue_and_on_behalf(demo):
    from django.utils import timezone

    from welcomeback.returns.models import ReturnRequest

    open_requests = ReturnRequest.objects.filter(status="new")
    assert open_requests.filter(crisis=True).exists()
    assert open_requests.filter(origin="proxy").exists()
    assert open_requests.filter(due_at__lt=timezone.now(), first_response_at=None).exists()

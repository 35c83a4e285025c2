"""Re-assessment and the re-entry plan: flags become clinician tasks, the
safety screen gates the plan, the plan's hours follow the ASAM level of care,
and a plan of "one group a week" means only that group's day counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import appointment, travel
from tests.reentry_world import NO_RISK, WEDNESDAY, build_world, sweep_at
from welcomeback.care.models import EpisodeStatus, Expectation, LevelOfCareChange, Transition
from welcomeback.engagement.models import Engagement, Status
from welcomeback.returns.assessments import (
    plan_blockers,
    plan_recommendations,
    questionnaire_token,
    read_questionnaire_token,
    record_assessment,
)
from welcomeback.returns.models import (
    Assessment,
    AssessmentSource,
    ExpectAt,
    PlanStep,
    RequestStatus,
)
from welcomeback.returns.reentry import agree_plan
from welcomeback.worklist.models import Task

pytestmark = pytest.mark.django_db

PHQ9_ITEM9 = {f"q{n}": 1 for n in range(1, 10)}
CSSRS_INTENT = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0}


@pytest.fixture
def world():
    return build_world()


def one_group_a_week(world, request, **overrides):
    values = {
        "steps": [PlanStep.ONE_GROUP],
        "asam_edition": "3",
        "level": "2.1",
        "weekly_hours": 3,
        "transition": Transition.RAMP,
        "ramp_until": date(2026, 3, 16),
        "first_session": world.day_group(3, 4),
        "expect": ExpectAt.WEEKLY,
    }
    with travel(world.at(3, 2, 14)):
        return agree_plan(request, **{**values, **overrides})


# -- assessments and flags ------------------------------------------------------------


def test_an_assessment_is_stored_scored_with_its_version(world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        stored = record_assessment(code="phq9", answers={"q1": 2, "q2": 1}, request=request)
    stored.refresh_from_db()
    assert stored.episode == world.episode
    assert stored.instrument == "phq9" and "PHQ-9" in stored.instrument_version
    assert stored.answers == {"q1": 2, "q2": 1}
    assert stored.result["answered"] == 2
    assert not stored.complete and stored.total is None
    assert stored.source == AssessmentSource.STAFF


def test_phq9_item_9_opens_a_same_day_clinician_review(world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        stored = record_assessment(code="phq9", answers=PHQ9_ITEM9, request=request)
    tasks = Task.objects.filter(key__startswith=f"assessment:{stored.pk}:")
    assert tasks.count() == 1
    task = tasks.get()
    assert task.due_at == world.at(3, 2, 17)  # the program's closing time that day
    assert "988" in task.detail
    assert stored.flagged and stored.total == 9


def test_cssrs_intent_opens_an_urgent_task_at_once_with_988(world):
    request = world.ask_to_come_back()
    stored = world.safety_screen(request, CSSRS_INTENT)
    task = Task.objects.get(key=f"assessment:{stored.pk}:cssrs_urgent")
    assert task.due_at == world.at(3, 2, 12)
    assert task.title.startswith("Urgent")
    assert "988" in task.detail and "911" in task.detail


def test_no_flag_no_task(world):
    request = world.ask_to_come_back()
    world.safety_screen(request)
    assert not Task.objects.filter(key__startswith="assessment:").exists()


def test_unknown_answers_are_refused_kindly(world):
    request = world.ask_to_come_back()
    with pytest.raises(ValidationError):
        record_assessment(code="phq9", answers={"q1": 7}, request=request)
    with pytest.raises(ValidationError):
        record_assessment(code="nope", answers={}, request=request)
    assert not Assessment.objects.exists()


def test_the_person_can_fill_them_in_beforehand_from_a_signed_link(world):
    request = world.ask_to_come_back()
    token = questionnaire_token(request)
    assert str(world.ana.first_name) not in token
    assert read_questionnaire_token(token) == request
    with pytest.raises(ValidationError):
        read_questionnaire_token(token[:-2] + "xx")
    stored = record_assessment(
        code="cssrs",
        answers=NO_RISK,
        request=read_questionnaire_token(token),
        source=AssessmentSource.SELF,
    )
    assert stored.by is None and stored.source == "self"


# -- the gate ---------------------------------------------------------------------------


def test_the_safety_screen_is_required_before_a_plan(world):
    request = world.ask_to_come_back()
    assert plan_blockers(request) == ["The safety screen (C-SSRS) is not recorded yet."]
    with pytest.raises(ValidationError) as refused:
        one_group_a_week(world, request)
    assert "safety screen" in str(refused.value)
    world.safety_screen(request, {"q1": 0})
    assert plan_blockers(request) == ["The safety screen (C-SSRS) is not complete yet."]
    world.safety_screen(request)
    assert plan_blockers(request) == []


def test_the_fuller_reassessment_is_recommended_or_required_by_the_program(world):
    request = world.ask_to_come_back()
    world.safety_screen(request)
    assert len(plan_recommendations(request)) == 3
    world.program.require_full_reassessment = True
    world.program.save()
    request.refresh_from_db()
    assert len(plan_blockers(request)) == 3
    with travel(world.at(3, 2, 13)):
        record_assessment(code="phq9", answers={"q1": 0}, request=request)
        record_assessment(code="gad7", answers={"q1": 0}, request=request)
        record_assessment(code="auditc", answers={"q1": 0}, request=request)
    assert plan_blockers(request) == []


# -- plan validation ----------------------------------------------------------------------


def screened(world):
    request = world.ask_to_come_back()
    world.safety_screen(request)
    return request


def refused(world, request, **overrides) -> str:
    with pytest.raises(ValidationError) as error:
        one_group_a_week(world, request, **overrides)
    return " ".join(error.value.messages)


def test_one_group_a_week_at_iop_needs_a_ramp_or_a_step_down(world):
    request = screened(world)
    message = refused(world, request, transition="", ramp_until=None)
    assert "below the intensive outpatient level of care (9 or more hours a week)" in message
    assert "step-down to outpatient" in message


def test_a_ramp_needs_its_end_date_within_two_weeks(world):
    request = screened(world)
    assert "date the ramp back ends" in refused(world, request, ramp_until=None)
    assert "two weeks at most" in refused(world, request, ramp_until=date(2026, 3, 17))
    assert "after today" in refused(world, request, ramp_until=date(2026, 3, 2))


def test_a_step_down_to_outpatient_is_accepted_under_9_hours(world):
    request = screened(world)
    plan = one_group_a_week(
        world, request, level="1", transition=Transition.STEP_DOWN, ramp_until=None
    )
    world.episode.refresh_from_db()
    assert (world.episode.level_of_care, world.episode.weekly_hours) == ("1", Decimal("3.0"))
    assert plan.ramp_until is None
    assert (
        "outpatient care is under 9"
        in refused(
            world, screened_again(world), level="1", transition="step_down", weekly_hours=10
        ).lower()
    )


def screened_again(world):
    request = world.ask_to_come_back(day=3)
    world.safety_screen(request, day=3)
    return request


def test_adolescents_need_six_hours_for_iop(world):
    request = screened(world)
    plan = one_group_a_week(
        world, request, weekly_hours=6, transition="", ramp_until=None, adolescent=True
    )
    assert plan.weekly_hours == Decimal("6.0")


def test_other_plan_mistakes_are_named(world):
    request = screened(world)
    assert "at least one first step" in refused(world, request, steps=[])
    assert "not a level of care" in refused(world, request, level="2.7")
    assert "Book the first session" in refused(world, request, first_session=None)
    assert "hasn't started yet" in refused(world, request, first_session=world.day_group(2, 27))
    assert "at most 19 hours" in refused(world, request, weekly_hours=25, transition="")


def test_a_referral_up_needs_no_booking(world):
    request = screened(world)
    plan = one_group_a_week(
        world,
        request,
        steps=[PlanStep.REFERRAL_UP],
        level="2.5",
        weekly_hours=20,
        transition="",
        ramp_until=None,
        first_session=None,
    )
    assert plan.first_session is None


# -- what an agreed plan does ---------------------------------------------------------------


def test_agreeing_records_the_level_change_books_the_session_and_moves_the_request(world):
    request = screened(world)
    plan = one_group_a_week(world, request)
    request.refresh_from_db()
    assert request.status == RequestStatus.PLAN_AGREED
    assert plan.episode == world.episode
    change = LevelOfCareChange.objects.get(episode=world.episode)
    assert (change.asam_edition, change.from_level, change.to_level) == ("3", "2.1", "2.1")
    assert (change.weekly_hours, change.transition, change.until) == (
        Decimal("3.0"),
        "ramp",
        date(2026, 3, 16),
    )
    current = Expectation.objects.get(episode=world.episode, ends__isnull=True)
    assert (current.group, current.weekday) == (world.group, WEDNESDAY)
    assert current.starts == world.at(3, 4, 10)
    old = Expectation.objects.get(episode=world.episode, weekday__isnull=True)
    assert old.ends == world.at(3, 2, 14)
    assert Task.objects.filter(key=f"ramp-end:{plan.pk}").exists()


def test_an_individual_appointment_is_booked_for_itself(world):
    request = screened(world)
    with travel(world.at(3, 2, 9)):
        slot = appointment(world.program, world.at(3, 3, 15))
    one_group_a_week(
        world, request, steps=[PlanStep.BRIDGE], first_session=slot, expect=ExpectAt.WEEKLY
    )
    booked = Expectation.objects.get(episode=world.episode, ends__isnull=True)
    assert (booked.session, booked.group) == (slot, None)


def test_under_the_plan_only_wednesdays_count_and_attending_makes_them_engaged(world):
    """The whole story through the sweep: drifted, plan of one group a week
    from Wednesday 4 March, Monday and Friday pass, she comes on Wednesday."""
    sweep_at(world.at(3, 2, 9))
    row = Engagement.objects.get(pk=world.episode.pk)
    assert row.status == Status.DISENGAGED
    request = screened(world)
    one_group_a_week(world, request)

    sweep_at(world.at(3, 3, 9))
    assert Engagement.objects.get(pk=world.episode.pk).status == Status.DISENGAGED
    world.attend(world.day_group(3, 4))
    row = Engagement.objects.get(pk=world.episode.pk)
    assert row.status == Status.ENGAGED
    request.refresh_from_db()
    assert request.status == RequestStatus.RESUMED

    # Friday, Monday and Tuesday pass without her: nothing is missed.
    sweep_at(world.at(3, 10, 20))
    row = Engagement.objects.get(pk=world.episode.pk)
    assert (row.status, row.missed_count) == (Status.ENGAGED, 0)
    # The next Wednesday she is expected; missing it counts (a week since
    # she came, so the program's 7 days make it "lapsing" at once).
    sweep_at(world.at(3, 11, 15))
    row = Engagement.objects.get(pk=world.episode.pk)
    assert (row.status, row.missed_count) == (Status.LAPSING, 1)
    assert row.first_missed_at == world.at(3, 11, 10)
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.ACTIVE


def test_the_story_tells_drift_request_reassessment_plan_and_return_in_order(world):
    from welcomeback.returns.story import story

    sweep_at(world.at(3, 2, 9))
    request = screened(world)
    one_group_a_week(world, request)
    world.attend(world.day_group(3, 4))

    events = story(world.ana)
    kinds = [event.kind for event in events]
    assert [event.at for event in events] == sorted(event.at for event in events)
    first = {kind: kinds.index(kind) for kind in set(kinds)}
    assert first["drift"] < first["request"] < first["assessment"] < first["plan"]
    drift = [event for event in events if event.kind == "drift"]
    assert drift[-1].status == Status.ENGAGED and drift[-1].at == world.at(3, 4, 10)
    assert [event.title for event in events[-2:]] == ["Came back", "Request: Resumed"]
    titles = [event.title for event in events]
    assert "Asked to come back" in titles
    assert "Re-assessment: C-SSRS" in titles
    assert "Re-entry plan: One group a week to start" in titles
    assert "Came back" in titles
    assert any(event.kind == "level" and "3.0 hours" in event.title for event in events)
    assert not any("q1" in event.detail for event in events)  # answers never shown

"""Reasons for leaving (always optional) and the first steps they suggest,
from each program's table, shipped with defaults."""

import pytest
from django.core.exceptions import ValidationError

from tests.reentry_world import build_world
from welcomeback.returns.models import FirstStepSuggestion, PlanStep, Reason, RequestEvent
from welcomeback.returns.reasons import (
    first_step_table,
    install_first_steps,
    note_reasons,
    shipped_first_steps,
    suggest_steps,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


EXPECTED = {
    Reason.TRANSPORTATION: [PlanStep.TELEHEALTH, PlanStep.OTHER_SITE],
    Reason.CHILDCARE: [PlanStep.OTHER_TIME, PlanStep.TELEHEALTH],
    Reason.WORK: [PlanStep.OTHER_TIME, PlanStep.TELEHEALTH],
    Reason.SCHEDULE: [PlanStep.OTHER_TIME, PlanStep.OTHER_GROUP],
    Reason.GROUP_FIT: [PlanStep.OTHER_GROUP, PlanStep.ONE_ON_ONE],
    Reason.FELT_BETTER: [PlanStep.STEP_DOWN, PlanStep.CONVERSATION],
    Reason.USED_AGAIN: [PlanStep.HARM_REDUCTION, PlanStep.CONVERSATION],
    Reason.TOO_HEAVY: [PlanStep.BRIDGE, PlanStep.ONE_ON_ONE],
    Reason.TIRED: [PlanStep.ONE_GROUP, PlanStep.TELEHEALTH],
}


def test_the_shipped_table_covers_every_reason_with_known_steps():
    table = shipped_first_steps()
    assert set(table) == set(Reason.values)
    for reason, steps in table.items():
        assert steps, reason
        assert set(steps) <= set(PlanStep.values), reason
    for reason, steps in EXPECTED.items():
        assert table[reason] == steps


def test_the_table_is_installed_per_program_once(world):
    assert not FirstStepSuggestion.objects.filter(program=world.program).exists()
    table = first_step_table(world.program)
    assert table[Reason.TRANSPORTATION] == [PlanStep.TELEHEALTH, PlanStep.OTHER_SITE]
    count = FirstStepSuggestion.objects.filter(program=world.program).count()
    assert count == sum(len(steps) for steps in shipped_first_steps().values())
    assert install_first_steps(world.program) == 0


def test_a_program_can_change_its_own_table(world):
    install_first_steps(world.program)
    FirstStepSuggestion.objects.filter(
        program=world.program, reason=Reason.TRANSPORTATION, step=PlanStep.OTHER_SITE
    ).delete()
    request = world.ask_to_come_back(reasons=[Reason.TRANSPORTATION])
    assert [s.step for s in suggest_steps(request)] == [PlanStep.TELEHEALTH]


def test_each_suggestion_shows_the_reason_behind_it(world):
    request = world.ask_to_come_back(reasons=[Reason.TRANSPORTATION, Reason.CHILDCARE])
    suggestions = suggest_steps(request)
    assert [(s.step, s.because_reasons) for s in suggestions] == [
        (PlanStep.TELEHEALTH, [Reason.TRANSPORTATION, Reason.CHILDCARE]),
        (PlanStep.OTHER_SITE, [Reason.TRANSPORTATION]),
        (PlanStep.OTHER_TIME, [Reason.CHILDCARE]),
    ]
    assert suggestions[0].because_reason == Reason.TRANSPORTATION
    assert suggestions[1].because == "because: “Getting there”"
    assert suggestions[1].label == "Another site"


def test_used_again_suggests_a_welcome_and_a_safety_check_never_a_condition(world):
    request = world.ask_to_come_back(reasons=[Reason.USED_AGAIN])
    steps = [s.step for s in suggest_steps(request)]
    assert steps[0] == PlanStep.HARM_REDUCTION
    labels = " ".join(str(label).lower() for label in PlanStep.labels)
    for word in ("sober", "clean", "abstain", "test"):
        assert word not in labels


def test_no_reasons_means_no_suggestions_and_nothing_is_required(world):
    request = world.ask_to_come_back()
    assert suggest_steps(request) == []
    note_reasons(request, [], note="")
    request.refresh_from_db()
    assert (request.reasons, request.reasons_note) == ([], "")


def test_staff_note_reasons_later_with_free_text(world):
    request = world.ask_to_come_back()
    note_reasons(request, [Reason.WORK, Reason.OTHER], note="New shifts at the warehouse")
    request.refresh_from_db()
    assert request.reasons == [Reason.WORK, Reason.OTHER]
    assert request.reasons_note == "New shifts at the warehouse"
    assert RequestEvent.objects.filter(request=request, kind="reasons").count() == 1
    assert [s.step for s in suggest_steps(request)] == [
        PlanStep.OTHER_TIME,
        PlanStep.TELEHEALTH,
        PlanStep.CONVERSATION,
    ]


def test_suggestions_for_an_episode_use_its_latest_request(world):
    request = world.ask_to_come_back(reasons=[Reason.TIRED])
    assert request.episode == world.episode
    assert [s.step for s in suggest_steps(world.episode)][0] == PlanStep.ONE_GROUP


def test_an_unknown_reason_is_refused(world):
    request = world.ask_to_come_back()
    with pytest.raises(ValidationError):
        note_reasons(request, ["laziness"])

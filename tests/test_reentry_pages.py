"""The staff pages of coming back, through the real views: the contact
attempt with its details, reasons, the three ways a request closes, the
re-assessment (safety screen first, flags and their guidance, scores after
saving, the person's own answers), the plan (the gate, suggestions with
their reasons, the IOP note, a real session booked, same or new episode),
and the person's own questionnaire from a one-tap link."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.auth import sign_in
from tests.factories import travel
from tests.reentry_world import build_world
from welcomeback.care.models import Episode, EpisodeStatus, Expectation
from welcomeback.outreach.models import Message, Purpose
from welcomeback.returns.assessments import questionnaire_token, record_assessment
from welcomeback.returns.models import (
    Assessment,
    AssessmentSource,
    ContactAttempt,
    ReentryPlan,
    RequestStatus,
)
from welcomeback.returns.reasons import note_reasons
from welcomeback.worklist.models import Task, TaskKind

pytestmark = pytest.mark.django_db

CSSRS_INTENT = {
    "cssrs-q1": "1",
    "cssrs-q2": "1",
    "cssrs-q3": "1",
    "cssrs-q4": "1",
    "cssrs-q5": "0",
    "cssrs-q6": "0",
}


@pytest.fixture
def world():
    return build_world()


def staff(client, world, *roles, name="sam"):
    user = User.objects.create_user(name)
    return sign_in(client, user, programs=[world.program], roles=roles or ("clinician",))


def page(http, name, request, **kwargs):
    return http.get(reverse(name, args=[request.pk]), **kwargs)


def text(response) -> str:
    return response.content.decode()


# -- the request page: contact, reasons, closing -----------------------------------------


def test_a_contact_attempt_is_numbered_with_why_and_a_planned_day(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world, "front_desk")
        shown = text(page(http, "staff:request", request))
        assert "This is try 1." in shown
        assert "0 of 3" in shown or "Tries in a row without reaching them: 0" in shown
        response = http.post(
            reverse("staff:request_attempt", args=[request.pk]),
            {"method": "call", "result": "no_answer", "why_not_reached": "Voicemail full"},
        )
        assert response.status_code == 302
        response = http.post(
            reverse("staff:request_attempt", args=[request.pk]),
            {"method": "text", "result": "reached", "planned_date": "2026-03-04"},
        )
        assert response.status_code == 302
        shown = text(page(http, "staff:request", request))
    first, second = ContactAttempt.objects.filter(request=request).order_by("number")
    assert (first.number, first.why_not_reached) == (1, "Voicemail full")
    assert (second.number, second.planned_date) == (2, date(2026, 3, 4))
    assert "This is try 3." in shown and "Voicemail full" in shown
    request.refresh_from_db()
    assert request.status == RequestStatus.CONTACTED


def test_a_contact_attempt_without_how_is_shown_again_with_the_error(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world, "front_desk")
        response = http.post(
            reverse("staff:request_attempt", args=[request.pk]),
            {"result": "no_answer", "why_not_reached": "kept"},
        )
    assert response.status_code == 400
    assert "Choose how you tried to reach them." in text(response)
    assert 'value="kept"' in text(response)
    assert not ContactAttempt.objects.filter(request=request).exists()


def test_reasons_are_optional_and_noted(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world, "front_desk")
        assert "never a condition" in text(page(http, "staff:request", request))
        assert http.post(reverse("staff:request_reasons", args=[request.pk]), {}).status_code == 302
        response = http.post(
            reverse("staff:request_reasons", args=[request.pk]),
            {"reasons": ["transportation", "tired"], "note": "the bus stopped running"},
        )
        assert response.status_code == 302
        shown = text(page(http, "staff:request", request))
    request.refresh_from_db()
    assert request.reasons == ["transportation", "tired"]
    assert "Getting there" in shown and "the bus stopped running" in shown


def test_declined_previews_the_one_door_open_message_then_sends_only_it(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world, "case_manager")
        preview = text(page(http, "staff:request_declined", request))
        assert "Exactly one message goes to them" in preview
        assert "Ana" in preview  # the message, addressed to them, as it would go
        response = http.post(reverse("staff:request_declined", args=[request.pk]), {})
        assert response.status_code == 302
        again = http.post(reverse("staff:request_declined", args=[request.pk]), {})
        assert again.status_code == 302  # closed already: nothing more happens
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert Message.objects.filter(client=world.ana, purpose=Purpose.DOOR_OPEN).count() == 1


def test_referred_needs_where_and_unreachable_shows_the_count(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world, "front_desk")
        http.post(
            reverse("staff:request_attempt", args=[request.pk]),
            {"method": "call", "result": "no_answer"},
        )
        shown = text(page(http, "staff:request_unreachable", request))
        assert "Tries in a row without reaching them: 1" in shown
        missing = http.post(reverse("staff:request_referred", args=[request.pk]), {"to": ""})
        assert missing.status_code == 400 and "Say where they were referred." in text(missing)
        done = http.post(reverse("staff:request_referred", args=[request.pk]), {"to": "County PHP"})
        assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.REFERRED
    assert request.events.filter(kind="referred", note="County PHP").exists()


def test_unreachable_closes_with_check_ins(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world, "front_desk")
        assert http.post(reverse("staff:request_unreachable", args=[request.pk])).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.UNREACHABLE and request.check_in_at is not None


# -- re-assessment ----------------------------------------------------------------------------


def test_front_desk_sees_no_reassessment_and_no_answers(client, world):
    request = world.ask_to_come_back()
    world.safety_screen(request)
    with travel(world.at(3, 2, 12)):
        http = staff(client, world, "front_desk")
        assert page(http, "staff:reassessment", request).status_code == 403
        assert page(http, "staff:plan", request).status_code == 403
        assert "for clinicians" in text(page(http, "staff:request", request))


def test_the_safety_screen_comes_first_and_its_score_shows_after_saving(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        shown = text(page(http, "staff:reassessment", request))
        assert shown.index("The safety screen (required)") < shown.index("PHQ-9")
        response = http.post(
            reverse("staff:reassessment_save", args=[request.pk]),
            {"instrument": "cssrs", "cssrs-q1": "0", "cssrs-q2": "0", "cssrs-q6": "0"},
        )
        assert response.status_code == 302
        response = http.post(
            reverse("staff:reassessment_save", args=[request.pk]),
            {"instrument": "phq9", **{f"phq9-q{n}": "2" for n in range(1, 9)}, "phq9-q9": "0"},
        )
        http.post(
            reverse("staff:reassessment_save", args=[request.pk]),
            {"instrument": "gad7", "gad7-q1": "1", "gad7-q2": ""},
        )
        shown = text(http.get(response["Location"]))
    assert "No risk reported on the screen" in shown
    assert "score 16" in shown and "Moderately severe symptoms" in shown
    assert "6 questions skipped" in shown  # GAD-7: one answered, no score
    gad7 = Assessment.objects.get(instrument="gad7")
    assert gad7.source == AssessmentSource.STAFF and gad7.answers["q2"] is None
    assert gad7.total is None and not gad7.complete


def test_an_urgent_safety_screen_shows_988_and_the_clinician_task(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        response = http.post(
            reverse("staff:reassessment_save", args=[request.pk]),
            {"instrument": "cssrs", **CSSRS_INTENT},
        )
        shown = text(http.get(response["Location"]))
    task = Task.objects.get(kind=TaskKind.CLINICIAN_REVIEW)
    assert task.due_at == world.at(3, 2, 12)
    assert "The safety screen needs a clinician now" in shown
    assert "988" in shown and "911" in shown and "Stay with them" in shown
    assert task.title in shown.replace("&#x27;", "'")


def test_phq9_item9_opens_a_same_day_review_shown_to_staff(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        answers = {f"phq9-q{n}": "0" for n in range(1, 9)} | {"phq9-q9": "1"}
        http.post(
            reverse("staff:reassessment_save", args=[request.pk]), {"instrument": "phq9", **answers}
        )
        shown = text(page(http, "staff:reassessment", request))
    assert Task.objects.filter(kind=TaskKind.CLINICIAN_REVIEW).count() == 1
    assert "A clinician reviews this today" in shown


def test_a_director_reads_answers_but_cannot_save(client, world):
    request = world.ask_to_come_back()
    world.safety_screen(request)
    with travel(world.at(3, 2, 12)):
        http = staff(client, world, "director")
        shown = text(page(http, "staff:reassessment", request))
        refused = http.post(
            reverse("staff:reassessment_save", args=[request.pk]),
            {"instrument": "cssrs", "cssrs-q1": "0"},
        )
    assert "Their answers" in shown and "Fill it in" not in shown
    assert refused.status_code == 403


def test_the_persons_own_answers_are_shown_and_filled_in_to_edit(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 11, 30)):
        record_assessment(
            code="gad7",
            answers={"q1": 3, "q2": 2},
            request=request,
            source=AssessmentSource.SELF,
        )
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        shown = text(page(http, "staff:reassessment", request))
    assert "Filled in by the person themselves" in shown
    assert "They answered these themselves beforehand" in shown
    assert re.search(r'<input type="radio" name="gad7-q1" value="3"[^>]*checked', shown)
    assert not re.search(r'<input type="radio" name="gad7-q3" value="\d"[^>]*checked', shown)


# -- the plan ----------------------------------------------------------------------------


def plan_form(world, **overrides):
    session = world.day_group(3, 4)
    return {
        "steps": ["one_group"],
        "level": "3:2.1",
        "weekly_hours": "3",
        "transition": "ramp",
        "ramp_until": "2026-03-16",
        "first_session": str(session.pk),
        "expect": "weekly",
        **overrides,
    }


def test_the_plan_waits_kindly_for_the_safety_screen(client, world):
    request = world.ask_to_come_back()
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        shown = text(page(http, "staff:plan", request))
        refused = http.post(reverse("staff:plan_agree", args=[request.pk]), plan_form(world))
    assert "Before a plan: the safety screen" in shown
    assert "The safety screen (C-SSRS) is not recorded yet." in shown
    assert "Agree the plan" not in shown
    assert refused.status_code == 400
    assert not ReentryPlan.objects.exists()


def test_suggestions_say_because_and_the_iop_note_is_plain(client, world):
    request = world.ask_to_come_back()
    note_reasons(request, ["transportation", "tired"])
    world.safety_screen(request)
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        shown = text(page(http, "staff:plan", request))
    assert "because: “Getting there”" in shown
    assert "One group a week to start" in shown
    assert "9 or more hours a week for adults" in shown
    assert "the same episode, with all its history" in shown
    assert "Day group" in shown  # a real upcoming session to book


def test_one_group_a_week_below_iop_needs_a_ramp_or_a_step_down(client, world):
    request = world.ask_to_come_back()
    world.safety_screen(request)
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        refused = http.post(
            reverse("staff:plan_agree", args=[request.pk]),
            plan_form(world, transition="", ramp_until=""),
        )
    assert refused.status_code == 400
    assert "below the intensive outpatient level of care" in text(refused)


def test_agreeing_the_plan_resumes_the_same_episode_and_books_the_session(client, world):
    request = world.ask_to_come_back()
    world.safety_screen(request)
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        response = http.post(reverse("staff:plan_agree", args=[request.pk]), plan_form(world))
        assert response.status_code == 302, text(response)
        shown = text(http.get(response["Location"]))
    request.refresh_from_db()
    plan = ReentryPlan.objects.get()
    assert request.status == RequestStatus.PLAN_AGREED
    assert plan.episode == world.episode and request.episode == world.episode
    assert Expectation.objects.filter(episode=world.episode, weekday=2, ends=None).exists()
    assert "Plan agreed" in shown


def test_beyond_the_resume_window_the_page_says_a_new_linked_episode_opens(client, world):
    with travel(world.at(2, 10, 9)):
        from welcomeback.care.episodes import change_episode_status

        change_episode_status(world.episode, EpisodeStatus.FINISHED, discharge_reason=1)
    world.program.resume_within_days = 10
    world.program.save()
    request = world.ask_to_come_back(month=3, day=2)
    world.safety_screen(request)
    with travel(world.at(3, 2, 12)):
        http = staff(client, world)
        shown = text(page(http, "staff:plan", request))
        http.post(reverse("staff:plan_agree", args=[request.pk]), plan_form(world))
    assert "a new episode opens, linked to it" in shown
    new = Episode.objects.exclude(pk=world.episode.pk).get()
    assert new.previous == world.episode


# -- the person's own questionnaire ---------------------------------------------------------


def test_the_questionnaire_link_is_discreet_skippable_and_saves_as_self(client, world):
    request = world.ask_to_come_back()
    token = questionnaire_token(request)
    url = reverse("portal:questionnaire", args=[token])
    assert "question" in url and "assess" not in url and "phq" not in url
    with travel(world.at(3, 2, 13)):
        first = client.get(url)
        body = text(first)
        assert first.status_code == 200
        assert "<title>A few questions – Riverbend</title>" in body
        assert "988" in body and "Part 1 of 4" in body
        client.post(url + "?part=1", {"phq9-q1": "1", "phq9-q9": "1"})
        skipped = client.post(url + "?part=2", {"skip": "1", "gad7-q1": "3"})
        assert skipped["Location"].endswith("?part=3")
        client.post(url + "?part=3", {})  # all blank: nothing stored
        client.post(url + "?part=4", {"dast10-q1": "1"})
        done = text(client.get(url + "?part=done"))
    saved = {a.instrument: a for a in Assessment.objects.filter(request=request)}
    assert set(saved) == {"phq9", "dast10"}
    assert all(a.source == AssessmentSource.SELF for a in saved.values())
    assert Task.objects.filter(kind=TaskKind.CLINICIAN_REVIEW).count() == 1  # item 9
    assert "Thank you for telling us" in done and "988" in done


def test_the_questionnaire_speaks_spanish(client, world):
    request = world.ask_to_come_back(language="es")
    with travel(world.at(3, 2, 13)):
        body = text(
            client.get(reverse("portal:questionnaire", args=[questionnaire_token(request)]))
        )
    assert 'lang="es"' in body


def test_a_broken_or_closed_link_shows_a_kind_page(client, world):
    request = world.ask_to_come_back()
    token = questionnaire_token(request)
    with travel(world.at(3, 2, 13)):
        broken = client.get(reverse("portal:questionnaire", args=[token + "x"]))
        assert broken.status_code == 400 and "This link has expired" in text(broken)
        from welcomeback.returns.outcomes import mark_referred

        mark_referred(request, to="elsewhere")
        assert client.get(reverse("portal:questionnaire", args=[token])).status_code == 400

"""Returned people in the demo: records that hold the whole story.

Two people drifted, heard from us, asked to come back, had a safety screen
and a PHQ-9, agreed "one group a week, ramp back", came, and are engaged
again on the same episode. One more came back after a long gap: the last
episode had finished long before, so a new one opened, linked to it.
Everything goes through the real functions (returns.reentry, assessments,
outcomes, care.attendance), at the moments it happened.
"""

import random
from datetime import timedelta

from django.db.models import Exists, OuterRef

from welcomeback.care.attendance import record_attendance
from welcomeback.care.models import (
    AttendanceSource,
    AttendanceStatus,
    Episode,
    EpisodeStatus,
    Expectation,
    Session,
    SessionStatus,
    Transition,
)
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status
from welcomeback.outreach import consent, outbox
from welcomeback.outreach.models import Channel, ConsentSource, InboundMessage, Purpose
from welcomeback.returns.assessments import record_assessment
from welcomeback.returns.models import (
    ContactMethod,
    ContactResult,
    ExpectAt,
    PlanStep,
    Reason,
    ReturnRequest,
)
from welcomeback.returns.reentry import agree_plan, note_milestone, resume
from welcomeback.returns.requests import log_contact, open_request

NO_RISK = {"q1": 0, "q2": 0, "q6": 0}
# A PHQ-9 in the mild band (7), with item 9 at 0.
PHQ9_MILD = {"q1": 1, "q2": 1, "q3": 2, "q4": 1, "q5": 1, "q6": 1, "q7": 0, "q8": 0, "q9": 0}
WORDS = [
    "Hi, it's me. I'd like to come back, but every day is too much right now.",
    "Hey, can I come back? Work changed and I got behind, sorry it's been a while.",
    "I'd like to start again if that's ok. It's been a long time.",
]
# The demo's program for the long gap resumes within this many days.
LONG_GAP_WINDOW_DAYS = 60


def add_returned_people(rng: random.Random, programs, now, staff) -> int:
    """Returns how many returned people were added (0 when the demo is too
    small to have them)."""
    added = 0
    for index, engagement in enumerate(drifting_candidates(rng, now)[:2]):
        episode = engagement.episode
        if same_episode_return(episode, now - timedelta(days=16), staff, WORDS[index], now):
            added += 1
    finished = long_gap_candidate(now)
    if finished is not None:
        program = finished.program
        program.resume_within_days = LONG_GAP_WINDOW_DAYS
        program.save(update_fields=["resume_within_days"])
        if long_gap_return(finished, now - timedelta(days=16), staff, now):
            added += 1
    if added:
        sweep.run_once(now=now)
    return added


def untouched():
    """Episodes whose person has no request and wrote nothing in."""
    requests = ReturnRequest.objects.filter(client_id=OuterRef("episode__client_id"))
    inbound = InboundMessage.objects.filter(client_id=OuterRef("episode__client_id"))
    return ~Exists(requests) & ~Exists(inbound)


def drifting_candidates(rng, now) -> list[Engagement]:
    """People who drifted more than three weeks before the story starts."""
    rows = list(
        Engagement.objects.filter(
            untouched(),
            episode__status=EpisodeStatus.ACTIVE,
            status__in=[Status.DISENGAGED, Status.INTERRUPTED],
            last_contact_at__lt=now - timedelta(days=40),
            last_contact_at__gt=now - timedelta(days=80),
        )
        .exclude(episode__client__phone="")
        .select_related("episode__client", "episode__program")
        .order_by("pk")
    )
    rng.shuffle(rows)
    return rows


def long_gap_candidate(now) -> Episode | None:
    newer = Episode.objects.filter(client_id=OuterRef("client_id"), created__gt=OuterRef("created"))
    requests = ReturnRequest.objects.filter(client_id=OuterRef("client_id"))
    return (
        Episode.objects.filter(
            status=EpisodeStatus.FINISHED, ended__lt=now - timedelta(days=LONG_GAP_WINDOW_DAYS + 20)
        )
        .filter(~Exists(newer), ~Exists(requests))
        .exclude(client__phone="")
        .select_related("client", "program")
        .order_by("ended", "pk")
        .first()
    )


def group_of(episode):
    expectation = (
        Expectation.objects.filter(episode=episode, group__isnull=False)
        .order_by("-starts")
        .select_related("group")
        .first()
    )
    return expectation.group if expectation else None


def same_episode_return(episode, start, staff, words, now) -> bool:
    group = group_of(episode)
    if group is None:
        return False
    client = episode.client
    agreed_at_intake(client, staff)
    # Outreach while they drifted, then their text back.
    outbox.queue_from_template(
        client=client,
        program=episode.program,
        channel=Channel.SMS,
        purpose=Purpose.DISENGAGED,
        key=f"demo-return:{episode.pk}:outreach",
        episode=episode,
        now=start,
    )
    request = open_request(
        program=episode.program,
        channel="sms",
        phone=client.phone,
        message=words,
        client=client,
        language=client.language,
        reasons=[Reason.TIRED],
        now=start + timedelta(days=1),
    )
    return reassess_plan_and_come(request, group, start + timedelta(days=1, hours=2), staff, now)


def long_gap_return(finished, start, staff, now) -> bool:
    group = group_of(finished)
    if group is None:
        return False
    client = finished.client
    agreed_at_intake(client, staff)
    note_milestone(
        finished, "Finished the first month", (finished.started + timedelta(days=28)).date()
    )
    request = open_request(
        program=finished.program,
        channel="web",
        phone=client.phone,
        message=WORDS[2],
        client=client,
        language=client.language,
        reasons=[Reason.WORK, Reason.SCHEDULE],
        now=start,
    )
    resume(request, by=staff, now=start + timedelta(hours=2))
    request.refresh_from_db()
    return reassess_plan_and_come(request, group, start + timedelta(hours=3), staff, now)


def reassess_plan_and_come(request, group, at, staff, now) -> bool:
    first = (
        Session.objects.filter(
            group=group, status=SessionStatus.SCHEDULED, starts_at__gt=at + timedelta(days=1)
        )
        .order_by("starts_at")
        .first()
    )
    if first is None:
        return False
    log_contact(
        request,
        ContactMethod.CALL,
        ContactResult.REACHED,
        by=staff,
        note="Talked it through; one group a week to start.",
        planned_date=first.starts_at.astimezone(group.program.zone).date(),
        now=at,
    )
    record_assessment(code="cssrs", answers=NO_RISK, request=request, by=staff, now=at)
    record_assessment(code="phq9", answers=PHQ9_MILD, request=request, by=staff, now=at)
    today = at.astimezone(group.program.zone).date()
    agree_plan(
        request,
        steps=[PlanStep.ONE_GROUP],
        asam_edition="3",
        level="2.1",
        weekly_hours=round(group.duration_minutes / 60, 1),
        transition=Transition.RAMP,
        ramp_until=today + timedelta(days=14),
        first_session=first,
        expect=ExpectAt.WEEKLY,
        notes="One group a week to start, ramping back to the full schedule.",
        by=staff,
        now=at + timedelta(minutes=20),
    )
    come_each_week(request, first, staff, now)
    return True


def come_each_week(request, first, staff, now) -> None:
    """They came to every session of their weekday since, up to now."""
    weekly = Session.objects.filter(
        group_id=first.group_id,
        local_weekday=first.local_weekday,
        status=SessionStatus.SCHEDULED,
        starts_at__gte=first.starts_at,
    ).order_by("starts_at")
    for session in weekly:
        if session.ends_at > now:
            break
        record_attendance(
            session,
            request.client,
            AttendanceStatus.ATTENDED,
            AttendanceSource.DEMO,
            recorded_by=staff,
            recorded_at=session.ends_at,
        )


def agreed_at_intake(client, staff) -> None:
    """Texts and email agreed to at intake, as most people do."""
    from welcomeback.demo.outreach import INTAKE_WORDING

    for channel, address in ((Channel.SMS, client.phone), (Channel.EMAIL, client.email)):
        if address and consent.latest(channel, address) is None:
            consent.grant(
                channel=channel,
                address=address,
                wording=INTAKE_WORDING.get(client.language, INTAKE_WORDING["en"]),
                source=ConsentSource.FORM,
                client=client,
                by=staff,
                at=client.created,
            )

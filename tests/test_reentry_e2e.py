"""The whole story on the demo data, through the real pages (issue 5):
a person drifts (the sweep), hears from us (the console SMS provider), texts
back through the signed Twilio webhook, a request opens; a clinician fills
the safety screen and the PHQ-9 on the re-assessment page and agrees one
group a week as a ramp back on the plan page; the person comes (the roll
call page); the sweep runs; they are engaged again on the SAME episode, and
their timeline shows every step."""

import json
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from twilio.request_validator import RequestValidator

from tests.auth import sign_in
from tests.factories import travel
from welcomeback.care.models import EpisodeStatus, Expectation, Session, SessionStatus
from welcomeback.engagement.models import Engagement, Status
from welcomeback.outreach import consent
from welcomeback.outreach.dispatch import deliver
from welcomeback.outreach.models import Channel, ContactPoint, Message, MessageState
from welcomeback.returns.models import Assessment, ReentryPlan, RequestStatus, ReturnRequest

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2025, 12, 10, 22, 30, tzinfo=NEW_YORK)
TOKEN = "e2e-auth-token"
PUBLIC = "https://welcome.example.org"
INBOUND = "/o/twilio/inbound/"


@pytest.fixture
def demo(settings, tmp_path):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.SMS_FILE_PATH = tmp_path / "sms"
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command(
            "seeddemo",
            "--seed",
            "3",
            "--clients",
            "60",
            "--now",
            NOW.isoformat(),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    return tmp_path / "sms"


def someone_engaged_now():
    """An engaged person in a group, whose texts we may send (consent and a
    verified number from intake), who never wrote in or asked to come back."""
    rows = Engagement.objects.filter(
        status=Status.ENGAGED, episode__status=EpisodeStatus.ACTIVE
    ).select_related("episode__client", "episode__program")
    for engagement in rows.order_by("pk"):
        client = engagement.episode.client
        weekly = Expectation.objects.filter(
            episode=engagement.episode, group__isnull=False, ends__isnull=True, weekday__isnull=True
        ).exists()
        verified = ContactPoint.objects.filter(client=client, kind="phone", verified=True).exists()
        if (
            weekly
            and verified
            and client.phone
            and consent.has_consent(Channel.SMS, client.phone)
            and not ReturnRequest.objects.filter(client=client).exists()
            and not client.paused_until
        ):
            return engagement.episode
    raise AssertionError("the demo has nobody engaged who may be texted")


def local(day: datetime, hour: int) -> datetime:
    return day.astimezone(NEW_YORK).replace(hour=hour, minute=0, second=0, microsecond=0)


def sweep(moment):
    with travel(moment):
        call_command("sweep", "--once", "--processes", "1", stdout=StringIO())


def send_queued(client, moment) -> list[Message]:
    """The task worker's part: deliver each queued text, as db_worker would."""
    sent = []
    with travel(moment):
        for message in Message.objects.filter(client=client, state=MessageState.QUEUED):
            if deliver.call(message.pk) == MessageState.SENT:
                sent.append(message)
    return sent


def text_back(http, phone, body, sid):
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + INBOUND, params)
    return http.post(INBOUND, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_drift_outreach_reply_reassessment_plan_return_on_the_same_episode(client, demo):
    episode = someone_engaged_now()
    person, program = episode.client, episode.program

    # 1. They stop coming. The sweep runs each morning; they drift, and outreach goes out.
    day, statuses, sent = NOW, set(), []
    for _ in range(30):
        day += timedelta(days=1)
        sweep(local(day, 11))
        sent += send_queued(person, local(day, 11) + timedelta(minutes=5))
        statuses.add(Engagement.objects.get(pk=episode.pk).status)
        if sent and Engagement.objects.get(pk=episode.pk).status != Status.ENGAGED:
            break
    assert statuses & {Status.MISSED, Status.LAPSING, Status.DISENGAGED}
    assert sent, "outreach went out through the console provider"
    outbox = [json.loads(path.read_text()) for path in demo.glob("*.json")]
    assert outbox, "the console provider wrote the text to its outbox"

    # 2. They text back through the signed webhook; a request opens.
    replied_at = local(day, 15)
    with travel(replied_at):
        response = text_back(
            client, person.phone, "Hi, can I come back? It's been hard.", "SM" + "e2" * 16
        )
    assert response.status_code == 200
    request = ReturnRequest.objects.get(client=person)
    assert request.is_open and request.channel == "sms"

    # 3. A clinician re-assesses through the pages: the safety screen, then the PHQ-9.
    staff = User.objects.create_user("dana")
    at_desk = replied_at + timedelta(hours=1)
    with travel(at_desk):
        http = sign_in(client, staff, programs=[program], roles=("front_desk", "clinician"))
        assert (
            "Before a plan: the safety screen"
            in http.get(reverse("staff:plan", args=[request.pk])).content.decode()
        )
        http.post(
            reverse("staff:request_attempt", args=[request.pk]),
            {"method": "call", "result": "reached"},
        )
        save = reverse("staff:reassessment_save", args=[request.pk])
        assert (
            http.post(
                save, {"instrument": "cssrs", "cssrs-q1": "0", "cssrs-q2": "0", "cssrs-q6": "0"}
            ).status_code
            == 302
        )
        phq9 = {f"phq9-q{n}": "1" for n in range(1, 9)} | {"phq9-q9": "0"}
        assert http.post(save, {"instrument": "phq9", **phq9}).status_code == 302
        page = http.get(reverse("staff:reassessment", args=[request.pk])).content.decode()
        assert "No risk reported on the screen" in page and "score 8" in page

    # 4. One group a week, as a ramp back, booked into a real session of their group.
    with travel(at_desk + timedelta(minutes=30)):
        http = sign_in(client, staff)
        group_id = (
            Expectation.objects.filter(episode=episode, group__isnull=False)
            .order_by("-starts")
            .values_list("group_id", flat=True)
            .first()
        )
        first = (
            Session.objects.filter(
                group_id=group_id, status=SessionStatus.SCHEDULED, starts_at__gt=at_desk
            )
            .order_by("starts_at")
            .first()
        )
        plan_page = http.get(reverse("staff:plan", args=[request.pk])).content.decode()
        assert "the same episode, with all its history" in plan_page
        today = at_desk.astimezone(program.zone).date()
        response = http.post(
            reverse("staff:plan_agree", args=[request.pk]),
            {
                "steps": ["one_group"],
                "level": "3:2.1",
                "weekly_hours": "3",
                "transition": "ramp",
                "ramp_until": (today + timedelta(days=14)).isoformat(),
                "first_session": str(first.pk),
                "expect": "weekly",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    assert request.status == RequestStatus.PLAN_AGREED

    # 5. They come: the roll call page, then the sweep.
    with travel(first.starts_at + timedelta(minutes=10)):
        http = sign_in(client, staff)
        roll = http.post(
            reverse("staff:roll_call", args=[first.pk]), {f"mark-{person.pk}": "attended"}
        )
        assert roll.status_code == 302
    sweep(first.ends_at + timedelta(minutes=30))

    # 6. Engaged again, on the same episode, with everything kept.
    engagement = Engagement.objects.get(pk=episode.pk)
    assert engagement.status == Status.ENGAGED
    request.refresh_from_db()
    assert request.status == RequestStatus.RESUMED
    plan = ReentryPlan.objects.get(request=request)
    assert plan.episode_id == episode.pk and request.episode_id == episode.pk
    assert not person.episodes.filter(previous=episode).exists()  # no new episode
    assert episode.attendance.filter(session__starts_at__lt=NOW).exists()  # history kept
    assert set(Assessment.objects.filter(request=request).values_list("instrument", flat=True)) == {
        "cssrs",
        "phq9",
    }
    with travel(first.ends_at + timedelta(hours=1)):
        http = sign_in(client, staff)
        timeline = http.get(reverse("staff:person", args=[person.pk])).content.decode()
    for step in (
        "Now ",  # engagement changes: the drift and the return
        "sent",  # outreach
        "Asked to come back",
        "Re-assessment: C-SSRS",
        "Re-assessment: PHQ-9",
        "Re-entry plan: One group a week to start",
        "Level of care 2.1",
        "Came back",
    ):
        assert step in timeline, step
    # Oldest first in the story: drift, outreach, request, re-assessment, plan, return.
    order = [
        timeline.index(s)
        for s in ("Came back", "Re-entry plan:", "Re-assessment: C-SSRS", "Asked to come back")
    ]
    assert order == sorted(order), "the timeline reads newest first"

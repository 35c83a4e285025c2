"""Return requests in the demo: a few people asking to come back right now —
one in crisis, one past its response time, one asked for by a loved one,
and a call logged by the front desk."""

import random
from datetime import timedelta

from welcomeback.care.models import EpisodeStatus
from welcomeback.care.schedule import local_start_to_utc
from welcomeback.engagement.models import Engagement, Status
from welcomeback.returns.models import ContactMethod, ContactResult, Origin
from welcomeback.returns.requests import escalate_crisis, log_contact, open_request

WORDS = {
    "return": "Hi, it's been a while. I think I'm ready to try again. Can we talk?",
    "crisis": "I don't want to be here anymore. I don't know who else to text.",
    "overdue": "Is there an evening group I could join? Days are hard with work.",
    "called": "Called to ask about coming back after the holidays.",
}


def open_demo_requests(rng: random.Random, programs, now, staff) -> int:
    program = programs[0]
    drifting = list(
        Engagement.objects.filter(
            program=program,
            episode__status=EpisodeStatus.ACTIVE,
            status__in=[Status.DISENGAGED, Status.INTERRUPTED, Status.INACTIVE],
        )
        .select_related("episode__client")
        .order_by("pk")
    )
    reachable = [e.episode.client for e in drifting if e.episode.client.phone]
    reachable = [client for client in reachable if client.email]
    people = rng.sample(reachable, min(4, len(reachable)))
    if len(people) < 4:
        return 0
    crisis = open_request(
        program=program,
        channel="sms",
        phone=people[0].phone,
        message=WORDS["crisis"],
        client=people[0],
        language=people[0].language,
        now=now - timedelta(minutes=2),
    )
    escalate_crisis(crisis.pk)
    open_request(
        program=program,
        channel="web",
        email=people[1].email,
        message=WORDS["overdue"],
        client=people[1],
        now=last_open_moment(program, now),
    )
    open_request(
        program=program,
        channel="web",
        phone=people[2].phone,
        name=people[2].first_name,
        origin=Origin.PROXY,
        message="My brother has been having a hard time and "
        "misses the group. Could someone reach out to him?",
        proxy={
            "proxy_name": "Marisol",
            "proxy_relationship": "sister",
            "proxy_phone": "+12125550198",
        },
        now=now - timedelta(minutes=25),
    )
    called = open_request(
        program=program,
        channel="phone",
        phone=people[3].phone,
        message=WORDS["called"],
        client=people[3],
        by=staff,
        now=now - timedelta(minutes=50),
    )
    log_contact(
        called,
        ContactMethod.CALL,
        ContactResult.REACHED,
        by=staff,
        note="Talked about Thursday evenings.",
        now=now - timedelta(minutes=45),
    )
    return 4


def last_open_moment(program, now):
    """Half an hour after the program last opened, at least two hours ago:
    a request from then is past its response time whenever the demo runs."""
    local = now.astimezone(program.zone)
    for days_back in range(0, 14):
        day = local.date() - timedelta(days=days_back)
        if str(day.weekday()) not in program.open_weekdays:
            continue
        moment = local_start_to_utc(day, program.opens_at, program.zone) + timedelta(minutes=30)
        if moment < now - timedelta(hours=2):
            return moment
    return now - timedelta(days=3)

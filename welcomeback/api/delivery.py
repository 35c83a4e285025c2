"""Sending webhook deliveries: each attempt claimed by a conditional update.

    pending ──claim──▶ sending ──2xx──▶ delivered
       ▲                  │
       └── not 2xx, ──────┤
           no answer      └── 8th failure ──▶ failed

``send_due`` is a Django Task and only a trigger: it drains what is due.
Two workers running it at once never send one attempt twice, because the
move from pending to sending is ``UPDATE … WHERE state = 'pending'`` and
only the worker whose update changed the row sends it. Delivery is at least
once (a worker killed mid-send leaves "sending", put back after a while by
``events.release_due``); receivers dedupe by ``Welcome-Back-Event-Id``.
"""

import logging
import random
from datetime import datetime, timedelta

import requests
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from welcomeback.api import signing
from welcomeback.api.models import DeliveryState, WebhookDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# 30 s, 2 min, 8 min, 32 min, 2 h 08, then every 6 h (the cap), each ±20%
# so that a receiver coming back is not hit by every retry in one second.
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_FACTOR = 4
BACKOFF_CAP = timedelta(hours=6)
BACKOFF_JITTER = 0.2
TIMEOUT = (3.05, 10)
BATCH = 50
USER_AGENT = "WelcomeBack-Webhooks/1"


@task()
def send_due() -> int:
    """Send every delivery that is due; returns how many were attempted."""
    return drain()


def drain(now: datetime | None = None) -> int:
    attempted = 0
    while True:
        moment = now or timezone.now()
        ids = list(
            WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=moment)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return attempted
        for pk in ids:
            if claim(pk, moment):
                attempt(pk)
                attempted += 1


def claim(pk: int, now: datetime) -> bool:
    return bool(
        WebhookDelivery.objects.filter(
            pk=pk, state=DeliveryState.PENDING, next_attempt_at__lte=now
        ).update(state=DeliveryState.SENDING, attempts=F("attempts") + 1, updated=timezone.now())
    )


def attempt(pk: int) -> str:
    """POST one claimed delivery, outside any transaction, then record the answer."""
    row = WebhookDelivery.objects.select_related("subscription").get(pk=pk)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Welcome-Back-Event": row.event,
        "Welcome-Back-Event-Id": str(row.event_id),
        signing.HEADER: signing.header(row.subscription.secret, row.body),
    }
    try:
        answer = requests.post(
            row.subscription.url,
            data=row.body.encode(),
            headers=headers,
            timeout=TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return settle(row, None, type(error).__name__)
    if 200 <= answer.status_code < 300:
        return settle(row, answer.status_code, "")
    return settle(row, answer.status_code, f"HTTP {answer.status_code}")


def settle(row: WebhookDelivery, status: int | None, error: str) -> str:
    now = timezone.now()
    fields = {"last_status": status, "last_error": error[:200], "updated": now}
    if not error:
        fields.update(state=DeliveryState.DELIVERED, delivered_at=now)
    elif row.attempts >= MAX_ATTEMPTS:
        fields.update(state=DeliveryState.FAILED)
    else:
        fields.update(state=DeliveryState.PENDING, next_attempt_at=now + backoff(row.attempts))
    with transaction.atomic():
        moved = WebhookDelivery.objects.filter(
            pk=row.pk, state=DeliveryState.SENDING, attempts=row.attempts
        ).update(**fields)
        if moved and fields["state"] == DeliveryState.PENDING:
            retry_at = fields["next_attempt_at"]
            transaction.on_commit(lambda: send_due.using(run_after=retry_at).enqueue())
    logger.info("webhook delivery %s attempt %s: %s", row.pk, row.attempts, error or "delivered")
    return fields["state"]


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts."""
    delay = min(BACKOFF_FIRST * BACKOFF_FACTOR ** (attempts - 1), BACKOFF_CAP)
    return delay * random.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER)

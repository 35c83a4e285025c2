"""Webhook events: which happenings become deliveries, and when.

- ``engagement.status_changed``: the sweep announces each batch's changes
  (``engagement.signals.statuses_changed``); the batch becomes one INSERT of
  delivery rows, whatever its size.
- ``return_request.opened``: a ReturnRequest row is created (``post_save``),
  in the same transaction as the request, so a rolled-back request never
  announces itself.

Payloads carry ids and statuses only: the receiver asks the API for more.
Each delivery's ``event_key`` names the happening, so announcing it twice
queues it once.
"""

import json
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from welcomeback.api.models import DeliveryState, Event, WebhookDelivery, WebhookSubscription
from welcomeback.care.bulk import chunks
from welcomeback.care.models import Episode

# A due delivery whose task has not taken it after this long lost its task
# (a worker killed after taking it); the sweep's pass enqueues it again.
RELEASE_AFTER = timedelta(minutes=2)
# A send takes seconds (the timeout is 10 s); still "sending" after this
# means the worker stopped. Sent again: receivers dedupe by event id.
STUCK_AFTER = timedelta(minutes=5)


def subscribers(program_ids, event: str) -> dict[int, list[WebhookSubscription]]:
    """Active subscriptions to ``event``, by program. The event list is
    filtered here: SQLite has no JSON "contains"."""
    found: dict[int, list[WebhookSubscription]] = {}
    for sub in WebhookSubscription.objects.filter(active=True, program_id__in=program_ids):
        if event in sub.events:
            found.setdefault(sub.program_id, []).append(sub)
    return found


def delivery(sub, event: str, key: str, data: dict, now: datetime) -> WebhookDelivery:
    event_id = uuid.uuid4()
    body = {"id": str(event_id), "type": event, "created": now.isoformat(), "data": data}
    return WebhookDelivery(
        subscription=sub,
        event=event,
        event_key=key,
        event_id=event_id,
        body=json.dumps(body, separators=(",", ":"), sort_keys=True),
        next_attempt_at=now,
        created=now,
        updated=now,
    )


def queue(rows: list[WebhookDelivery]) -> None:
    if not rows:
        return
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(kick)


def kick() -> None:
    from welcomeback.api.delivery import send_due

    send_due.enqueue()


# ---------------------------------------------------------------- engagement


def on_statuses_changed(sender, changes, **kwargs) -> None:
    """changes: (episode_id, seq, to_status, at) for each change of a batch."""
    # Most installations subscribe to nothing: one indexed query, not a
    # read of every episode in the batch, is all a sweep batch pays then.
    if not WebhookSubscription.objects.filter(active=True).exists():
        return
    episodes = {}
    for chunk in chunks(sorted({change[0] for change in changes})):
        for pk, program_id, client_id in Episode.objects.filter(pk__in=chunk).values_list(
            "pk", "program_id", "client_id"
        ):
            episodes[pk] = (program_id, client_id)
    subs = subscribers({program for program, _client in episodes.values()}, Event.STATUS_CHANGED)
    if not subs:
        return
    now = timezone.now()
    rows = []
    for episode_id, seq, status, at in changes:
        program_id, client_id = episodes[episode_id]
        data = {
            "episode_id": episode_id,
            "client_id": client_id,
            "program_id": program_id,
            "status": str(status),
            "seq": seq,
            "at": at.isoformat(),
        }
        for sub in subs.get(program_id, []):
            key = f"status:{episode_id}:{seq}"
            rows.append(delivery(sub, Event.STATUS_CHANGED, key, data, now))
    queue(rows)


# ---------------------------------------------------------------- return requests


def on_request_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    subs = subscribers([instance.program_id], Event.REQUEST_OPENED).get(instance.program_id, [])
    if not subs:
        return
    now = timezone.now()
    data = {
        "return_request_id": instance.pk,
        "program_id": instance.program_id,
        "client_id": instance.client_id,
        "episode_id": instance.episode_id,
        "status": instance.status,
        "due_at": instance.due_at.isoformat(),
    }
    key = f"request:{instance.pk}:opened"
    queue([delivery(sub, Event.REQUEST_OPENED, key, data, now) for sub in subs])


# ---------------------------------------------------------------- after each sweep pass


def release_due(now: datetime | None = None) -> int:
    """Put back deliveries left "sending" by a stopped worker, and enqueue a
    task when due deliveries wait longer than a task would take to start.
    Returns how many rows were put back."""
    now = now or timezone.now()
    stuck = WebhookDelivery.objects.filter(
        state=DeliveryState.SENDING, updated__lt=now - STUCK_AFTER
    ).update(state=DeliveryState.PENDING, next_attempt_at=now, updated=now)
    waiting = WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING, next_attempt_at__lte=now - RELEASE_AFTER
    ).exists()
    if stuck or waiting:
        kick()
    return stuck

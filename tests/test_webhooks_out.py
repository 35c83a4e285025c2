"""Outgoing webhooks, delivered to a real HTTP server on loopback: signed,
retried with backoff, queued once per event, one INSERT per sweep batch."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api_helpers import build_world
from tests.factories import travel
from welcomeback.api import delivery, events, signing
from welcomeback.api.models import DeliveryState, Event, WebhookDelivery
from welcomeback.api.subscriptions import create_subscription, deactivate
from welcomeback.engagement import sweep
from welcomeback.engagement.signals import statuses_changed
from welcomeback.returns.models import RequestChannel
from welcomeback.returns.requests import open_request

pytestmark = pytest.mark.django_db

BOTH = [Event.STATUS_CHANGED, Event.REQUEST_OPENED]


class Receiver:
    """An HTTP server in a thread that keeps what it was sent and answers
    with the next status of ``answers`` (then 200)."""

    def __init__(self, answers=()):
        self.answers = list(answers)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.received.append((dict(self.headers), body))
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def subscribed(world, receiver):
    sub, secret = create_subscription(world.program, receiver.url, BOTH)
    return sub, secret


def announce(world, *pairs):
    """The sweep's announcement: (client, status) changes of one batch."""
    now = timezone.now()
    changes = [
        (client.episodes.get().pk, seq, status, now)
        for seq, (client, status) in enumerate(pairs, start=1)
    ]
    statuses_changed.send(sender=None, changes=changes)
    return changes


def test_a_status_change_is_delivered_signed_and_verifies(world, receiver, subscribed):
    sub, secret = subscribed
    announce(world, (world.maya, "lapsing"))
    assert delivery.drain() == 1
    [(headers, body)] = receiver.received
    assert signing.verify(secret, body, headers[signing.HEADER])
    assert not signing.verify("whsec_wrong", body, headers[signing.HEADER])
    assert not signing.verify(secret, body.replace("lapsing", "engaged"), headers[signing.HEADER])
    payload = json.loads(body)
    row = WebhookDelivery.objects.get()
    assert headers["Welcome-Back-Event-Id"] == payload["id"] == str(row.event_id)
    assert headers["Welcome-Back-Event"] == payload["type"] == "engagement.status_changed"
    assert payload["data"] == {
        "episode_id": world.maya.episodes.get().pk,
        "client_id": world.maya.pk,
        "program_id": world.program.pk,
        "status": "lapsing",
        "seq": 1,
        "at": payload["data"]["at"],
    }
    assert row.state == DeliveryState.DELIVERED and row.last_status == 200


def test_a_signature_older_than_five_minutes_is_refused(world):
    old = signing.header("whsec_x", "{}", timestamp=int(timezone.now().timestamp()) - 301)
    assert not signing.verify("whsec_x", "{}", old)


def test_the_payload_carries_no_name_phone_or_words(world, receiver, subscribed):
    announce(world, (world.maya, "disengaged"))
    open_request(
        program=world.program,
        channel=RequestChannel.SMS,
        phone=world.jordan.phone,
        message="I want to come back, this is Jordan",
        name="Jordan Rivera",
    )
    delivery.drain()
    bodies = " ".join(body for _headers, body in receiver.received)
    assert len(receiver.received) == 2
    for secret_thing in ("Maya", "Jordan", "Rivera", world.jordan.phone, "come back"):
        assert secret_thing not in bodies


def test_a_new_return_request_is_announced_once(world, receiver, subscribed):
    request = open_request(program=world.program, channel=RequestChannel.WEB, phone="+15555550000")
    delivery.drain()
    [(_headers, body)] = receiver.received
    data = json.loads(body)["data"]
    assert json.loads(body)["type"] == "return_request.opened"
    assert data["return_request_id"] == request.pk and data["status"] == "new"
    request.save()  # saved again: not a new request
    assert WebhookDelivery.objects.count() == 1


def test_a_batch_of_changes_is_one_insert(world, receiver, subscribed):
    create_subscription(world.program, receiver.url, [Event.STATUS_CHANGED])
    with CaptureQueriesContext(connection) as queries:
        announce(world, (world.maya, "lapsing"), (world.jordan, "missed"), (world.sam, "lapsing"))
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    delivery_inserts = [q for q in inserts if "api_webhookdelivery" in q["sql"]]
    assert len(delivery_inserts) == 1
    assert WebhookDelivery.objects.count() == 6  # 3 changes × 2 subscriptions


def test_announcing_the_same_change_twice_queues_it_once(world, subscribed):
    changes = announce(world, (world.maya, "lapsing"))
    statuses_changed.send(sender=None, changes=changes)
    assert WebhookDelivery.objects.count() == 1


def test_other_programs_and_switched_off_subscriptions_hear_nothing(world, receiver):
    create_subscription(world.other, receiver.url, BOTH)
    off, _secret = create_subscription(world.program, receiver.url, BOTH)
    deactivate(off)
    announce(world, (world.maya, "lapsing"))
    assert not WebhookDelivery.objects.exists()


def test_a_500_is_retried_with_backoff_and_the_same_event_id(world, subscribed):
    receiver = Receiver(answers=[500, 503])
    sub, secret = subscribed
    type(sub).objects.filter(pk=sub.pk).update(url=receiver.url)
    try:
        announce(world, (world.maya, "lapsing"))
        start = timezone.now()
        delivery.drain()
        row = WebhookDelivery.objects.get()
        assert (row.state, row.attempts, row.last_error) == ("pending", 1, "HTTP 500")
        wait = row.next_attempt_at - start
        assert timedelta(seconds=24) <= wait <= timedelta(seconds=37)
        assert delivery.drain() == 0  # not due yet
        with travel(row.next_attempt_at + timedelta(seconds=1)):
            delivery.drain()
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_status) == ("pending", 2, 503)
        assert row.next_attempt_at - timezone.now() >= timedelta(seconds=90)  # 2 min ± 20%
        with travel(row.next_attempt_at + timedelta(seconds=1)):
            delivery.drain()
        row.refresh_from_db()
        assert row.state == DeliveryState.DELIVERED and row.attempts == 3
        ids = {headers["Welcome-Back-Event-Id"] for headers, _body in receiver.received}
        assert ids == {str(row.event_id)} and len(receiver.received) == 3
        for headers, body in receiver.received:
            assert signing.verify(secret, body, headers[signing.HEADER], tolerance=10**9)
    finally:
        receiver.close()


def test_backoff_grows_and_stops_at_its_cap():
    delays = [delivery.backoff(n) for n in range(1, delivery.MAX_ATTEMPTS)]
    assert delays[0] <= timedelta(seconds=36)
    assert all(d <= delivery.BACKOFF_CAP * 1.2 for d in delays)
    assert delays[-1] >= delivery.BACKOFF_CAP * 0.8


def test_it_gives_up_after_the_last_attempt(world, subscribed):
    announce(world, (world.maya, "lapsing"))
    type(subscribed[0]).objects.update(url="http://127.0.0.1:9/nothing-listens")
    WebhookDelivery.objects.update(attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.drain()
    row = WebhookDelivery.objects.get()
    assert row.state == DeliveryState.FAILED and row.attempts == delivery.MAX_ATTEMPTS
    assert row.last_error == "ConnectionError"


def test_only_one_worker_claims_an_attempt(world, subscribed):
    announce(world, (world.maya, "lapsing"))
    row = WebhookDelivery.objects.get()
    now = timezone.now()
    assert delivery.claim(row.pk, now) is True
    assert delivery.claim(row.pk, now) is False


def test_a_delivery_left_sending_by_a_stopped_worker_is_put_back(world, subscribed):
    announce(world, (world.maya, "lapsing"))
    row = WebhookDelivery.objects.get()
    delivery.claim(row.pk, timezone.now())
    assert events.release_due(timezone.now()) == 0
    assert events.release_due(timezone.now() + events.STUCK_AFTER + timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.state == DeliveryState.PENDING


@pytest.mark.django_db(transaction=True)
def test_the_task_queued_on_commit_sends_it(world, receiver, subscribed):
    from django.db import transaction

    with transaction.atomic():
        announce(world, (world.maya, "lapsing"))
        assert not receiver.received
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED


def test_the_sweep_puts_back_and_releases_deliveries_after_each_pass():
    from welcomeback.engagement import hooks

    assert events.release_due in hooks._after_pass


def test_the_sweep_itself_announces_drift_to_a_subscriber(receiver):
    """From the real sweep, not a hand-made announcement: nobody attended
    the first three weeks of sessions, so everyone has drifted."""
    with travel(datetime(2026, 3, 1, 12, tzinfo=UTC)):
        world = build_world()
        create_subscription(world.program, receiver.url, [Event.STATUS_CHANGED])
    with travel(datetime(2026, 3, 24, 12, tzinfo=UTC)):
        sweep.run_once()
    rows = WebhookDelivery.objects.filter(event=Event.STATUS_CHANGED)
    data = [json.loads(row.body)["data"] for row in rows]
    assert {d["client_id"] for d in data} == {world.maya.pk, world.jordan.pk, world.sam.pk}
    assert all(d["status"] != "engaged" for d in data)

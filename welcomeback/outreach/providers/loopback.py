"""A provider on this machine, for the dispatch tests and benchmark.

``LoopbackSms`` POSTs each message's id and key (never its text or address)
to a ``LoopbackReceiver`` on 127.0.0.1, which counts every id it accepts.
Duplicates are counted where they would hurt — at the receiver — not by the
sender, which cannot know what it really sent.

The receiver's URL comes from ``OUTREACH_LOOPBACK_URL`` (the tests and the
benchmark start workers as separate processes and hand it to them that way).

Its answers map to the provider errors the way a real HTTP provider's do:
2xx accepted; 429 and 5xx temporary, not taken; other 4xx permanent; no
connection → ``connect`` (nothing was sent); a timeout or a connection
dropped after the request went out → ``timeout`` (it may have been taken).
"""

import http.client
import json
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from welcomeback.outreach.providers.base import (
    Accepted,
    PermanentProviderError,
    TemporaryProviderError,
)

DEFAULT_URL = "http://127.0.0.1:8025/messages"


class LoopbackSms:
    def __init__(self, url: str | None = None, timeout: float | None = None):
        parts = urlsplit(url or os.environ.get("OUTREACH_LOOPBACK_URL") or DEFAULT_URL)
        self.host, self.port, self.path = parts.hostname, parts.port or 80, parts.path or "/"
        self.timeout = timeout or float(os.environ.get("OUTREACH_LOOPBACK_TIMEOUT") or 5)
        self._local = threading.local()

    def send(self, message) -> Accepted:
        body = json.dumps({"id": message.pk, "key": message.key}).encode()
        status, payload = self._post(self._connection(), body)
        return answer(status, payload)

    def _connection(self) -> http.client.HTTPConnection:
        """One kept-alive connection per thread, as an HTTP client library's
        pool keeps them; opened here so a refusal is known to be "nothing
        sent". (The receiver never closes an idle connection, so a reused
        one does not fail after the request went out.)"""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                connection.connect()
            except OSError as error:
                raise TemporaryProviderError("connect", "could not connect") from error
            self._local.connection = connection
        return connection

    def _post(self, connection, body: bytes) -> tuple[int, bytes]:
        try:
            headers = {"Content-Type": "application/json"}
            connection.request("POST", self.path, body, headers)
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            self._local.connection = None
            raise TemporaryProviderError("timeout", "no answer from the receiver") from error


def answer(status: int, payload: bytes) -> Accepted:
    data = json.loads(payload or b"{}")
    if 200 <= status < 300:
        return Accepted(provider_id=data["sid"], status="sent")
    if status == 429 or status >= 500:
        raise TemporaryProviderError(str(status), data.get("error", ""))
    raise PermanentProviderError(
        str(status), data.get("error", ""), address_failed=bool(data.get("address_failed"))
    )


# ---------------------------------------------------------------- receiver

# An answer: (HTTP status, JSON body); None means "accept it".
Answer = tuple[int, dict] | None


class LoopbackReceiver:
    """A small HTTP server that stands in for the SMS provider.

    ``received`` counts accepted message ids. ``decide(message_id)`` may
    return an answer other than acceptance (tests simulate a 5xx with it).

        with LoopbackReceiver() as receiver:
            os.environ["OUTREACH_LOOPBACK_URL"] = receiver.url
    """

    def __init__(self, decide: Callable[[int], Answer] | None = None, port: int = 0):
        self.received: Counter[int] = Counter()
        self.refused = 0
        self.decide = decide or (lambda _id: None)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/messages"

    def start(self) -> "LoopbackReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "LoopbackReceiver":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def take(self, message_id: int) -> tuple[int, dict]:
        answer = self.decide(message_id)
        with self._lock:
            if answer is None:
                self.received[message_id] += 1
                return 201, {"sid": f"LB{message_id}-{self.received[message_id]}"}
            self.refused += 1
            return answer

    def duplicates(self) -> dict[int, int]:
        with self._lock:
            return {pk: n for pk, n in self.received.items() if n > 1}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Four workers each open a connection per message; the default backlog
    # of 5 would refuse some under load.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A worker killed mid-request leaves a broken connection; that is
        # what the soak does on purpose, not an error of the receiver.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def _handler_for(receiver: LoopbackReceiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: one connection per worker
        # The headers and the body go out in two writes; without this, the
        # second waits for the client's delayed ACK (~40 ms).
        disable_nagle_algorithm = True

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            try:
                message_id = int(json.loads(self.rfile.read(length))["id"])
            except (ValueError, KeyError):
                # Half a request: its sender died mid-send. Nothing taken.
                status, body = 400, {"error": "unreadable request"}
            else:
                status, body = receiver.take(message_id)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass  # one line per message would drown the test output

    return Handler

"""Where the return form's answer spends its time, in one process, without
gunicorn or a network: CPU per request of the form POST and of the bare
view through Django's WSGI handler, the statements the form runs, and with
--profile the top of a cProfile.

    .venv/bin/python bench/intake_profile.py [--requests 500] [--profile]
    .venv/bin/python bench/intake_profile.py --parts   # what each part costs

CPU time (time.process_time) is the process's own, so it is steadier than
wall time on a busy machine. Uses the same database and settings as
bench/intake.py (run that once first to create and seed it).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wb_intake"
        ),
    )
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--parts",
        action="store_true",
        help="switch each part of the form off in turn, in alternating rounds, "
        "and print what each costs (medians of CPU per request)",
    )
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.intake_settings",
            "DATABASE_URL": args.database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    site = Site(get_wsgi_application())
    form = site.form_poster()
    if args.parts:
        parts(site, form)
        return
    for name, send in (("return form", form), ("bare view", site.bare)):
        for _ in range(50):
            send()
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.requests):
            send()
        wall = 1000 * (time.perf_counter() - started) / args.requests
        used = 1000 * (time.process_time() - cpu) / args.requests
        print(f"{name:12} CPU {used:5.2f} ms per request, wall {wall:5.2f} ms")
    with CaptureQueriesContext(connection) as queries:
        form()
    print(f"return form statements: {len(queries)}")
    for query in queries:
        print("   ", query["sql"][:100])
    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.requests):
            form()
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())
    from welcomeback.portal.models import Intake

    Intake.objects.all().delete()


def parts(site, form, rounds: int = 12, per_round: int = 150) -> None:
    """What each part of the form's answer costs in CPU, in context: the
    machine's speed drifts, so each part is switched off in turn within
    every round and the medians compared, rather than timed alone."""
    from unittest import mock

    from django.middleware.csrf import CsrfViewMiddleware

    from welcomeback.portal import intake, views
    from welcomeback.returns.triage import Outcome

    # Plain functions, not mocks: a mock keeps every call's arguments (each
    # request), and the garbage collector's growing work would be timed too.
    off = {
        "the return form": [],
        "  without its INSERT": [mock.patch.object(intake, "accept", new=lambda **_: None)],
        "  without triage": [mock.patch.object(views, "triage", new=lambda *_: Outcome("other"))],
        "  without the rate limits": [
            mock.patch.object(views.limits, "allow", new=lambda *_: True)
        ],
        "  without the CSRF check": [
            mock.patch.object(CsrfViewMiddleware, "process_view", new=lambda *_: None)
        ],
        "  without the answer cookie": [mock.patch.object(views, "remember", new=lambda *_: None)],
    }
    used: dict[str, list[float]] = {name: [] for name in [*off, "the bare view"]}
    for _ in range(rounds):
        for name in used:
            send = site.bare if name == "the bare view" else form
            patches = off.get(name, [])
            for patch in patches:
                patch.start()
            try:
                for _ in range(20):
                    send()
                cpu = time.process_time()
                for _ in range(per_round):
                    send()
                used[name].append(1000 * (time.process_time() - cpu) / per_round)
            finally:
                for patch in patches:
                    patch.stop()
    whole = statistics.median(used["the return form"])
    for name, figures in used.items():
        median = statistics.median(figures)
        saved = f"  (the part: {whole - median:+.3f} ms)" if name.startswith("  ") else ""
        print(f"{name:28} CPU {median:.3f} ms per request{saved}")
    from welcomeback.portal.models import Intake

    Intake.objects.all().delete()


class Site:
    """Django's WSGI handler called as gunicorn calls it."""

    def __init__(self, application):
        self.application = application
        self.sent = 0

    def call(self, method, path, body=b"", cookie=""):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8765",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "HTTP_REFERER": "http://127.0.0.1/come-back/",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers

        content = b"".join(self.application(environ, start_response))
        return answer, content

    def bare(self):
        self.call("POST", "/bench/bare/", b"x=1")

    def form_poster(self):
        answer, page = self.call("GET", "/come-back/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
        cookie = next(
            value.strip().split(";")[0]
            for key, value in answer["headers"]
            if key == "Set-Cookie" and value.strip().startswith("csrftoken=")
        )

        def post():
            self.sent += 1
            fields = {
                "csrfmiddlewaretoken": token,
                "contact": f"profile{self.sent}@example.org",
                "message": "I'd like to come back, maybe evenings.",
                "language": "en",
            }
            answer, _ = self.call(
                "POST", "/come-back/", urllib.parse.urlencode(fields).encode(), cookie
            )
            assert answer["status"].startswith("302"), answer["status"]

        return post


if __name__ == "__main__":
    main()

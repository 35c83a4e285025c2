"""Benchmark the open door (ARCHITECTURE.md, Targets).

1. The public return form POST under 32 concurrent clients, on gunicorn with
   PostgreSQL: p50 / p99 latency and throughput — and the same for a bare
   Django view in the same run, as the ratio's baseline.
   Targets: p99 <= 100 ms; throughput >= 0.5x the bare view's.
2. The return form's inbox (portal/intake.py) drained by a task worker
   running beside gunicorn, as docs/deploy.md runs it: how many requests
   were still waiting when the load stopped, and how long until every one
   was a return request.
3. The time from an inbound SMS webhook (signed as Twilio signs it) to the
   request on the staff Today board. Target: <= 2 s.

    .venv/bin/python bench/intake.py                    # defaults below
    .venv/bin/python bench/intake.py --seconds 20 --clients 32 --workers 4

The rate limits are counted in each worker's memory unless the environment
names a shared cache, as docs/deploy.md asks for with several web processes:

    CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache \
        .venv/bin/python bench/intake.py

Everything runs on 127.0.0.1; the load stops by itself after --seconds.
"""

import argparse
import hashlib
import hmac
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wb_intake"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main() -> None:
    args = parse_args()
    env = bench_environment(args)
    prepare_database(env)
    print(machine())
    server = start_gunicorn(env, args)
    worker = start_worker(env) if args.task_worker else None
    try:
        wait_until_up(args.port)
        if worker:
            time.sleep(5)  # its start-up (imports, Django) is not part of the load
        bare = load("bare view", args, bare_request)
        form = load("return form", args, form_request)
        report(bare, form)
        if worker:
            inbox_drained(env)
        webhook_to_board(env, args)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        for process in (server, worker):
            if process:
                process.terminate()
                process.wait(timeout=20)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return f"{cpu}, {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    # docs/deploy.md: gunicorn --workers 4 (sync workers).
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--no-task-worker",
        dest="task_worker",
        action="store_false",
        help="do not run manage.py db_worker beside gunicorn (the inbox then waits)",
    )
    return parser.parse_args()


def bench_environment(args) -> dict:
    name = urllib.parse.urlparse(args.database_url).path.lstrip("/")
    if name == "test" or name.startswith("test_"):
        sys.exit("Refusing the tests' database; use a benchmark database.")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.intake_settings",
        "DATABASE_URL": args.database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}",
        "TWILIO_AUTH_TOKEN": "bench-token-" + secrets.token_hex(8),
        "PYTHONPATH": str(ROOT),
    }


def prepare_database(env) -> None:
    """Create, migrate and seed one program and one staff member."""
    url = urllib.parse.urlparse(env["DATABASE_URL"])
    if url.scheme.startswith("postgres"):
        subprocess.run(
            [
                "createdb",
                "-h",
                url.hostname or "127.0.0.1",
                "-U",
                url.username or "postgres",
                url.path.lstrip("/"),
            ],
            capture_output=True,
            check=False,
        )
    run_manage(env, "migrate", "--no-input", "-v0")
    run_manage(env, "collectstatic", "--no-input", "-v0")
    # For CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache (a cache
    # the web processes share, docs/deploy.md); nothing for other caches.
    run_manage(env, "createcachetable", "-v0")
    run_manage(env, "shell", "-v0", "-c", SEED.replace("TOTP_KEY", TOTP_KEY))


# The bench staff member's authenticator (staff sign in with a second factor).
TOTP_KEY = secrets.token_hex(20)

SEED = """
from django.contrib.auth.models import User
from welcomeback.care.models import Organization, Site, Program
if not Program.objects.exists():
    org = Organization.objects.create(name="Bench Health")
    site = Site.objects.create(organization=org, name="Main")
    Program.objects.create(site=site, name="Adult IOP", neutral_name="Riverbend",
                           phone="(212) 555-0100", opens_at="00:00", closes_at="23:59",
                           open_weekdays="0123456")
if not User.objects.filter(username="bench").exists():
    User.objects.create_superuser("bench", "bench@example.org", "bench-password-1")
from welcomeback.accounts.roles import grant
grant(User.objects.get(username="bench"), Program.objects.order_by("pk").first(), "director")
from django_otp.plugins.otp_totp.models import TOTPDevice
TOTPDevice.objects.filter(user__username="bench").delete()
TOTPDevice.objects.create(user=User.objects.get(username="bench"), name="bench",
                          key="TOTP_KEY", confirmed=True)
from welcomeback.portal.models import Intake
Intake.objects.all().delete()
"""


def run_manage(env, *arguments) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def start_gunicorn(env, args):
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "welcomeback.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def start_worker(env):
    """One task worker, as docs/deploy.md runs it (at a lower CPU priority
    than the web processes): it drains the return form's inbox while the
    load runs, on the same two cores."""
    return subprocess.Popen(
        ["nice", "-n", "10", sys.executable, "manage.py", "db_worker"],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
    )


def waiting_in_inbox(env) -> int:
    found = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from welcomeback.portal.models import Intake; print(Intake.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(found.stdout.strip())


def inbox_drained(env) -> None:
    """How many accepted forms were still waiting to be opened when the
    load stopped, and how long the worker took to open them all."""
    started = time.perf_counter()
    waiting = waiting_in_inbox(env)
    left = waiting
    while left and time.perf_counter() - started < 120:
        time.sleep(0.5)
        left = waiting_in_inbox(env)
    took = time.perf_counter() - started
    state = "all opened" if not left else f"{left} still waiting"
    print(f"inbox when the load stopped: {waiting} waiting; {state} after {took:.1f} s")


def wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/bare/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


class Client:
    """One visitor with its own connection and cookies."""

    def __init__(self, port: int, number: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.number = number
        self.cookies: dict[str, str] = {}
        self.sent = 0

    def send(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, data


def bare_request(client: Client) -> int:
    status, _ = client.send(
        "POST",
        "/bench/bare/",
        body=b"x=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status


FORM_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Referer": "http://127.0.0.1/come-back/",
}


def form_request(client: Client) -> int:
    """A new email each time (the limits per contact are lifted in
    bench/intake_settings.py, but every request is a new person's). The
    body is encoded once per client, so the clients, which share the two
    cores with the server, spend on each form about what a bare request
    costs them."""
    if not hasattr(client, "body"):
        status, page = client.send("GET", "/come-back/")
        fields = {
            "csrfmiddlewaretoken": TOKEN.search(page.decode()).group(1),
            "message": "I'd like to come back, maybe evenings.",
            "language": "en",
        }
        client.body = urllib.parse.urlencode(fields) + f"&contact=bench{client.number}."
    client.sent += 1
    body = f"{client.body}{client.sent}%40example.org".encode()
    status, _ = client.send("POST", "/come-back/", body=body, headers=FORM_HEADERS)
    return status


def cpu_seconds(database: str) -> dict[str, float]:
    """CPU time used so far by gunicorn's processes, by the PostgreSQL
    backends serving the benchmark's database, and by this process (the
    clients): on a shared machine, what each request costs wherever it ran."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"gunicorn": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if "gunicorn" in command and "welcomeback.wsgi" in command:
            used["gunicorn"] += seconds
        elif command.startswith("postgres: ") and f" {database} " in command:
            used["postgres"] += seconds
    own = os.times()
    used["clients"] = own.user + own.system
    return used


def load(name, args, make_request) -> dict:
    database = urllib.parse.urlparse(args.database_url).path.lstrip("/")
    before = cpu_seconds(database)
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    deadline = time.perf_counter() + args.seconds

    def visitor(number):
        client = Client(args.port, number)
        make_request(client)  # warm: the form's first GET and a connection
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status = make_request(client)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status not in (200, 302):
                    errors.append(status)

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        sys.exit(f"{name}: no request finished within --seconds")
    result = {
        "name": name,
        "requests": len(latencies),
        "errors": len(errors),
        "per_second": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }
    after = cpu_seconds(database)
    cpu = {part: 1000 * (after[part] - before[part]) / len(latencies) for part in after}
    print(
        f"{name:12} {result['requests']:6d} requests, {result['per_second']:7.1f}/s, "
        f"p50 {result['p50_ms']:6.1f} ms, p99 {result['p99_ms']:6.1f} ms, "
        f"errors {result['errors']}"
    )
    print(
        f"{'':12} CPU per request: gunicorn {cpu['gunicorn']:.2f} ms, "
        f"PostgreSQL {cpu['postgres']:.2f} ms, clients {cpu['clients']:.2f} ms"
    )
    return result


def report(bare: dict, form: dict) -> None:
    ratio = form["per_second"] / bare["per_second"]
    print(
        f"return form / bare view throughput: {ratio:.2f}x "
        f"(target >= 0.5x: {'met' if ratio >= 0.5 else 'NOT met'})"
    )
    print(
        f"return form p99: {form['p99_ms']:.1f} ms "
        f"(target <= 100 ms: {'met' if form['p99_ms'] <= 100 else 'NOT met'})"
    )


def webhook_to_board(env, args) -> None:
    """Sign an inbound text as Twilio would, post it, and poll the Today
    board as a signed-in staff member until the words appear."""
    from twilio.request_validator import RequestValidator

    # The load test left hundreds of open requests ahead of this one on the
    # board (it lists the 50 most urgent): settle them first.
    run_manage(
        env,
        "shell",
        "-v0",
        "-c",
        "from welcomeback.returns.models import ReturnRequest; "
        "ReturnRequest.objects.update(status='declined')",
    )
    marker = f"evening groups please {secrets.token_hex(3)}"
    params = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "From": "+12125550142",
        "To": "+12125550100",
        "Body": f"Hi, can I come back? {marker}",
    }
    url = f"{env['PUBLIC_BASE_URL']}/o/twilio/inbound/"
    signature = RequestValidator(env["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
    staff = signed_in_staff(args.port)
    started = time.perf_counter()
    inbound = Client(args.port, 0)
    status, _ = inbound.send(
        "POST",
        "/o/twilio/inbound/",
        body=urllib.parse.urlencode(params).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )
    seen = None
    board = 0
    while time.perf_counter() - started < 10:
        board, page = staff.send("GET", "/staff/")
        if marker[:40] in page.decode(errors="replace"):
            seen = time.perf_counter() - started
            break
    if seen is None:
        print(
            f"inbound text -> Today board: not seen within 10 s "
            f"(webhook status {status}, board status {board})"
        )
        return
    print(
        f"inbound text -> Today board: {1000 * seen:.0f} ms "
        f"(target <= 2000 ms: {'met' if seen <= 2 else 'NOT met'})"
    )


def signed_in_staff(port: int) -> Client:
    staff = Client(port, 0)
    _, page = staff.send("GET", "/accounts/login/")
    token = TOKEN.search(page.decode()).group(1)
    staff.send(
        "POST",
        "/accounts/login/",
        body=urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "bench",
                "password": "bench-password-1",
            }
        ).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": "http://127.0.0.1/accounts/login/",
        },
    )
    # The second factor: the code the authenticator shows now (RFC 6238).
    _, page = staff.send("GET", "/accounts/two-factor/")
    token = TOKEN.search(page.decode()).group(1)
    staff.send(
        "POST",
        "/accounts/two-factor/",
        body=urllib.parse.urlencode({"csrfmiddlewaretoken": token, "code": totp_now()}).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": "http://127.0.0.1/accounts/two-factor/",
        },
    )
    return staff


def totp_now() -> str:
    counter = int(time.time() // 30).to_bytes(8, "big")
    digest = hmac.new(bytes.fromhex(TOTP_KEY), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


if __name__ == "__main__":
    main()

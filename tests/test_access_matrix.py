"""The role matrix: every URL of the project × every role × an object of the
user's own program and one of another program, against the expectation
declared here (docs/security.md, "Roles and access").

The URL list is read from the resolver, so a URL added later fails
``test_every_url_is_declared`` until it is declared below: as a staff
route (the action it needs and what it acts on), or as public or external
(served to the public, or guarded by its own authentication).

For a role whose role allows the action: its own program's object is shown
(GET 200) or acted on (POST); another program's object is not found (404);
a list page never names the other program. For a role that does not allow
it: 403, whichever the object. Signed out: to the sign-in page.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.auth import sign_in
from tests.roles_world import PASSWORD, ROLES, build_world, staff_member
from welcomeback.accounts.permissions import ROLE_ACTIONS

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    action: str
    # What the URL's id names ("client", "episode", …); None for a list page.
    obj: str | None = None
    get: bool = True
    # The form posted, given the side's objects; None when the URL takes no POST.
    post: object = None
    # What a signed-in user who may not use the page gets instead of a 403.
    denied_get: dict = field(default_factory=dict)
    # A list page asked for another program (?program=…): ignored (200) or refused (400).
    foreign_program: int = 200


def _marks(s):
    return {f"mark-{s.client.pk}": "attended"}


def _plan(s):
    """One group a week as a ramp back, booked into the side's next session."""
    from datetime import timedelta

    from django.utils import timezone

    from welcomeback.care.models import Session

    now = timezone.now()
    session = Session.objects.filter(program=s.program, starts_at__gt=now).order_by("starts_at")
    return {
        "steps": ["one_group"],
        "level": "3:2.1",
        "weekly_hours": "3",
        "transition": "ramp",
        "ramp_until": (timezone.localdate(timezone=s.program.zone) + timedelta(days=7)).isoformat(),
        "first_session": str(session.first().pk),
        "expect": "weekly",
    }


STAFF = {
    "staff:today": Route("view_engagement", denied_get={"org_admin": 302}),
    "staff:person": Route("view_contact", "client"),
    "staff:contact": Route(
        "view_contact",
        "client",
        post=lambda s: {"form": "preferences", "language": "en", "sms_allowed": "on"},
    ),
    "staff:discharge": Route("discharge", "episode", get=False, post=lambda s: {"reason": "1"}),
    "staff:sessions": Route("view_schedule"),
    "staff:roll_call": Route("record_attendance", "session", post=_marks),
    "staff:templates": Route("edit_templates"),
    "staff:template_edit": Route(
        "edit_templates",
        "template",
        post=lambda s: {"body": "Hi {name}, we missed you today. {sender} {phone}"},
    ),
    "staff:template_check": Route(
        "edit_templates", "template", get=False, post=lambda s: {"body": "Hi {name}"}
    ),
    "staff:outreach_log": Route("view_outreach"),
    "staff:tasks": Route("work_tasks"),
    "staff:task_done": Route("work_tasks", "task", get=False, post=lambda s: {"outcome": "ok"}),
    "staff:request_new": Route(
        "manage_requests",
        post=lambda s: {
            "program": s.program.pk,
            "channel": "phone",
            "phone": "+12125550199",
            "language": "en",
        },
    ),
    "staff:request": Route("manage_requests", "request"),
    "staff:request_status": Route(
        "manage_requests", "request", get=False, post=lambda s: {"status": "contacted"}
    ),
    "staff:request_take": Route("manage_requests", "request", get=False, post=lambda s: {}),
    # Coming back (staff/returns_views.py). Reading answers and plans needs
    # view_clinical, saving them edit_clinical; the closing outcomes go last.
    "staff:request_attempt": Route(
        "manage_requests",
        "request",
        get=False,
        post=lambda s: {"method": "call", "result": "reached", "planned_date": ""},
    ),
    "staff:request_reasons": Route(
        "manage_requests", "request", post=lambda s: {"reasons": ["transportation"]}
    ),
    "staff:reassessment": Route("view_clinical", "request"),
    "staff:reassessment_save": Route(
        "edit_clinical",
        "request",
        get=False,
        post=lambda s: {"instrument": "cssrs", "cssrs-q1": "0", "cssrs-q2": "0", "cssrs-q6": "0"},
    ),
    "staff:plan": Route("view_clinical", "request"),
    "staff:plan_agree": Route("edit_clinical", "request", get=False, post=_plan),
    "staff:request_referred": Route(
        "manage_requests", "request", post=lambda s: {"to": "County partial hospitalization"}
    ),
    "staff:request_declined": Route("manage_requests", "request", post=lambda s: {}),
    "staff:request_unreachable": Route("manage_requests", "request", post=lambda s: {}),
    "audit:events": Route("view_audit", foreign_program=400),
    "audit:client_report": Route("view_audit", "client"),
    # The team: roles in a program (staff/team_views.py).
    "staff:team": Route(
        "manage_staff",
        post=lambda s: {
            "username": s.staff_role.user.username,
            "program": s.program.pk,
            "role": "case_manager",
        },
    ),
    "staff:team_remove": Route("manage_staff", "staff_role", get=False, post=lambda s: {}),
    # Imports (welcomeback/interop/views.py), under /staff/import/. The upload's
    # POST (a file) is tested in the interop tests.
    "interop:upload": Route("import_data"),
    "interop:run": Route("import_data", "import_run"),
    "interop:errors_csv": Route("import_data", "import_run"),
    # API keys and webhooks (welcomeback/api/views.py), under /staff/.
    "api_admin:keys": Route(
        "manage_settings",
        post=lambda s: {"program": s.program.pk, "name": "Nightly sync", "scope": "read"},
    ),
    "api_admin:revoke": Route("manage_settings", "api_key", get=False, post=lambda s: {}),
    "api_admin:webhooks": Route(
        "manage_settings",
        post=lambda s: {
            "program": s.program.pk,
            "url": "https://ehr.example.org/in",
            "events": ["return_request.opened"],
        },
    ),
    "api_admin:webhook": Route("manage_settings", "webhook"),
    "api_admin:webhook_off": Route("manage_settings", "webhook", get=False, post=lambda s: {}),
    # 42 CFR Part 2 (welcomeback/disclosures; more in tests/test_part2_*.py and
    # tests/test_break_glass.py, where break-glass opens another program's record).
    "part2:person": Route("view_contact", "client"),
    "part2:consent_new": Route("manage_consents", "client"),
    "part2:disclose": Route("view_consents", "client"),
    "part2:emergency": Route(
        "disclose",
        "client",
        get=False,
        post=lambda s: {
            "recipient_name": "Dr. Lee",
            "affiliation": "County General ED",
            "nature": "Unresponsive",
            "what": "Medications",
        },
    ),
    "part2:revoke": Route("manage_consents", "client", get=False, post=lambda s: {}),
    "part2:break_glass": Route("break_glass"),
}

# Served to anyone: the public pages, signing in and out (the admin site's
# sign-in too), the language switch.
PUBLIC = {"login", "logout", "set_language", "admin_login"}
PUBLIC_NAMESPACES = {"portal"}
# Guarded by their own authentication, and tested with it: provider
# webhooks (signatures, tokens), the API (keys), the admin site (superusers),
# and one's own account: second factor, recovery codes, own sessions
# (welcomeback/signin, tests/test_signin.py), which show no client data.
EXTERNAL_NAMESPACES = {"outreach", "anymail", "api", "admin", "signin"}


def url_names(patterns=None, namespaces=()):
    """Every named URL of the project, namespaced, with its route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield ":".join(namespaces + (pattern.name or f"<unnamed {pattern.pattern}>",))


def declared(name: str) -> bool:
    namespace = name.split(":", 1)[0] if ":" in name else ""
    return (
        name in STAFF
        or name in PUBLIC
        or namespace in PUBLIC_NAMESPACES
        or namespace in EXTERNAL_NAMESPACES
    )


def test_every_url_is_declared():
    missing = sorted({name for name in url_names() if not declared(name)})
    assert not missing, (
        "Declare who may use these URLs in tests/test_access_matrix.py (STAFF, or "
        f"PUBLIC / EXTERNAL) and in docs/security.md: {missing}"
    )


def test_every_declared_staff_route_still_exists():
    assert set(STAFF) <= set(url_names())


def test_every_action_is_known():
    known = set().union(*ROLE_ACTIONS.values())
    assert {route.action for route in STAFF.values()} <= known


# ---------------------------------------------------------------- the matrix


def url_for(name, route, objects):
    if route.obj is None:
        return reverse(name)
    return reverse(name, args=[objects[route.obj].pk])


def expected(route, role, *, own: bool, method: str) -> int | set:
    """The status a user holding ``role`` in the own program gets."""
    if method == "GET" and not route.get:
        return 405
    allowed = role in ROLES and route.action in ROLE_ACTIONS[role]
    if not allowed:
        if route.obj is not None:
            # Refused whichever the id: 403, or 404 as for an id that does not exist.
            return {403, 404}
        return route.denied_get.get(role, 403) if method == "GET" else 403
    if route.obj is not None and not own:
        return 404
    if method == "GET":
        return 200 if own or route.obj else route.foreign_program
    # A form posted: done and sent on (302), made (201), or shown again (200, or 400
    # for another program's id in a choice, which is not among the choices).
    return {302, 201, 200} if own else 400


def check(http, name, route, role, own_side, other_side, failures):
    for own, side_ in ((True, own_side), (False, other_side)):
        objects = side_.objects()
        url = url_for(name, route, objects)
        if route.obj is None and not own:
            url += f"?program={other_side.program.pk}"
        methods = ["GET"] + (["POST"] if route.post else [])
        for method in methods:
            if method == "GET":
                response = http.get(url)
            else:
                response = http.post(url_for(name, route, objects), route.post(side_))
            want = expected(route, role, own=own, method=method)
            ok = (
                response.status_code in want
                if isinstance(want, set)
                else (response.status_code == want)
            )
            where = "own" if own else "other"
            if not ok:
                failures.append(
                    f"{role} {method} {name} ({where}): {response.status_code}, want {want}"
                )
            if response.status_code == 200 and not own and hasattr(response, "content"):
                page = response.content.decode()
                for secret in (other_side.program.name, other_side.client.last_name):
                    if secret in page:
                        failures.append(
                            f"{role} {method} {name} shows {secret!r} of another program"
                        )


# POSTs that change what later checks see (a discharge ends the episode) go last.
ORDER = sorted(STAFF, key=lambda name: name == "staff:discharge")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_its_role_allows_in_its_own_program_only(client, role):
    own, other = build_world()
    http = staff_member(client, role, own.program)
    failures = []
    for name in ORDER:
        check(http, name, STAFF[name], role, own, other, failures)
    assert failures == []


def test_signed_out_every_staff_url_leads_to_the_sign_in_page(client):
    own, _other = build_world()
    for name, route in STAFF.items():
        url = url_for(name, route, own.objects())
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login")), name


def refused(route, method="GET") -> set:
    """For someone whose roles do not open the page: 405 for a GET the view
    never takes, else 403 (or 404 for an object, as for one that does not exist)."""
    if method == "GET" and not route.get:
        return {405}
    return {403, 404} if route.obj else {403}


def test_without_any_role_every_staff_url_is_refused(client):
    own, _other = build_world()
    http = staff_member(client, None)
    for name, route in STAFF.items():
        url = url_for(name, route, own.objects())
        assert http.get(url).status_code in refused(route), name
        if route.post:
            assert http.post(url, route.post(own)).status_code in refused(route, "POST"), name


def test_a_superuser_without_roles_reads_the_audit_trail_but_no_record(client):
    own, _other = build_world()
    admin = User.objects.create_superuser("ada", password=PASSWORD)
    http = sign_in(client, admin)
    for name, route in STAFF.items():
        url = url_for(name, route, own.objects())
        status = http.get(url).status_code
        if name.startswith("audit:"):
            assert status == 200, name
        else:
            assert status in refused(route), name
    report = http.get(reverse("audit:client_report", args=[own.client.pk])).content.decode()
    assert own.client.last_name not in report, "a name is contact data: roles only"


def test_a_person_with_roles_in_both_programs_sees_both(client):
    own, other = build_world()
    user = User.objects.create_user("both")
    http = sign_in(client, user, programs=[own.program, other.program], roles=("clinician",))
    for side_ in (own, other):
        assert http.get(reverse("staff:person", args=[side_.client.pk])).status_code == 200
    board = http.get(reverse("staff:today")).content.decode()
    assert own.program.name in board and other.program.name in board


def test_public_urls_answer_without_signing_in():
    http = HttpClient()
    for name in ("portal:home", "portal:questions", "login"):
        assert http.get(reverse(name)).status_code == 200, name
    assert http.get("/admin/").status_code == 302  # the admin site's own sign-in

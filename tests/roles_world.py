"""Two programs of one organization, Alder and Birch, each with a person in
care, a group with sessions, a return request, a task and templates: the
world the role matrix and the IDOR probes run in. Same organization on
purpose: programs are kept apart even under one roof (42 CFR Part 2)."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from tests.auth import grant, sign_in
from tests.factories import ClientFactory, ProgramFactory, SiteFactory, enrolled, group_meeting
from welcomeback.accounts.models import StaffRole
from welcomeback.accounts.roles import grant as grant_role
from welcomeback.api.keys import create_key
from welcomeback.api.models import ApiKey, WebhookSubscription
from welcomeback.api.subscriptions import create_subscription
from welcomeback.care.models import Client, Episode, Program, Session
from welcomeback.care.schedule import generate_sessions
from welcomeback.interop.models import ImportKind, ImportRun
from welcomeback.outreach.models import Channel, Purpose, Template
from welcomeback.outreach.templating import template_for
from welcomeback.returns.models import ReturnRequest
from welcomeback.returns.requests import open_request
from welcomeback.worklist.models import Task, TaskKind
from welcomeback.worklist.tasks import open_task

PASSWORD = "a-long-test-password"  # noqa: S105
ROLES = ("front_desk", "case_manager", "clinician", "director", "org_admin")


@dataclass
class Side:
    """One program and one of each kind of object in it."""

    program: Program
    client: Client
    episode: Episode
    session: Session
    request: ReturnRequest
    task: Task
    template: Template
    api_key: ApiKey
    webhook: WebhookSubscription
    staff_role: StaffRole
    import_run: ImportRun

    def objects(self) -> dict:
        return {
            "client": self.client,
            "episode": self.episode,
            "session": self.session,
            "request": self.request,
            "task": self.task,
            "template": self.template,
            "program": self.program,
            "api_key": self.api_key,
            "webhook": self.webhook,
            "staff_role": self.staff_role,
            "import_run": self.import_run,
        }


def side(site, name: str, person: str, phone: str) -> Side:
    now = timezone.now()
    program = ProgramFactory(site=site, name=f"{name} IOP", neutral_name=name, phone="5555550100")
    group = group_meeting(program, name=f"{name} evening group")
    generate_sessions(group, (now - timedelta(days=20)).date(), (now + timedelta(days=7)).date())
    first, last = person.split()
    client = ClientFactory(
        organization=site.organization, first_name=first, last_name=last, phone=phone
    )
    episode = enrolled(client, program, now - timedelta(days=20), [group])
    session = Session.objects.filter(group=group, starts_at__lt=now).order_by("-starts_at").first()
    request = open_request(
        program=program, channel="sms", phone=phone, message="I'd like to come back", client=client
    )
    task = open_task(
        kind=TaskKind.CALL, program=program, client=client, episode=episode, title=f"Call {person}"
    )
    template = template_for(program, Channel.SMS, "en", Purpose.MISSED).template
    api_key, _token = create_key(program, f"{name} EHR sync", "read")
    webhook, _secret = create_subscription(
        program, f"https://{name.lower()}.example.org/hook", ["return_request.opened"]
    )
    desk = User.objects.create_user(f"{name.lower()}-desk")
    staff_role = grant_role(desk, program, "front_desk")
    import_run = ImportRun.objects.create(program=program, kind=ImportKind.ATTENDANCE)
    return Side(
        program,
        client,
        episode,
        session,
        request,
        task,
        template,
        api_key,
        webhook,
        staff_role,
        import_run,
    )


def build_world() -> tuple[Side, Side]:
    site = SiteFactory(name="Main street")
    own = side(site, "Alder", "Ana Alderton", "+12125550101")
    other = side(site, "Birch", "Bo Birchwood", "+12125550102")
    return own, other


def staff_member(client, role: str | None, program=None, username: str | None = None):
    """A signed-in user holding ``role`` in ``program`` only (none: no role)."""
    user = User.objects.create_user(username or f"staff-{role}")
    if role:
        grant(user, program, role)
    return sign_in(client, user)

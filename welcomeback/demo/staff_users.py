"""The demo's staff: one login per role, so anyone trying the demo can see
what each role sees (docs/security.md, "Roles and access"). Demo only: a
fixed, printed password, never a real account.

    create_demo_staff(catalog.programs)   # from build_demo, after the programs
    demo_staff()                          # who they are, e.g. for printing logins
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from welcomeback.accounts.models import Role
from welcomeback.accounts.roles import grant

# The same documented demo password as the `demo` login (demo/seed.py).
DEMO_STAFF_PASSWORD = "welcome-back-demo"  # noqa: S105

EVERY_PROGRAM = ("evenings", "days", "young-adults")


@dataclass(frozen=True)
class DemoStaff:
    username: str
    first_name: str
    # Program keys of demo/catalog.py → the roles held there.
    roles: dict
    superuser: bool = False

    def describe(self) -> str:
        held = sorted({role for roles in self.roles.values() for role in roles})
        return ", ".join(str(Role(role).label) for role in held)


DEMO_STAFF = (
    # The login printed by `make run`: director and clinician everywhere,
    # and a superuser for the admin site (settings).
    DemoStaff(
        "demo",
        "Dana",
        dict.fromkeys(EVERY_PROGRAM, (Role.DIRECTOR, Role.CLINICIAN)),
        superuser=True,
    ),
    DemoStaff("frontdesk", "Frankie", dict.fromkeys(("evenings", "days"), (Role.FRONT_DESK,))),
    DemoStaff("casemanager", "Casey", {"evenings": (Role.CASE_MANAGER,)}),
    DemoStaff("clinician", "Chris", {"evenings": (Role.CLINICIAN,)}),
    DemoStaff("director", "Dee", dict.fromkeys(("evenings", "days"), (Role.DIRECTOR,))),
    DemoStaff("orgadmin", "Ola", dict.fromkeys(EVERY_PROGRAM, (Role.ORG_ADMIN,))),
    # Someone of the other site's program only: sees none of Riverbend's people.
    DemoStaff("lakeshore", "Lee", {"young-adults": (Role.CLINICIAN, Role.CASE_MANAGER)}),
)


def demo_staff() -> tuple[DemoStaff, ...]:
    """Every demo login with its roles (for `make run` to print, with the
    second-factor secrets the sign-in work gives them)."""
    return DEMO_STAFF


def create_demo_staff(programs: dict) -> list:
    """Create (or find) each demo login and grant its roles in the programs
    given by key. Running it again changes nothing."""
    User = get_user_model()
    users = []
    for person in DEMO_STAFF:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            make = User.objects.create_superuser if person.superuser else User.objects.create_user
            user = make(
                person.username,
                f"{person.username}@example.org",
                DEMO_STAFF_PASSWORD,
                first_name=person.first_name,
            )
        for key, roles in person.roles.items():
            for role in roles:
                grant(user, programs[key], role)
        users.append(user)
    return users

"""Signing staff in for tests, the one way every test does it.

Shared by the sign-in work (MFA: a signed-in staff member must also have
passed their second factor) and the roles work (what each person may see)."""

from contextlib import contextmanager


def grant(user, programs, *roles):
    """Give `user` each of `roles` in each of `programs` (a Program or a list).
    Roles are names from accounts.models.Role: "front_desk", "case_manager",
    "clinician", "director", "org_admin"."""
    from welcomeback.accounts.roles import grant as grant_role

    programs = programs if isinstance(programs, list | tuple) else [programs]
    for program in programs:
        for role in roles:
            grant_role(user, program, role)
    return user


# Every role but the organization admin's: what a test that is not about
# roles gives its staff member, so every staff page is open to them.
ALL_CLINICAL_ROLES = ("front_desk", "case_manager", "clinician", "director")


def sign_in(client, user, programs=None, roles=ALL_CLINICAL_ROLES):
    """Sign `user` in on the Django test `client`, as after a full sign-in.
    With `programs`, first grant `roles` in them (all but org admin's by default)."""
    if programs is not None:
        grant(user, programs, *roles)
    client.force_login(user)
    client.user = user
    return client


@contextmanager
def roles_everywhere(user, roles=ALL_CLINICAL_ROLES):
    """Within the block, `user` holds `roles` in every program, those that
    exist and those created later: for tests about something other than roles,
    whose programs are made after the staff member signs in."""
    from django.db.models.signals import post_save

    from welcomeback.care.models import Program

    def on_new_program(sender, instance, created, **kwargs):
        if created:
            grant(user, instance, *roles)

    grant(user, list(Program.objects.all()), *roles)
    post_save.connect(on_new_program, sender=Program, weak=False)
    try:
        yield user
    finally:
        post_save.disconnect(on_new_program, sender=Program)

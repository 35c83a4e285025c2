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
    """Sign `user` in on the Django test `client`, as after a full sign-in:
    password and second factor (a real code from a real authenticator).
    With `programs`, first grant `roles` in them (all but org admin's by default)."""
    if programs is not None:
        grant(user, programs, *roles)
    client.force_login(user)
    pass_second_factor(client, user)
    client.user = user
    return client


def pass_second_factor(client, user):
    """What the code step of signing in leaves in the session: the user's
    authenticator (made and checked with the code it shows now, the first
    time), remembered as django_otp.login does. Later sign-ins of the same
    user reuse it unchecked: a code is accepted once, and tests travel in time."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        assert device.verify_token(f"{code:06d}"), "the authenticator refused its own code"
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


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

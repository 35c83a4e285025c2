"""Signing staff in for tests, the one way every test does it.

Shared by the sign-in work (MFA: a signed-in staff member must also have
passed their second factor) and the roles work (what each person may see)."""


def sign_in(client, user):
    """Sign `user` in on the Django test `client`, as after a full sign-in."""
    client.force_login(user)
    client.user = user
    return client

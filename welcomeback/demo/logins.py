"""Demo only: every demo staff login gets an authenticator with a fixed key,
so `make run` can print all that is needed to sign in (login, password,
the key to type into an authenticator app, its otpauth:// URI).

    give_demo_authenticators()        # idempotent; from seeddemo
    print_demo_logins(write)          # the lines `make run` shows

The keys are derived from the usernames and a constant in this file: they
are public, exactly like the demo password. So nothing here runs with
DEBUG=false (production settings), and a real account never gets one.

The current code of a demo login, without an app:

    .venv/bin/python -m welcomeback.demo.logins demo
"""

import sys
from base64 import b32encode
from hashlib import sha1

# Public on purpose: the demo's keys must be printable and reproducible.
DEMO_KEY_SALT = b"welcome-back-demo-authenticator:"
DEVICE_NAME = "Demo authenticator"


def demo_key(username: str) -> bytes:
    """20 bytes (RFC 4226's recommended length) fixed for a demo username."""
    return sha1(DEMO_KEY_SALT + username.encode()).digest()  # noqa: S324 (a public demo key)


def demo_secret(username: str) -> str:
    return b32encode(demo_key(username)).decode().rstrip("=")


def code_now(username: str) -> str:
    from django_otp.oath import totp

    return f"{totp(demo_key(username)):06d}"


def demo_usernames() -> list[tuple[str, str]]:
    """(username, roles in words) of each demo login."""
    from welcomeback.demo.staff_users import demo_staff

    return [(person.username, person.describe()) for person in demo_staff()]


def give_demo_authenticators() -> list:
    """A confirmed TOTP device with the demo key for each demo login that
    exists. Running it again changes nothing."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not settings.DEBUG:
        return []
    names = [username for username, _roles in demo_usernames()]
    devices = []
    for user in get_user_model().objects.filter(username__in=names):
        device, _created = TOTPDevice.objects.update_or_create(
            user=user,
            name=DEVICE_NAME,
            defaults={"key": demo_key(user.get_username()).hex(), "confirmed": True},
        )
        devices.append(device)
    return devices


def print_demo_logins(write) -> None:
    """The demo logins with their second step, for `make run` (DEBUG only)."""
    from django.conf import settings

    from welcomeback.demo.staff_users import DEMO_STAFF_PASSWORD

    if not settings.DEBUG:
        return
    devices = give_demo_authenticators()
    if not devices:
        return
    uris = {device.user.get_username(): device.config_url for device in devices}
    write(
        f"Demo staff logins (password for all: {DEMO_STAFF_PASSWORD}). The second step: add "
        "the key to any authenticator app, or scan/open the otpauth:// link, or print the "
        "current code with `.venv/bin/python -m welcomeback.demo.logins USER`."
    )
    width = max(len(username) for username in uris)
    for username, roles in demo_usernames():
        if username in uris:
            write(f"  {username:<{width}}  key {demo_secret(username)}  ({roles})")
            write(f"  {'':<{width}}  {uris[username]}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m welcomeback.demo.logins USERNAME")
    print(code_now(sys.argv[1]))

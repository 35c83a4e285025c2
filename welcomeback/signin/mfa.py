"""The second factor: an authenticator app (TOTP, RFC 6238) for every staff
member, and ten single-use recovery codes for the day the phone is lost.

    pending_authenticator(user)          # the device being set up (its key, QR code)
    confirm_authenticator(request, device, code) -> list[str] | None
    check_code(request, code) -> "passed" | "wrong" | "wait"
    new_recovery_codes(request) -> list[str]

Codes are verified by django-otp inside a transaction that locks the device
row (``django_otp.verify_token``): a TOTP code is accepted once (replays
are refused), a recovery code is deleted as it is used, and each device
slows down guessing on its own (1, 2, 4, 8… seconds after each wrong code).
A wrong code is also a failed sign-in: it is audited and counts towards
the lockout (lockout.py) through Django's ``user_login_failed`` signal.
"""

from base64 import b32encode

import segno
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction
from welcomeback.signin import lockout, sessions

RECOVERY_CODE_COUNT = 10
PASSED, WRONG, WAIT = "passed", "wrong", "wait"


def has_second_factor(user) -> bool:
    """An authenticator app is set up. Recovery codes alone do not count:
    after an administrator removes a lost phone's device, the next sign-in
    sets a new one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: the same key until it is confirmed,
    so a page reload does not invalidate what was already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32 in groups of 4."""
    return grouped(b32encode(device.bin_key).decode().rstrip("="))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """The otpauth:// URI as an inline SVG QR code: no image request, no
    third party, nothing for the Content Security Policy to allow."""
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title, svgclass="qr")


def confirm_authenticator(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with a code from it; on success the
    session passes the second factor and the new recovery codes come back
    (shown once). None when the code is not right."""
    if device.user_id != request.user.pk or device.confirmed:
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        # No slowing down here: the key is on the person's screen, so
        # guessing a code would gain nothing, and a typo must not make the
        # next, right code fail.
        device.throttle_reset(commit=False)
        if not device.verify_token(normalized(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    audit.record(AuditAction.CREATE, request=request, obj=device, detail={"second_factor": "totp"})
    codes = new_recovery_codes(request)
    passed(request, device, via="totp")
    return codes


def check_code(request, code: str) -> str:
    """The second step of signing in: a code from the authenticator app, or
    a recovery code. PASSED (the session is now verified), WRONG (audited,
    counted towards the lockout) or WAIT (the device is slowing guesses down;
    nothing is counted)."""
    user, code = request.user, normalized(code)
    devices = candidates(user, code)
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        return WAIT
    for device in devices:
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            via = "totp" if isinstance(verified, TOTPDevice) else "recovery_code"
            passed(request, verified, via=via)
            return PASSED
    failed(request)
    return WRONG


def candidates(user, code: str) -> list:
    """Six digits are a TOTP code; anything else may be a recovery code."""
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return [device for device in devices_for_user(user) if isinstance(device, kind)]


def normalized(code: str) -> str:
    """What people type: spaces and dashes between groups, any case."""
    return "".join(code.split()).replace("-", "").lower()


def passed(request, device, *, via: str) -> None:
    """The session has passed its second factor: remember the device, give
    the session a new key (no session fixation across the step), clear the
    failures counted against this person and address, and audit it."""
    otp_login(request, device)
    old_key = request.session.session_key
    request.session.cycle_key()
    sessions.rekeyed(old_key, request.session.session_key)
    lockout.reset(request, request.user)
    audit.record(AuditAction.SIGN_IN, request=request, detail={"second_factor": via})


def failed(request) -> None:
    """A wrong code: the same signal as a wrong password, so the audit trail
    records it and django-axes counts it (lockout.py)."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": request.user.get_username()},
        request=request,
    )


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_recovery_codes(request) -> list[str]:
    """Ten new recovery codes for the signed-in user; earlier ones stop
    working. Returned once, to be shown once: they are not shown again."""
    user = request.user
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit.record(
        AuditAction.CREATE,
        request=request,
        obj=device,
        detail={"recovery_codes": RECOVERY_CODE_COUNT},
    )
    return codes


def grouped(text: str) -> str:
    """'abcd efgh': easier to read aloud and copy."""
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))

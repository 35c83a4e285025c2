"""Making, finding and revoking API keys: the one function for each.

A token looks like ``wbk_3f9c2a1b7d4e_<43 random characters>``: the part
after ``wbk_`` and before the second underscore is the key's prefix, kept in
the clear to find the row; the whole token is kept only as a SHA-256.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction
from welcomeback.api.models import ApiKey, Scope

TOKEN_START = "wbk_"  # noqa: S105 (a prefix, not a secret)
# last_used is written at most this often per key: one UPDATE a minute,
# not one per call.
TOUCH_EVERY = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(program, name: str, scope: str, *, by=None, request=None) -> tuple[ApiKey, str]:
    """A new key and its token; the token is never stored and never shown again."""
    if scope not in Scope.values:
        raise ValueError(f"unknown scope: {scope!r}")
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            program=program,
            name=name[:100],
            scope=scope,
            prefix=prefix,
            hashed=digest(token),
            created_by=by,
        )
        audit.record(
            AuditAction.CREATE,
            request=request,
            user=by,
            obj=key,
            program_id=program.pk,
            detail={"prefix": prefix, "scope": scope},
        )
    return key, token


def revoke_key(key: ApiKey, *, by=None, request=None) -> bool:
    """Revoked at once and for good; revoking twice changes nothing."""
    with transaction.atomic():
        changed = ApiKey.objects.filter(pk=key.pk, revoked=None).update(
            revoked=timezone.now(), revoked_by=by
        )
        if changed:
            audit.changed(key, ["revoked"], request=request, user=by, on_commit=False)
    key.refresh_from_db()
    return bool(changed)


def prefix_of(token: str) -> str:
    """The prefix a token claims, or "" when it is not shaped like one."""
    if not token.startswith(TOKEN_START):
        return ""
    prefix, _sep, rest = token[len(TOKEN_START) :].partition("_")
    if len(prefix) != 12 or not rest or not all(c in "0123456789abcdef" for c in prefix):
        return ""
    return prefix


def find_key(token: str) -> tuple[ApiKey | None, str]:
    """(the key, "") when the token is good; (None, why) otherwise, where
    why is "malformed", "unknown", "mismatch" or "revoked"."""
    prefix = prefix_of(token)
    if not prefix:
        return None, "malformed"
    key = ApiKey.objects.select_related("program__site").filter(prefix=prefix).first()
    if key is None:
        return None, "unknown"
    if not hmac.compare_digest(key.hashed, digest(token)):
        return None, "mismatch"
    if key.revoked is not None:
        return None, "revoked"
    touch(key)
    return key, ""


def touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used is None or key.last_used < now - TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used=now)
        key.last_used = now

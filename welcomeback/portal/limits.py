"""Rate limits on the public forms, in Django's cache.

Two counters per form: one per visitor address, one per phone number or
email. Keys are keyed hashes (salted_hmac), so the cache never holds an
address, a number or an email in the clear. A fixed window starts at the
first request; a person who reaches a limit gets a kind page (status 429)
with the program's number and 988 — never an error page.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from welcomeback.accounts import audit

SALT = "welcomeback.portal.limits"


def visitor_address(request) -> str:
    """The visitor's address as the audit trail and the sign-in lockout see
    it: one setting for all three (BEHIND_TLS_PROXY, docs/configuration.md)."""
    return audit.client_address(request)


def _key(form: str, kind: str, value: str) -> str:
    digest = salted_hmac(SALT, f"{kind}:{value}").hexdigest()[:32]
    return f"portal:limit:{form}:{kind}:{digest}"


def _count(key: str, limit: tuple[int, int], counting: bool) -> None:
    """Add one to the counter; start a window where none is counting."""
    _most, seconds = limit
    if not counting and cache.add(key, 1, timeout=seconds):
        return
    try:
        cache.incr(key)
    except ValueError:
        # It expired since it was read: start a new window.
        cache.add(key, 1, timeout=seconds)


def allow(form: str, request, contact: str = "") -> bool:
    """Count this request; False when the visitor or the contact point has
    reached its limit (then nothing is counted)."""
    keys = [(_key(form, "ip", visitor_address(request)), settings.PUBLIC_LIMIT_PER_ADDRESS)]
    if contact:
        keys.append((_key(form, "contact", contact.lower()), settings.PUBLIC_LIMIT_PER_CONTACT))
    # One read for both counters: with a shared cache (docs/deploy.md) each
    # cache call is a round trip on the form's answer.
    counts = cache.get_many([key for key, _limit in keys])
    if any((counts.get(key) or 0) >= most for key, (most, _seconds) in keys):
        return False
    for key, limit in keys:
        _count(key, limit, counting=key in counts)
    return True

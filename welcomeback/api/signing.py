"""Signing webhook deliveries, as Stripe does: HMAC-SHA256 over
``"<timestamp>.<body>"`` with the subscription's secret, sent as

    Welcome-Back-Signature: t=1767225600,v1=<64 hex digits>

A receiver recomputes it over the raw body and refuses a timestamp older
than a few minutes (a replay). ``verify`` is what docs/integration.md shows.
"""

import hashlib
import hmac
import time

HEADER = "Welcome-Back-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: str, timestamp: int) -> str:
    signed = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(secret: str, body: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, body, timestamp)}"


def verify(secret: str, body: str, value: str, tolerance: int = TOLERANCE_SECONDS) -> bool:
    parts = dict(item.split("=", 1) for item in value.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), sign(secret, body, timestamp))

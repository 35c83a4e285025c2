"""Message providers: one per channel, chosen in settings.

``OUTREACH_PROVIDERS`` maps a channel to a dotted class path; each class
takes no arguments and has ``send(message) -> Accepted``.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from welcomeback.outreach.providers.base import (  # noqa: F401  (re-exported)
    Accepted,
    PermanentProviderError,
    ProviderError,
    TemporaryProviderError,
)

_cache: dict[str, object] = {}


def provider_for(channel: str):
    path = settings.OUTREACH_PROVIDERS[channel]
    if path not in _cache:
        _cache[path] = import_string(path)()
    return _cache[path]


def reset_providers() -> None:
    """Forget built providers (tests change settings)."""
    _cache.clear()

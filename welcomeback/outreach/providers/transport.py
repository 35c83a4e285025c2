"""What a failed HTTP call to a provider's API means for the dispatcher."""

import requests
from urllib3.exceptions import NewConnectionError

from welcomeback.outreach.providers.base import TemporaryProviderError


def transport_error(error: requests.RequestException, service: str) -> TemporaryProviderError:
    """The dispatcher reads the code: "connect" means nothing reached the
    provider (safe to retry); "timeout" and "dropped" mean it may have the
    message (outcome unknown until its status report or a person says)."""
    if isinstance(error, requests.ConnectTimeout) or _refused(error):
        return TemporaryProviderError("connect", f"could not connect to {service}")
    if isinstance(error, requests.Timeout):
        return TemporaryProviderError("timeout", f"{service} did not answer in time")
    return TemporaryProviderError("dropped", f"the connection to {service} broke")


def _refused(error: requests.RequestException) -> bool:
    """Refused, unreachable, or no such host: the request never left."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)

"""What every provider promises the dispatcher."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Accepted:
    """The provider took the message; delivery is reported later."""

    provider_id: str
    status: str = "sent"


class ProviderError(Exception):
    def __init__(self, code: str = "", detail: str = ""):
        super().__init__(f"{code} {detail}".strip())
        self.code = str(code)
        self.detail = detail[:300]


class TemporaryProviderError(ProviderError):
    """5xx, a timeout, a dropped connection: try again later, with backoff.

    The provider may or may not have taken the message; the dispatcher
    marks the outcome unknown rather than sending blind.
    """


class PermanentProviderError(ProviderError):
    """4xx and the provider's permanent codes: never retried.

    ``address_failed`` says the number or address itself is bad (an
    unreachable number, a hard bounce), so the contact point stops being used.
    """

    def __init__(self, code: str = "", detail: str = "", address_failed: bool = False):
        super().__init__(code, detail)
        self.address_failed = address_failed

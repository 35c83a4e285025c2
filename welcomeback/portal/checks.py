"""A setting that is no longer read should not fail silently."""

import os

from django.core.checks import Warning, register


@register()
def client_ip_header_retired(app_configs, **kwargs):
    if not os.environ.get("PUBLIC_CLIENT_IP_HEADER"):
        return []
    return [
        Warning(
            "PUBLIC_CLIENT_IP_HEADER is no longer read.",
            hint="Behind a proxy, set BEHIND_TLS_PROXY=true: the rate limits, the sign-in "
            "lockout and the audit trail then all use the last X-Forwarded-For address.",
            id="portal.W001",
        )
    ]

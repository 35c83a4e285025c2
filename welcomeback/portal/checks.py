"""Settings the public pages depend on: one no longer read should not fail
silently, and the rate limits need a cache every web process shares."""

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register


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


@register(Tags.caches, deploy=True)
def rate_limits_need_a_shared_cache(app_configs, **kwargs):
    """In each process's own memory, every web process counts the public
    forms' rate limits afresh: with gunicorn's 4 workers, 4 times looser."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not backend.endswith("LocMemCache"):
        return []
    return [
        Warning(
            "The rate limits of the public forms are counted in each web process's own memory.",
            hint="With more than one web process, set CACHE_BACKEND (and CACHE_LOCATION) to a "
            "cache they share, such as Redis or Django's database cache (docs/deploy.md).",
            id="portal.W002",
        )
    ]

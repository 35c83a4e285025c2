"""What every public page shares: the program it speaks for, no-store, no
login, and the kind pages for a limit or a link that doesn't work."""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from welcomeback.portal.wording import FALLBACK_NAME, hours_of, phone_of, public_program


def public(view):
    """Open to anyone, and never kept by a browser or a proxy
    (Cache-Control: no-store): a shared phone keeps no copy of the page."""
    return login_not_required(never_cache(view))


def site_for(program) -> dict:
    return {
        "program": program,
        "name": program.neutral_name if program else FALLBACK_NAME,
        "phone": phone_of(program),
        "hours": hours_of(program),
        "exit_url": settings.PUBLIC_EXIT_URL,
    }


def page(request, template, context=None, status=200, program=None):
    program = program or public_program()
    return render(request, template, {"site": site_for(program), **(context or {})}, status=status)


def limited(request, program=None):
    """A person who reached a rate limit: kind words, the number and 988."""
    response = page(request, "portal/limited.html", status=429, program=program)
    response["Retry-After"] = str(settings.PUBLIC_LIMIT_PER_ADDRESS[1])
    return response


def wait_until(deadline: float) -> None:
    """Sleep until a time.monotonic() deadline (no-op once it has passed)."""
    left = deadline - time.monotonic()
    if left > 0:
        time.sleep(left)


def wrap_timing_floor(seconds_setting: str):
    """Answer no sooner than settings.<seconds_setting> after the request
    arrived, whatever the view did meanwhile."""

    def decorator(view):
        @wraps(view)
        def timed(request, *args, **kwargs):
            deadline = time.monotonic() + getattr(settings, seconds_setting)
            response = view(request, *args, **kwargs)
            if request.method == "POST":
                wait_until(deadline)
            return response

        return timed

    return decorator

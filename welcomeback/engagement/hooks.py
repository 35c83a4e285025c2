"""Work that higher floors want done on every sweep loop.

Outreach registers its planner and its release of held messages here at
start-up (AppConfig.ready), so the sweep never imports outreach."""

from collections.abc import Callable
from datetime import datetime

_after_pass: list[Callable[[datetime], None]] = []


def register_after_pass(hook: Callable[[datetime], None]) -> None:
    if hook not in _after_pass:
        _after_pass.append(hook)


def run_after_pass(now: datetime) -> None:
    for hook in _after_pass:
        hook(now)

"""Outreach text checks: pure functions over text, no database.

- check_tone: stigma, blame, pressure and shouting (PRODUCT.md principle 2;
  STANDARDS.md requirement 11). Rules in rules/tone.<language>.toml.
- check_privacy: words that reveal care, for discreet mode (principle 3;
  requirement 10). Rules in rules/privacy.<language>.toml, plus the program's
  own revealing names, passed in at runtime.
- check_message: both, per part of a message, by channel.
- sms: GSM-7 and segment counting.

A finding at level "error" stops a message from being sent; a "warning" is
shown to staff and left to their judgement.
"""

from .findings import Finding, blocking, errors, line_col
from .message import CHANNELS, PRIVATE_PARTS, check_message
from .privacy import check_privacy
from .rules import LANGUAGES, Rule, load
from .sms import is_gsm7, sms_length_finding, sms_segments
from .tone import check_tone

__all__ = [
    "CHANNELS",
    "LANGUAGES",
    "PRIVATE_PARTS",
    "Finding",
    "Rule",
    "blocking",
    "check_message",
    "check_privacy",
    "check_tone",
    "errors",
    "is_gsm7",
    "line_col",
    "load",
    "sms_length_finding",
    "sms_segments",
]

"""Checking a whole outbound message, part by part."""

from collections.abc import Iterable, Mapping

from .findings import Finding, tidy
from .privacy import check_privacy
from .rules import normalize_language
from .sms import sms_length_finding
from .tone import check_tone

CHANNELS = ("sms", "email", "voicemail", "letter")

# The parts that discreet mode does NOT privacy-check: what only the person
# reads once they open the message. Every other part (an SMS, a voicemail
# script, an email's sender, subject and preview, a letter's envelope, and any
# part we don't know) is checked, because a housemate can see it on a lock
# screen, in an inbox list or in the post. STANDARDS.md section 1 and
# requirement 10; PRODUCT.md principle 3.
PRIVATE_PARTS = frozenset({("email", "body"), ("letter", "body")})


def check_message(
    parts: Mapping[str, str],
    *,
    language: str,
    channel: str,
    discreet: bool,
    revealing: Iterable[str] = (),
) -> dict[str, list[Finding]]:
    """Findings per part, e.g. {"body": [...], "subject": [...]}.

    Tone applies to every part. When `discreet`, privacy applies to every part a
    bystander might see (see PRIVATE_PARTS). An SMS body also gets a warning
    when it needs more than one segment.
    """
    language = normalize_language(language)
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; have {CHANNELS}")
    revealing = tuple(revealing)
    return {
        part: _check_part(part, text or "", language, channel, discreet, revealing)
        for part, text in parts.items()
    }


def _check_part(part, text, language, channel, discreet, revealing) -> list[Finding]:
    found = check_tone(text, language)
    if discreet and (channel, part) not in PRIVATE_PARTS:
        found += check_privacy(text, language, revealing)
    if channel == "sms" and part == "body":
        length = sms_length_finding(text, language)
        found += [length] if length else []
    return tidy(found)

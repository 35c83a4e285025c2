"""The answer a person gets at once when their message reads as a crisis.

Short, calm and plain (PRODUCT.md principles 2 and 6; UX.md: "988 and 911,
without alarm"). It gives the facts of the 988 Suicide & Crisis Lifeline as
STANDARDS.md section 6 states them — call or text 988, any time, free and
confidential; chat at 988lifeline.org; callers press 2 for Spanish — and 911
for an emergency, and says that a person from the program will reach out.

The texts live in the [reply] table of crisis.<language>.toml. The SMS text
fits two segments of GSM-7 even with a long program name (the Spanish one
avoids á, í, ó, ú, which GSM-7 lacks); the longer text is for email, the web
confirmation, and staff reading it aloud on a call. Both pass the tone check
and the privacy check: "988" is not a revealing word, and neither text says
"suicide" or "crisis", so a housemate who sees the phone learns nothing.
"""

from .phrases import load, normalize_language

# Channels that get the short text; every other channel (email, web, phone,
# walk-in, staff) gets the longer one.
SHORT_CHANNELS = frozenset({"sms"})


def crisis_reply(language: str | None, channel: str = "sms", sender: str = "") -> str:
    """The crisis reply in `language` for `channel`, signed by `sender`.

    Never raises for an unknown language or channel: an answer in English, or
    the longer text, is better than no answer to someone in crisis. The
    English text names the Spanish option of 988 (press 2).
    """
    reply = load("crisis", normalize_language(language) or "en").reply
    template = reply["sms"] if (channel or "").lower() in SHORT_CHANNELS else reply["long"]
    name = " ".join((sender or "").split()) or reply["default_sender"]
    # replace, not format: a program name may hold braces.
    return template.replace("{sender}", name).strip()

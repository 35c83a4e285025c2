"""Where the person may be: candidate time zones and states.

Quiet hours are kept "at the called party's location" (47 CFR 64.1200(c)(1)),
and a phone number does not say where its owner is tonight. When what we know
disagrees (a New York area code, a California address) the message must fit
the allowed hours in every place the person may be (STANDARDS.md
requirement 2), so these functions return every candidate, never a guess.
"""

import re
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from phonenumbers import PhoneNumberType, geocoder
from phonenumbers import timezone as phone_timezone

from welcomeback.outreach.pacing.windows import load_data, state_table

# Types whose area code says something about where the owner lives. Toll-free
# and other non-geographic numbers map to dozens of zones and say nothing.
GEOGRAPHIC = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
UNKNOWN_ZONE = "Etc/Unknown"
# phonenumbers' geocoder names a few places its own way.
GEOCODER_ALIASES = {"Washington D.C.": "DC", "Washington State": "WA"}


@cache
def _state_zones() -> dict[str, tuple[str, ...]]:
    return {code: tuple(zones) for code, zones in load_data("state_zones.toml").items()}


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def state_zones(state: str | None) -> set[str]:
    """Every zone kept somewhere in a US state (empty when unknown)."""
    return set(_state_zones().get((state or "").upper(), ()))


def _parse(phone_e164: str | None) -> phonenumbers.PhoneNumber | None:
    if not phone_e164:
        return None
    try:
        number = phonenumbers.parse(phone_e164, None)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.number_type(number) not in GEOGRAPHIC:
        return None
    return number


def phone_zones(phone_e164: str | None) -> set[str]:
    """The zones of a number's area code; empty when it tells us nothing.

    One area code can span several zones (907: Anchorage and Adak), and some
    map wrongly (219, Central-time Indiana, maps to New York), which is one
    more reason to combine it with the address.
    """
    number = _parse(phone_e164)
    if number is None:
        return set()
    zones = set(phone_timezone.time_zones_for_number(number)) - {UNKNOWN_ZONE}
    return zones & _known_zones()


def phone_state(phone_e164: str | None) -> str | None:
    """The US state of a number's area code, from phonenumbers' geocoder."""
    number = _parse(phone_e164)
    if number is None or phonenumbers.region_code_for_number(number) != "US":
        return None
    place = geocoder.description_for_number(number, "en")
    if match := re.search(r", ([A-Z]{2})$", place):
        return match.group(1)
    by_name = {row.name: code for code, row in state_table().items()}
    return GEOCODER_ALIASES.get(place) or by_name.get(place)


def candidate_states(phone_e164: str | None, state: str | None) -> set[str]:
    """The address state and the area code's state: each one's rules apply.

    Florida (Fla. Stat. 501.059), Oklahoma and Connecticut (Conn. Gen. Stat.
    42-288(c)) presume that a call to one of their area codes reaches someone
    in the state, wherever the address says they live.
    """
    found = {state.upper()} if state else set()
    if code := phone_state(phone_e164):
        found.add(code)
    return found


def candidate_zones(
    phone_e164: str | None,
    state: str | None,
    client_zone: str | None,
    program_zone: str,
) -> set[str]:
    """Every zone the person may be in when the message arrives.

    The client's own zone, when staff recorded it, is authoritative: the
    person told us where they are. Otherwise we take the union of the area
    code's zones and the address state's zones (union, because when they
    disagree either may be right). The program's zone is used only when
    nothing at all is known.
    """
    if client_zone:
        ZoneInfo(client_zone)  # a bad name fails here, not at send time
        return {client_zone}
    known = phone_zones(phone_e164) | state_zones(state)
    return known or {program_zone}

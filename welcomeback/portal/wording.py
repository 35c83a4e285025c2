"""What the public pages say about the program: its name, number and hours,
and by when a person will answer — in the reader's language."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from time import monotonic

import phonenumbers
from django.conf import settings
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from welcomeback.care.models import WEEKDAYS, Program

log = logging.getLogger(__name__)

# Shown when no program is set up yet.
FALLBACK_NAME = "Welcome Back"


# The public program is read on every page; programs change rarely. Each
# process keeps it this long; a change saved in the same process (the admin)
# clears it at once, other processes see it within this time.
PROGRAM_CACHE_SECONDS = 30
_programs: dict = {}  # PUBLIC_PROGRAM_ID -> (monotonic() expiry, program)


def public_program() -> Program | None:
    """settings.PUBLIC_PROGRAM_ID, or the first program by id."""
    wanted = settings.PUBLIC_PROGRAM_ID
    kept = _programs.get(wanted)
    if kept and kept[0] > monotonic():
        return kept[1]
    program = _find_program(wanted)
    if program is not None:
        _programs[wanted] = (monotonic() + PROGRAM_CACHE_SECONDS, program)
    return program


def forget_programs(**kwargs) -> None:
    """Connected to Program's post_save and post_delete, and setting_changed."""
    _programs.clear()


def _find_program(wanted) -> Program | None:
    programs = Program.objects.select_related("site")
    if wanted:
        program = programs.filter(pk=wanted).first()
        if program is not None:
            return program
        log.error("PUBLIC_PROGRAM_ID=%s names no program; using the first one", wanted)
    return programs.order_by("pk").first()


@dataclass(frozen=True)
class Phone:
    display: str  # (212) 555-0100
    dial: str  # +12125550100, for tel: and sms: links


def phone_of(program: Program | None) -> Phone | None:
    if program is None or not program.phone:
        return None
    try:
        number = phonenumbers.parse(program.phone, "US")
    except phonenumbers.NumberParseException:
        return None
    return Phone(
        display=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        dial=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    )


def clock(moment: time) -> str:
    """3:00 PM; in Spanish 3:00 p. m."""
    hour = moment.hour % 12 or 12
    half = pgettext("clock", "AM") if moment.hour < 12 else pgettext("clock", "PM")
    return f"{hour}:{moment.minute:02d} {half}"


def by_when(due: datetime, program: Program, now: datetime) -> str:
    """ "by 3:00 PM today", "by 10:00 AM tomorrow", "by 10:00 AM on Monday"."""
    local_due = due.astimezone(program.zone)
    days = (local_due.date() - now.astimezone(program.zone).date()).days
    values = {"time": clock(local_due.time()), "day": weekday(local_due.date())}
    if days >= 7:
        values["day"] = day_words(local_due, program)
    which = "today" if days <= 0 else "tomorrow" if days == 1 else "day"
    # Spanish says "la 1:00" but "las 3:00": the context picks the phrase.
    if local_due.hour % 12 == 1:
        return _one_oclock(which) % values
    return _hours(which) % values


def _hours(which: str) -> str:
    if which == "today":
        return pgettext("hours", "by %(time)s today")
    if which == "tomorrow":
        return pgettext("hours", "by %(time)s tomorrow")
    return pgettext("hours", "by %(time)s on %(day)s")


def _one_oclock(which: str) -> str:
    if which == "today":
        return pgettext("one o'clock", "by %(time)s today")
    if which == "tomorrow":
        return pgettext("one o'clock", "by %(time)s tomorrow")
    return pgettext("one o'clock", "by %(time)s on %(day)s")


def day_words(moment: datetime, program: Program) -> str:
    """ "Monday, June 9" in the program's zone; "lunes 9 de junio"."""
    local = moment.astimezone(program.zone).date()
    return dateformat.format(local, pgettext("day and date", "l, F j"))


def weekday(day: date) -> str:
    return str(WEEKDAYS[day.weekday()][1])


ZONE_WORDS = {
    "America/New_York": lambda: _("Eastern time"),
    "America/Detroit": lambda: _("Eastern time"),
    "America/Chicago": lambda: _("Central time"),
    "America/Denver": lambda: _("Mountain time"),
    "America/Phoenix": lambda: _("Arizona time"),
    "America/Los_Angeles": lambda: _("Pacific time"),
    "America/Anchorage": lambda: _("Alaska time"),
    "Pacific/Honolulu": lambda: _("Hawaii time"),
    "America/Puerto_Rico": lambda: _("Puerto Rico time"),
}


def hours_of(program: Program | None) -> str:
    """ "We're open Monday to Thursday, 4:00 PM to 10:00 PM Eastern time." """
    if program is None or not program.open_weekdays:
        return ""
    zone = ZONE_WORDS.get(program.time_zone)
    values = {
        "days": days_of(program.open_weekdays),
        "opens": clock(program.opens_at),
        "closes": clock(program.closes_at),
        "zone": zone() if zone else program.time_zone,
    }
    return _("We're open %(days)s, %(opens)s to %(closes)s %(zone)s.") % values


def days_of(digits: str) -> str:
    days = sorted({int(d) for d in digits if d.isdigit() and int(d) < 7})
    names = [str(WEEKDAYS[d][1]) for d in days]
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        if len(days) == 7:
            return _("every day")
        return _("%(first)s to %(last)s") % {"first": names[0], "last": names[-1]}
    if len(names) == 1:
        return _("on %(day)s") % {"day": names[0]}
    return _("%(some)s and %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}

"""Our CSV columns for each kind, and how a cell becomes a value.

A parser raises ``CellError`` with a plain reason; the importer turns it into
a problem with the line and column, and the row is skipped while every good
row is kept. Dates are never guessed: ISO (YYYY-MM-DD) unless the preset or
the command says otherwise, and 03/04/2026 is refused until someone says
which of month or day comes first.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from welcomeback.care.models import AttendanceStatus, Modality
from welcomeback.lib.phones import to_e164


class CellError(ValueError):
    pass


# A preset may map a value to "skip": the row is read and set aside, not an error.
SKIP = "skip"
STATUSES = frozenset([*(str(status) for status in AttendanceStatus.values), SKIP])


# Named date formats people can pick; each is one strptime pattern.
DATE_FORMATS = {
    "YYYY-MM-DD": "%Y-%m-%d",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "DD.MM.YYYY": "%d.%m.%Y",
    "MM-DD-YYYY": "%m-%d-%Y",
    "YYYYMMDD": "%Y%m%d",
}
ISO = "YYYY-MM-DD"
STUDY_DAY = "study-day"
AMBIGUOUS = re.compile(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\s*$")


def check_date_format(name: str) -> str:
    name = (name or ISO).strip()
    if name.lower() == "iso":
        return ISO
    if name not in DATE_FORMATS and name != STUDY_DAY:
        raise ValueError(
            _("Unknown date format “%(name)s”. Choose one of: %(names)s.")
            % {"name": name, "names": ", ".join([*DATE_FORMATS, STUDY_DAY])}
        )
    return name


def date_parser(name: str, anchor: date | None = None) -> Callable[[str], date]:
    """A cached parser: an export repeats the same few hundred dates."""
    name = check_date_format(name)
    if name == STUDY_DAY:
        if anchor is None:
            raise ValueError(_("The study-day date format needs an anchor date (day 0)."))

        @lru_cache(maxsize=4096)
        def study_day(raw: str) -> date:
            try:
                day = float(raw)
            except ValueError:
                raise CellError(
                    _("“%(value)s” is not a study day (a number).") % {"value": raw}
                ) from None
            if day != int(day):
                raise CellError(_("“%(value)s” is not a whole study day.") % {"value": raw})
            return anchor + timedelta(days=int(day))

        return study_day

    pattern = DATE_FORMATS[name]

    @lru_cache(maxsize=4096)
    def parse(raw: str) -> date:
        if name == ISO:
            try:
                return date.fromisoformat(raw[:10]) if len(raw) >= 10 else date.fromisoformat(raw)
            except ValueError:
                if AMBIGUOUS.match(raw):
                    raise CellError(
                        _(
                            "“%(value)s” could be read as month/day or day/month; "
                            "dates must be YYYY-MM-DD, or choose the file's date format "
                            "(MM/DD/YYYY or DD/MM/YYYY)."
                        )
                        % {"value": raw}
                    ) from None
                raise CellError(
                    _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": raw}
                ) from None
        try:
            return datetime.strptime(raw, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            raise CellError(
                _("“%(value)s” is not a date in the form %(format)s.")
                % {"value": raw, "format": name}
            ) from None

    return parse


TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")


@lru_cache(maxsize=1024)
def parse_time(raw: str) -> time:
    match = TIME.match(raw)
    if not match:
        raise CellError(_("“%(value)s” is not a time like 09:30 or 6:00 PM.") % {"value": raw})
    hour, minute, second, half = match.groups()
    hour, minute = int(hour), int(minute)
    if half:
        if not 1 <= hour <= 12:
            raise CellError(_("“%(value)s” is not a time like 6:00 PM.") % {"value": raw})
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    try:
        return time(hour, minute, int(second or 0))
    except ValueError:
        raise CellError(_("“%(value)s” is not a time of day.") % {"value": raw}) from None


def parse_id(raw: str) -> str:
    if len(raw) > 64:
        raise CellError(_("An id can be at most 64 characters."))
    return raw


def parse_text(limit: int) -> Callable[[str], str]:
    def text(raw: str) -> str:
        if len(raw) > limit:
            raise CellError(_("This can be at most %(limit)s characters.") % {"limit": limit})
        return raw

    return text


def parse_phone(raw: str) -> str:
    phone = to_e164(raw)
    if not phone:
        raise CellError(_("This is not a phone number we can text or call."))
    return phone


def parse_email(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError:
        raise CellError(_("This is not an email address.")) from None
    return raw


def parse_language(raw: str) -> str:
    code = raw.strip().lower().replace("_", "-").split("-")[0]
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise CellError(_("“%(value)s” is not a language code like en or es.") % {"value": raw})
    return code


TRUE = {"1", "true", "yes", "y", "t", "si", "sí"}
FALSE = {"0", "false", "no", "n", "f"}


def parse_bool(raw: str) -> bool:
    value = raw.strip().casefold()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellError(_("“%(value)s” is not yes or no.") % {"value": raw})


def parse_int(low: int, high: int) -> Callable[[str], int]:
    def number(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw}) from None
        if not low <= value <= high:
            raise CellError(
                _("%(value)s is outside %(low)s–%(high)s.")
                % {"value": value, "low": low, "high": high}
            )
        return value

    return number


DAY_NAMES = {
    name: index
    for index, names in enumerate(
        [
            ("mon", "monday", "lun", "lunes", "mo", "m"),
            ("tue", "tues", "tuesday", "mar", "martes", "tu"),
            ("wed", "wednesday", "mie", "mié", "miércoles", "miercoles", "we", "w"),
            ("thu", "thur", "thurs", "thursday", "jue", "jueves", "th"),
            ("fri", "friday", "vie", "viernes", "fr", "f"),
            ("sat", "saturday", "sab", "sáb", "sábado", "sabado", "sa"),
            ("sun", "sunday", "dom", "domingo", "su"),
        ]
    )
    for name in names
}


def parse_weekday(raw: str) -> int:
    value = raw.strip().casefold().rstrip(".")
    if value.isdigit() and int(value) < 7:
        return int(value)
    if value in DAY_NAMES:
        return DAY_NAMES[value]
    raise CellError(_("“%(value)s” is not a weekday like Mon or Monday.") % {"value": raw})


def parse_schedule(raw: str) -> list[tuple[int, time]]:
    """'Mon 09:00; Wed 09:00' (commas or semicolons between meetings)."""
    slots = []
    for part in re.split(r"[;,]", raw):
        part = part.strip()
        if not part:
            continue
        day, _space, at = part.partition(" ")
        if not at:
            raise CellError(_("“%(value)s” is not a meeting like “Mon 09:00”.") % {"value": part})
        slots.append((parse_weekday(day), parse_time(at.strip())))
    return slots


def parse_modality(raw: str) -> str:
    value = raw.strip().casefold().replace(" ", "_").replace("-", "_")
    if value in Modality.values:
        return value
    raise CellError(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": raw, "choices": ", ".join(Modality.values)}
    )


def parse_status(raw: str) -> str:
    value = raw.strip().casefold()
    if value in STATUSES:
        return value
    raise CellError(
        _("“%(value)s” is not an attendance mark we know (%(choices)s); a preset can map it.")
        % {"value": raw, "choices": ", ".join(AttendanceStatus.values)}
    )


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], object] | None
    required: bool = False
    # Its value may identify a person: never repeated in a problem's reason.
    private: bool = False


FORMATS: dict[str, list[Column]] = {
    "clients": [
        Column("client", parse_id, required=True),
        Column("first_name", parse_text(100), required=True, private=True),
        Column("last_name", parse_text(100), required=True, private=True),
        Column("preferred_name", parse_text(100), private=True),
        Column("pronouns", parse_text(40)),
        Column("phone", parse_phone, private=True),
        Column("email", parse_email, private=True),
        Column("language", parse_language),
        Column("admitted", None),  # a date: the parser depends on the format
    ],
    "groups": [
        Column("group", parse_id, required=True),
        Column("name", parse_text(200), required=True),
        Column("schedule", parse_schedule),
        Column("duration_minutes", parse_int(15, 600)),
        Column("modality", parse_modality),
        Column("language", parse_language),
        Column("capacity", parse_int(1, 500)),
        Column("active", parse_bool),
    ],
    "expectations": [
        Column("client", parse_id, required=True),
        Column("group", parse_id),
        Column("appointment", parse_id),
        Column("starts", None, required=True),
        Column("ends", None),
        Column("weekday", parse_weekday),
        Column("time", parse_time),
        Column("duration_minutes", parse_int(15, 600)),
    ],
    "attendance": [
        Column("client", parse_id, required=True),
        Column("group", parse_id),
        Column("appointment", parse_id),
        Column("date", None, required=True),
        Column("time", parse_time),
        Column("status", parse_status, required=True),
    ],
}
DATE_COLUMNS = {"admitted", "starts", "ends", "date"}
# One of these must be given on each row of the kind.
ONE_OF = {"expectations": ("group", "appointment"), "attendance": ("group", "appointment")}

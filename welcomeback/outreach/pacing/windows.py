"""Sending windows: which local hours of which days automated outreach may use.

Three layers narrow the hours, and none can widen what a lower layer forbids:

1. the federal floor, 08:00-21:00 at the recipient's location
   (47 CFR 64.1200(c)(1); STANDARDS.md requirement 1);
2. the per-state table in ``data/calling_hours.toml`` (hours, Saturday and
   Sunday hours, Sunday and holiday bans; requirement 3);
3. the program's window (default 09:00-20:00), or the client's own window.

A client's window *replaces* the program's: it is their stated preference for
when they want to hear from us (HIPAA 164.522(b), confidential communications),
so someone who asks for 08:00-09:00 before work gets it even though the
program's default starts at 09:00. It stays inside layers 1 and 2.

Hours are local wall-clock readings and half-open: [start, end). A message at
20:59 fits a window ending at 21:00; one at 21:00 does not.
"""

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from importlib.resources import files

import holidays


@dataclass(frozen=True)
class Window:
    """Allowed local hours of one day, start included, end excluded."""

    start: time
    end: time

    def __post_init__(self):
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("a window holds local wall-clock times, without a zone")
        if self.start >= self.end:
            raise ValueError(f"a window must start before it ends ({self.start}-{self.end})")

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


# 47 CFR 64.1200(c)(1): nothing before 8 a.m. or after 9 p.m. local time.
FEDERAL_WINDOW = Window(time(8), time(21))
# The shipped program default (the issue: "program default 09:00-20:00").
PROGRAM_WINDOW = Window(time(9), time(20))


def intersect(*windows: Window | None) -> Window | None:
    """The hours every window allows; None when one is None or they don't meet."""
    if any(window is None for window in windows):
        return None
    start = max(window.start for window in windows)
    end = min(window.end for window in windows)
    return Window(start, end) if start < end else None


@dataclass(frozen=True)
class StateHours:
    """One row of calling_hours.toml."""

    code: str
    name: str
    weekday: Window
    saturday: Window
    sunday: Window | None  # None: no automated message on Sunday
    holidays_allowed: bool
    holiday: Window | None  # extra limit on holidays, when allowed
    source: str
    verified: bool
    note: str

    def window_on(self, day: date) -> Window | None:
        """This state's hours on a local date; None when the day is banned."""
        by_weekday = {5: self.saturday, 6: self.sunday}.get(day.weekday(), self.weekday)
        if not is_state_holiday(self.code, day):
            return by_weekday
        if not self.holidays_allowed:
            return None
        return intersect(by_weekday, self.holiday) if self.holiday else by_weekday


def _window(row: dict, prefix: str, default: Window) -> Window:
    start, end = row.get(f"{prefix}_start"), row.get(f"{prefix}_end")
    if start is None and end is None:
        return default
    return Window(start or default.start, end or default.end)


def _state_row(row: dict) -> StateHours:
    weekday = Window(row["start"], row["end"])
    return StateHours(
        code=row["code"],
        name=row["name"],
        weekday=weekday,
        saturday=_window(row, "saturday", weekday),
        sunday=_window(row, "sunday", weekday) if row["sunday_allowed"] else None,
        holidays_allowed=row["holidays_allowed"],
        holiday=_window(row, "holiday", weekday) if "holiday_start" in row else None,
        source=row["source"],
        verified=row["verified"],
        note=row["note"],
    )


def load_data(name: str) -> dict:
    data = files("welcomeback.outreach").joinpath("data", name)
    return tomllib.loads(data.read_text(encoding="utf-8"))


@cache
def state_table() -> dict[str, StateHours]:
    """Every state row by USPS code (50 states and DC), read once."""
    rows = [_state_row(row) for row in load_data("calling_hours.toml")["state"]]
    return {row.code: row for row in rows}


@cache
def _holidays(code: str, year: int) -> holidays.HolidayBase:
    # Federal and state legal holidays, observed days included (a holiday on a
    # weekend moves to Friday or Monday: Ala. Code 1-3-8(a), Miss. Code 3-3-7).
    subdiv = code if code in holidays.US.subdivisions else None
    return holidays.US(subdiv=subdiv, years=year)


def is_state_holiday(code: str, day: date) -> bool:
    return day in _holidays(code, day.year)


def state_window(code: str, day: date) -> Window | None:
    """A state's hours on a local date. A code we don't know gets the federal floor."""
    row = state_table().get(code.upper())
    return row.window_on(day) if row else FEDERAL_WINDOW


def sending_window(
    day: date,
    program_window: Window = PROGRAM_WINDOW,
    client_window: Window | None = None,
    states: Iterable[str] = (),
) -> Window | None:
    """The hours automated outreach may use on one local date, or None.

    ``states`` holds every state the person may be in: the address state and
    the state of the phone's area code (Florida, Oklahoma and Connecticut
    presume a call to one of their area codes reaches a resident), and each
    state's rules apply.
    """
    chosen = client_window or program_window
    layers = [chosen, FEDERAL_WINDOW] + [state_window(code, day) for code in states]
    return intersect(*layers)


@dataclass(frozen=True)
class Rules:
    """Everything that decides the hours, ready to ask about any local date."""

    program_window: Window = PROGRAM_WINDOW
    client_window: Window | None = None
    states: frozenset[str] = frozenset()

    def __post_init__(self):
        # Accept any iterable of codes; keep them hashable and upper-case.
        object.__setattr__(self, "states", frozenset(code.upper() for code in self.states))

    def window_on(self, day: date) -> Window | None:
        return sending_window(day, self.program_window, self.client_window, self.states)

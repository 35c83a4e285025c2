"""Planning each person's stay: when they start, how they attend, whether
and how they leave. Pure: no database, only a seeded random generator, the
calendar and the sessions the programs hold. The same seed and the same day
give the same plan, whatever the hour.

Who is in which situation is allocated by counts rather than drawn one by
one, so even a small demo keeps the calibrated proportions:

- finished stays follow TEDS-D's reasons for discharge and lengths of stay
  (calibration.py);
- open stays are spread over every engagement status on purpose, so the
  staff's Today board always has someone who just missed, someone lapsing,
  someone disengaged, interrupted or inactive.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from welcomeback.care.models import DischargeReason, Session
from welcomeback.demo.calibration import (
    TEDS_IOP_MEDIAN_LOS_DAYS_BY_REASON,
    TEDS_IOP_REASON_SHARES,
    allocate,
    stratified_stays,
)
from welcomeback.demo.catalog import Catalog
from welcomeback.demo.people import Person, PhoneBook, make_person

# A guess, not a published figure: in six months a program with stays of
# about six weeks discharges nearly as many people as it still serves.
FINISHED_SHARE = 0.45

# How open stays stand today (a guess, weighted towards drift so the demo
# shows every status). Days are since the last attended session; they keep
# clear of the program's thresholds (7, 14, 28, 90 days) so the hour of the
# run never changes the status.
OPEN_SHARES = {
    "engaged": 0.56,
    "missed": 0.08,
    "lapsing": 0.07,
    "disengaged": 0.07,
    "interrupted": 0.11,
    "inactive": 0.07,
    "not_started": 0.04,
}
DAYS_SINCE_CONTACT = {
    "missed": (2, 6),
    "lapsing": (8, 13),
    "disengaged": (15, 26),
    "interrupted": (30, 88),
    "inactive": (92, 130),
}
DRIFTING = list(DAYS_SINCE_CONTACT)

# Days between the last attended session and the discharge, by reason. A
# "dropped out" discharge waits for the program's inactivity period
# (engagement.discharge refuses it sooner); the rest follow soon after.
DISCHARGE_DELAY_DAYS = {
    DischargeReason.COMPLETED: (1, 2),
    DischargeReason.TRANSFERRED: (1, 5),
    DischargeReason.TERMINATED: (3, 14),
    DischargeReason.OTHER: (2, 21),
}
DROPOUT_DECISION_DAYS = (1, 21)  # after the inactivity period, staff decide
DISCHARGE_NOTES = {
    DischargeReason.COMPLETED: "Completed the program; stepping down to weekly outpatient care.",
    DischargeReason.TRANSFERRED: "Transferred to another program that fits their needs better.",
    DischargeReason.DROPPED_OUT: "No contact for a long while. The door stays open.",
    DischargeReason.TERMINATED: "Ended by the program after a team review; referral offered.",
    DischargeReason.OTHER: "Moved out of the area.",
}
SPANISH_SPEAKER_SHARE = 0.18
RETURN_SHARE = 0.35  # of people who dropped out with time left to come back
ROLL_CALL_SKIPPED = 0.08  # absences nobody marked; the sweep counts them anyway
UNMARKED_AFTER_DAYS = 28  # roll call stops listing someone gone this long
DROP_IN_CHANCE = 0.02  # per session of another group in the same program


@dataclass
class Habits:
    """How a person attends while they are coming."""

    late_rate: float
    excuse_rate: float


@dataclass
class Stay:
    """One planned episode of care."""

    person: int  # index into Plan.people
    program: str
    group: str
    opened_at: datetime
    fate: str
    marks: list[tuple[Session, str]] = field(default_factory=list)
    discharge_at: datetime | None = None
    reason: int | None = None
    follow_up: "Stay | None" = None


@dataclass
class Plan:
    people: list[Person]
    stays: list[Stay]


@dataclass(frozen=True)
class Calendar:
    """Day numbers run from the first day of the window (0) to today."""

    first_day: date
    today: date
    office_zone: tzinfo

    @property
    def today_index(self) -> int:
        return (self.today - self.first_day).days

    def index_of(self, moment: datetime) -> int:
        return (moment.astimezone(self.office_zone).date() - self.first_day).days

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=index)


class Planner:
    def __init__(self, rng: random.Random, calendar: Calendar, catalog: Catalog, sessions):
        self.rng = rng
        self.calendar = calendar
        self.catalog = catalog
        self.sessions: dict[str, list[Session]] = sessions
        self.phones = PhoneBook(rng)

    # -- who ---------------------------------------------------------------

    def plan(self, count: int) -> Plan:
        fates = self.fates(count)
        people, stays = [], []
        for index, (fate, stay_days) in enumerate(fates):
            language = "es" if self.rng.random() < SPANISH_SPEAKER_SHARE else "en"
            program, group = self.choose_group(language)
            people.append(
                make_person(
                    self.rng, language, list(self.catalog.area_codes[program]), self.phones, index
                )
            )
            stays.append(self.plan_stay(index, program, group, fate, stay_days))
        return Plan(people, stays)

    def fates(self, count: int) -> list[tuple[str, float | None]]:
        finished = round(count * FINISHED_SHARE)
        fates: list[tuple[str, float | None]] = []
        for reason, number in allocate(finished, TEDS_IOP_REASON_SHARES).items():
            stays = stratified_stays(self.rng, number, reason)
            fates += [(f"finished:{reason}", days) for days in stays]
        fates += [(status, None) for status in open_statuses(count - finished)]
        self.rng.shuffle(fates)
        return fates

    def choose_group(self, language: str) -> tuple[str, str]:
        if language == "es":
            return "evenings", "spanish"
        specs = list(self.catalog.specs.values())
        program = self.rng.choices(specs, weights=[spec.share for spec in specs])[0]
        groups = [group for group in program.groups if group.share]
        group = self.rng.choices(groups, weights=[group.share for group in groups])[0]
        return program.key, group.key

    # -- how they stay -----------------------------------------------------

    def plan_stay(self, person, program, group, fate, stay_days) -> Stay:
        if fate.startswith("finished:"):
            return self.finished_stay(person, program, group, int(fate.split(":")[1]), stay_days)
        if fate in DRIFTING:
            return self.drifting_stay(person, program, group, fate)
        if fate == "not_started":
            return self.not_started_stay(person, program, group)
        return self.engaged_stay(person, program, group)

    def finished_stay(self, person, program, group, reason, stay_days) -> Stay:
        sessions = self.sessions[group]
        delay = self.discharge_delay(program, reason)
        last_allowed = self.calendar.today_index - 1 - delay
        latest_start = max(0, math.floor(last_allowed - stay_days))
        first = self.first_session_from(sessions, self.rng.randint(0, latest_start))
        target = sessions[first].starts_at + timedelta(days=stay_days)
        last = self.nearest_session(sessions, target, first, last_allowed)
        discharge_day = self.calendar.index_of(sessions[last].starts_at) + delay
        stay = self.new_stay(person, program, group, sessions[first], f"finished:{reason}")
        stay.reason = reason
        stay.discharge_at = self.at(program, self.calendar.day(discharge_day), time(11))
        behaviour = self.leaving_behaviour(reason)
        stay.marks = self.marks(sessions, first, last, stay.discharge_at, behaviour)
        stay.marks += self.drop_ins(program, group, sessions[first], sessions[last])
        if reason == DischargeReason.DROPPED_OUT:
            stay.follow_up = self.maybe_return(person, program, group, discharge_day)
        return stay

    def drifting_stay(self, person, program, group, status) -> Stay:
        sessions = self.sessions[group]
        last = self.last_contact_for(sessions, status)
        if last is None:
            return self.engaged_stay(person, program, group)
        # People drifting away now stay about as long as those who dropped out.
        median = TEDS_IOP_MEDIAN_LOS_DAYS_BY_REASON[DischargeReason.DROPPED_OUT]
        stay_days = self.rng.lognormvariate(math.log(median), 0.7)
        start_day = max(0, self.calendar.index_of(sessions[last].starts_at) - round(stay_days))
        first = min(self.first_session_from(sessions, start_day), last)
        stay = self.new_stay(person, program, group, sessions[first], status)
        behaviour = self.rng.choice([fading(0.9, 0.35), steady(self.rng.uniform(0.7, 0.9))])
        stay.marks = self.marks(sessions, first, last, self.end_of_today(), behaviour)
        stay.marks += self.drop_ins(program, group, sessions[first], sessions[last])
        return stay

    def engaged_stay(self, person, program, group) -> Stay:
        sessions = self.sessions[group]
        days_ago = round(self.rng.triangular(3, min(170, self.calendar.today_index), 20))
        first = self.first_session_from(sessions, self.calendar.today_index - days_ago)
        stay = self.new_stay(person, program, group, sessions[first], "engaged")
        kind = self.rng.random()
        gap = self.gap(sessions[first].starts_at) if kind < 0.25 and days_ago >= 50 else None
        behaviour = fading(0.95, 0.6) if kind > 0.9 else steady(self.rng.uniform(0.8, 0.97))
        stay.marks = self.marks(sessions, first, None, self.end_of_today(), behaviour, gap)
        stay.marks += self.drop_ins(program, group, sessions[first], None)
        return stay

    def not_started_stay(self, person, program, group) -> Stay:
        """Admitted, but has not come to a group yet."""
        sessions = self.sessions[group]
        first = self.first_session_from(
            sessions, self.calendar.today_index - self.rng.randint(4, 40)
        )
        stay = self.new_stay(person, program, group, sessions[first], "not_started")
        stay.marks = self.marks(
            sessions, first, None, self.end_of_today(), steady(0.0), intake=False
        )
        return stay

    def maybe_return(self, person, program, group, discharge_day) -> Stay | None:
        """Some people who dropped out come back: a new episode linked to
        the last one, attending again."""
        latest = self.calendar.today_index - 7
        if discharge_day + 3 > latest or self.rng.random() > RETURN_SHARE:
            return None
        sessions = self.sessions[group]
        first = self.first_session_from(sessions, self.rng.randint(discharge_day + 3, latest))
        stay = self.new_stay(person, program, group, sessions[first], "returned")
        behaviour = steady(self.rng.uniform(0.75, 0.95))
        stay.marks = self.marks(sessions, first, None, self.end_of_today(), behaviour)
        return stay

    # -- attendance --------------------------------------------------------

    def marks(self, sessions, first, last, until, behaviour, gap=None, intake=True):
        """Marks from the first session until ``until``: the first and the
        last sessions attended, chance in between, absences after."""
        habits = Habits(
            late_rate=self.rng.choice([0.02, 0.04, 0.2]), excuse_rate=self.rng.uniform(0.05, 0.3)
        )
        end = sessions[last].starts_at if last is not None else until
        span = max((end - sessions[first].starts_at).total_seconds(), 1.0)
        marks, last_contact = [], sessions[first].starts_at
        for index in range(first, len(sessions)):
            session = sessions[index]
            if session.starts_at >= until:
                break
            progress = (session.starts_at - sessions[first].starts_at).total_seconds() / span
            away = (last is not None and index > last) or bool(
                gap and gap[0] <= session.starts_at < gap[1]
            )
            if (index == first and intake) or index == last:
                attends = True
            else:
                attends = not away and self.rng.random() < behaviour(progress)
            if attends:
                late = self.rng.random() < habits.late_rate
                marks.append((session, "late" if late else "attended"))
                last_contact = session.starts_at
                continue
            absence = self.absence(session, last_contact, habits, away)
            if absence:
                marks.append((session, absence))
        return marks

    def absence(self, session, last_contact, habits, away) -> str | None:
        """How roll call records someone who did not come, if it does.
        Someone who has drifted away does not call to excuse themselves."""
        if session.starts_at - last_contact > timedelta(days=UNMARKED_AFTER_DAYS):
            return None
        if not away and self.rng.random() < habits.excuse_rate:
            return "excused"
        if self.rng.random() < ROLL_CALL_SKIPPED:
            return None
        return "missed"

    def drop_ins(self, program, group, first: Session, last: Session | None):
        """Now and then a person comes to another group of their program on a
        day their own group does not meet."""
        until = last.starts_at if last else self.end_of_today()
        zone = self.catalog.programs[program].zone
        own_days = {s.starts_at.astimezone(zone).date() for s in self.sessions[group]}
        marks = []
        for spec in self.catalog.specs[program].groups:
            if spec.key == group or spec.language != self.catalog.groups[group].language:
                continue
            for session in self.sessions[spec.key]:
                if not first.starts_at < session.starts_at < until:
                    continue
                if session.starts_at.astimezone(zone).date() in own_days:
                    continue
                if self.rng.random() < DROP_IN_CHANCE:
                    marks.append((session, "attended"))
        return marks

    # -- time --------------------------------------------------------------

    def discharge_delay(self, program: str, reason: int) -> int:
        if reason == DischargeReason.DROPPED_OUT:
            inactive = self.catalog.programs[program].inactive_after_days
            return inactive + self.rng.randint(*DROPOUT_DECISION_DAYS)
        return self.rng.randint(*DISCHARGE_DELAY_DAYS[reason])

    def last_contact_for(self, sessions: list[Session], status: str) -> int | None:
        """A session to be the last one attended, so that today the person
        is in this status; None when the schedule allows none."""
        low, high = DAYS_SINCE_CONTACT[status]
        today = self.calendar.today_index
        candidates = []
        for index, session in enumerate(sessions[:-1]):
            age = today - self.calendar.index_of(session.starts_at)
            missed_since = self.calendar.index_of(sessions[index + 1].starts_at) < today
            if low <= age <= high and age <= today and missed_since:
                candidates.append(index)
        return self.rng.choice(candidates) if candidates else None

    def gap(self, first_start: datetime) -> tuple[datetime, datetime] | None:
        """A spell away for someone who later comes back."""
        length = timedelta(days=self.rng.randint(18, 40))
        latest_end = self.at_office(self.calendar.today) - timedelta(days=10)
        earliest_start = first_start + timedelta(days=7)
        room = (latest_end - length - earliest_start).days
        if room < 0:
            return None
        start = earliest_start + timedelta(days=self.rng.randint(0, room))
        return start, start + length

    def first_session_from(self, sessions: list[Session], day_index: int) -> int:
        """The first session on or after that day, and before today: every
        intake in the plan has already happened."""
        before_today = [
            index
            for index, session in enumerate(sessions)
            if self.calendar.index_of(session.starts_at) < self.calendar.today_index
        ]
        for index in before_today:
            if self.calendar.index_of(sessions[index].starts_at) >= max(day_index, 0):
                return index
        return before_today[-1]

    def nearest_session(self, sessions, target: datetime, first: int, last_day: int) -> int:
        allowed = [
            index
            for index in range(first, len(sessions))
            if self.calendar.index_of(sessions[index].starts_at) <= last_day
        ] or [first]
        return min(allowed, key=lambda index: abs(sessions[index].starts_at - target))

    def new_stay(self, person, program, group, first: Session, fate: str) -> Stay:
        # Intake happens two hours before the person's first group.
        return Stay(person, program, group, first.starts_at - timedelta(hours=2), fate)

    def at(self, program: str, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.catalog.programs[program].zone)

    def at_office(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.calendar.office_zone)

    def end_of_today(self) -> datetime:
        return self.at_office(self.calendar.today + timedelta(days=1))

    def leaving_behaviour(self, reason: int):
        if reason == DischargeReason.DROPPED_OUT:
            return self.rng.choice([fading(0.85, 0.3), steady(self.rng.uniform(0.7, 0.9))])
        if reason == DischargeReason.TERMINATED:
            return steady(self.rng.uniform(0.45, 0.75))
        if reason == DischargeReason.COMPLETED:
            return steady(self.rng.uniform(0.8, 0.95))
        return steady(self.rng.uniform(0.65, 0.9))


def steady(rate: float):
    return lambda progress: rate


def fading(start: float, end: float):
    """Attendance that thins out over the stay."""
    return lambda progress: start + (end - start) * progress


def open_statuses(count: int) -> list[str]:
    """Today's statuses for the open stays, at least one of each kind of
    drift when there are enough people."""
    counts = allocate(count, OPEN_SHARES)
    for status in DRIFTING:
        if counts[status] == 0 and counts["engaged"] > 1:
            counts[status] += 1
            counts["engaged"] -= 1
    return [status for status, number in counts.items() for _ in range(number)]

"""Living through the plan one day at a time, through the domain functions,
so the demo's history is the one the product would have written.

Each simulated day: intakes open episodes, staff record discharges decided
on the previous night's statuses, the day's roll calls are recorded with
their real times, and the sweep runs at the end of the evening. Attendance
goes through ``care.bulk`` and ``engagement.rebuild`` (one write per day
instead of five queries per mark); everything else through the same
functions staff use.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from tqdm import tqdm

from welcomeback.care.bulk import Mark, record_attendance_many
from welcomeback.care.episodes import open_episode
from welcomeback.care.models import AttendanceSource, Client, Episode, Expectation
from welcomeback.demo.journeys import DISCHARGE_NOTES, Calendar, Plan, Stay
from welcomeback.engagement import sweep
from welcomeback.engagement.discharge import discharge
from welcomeback.engagement.rebuild import rescan

# The office's nightly sweep: after every evening group's grace period.
NIGHTLY_SWEEP = time(23, 30)


class Simulation:
    def __init__(self, plan: Plan, calendar: Calendar, catalog, now: datetime, staff):
        self.plan = plan
        self.calendar = calendar
        self.catalog = catalog
        self.now = now
        self.staff = staff
        self.opens: dict[int, list[Stay]] = defaultdict(list)
        self.discharges: dict[int, list[tuple[Stay, datetime]]] = defaultdict(list)
        self.marks: dict[int, list[tuple[Stay, object, str]]] = defaultdict(list)
        self.returns_after: dict[int, Stay] = {}  # id(follow-up stay) -> the stay it follows
        self.clients: dict[int, Client] = {}  # person index -> client
        self.episodes: dict[int, Episode] = {}  # id(stay) -> episode
        for stay in plan.stays:
            self.schedule(stay)

    def schedule(self, stay: Stay) -> None:
        self.opens[self.calendar.index_of(stay.opened_at)].append(stay)
        for session, status in stay.marks:
            self.marks[self.calendar.index_of(session.starts_at)].append((stay, session, status))
        if stay.discharge_at:
            day = self.calendar.index_of(stay.discharge_at)
            self.discharges[day].append((stay, stay.discharge_at))
        if stay.follow_up:
            self.returns_after[id(stay.follow_up)] = stay
            self.schedule(stay.follow_up)

    def run(self, progress: bool = False) -> None:
        days = range(self.calendar.today_index + 1)
        for day in tqdm(days, desc="Six months of groups", unit="day", disable=not progress):
            self.live(day)
        sweep.run_once(now=self.now)

    def live(self, day: int) -> None:
        touched = {self.open(stay) for stay in self.opens.pop(day, [])}
        for stay, at in self.discharges.pop(day, []):
            self.discharge(stay, at, day)
        touched |= self.record_roll_calls(day)
        nightly = min(self.at_office(day, NIGHTLY_SWEEP), self.now)
        if touched:
            rescan(touched, nightly)
        sweep.run_once(now=nightly)

    # -- intake and discharge ----------------------------------------------

    def open(self, stay: Stay) -> int:
        client = self.client_for(stay)
        program = self.catalog.programs[stay.program]
        previous = self.returns_after.get(id(stay))
        episode = open_episode(
            client,
            program,
            at=stay.opened_at,
            by=self.staff,
            previous=self.episodes.get(id(previous)) if previous else None,
        )
        Expectation.objects.create(
            episode=episode, group=self.catalog.groups[stay.group], starts=stay.opened_at
        )
        self.episodes[id(stay)] = episode
        return episode.pk

    def client_for(self, stay: Stay) -> Client:
        if stay.person not in self.clients:
            person = self.plan.people[stay.person]
            self.clients[stay.person] = Client.objects.create(
                organization=self.catalog.organization,
                external_id=person.external_id,
                first_name=person.first_name,
                last_name=person.last_name,
                preferred_name=person.preferred_name,
                pronouns=person.pronouns,
                phone=person.phone,
                email=person.email,
                language=person.language,
                sms_allowed=person.sms_allowed and bool(person.phone),
                voicemail_allowed=person.voicemail_allowed,
                # Referred a few days before intake.
                created=stay.opened_at - timedelta(days=1 + stay.person % 9),
            )
        return self.clients[stay.person]

    def discharge(self, stay: Stay, at: datetime, day: int) -> None:
        episode = Episode.objects.select_related("program", "engagement").get(
            pk=self.episodes[id(stay)].pk
        )
        at = min(at, self.now)
        try:
            discharge(
                episode, stay.reason, by=self.staff, note=DISCHARGE_NOTES[stay.reason], now=at
            )
        except ValidationError as error:
            if error.code != "too_soon":
                raise
            # Not yet the program's inactivity period: staff look again
            # tomorrow, or leave it open if tomorrow is past the demo's end.
            self.discharges[day + 1].append((stay, at + timedelta(days=1)))
            return
        Expectation.objects.filter(episode=episode, ends=None).update(ends=at)

    # -- attendance --------------------------------------------------------

    def record_roll_calls(self, day: int) -> set[int]:
        """The day's marks, each recorded when its session ended; today's
        sessions still running have no roll call yet."""
        marks = [
            Mark(session, self.clients[stay.person].pk, status, recorded_at=session.ends_at)
            for stay, session, status in self.marks.pop(day, [])
            if session.ends_at <= self.now
        ]
        if not marks:
            return set()
        return record_attendance_many(marks, source=AttendanceSource.DEMO, recorded_by=self.staff)

    def at_office(self, day: int, clock: time) -> datetime:
        return datetime.combine(self.calendar.day(day), clock, tzinfo=self.calendar.office_zone)

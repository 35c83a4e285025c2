"""Properties of the pacing rules over random instants, zones, windows and histories."""

from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from welcomeback.outreach.pacing import (
    FEDERAL_WINDOW,
    Caps,
    Rules,
    Window,
    earliest_send_time,
    next_allowed,
    pause_end,
    state_table,
)
from welcomeback.outreach.pacing.quiet import allowed_everywhere

US_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Adak",
    "Pacific/Honolulu",
    "America/Indiana/Indianapolis",
    "America/Detroit",
    "America/Boise",
    "America/Menominee",
    "America/Puerto_Rico",
]
STATES = sorted(state_table())
EARLIEST = datetime(2020, 1, 1, tzinfo=UTC).replace(tzinfo=None)
LATEST = datetime(2030, 12, 31, tzinfo=UTC).replace(tzinfo=None)

PROPERTIES = settings(max_examples=100, deadline=None)

instants = st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC))
zone_sets = st.sets(st.sampled_from(US_ZONES), min_size=1, max_size=3)


@st.composite
def windows(draw) -> Window:
    # Mostly around the federal 08:00-21:00, sometimes reaching past it.
    start = draw(st.integers(5 * 60, 22 * 60))
    end = draw(st.integers(start + 1, 24 * 60 - 1))
    return Window(time(*divmod(start, 60)), time(*divmod(end, 60)))


@st.composite
def rules(draw) -> Rules:
    return Rules(
        program_window=draw(windows()),
        client_window=draw(st.none() | windows()),
        states=draw(st.sets(st.sampled_from(STATES), max_size=2)),
    )


caps = st.builds(Caps.for_program, st.integers(-1, 3), st.integers(-1, 5))
minutes_before = st.lists(st.integers(0, 14 * 24 * 60), max_size=6)


def history(now: datetime, offsets: list[int]) -> list[datetime]:
    return [now - timedelta(minutes=offset) for offset in offsets]


def within(moment: datetime, sent: list[datetime], limit: int, span: timedelta) -> bool:
    """Independent check: the new message and everything in the span before it."""
    return sum(1 for other in sent if moment - span < other <= moment) + 1 <= limit


def brute_force_next(now: datetime, zones: set[str], window_for) -> datetime | None:
    """Minute by minute: slow, obviously right."""
    tzs = [ZoneInfo(zone) for zone in zones]
    window_for = cache(window_for)
    if allowed_everywhere(now, tzs, window_for):
        return now
    minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while minute <= now + timedelta(days=14):
        if allowed_everywhere(minute, tzs, window_for):
            return minute
        minute += timedelta(minutes=1)
    return None


@PROPERTIES
@given(instants, zone_sets, rules())
def test_next_allowed_is_never_early_and_inside_every_zones_window(now, zones, rule):
    moment = next_allowed(now, zones, rule.window_on)
    if moment is None:
        return
    assert moment >= now
    for zone in zones:
        local = moment.astimezone(ZoneInfo(zone))
        window = rule.window_on(local.date())
        assert window is not None and window.contains(local.time())
        assert FEDERAL_WINDOW.contains(local.time())


@settings(max_examples=40, deadline=None)
@given(instants, zone_sets, rules())
def test_next_allowed_is_the_first_allowed_minute(now, zones, rule):
    assert next_allowed(now, zones, rule.window_on) == brute_force_next(now, zones, rule.window_on)


@PROPERTIES
@given(instants, zone_sets, rules())
def test_next_allowed_gives_itself_back(now, zones, rule):
    moment = next_allowed(now, zones, rule.window_on)
    if moment is not None:
        assert next_allowed(moment, zones, rule.window_on) == moment


@PROPERTIES
@given(
    instants,
    zone_sets,
    rules(),
    caps,
    minutes_before,
    st.none() | st.integers(-3 * 24 * 60, 10 * 24 * 60),
    st.none() | st.integers(0, 120),
)
def test_the_decision_keeps_every_rule(now, zones, rule, cap, sent, pause, inbound):
    sent_times = history(now, sent)
    paused_until = None if pause is None else now + timedelta(minutes=pause)
    last_inbound = None if inbound is None else now - timedelta(minutes=inbound)
    decision = earliest_send_time(
        now,
        zones=zones,
        rules=rule,
        caps=cap,
        sent_times=sent_times,
        paused_until=paused_until,
        last_inbound_at=last_inbound,
    )
    if decision.send_at is None:
        assert decision.hold is not None and decision.reason
        return
    moment = decision.send_at
    assert moment >= now
    assert allowed_everywhere(moment, [ZoneInfo(zone) for zone in zones], rule.window_on)
    assert paused_until is None or moment >= paused_until
    assert last_inbound is None or moment >= last_inbound + timedelta(minutes=30)
    assert within(moment, sent_times, cap.per_day, timedelta(hours=24))
    assert within(moment, sent_times, cap.per_week, timedelta(days=7))
    again = earliest_send_time(
        moment,
        zones=zones,
        rules=rule,
        caps=cap,
        sent_times=sent_times,
        paused_until=paused_until,
        last_inbound_at=last_inbound,
    )
    assert again.send_at == moment and again.sends_now


@settings(max_examples=50, deadline=None)
@given(instants, zone_sets, rules(), st.lists(st.integers(0, 3 * 24 * 60), min_size=1, max_size=8))
def test_messages_sent_as_decided_keep_calendar_days_and_weeks_in_every_zone(
    now, zones, rule, gaps
):
    """A run of sends, each at the decided time: no local day holds 2, no week 4."""
    sent = []
    moment = now
    for gap in gaps:
        decision = earliest_send_time(moment, zones=zones, rules=rule, sent_times=sent)
        if decision.send_at is None:
            break
        sent.append(decision.send_at)
        moment = decision.send_at + timedelta(minutes=gap)
    for zone in zones:
        days = [message.astimezone(ZoneInfo(zone)).date() for message in sent]
        assert len(days) == len(set(days))
        weeks = [day.isocalendar()[:2] for day in days]
        assert all(weeks.count(week) <= 3 for week in weeks)


@PROPERTIES
@given(instants, zone_sets, st.dates(EARLIEST.date(), LATEST.date()))
def test_a_pause_until_a_date_ends_after_that_day_begins_everywhere(now, zones, day):
    ends = pause_end(day, zones)
    for zone in zones:
        assert ends.astimezone(ZoneInfo(zone)).date() >= day

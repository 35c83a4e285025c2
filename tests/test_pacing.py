"""The pacing rules for automated outreach, case by case (no database)."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from welcomeback.outreach.pacing import (
    FEDERAL_WINDOW,
    PROGRAM_WINDOW,
    Caps,
    Hold,
    Rules,
    Window,
    candidate_states,
    candidate_zones,
    earliest_send_time,
    live_conversation_hold,
    next_allowed,
    next_under_caps,
    pause_end,
    respect_pause,
    sending_window,
    state_table,
    state_zones,
)
from welcomeback.outreach.pacing.quiet import transitions

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

USPS = set(
    re.findall(
        r"[A-Z]{2}",
        "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
        "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY",
    )
)


def at(zone: ZoneInfo, *args) -> datetime:
    """A local wall-clock time, as the aware instant the functions take."""
    return datetime(*args, tzinfo=zone)


def window(start: str, end: str) -> Window:
    return Window(time.fromisoformat(start), time.fromisoformat(end))


def next_in(state: str, moment: datetime, zone: ZoneInfo, **rules) -> datetime | None:
    return next_allowed(moment, [zone.key], Rules(states={state}, **rules).window_on)


# The shipped table


def test_the_table_has_every_state_and_dc():
    assert set(state_table()) == USPS


def test_every_row_names_its_source_and_whether_it_was_verified():
    for row in state_table().values():
        assert row.source.startswith("http"), row.code
        assert isinstance(row.verified, bool), row.code
        assert row.note, row.code


def test_no_state_allows_more_than_the_federal_window():
    for row in state_table().values():
        for day_window in (row.weekday, row.saturday, row.sunday, row.holiday):
            if day_window is not None:
                assert FEDERAL_WINDOW.start <= day_window.start, row.code
                assert day_window.end <= FEDERAL_WINDOW.end, row.code


def test_the_table_carries_the_hours_in_standards_md():
    table = state_table()
    for code in ["FL", "MD", "MA"]:
        assert table[code].weekday == window("08:00", "20:00"), code
    for code in ["CT", "NV", "OK"]:  # OK: 9 a.m. for dialing devices, 8 p.m. for the 2022 act
        assert table[code].weekday == window("09:00", "20:00"), code
    for code in ["MI", "MN", "NM"]:
        assert table[code].weekday == window("09:00", "21:00"), code
    assert table["KY"].weekday == window("10:00", "21:00")
    for code in ["AL", "LA", "MS"]:
        assert table[code].sunday is None, code
        assert not table[code].holidays_allowed, code


def test_rhode_island_allows_weekdays_9_to_6_and_saturdays_10_to_5_only():
    rhode_island = state_table()["RI"]
    assert rhode_island.weekday == window("09:00", "18:00")
    assert rhode_island.saturday == window("10:00", "17:00")
    assert rhode_island.sunday is None
    assert not rhode_island.holidays_allowed
    assert rhode_island.verified


def test_every_state_has_zones_that_exist():
    for code in USPS:
        zones = state_zones(code)
        assert zones, code
        for name in zones:
            ZoneInfo(name)


# Sending windows


def test_the_program_window_applies_where_the_state_adds_nothing():
    assert sending_window(date(2026, 3, 2), states={"NY"}) == PROGRAM_WINDOW


def test_a_client_may_choose_an_earlier_start_than_the_program():
    before_work = window("08:00", "09:30")
    assert sending_window(date(2026, 3, 2), PROGRAM_WINDOW, before_work, {"NY"}) == before_work


def test_a_client_window_never_goes_outside_8_to_9():
    wide = window("06:00", "23:00")
    assert sending_window(date(2026, 3, 2), PROGRAM_WINDOW, wide) == FEDERAL_WINDOW


def test_a_client_window_stays_inside_the_state_rules():
    early = window("08:00", "12:00")
    assert sending_window(date(2026, 3, 2), PROGRAM_WINDOW, early, {"KY"}) == window(
        "10:00", "12:00"
    )


def test_a_window_that_cannot_meet_the_state_rules_allows_nothing():
    assert (
        sending_window(date(2026, 3, 2), client_window=window("08:00", "09:30"), states={"KY"})
        is None
    )


def test_every_candidate_state_narrows_the_window():
    assert sending_window(date(2026, 3, 2), FEDERAL_WINDOW, states={"FL", "KY"}) == window(
        "10:00", "20:00"
    )


def test_texas_sundays_start_at_noon_and_nebraska_sundays_at_one():
    sunday = date(2026, 3, 1)
    assert sending_window(sunday, states={"TX"}) == window("12:00", "20:00")
    assert sending_window(sunday, states={"NE"}) == window("13:00", "20:00")


def test_banned_days_have_no_window():
    assert sending_window(date(2026, 3, 1), states={"AL"}) is None  # a Sunday
    assert sending_window(date(2026, 4, 27), states={"AL"}) is None  # Confederate Memorial Day
    assert sending_window(date(2026, 4, 27), states={"CA"}) == PROGRAM_WINDOW


def test_rules_accept_state_codes_in_any_case():
    assert Rules(states=["ky"]).window_on(date(2026, 3, 2)) == window("10:00", "20:00")


def test_an_unknown_state_code_gets_the_federal_floor():
    assert sending_window(date(2026, 3, 2), FEDERAL_WINDOW, states={"PR"}) == FEDERAL_WINDOW


def test_a_window_must_start_before_it_ends_and_hold_no_zone():
    with pytest.raises(ValueError):
        window("20:00", "09:00")
    with pytest.raises(ValueError):
        Window(time(9, tzinfo=UTC), time(20))


# Quiet hours in one zone


def test_a_message_due_at_7_30_waits_for_9():
    sent = next_in("NY", at(NEW_YORK, 2026, 3, 2, 7, 30), NEW_YORK)
    assert sent == at(NEW_YORK, 2026, 3, 2, 9, 0)


def test_a_message_due_at_8_30_in_the_evening_waits_for_9_next_morning():
    sent = next_in("NY", at(NEW_YORK, 2026, 3, 2, 20, 30), NEW_YORK)
    assert sent == at(NEW_YORK, 2026, 3, 3, 9, 0)


def test_a_message_inside_the_window_goes_at_once_never_early():
    now = at(NEW_YORK, 2026, 3, 2, 13, 17, 42)
    assert next_in("NY", now, NEW_YORK) == now


def test_the_window_end_is_excluded():
    assert next_in("NY", at(NEW_YORK, 2026, 3, 2, 20, 0), NEW_YORK) == at(
        NEW_YORK, 2026, 3, 3, 9, 0
    )
    last_second = at(NEW_YORK, 2026, 3, 2, 19, 59, 59)
    assert next_in("NY", last_second, NEW_YORK) == last_second


def test_florida_stops_at_8_in_the_evening_even_when_the_program_allows_9():
    miami = NEW_YORK
    sent = next_in("FL", at(miami, 2026, 3, 2, 20, 15), miami, program_window=FEDERAL_WINDOW)
    assert sent == at(miami, 2026, 3, 3, 8, 0)


def test_kentucky_starts_at_10():
    louisville = NEW_YORK
    sent = next_in("KY", at(louisville, 2026, 3, 2, 9, 0), louisville)
    assert sent == at(louisville, 2026, 3, 2, 10, 0)


def test_alabama_moves_a_sunday_message_to_monday():
    sent = next_in("AL", at(CHICAGO, 2026, 3, 15, 11, 0), CHICAGO)
    assert sent == at(CHICAGO, 2026, 3, 16, 9, 0)


def test_alabama_moves_a_state_holiday_message_to_the_next_day():
    sent = next_in("AL", at(CHICAGO, 2026, 4, 27, 11, 0), CHICAGO)  # Confederate Memorial Day
    assert sent == at(CHICAGO, 2026, 4, 28, 9, 0)


def test_louisiana_skips_mardi_gras():
    sent = next_in("LA", at(CHICAGO, 2026, 2, 17, 11, 0), CHICAGO)
    assert sent == at(CHICAGO, 2026, 2, 18, 9, 0)


def test_rhode_island_saturday_waits_for_10_and_friday_evening_for_saturday():
    assert next_in("RI", at(NEW_YORK, 2026, 3, 7, 9, 30), NEW_YORK) == at(
        NEW_YORK, 2026, 3, 7, 10, 0
    )
    assert next_in("RI", at(NEW_YORK, 2026, 3, 6, 18, 0), NEW_YORK) == at(
        NEW_YORK, 2026, 3, 7, 10, 0
    )


def test_rhode_island_saturday_evening_waits_past_sunday():
    sent = next_in("RI", at(NEW_YORK, 2026, 3, 7, 17, 0), NEW_YORK)
    assert sent == at(NEW_YORK, 2026, 3, 9, 9, 0)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        naive = datetime(2026, 3, 2, 12, 0, tzinfo=UTC).replace(tzinfo=None)
        next_allowed(naive, ["UTC"], lambda day: None)


# Uncertain zones


def test_a_new_york_number_with_a_california_address_counts_as_either():
    assert candidate_zones("+12125551234", "CA", None, "America/Chicago") == {
        "America/New_York",
        "America/Los_Angeles",
    }
    assert candidate_states("+12125551234", "CA") == {"NY", "CA"}


def test_uncertain_zones_send_only_when_both_allow_it():
    zones = candidate_zones("+12125551234", "CA", None, "America/Chicago")
    rules = Rules(states=candidate_states("+12125551234", "CA")).window_on
    sent = next_allowed(at(NEW_YORK, 2026, 3, 2, 11, 0), zones, rules)  # 08:00 in California
    assert sent == at(NEW_YORK, 2026, 3, 2, 12, 0)  # 09:00 in California
    late = next_allowed(at(NEW_YORK, 2026, 3, 2, 20, 30), zones, rules)
    assert late == at(NEW_YORK, 2026, 3, 3, 12, 0)


def test_the_clients_own_zone_is_authoritative():
    assert candidate_zones("+12125551234", "CA", "America/Denver", "America/Chicago") == {
        "America/Denver"
    }


def test_a_split_state_gives_both_zones():
    assert candidate_zones(None, "IN", None, "America/New_York") == {
        "America/Indiana/Indianapolis",
        "America/Chicago",
    }


def test_one_area_code_can_span_zones():
    assert candidate_zones("+19075551234", None, None, "America/New_York") == {
        "America/Anchorage",
        "America/Adak",
    }


def test_the_program_zone_is_used_only_when_nothing_is_known():
    assert candidate_zones(None, None, None, "America/Chicago") == {"America/Chicago"}
    assert candidate_zones("not a number", None, None, "America/Chicago") == {"America/Chicago"}


def test_a_toll_free_number_says_nothing_about_where_someone_is():
    assert candidate_zones("+18005551234", "OR", None, "America/Chicago") == state_zones("OR")
    assert candidate_states("+18005551234", "OR") == {"OR"}


def test_area_code_states_come_from_the_geocoder():
    assert candidate_states("+12025551234", None) == {"DC"}
    assert candidate_states("+12065551234", None) == {"WA"}
    assert candidate_states("+13055551234", "GA") == {"FL", "GA"}
    assert candidate_states("+447911123456", None) == set()


def test_zones_whose_windows_never_meet_give_no_time():
    narrow = Rules(program_window=window("09:00", "12:00")).window_on
    zones = {"America/New_York", "Pacific/Honolulu"}  # 5 to 6 hours apart
    assert next_allowed(at(NEW_YORK, 2026, 3, 2, 7, 0), zones, narrow) is None


# Daylight saving time


def test_spring_forward_day_opens_at_9_new_time():
    # Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT.
    sent = next_in("NY", at(NEW_YORK, 2026, 3, 7, 20, 30), NEW_YORK)
    assert sent == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert sent == at(NEW_YORK, 2026, 3, 8, 9, 0)


def test_fall_back_day_opens_at_9_new_time():
    # Sunday 1 November 2026: 02:00 EDT becomes 01:00 EST.
    first_half_past_one = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    sent = next_in("NY", first_half_past_one, NEW_YORK)
    assert sent == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # 09:00 EST


def test_a_window_starting_in_the_repeated_hour_opens_at_its_first_reading():
    small_hours = Window(time(1, 30), time(3, 0))
    sent = next_allowed(
        at(NEW_YORK, 2026, 11, 1, 0, 0), ["America/New_York"], lambda d: small_hours
    )
    assert sent == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first one


def test_a_window_starting_in_the_skipped_hour_opens_when_the_clock_jumps():
    small_hours = Window(time(2, 30), time(4, 0))
    sent = next_allowed(at(NEW_YORK, 2026, 3, 8, 0, 0), ["America/New_York"], lambda d: small_hours)
    assert sent == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT, straight after 01:59 EST


def test_lord_howe_half_hour_jump_is_found():
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    # Sunday 4 October 2026: 02:00 becomes 02:30 (+10:30 to +11).
    jumps = transitions(
        lord_howe, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 8, tzinfo=UTC)
    )
    assert jumps == [datetime(2026, 10, 3, 15, 30, tzinfo=UTC)]
    small_hours = Window(time(2, 15), time(3, 0))
    sent = next_allowed(at(lord_howe, 2026, 10, 4, 1, 30), [lord_howe.key], lambda d: small_hours)
    assert sent == jumps[0]


def test_lord_howe_and_sydney_share_only_the_later_start_in_winter():
    zones = {"Australia/Lord_Howe", "Australia/Sydney"}  # +10:30 and +10 in July
    rules = Rules().window_on
    sent = next_allowed(datetime(2026, 7, 6, 22, 0, tzinfo=UTC), zones, rules)  # 08:30 Lord Howe
    assert sent == datetime(2026, 7, 6, 23, 0, tzinfo=UTC)  # 09:00 Sydney, 09:30 Lord Howe


# Caps


def test_programs_can_lower_caps_but_never_raise_them():
    assert Caps.for_program(5, 10) == Caps(1, 3)
    assert Caps.for_program(None, None) == Caps(1, 3)
    assert Caps.for_program(-1, 2) == Caps(1, 2)
    assert Caps.for_program(0, 3).sends_nothing
    with pytest.raises(ValueError):
        Caps(per_day=2)


def test_one_a_day_means_24_hours_after_the_last_message():
    now = at(NEW_YORK, 2026, 3, 3, 9, 0)
    last = at(NEW_YORK, 2026, 3, 2, 10, 15)
    assert next_under_caps(now, [last], Caps()) == last + timedelta(hours=24)
    assert next_under_caps(last + timedelta(hours=24), [last], Caps()) == last + timedelta(hours=24)


def test_the_first_message_is_not_capped():
    now = at(NEW_YORK, 2026, 3, 3, 9, 0)
    assert next_under_caps(now, [], Caps()) == now


def test_three_a_week_waits_for_the_oldest_to_leave_the_week():
    monday = at(NEW_YORK, 2026, 4, 6, 10, 0)
    sent = [monday, monday + timedelta(days=2), monday + timedelta(days=4)]
    saturday = monday + timedelta(days=5)
    assert next_under_caps(saturday, sent, Caps()) == monday + timedelta(days=7)


def test_a_lower_weekly_cap_counts_from_the_second_newest():
    monday = at(NEW_YORK, 2026, 4, 6, 10, 0)
    sent = [monday, monday + timedelta(days=1)]
    caps = Caps.for_program(per_week=2)
    assert next_under_caps(monday + timedelta(days=3), sent, caps) == monday + timedelta(days=7)


def test_a_zero_cap_sends_nothing():
    assert next_under_caps(at(NEW_YORK, 2026, 3, 2, 10, 0), [], Caps.for_program(0, 3)) is None


# Pause and live conversation


def test_a_pause_holds_until_it_ends():
    now = at(NEW_YORK, 2026, 3, 2, 10, 0)
    assert respect_pause(now, None) == now
    assert respect_pause(now, now - timedelta(days=1)) == now
    assert respect_pause(now, now + timedelta(days=3)) == now + timedelta(days=3)


def test_a_pause_until_a_date_ends_when_that_day_begins_everywhere():
    ends = pause_end(date(2026, 12, 4), ["America/New_York", "America/Los_Angeles"])
    assert ends == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # midnight in Los Angeles


def test_a_live_conversation_holds_30_minutes_after_their_last_message():
    now = at(NEW_YORK, 2026, 3, 2, 10, 0)
    assert live_conversation_hold(now, now - timedelta(minutes=10), False) == now + timedelta(
        minutes=20
    )
    assert live_conversation_hold(now, now - timedelta(minutes=31), False) == now
    assert live_conversation_hold(now, None, False) == now


def test_staff_handling_a_return_holds_indefinitely():
    now = at(NEW_YORK, 2026, 3, 2, 10, 0)
    assert live_conversation_hold(now, None, True) is None


# The decision


def test_a_message_with_nothing_in_its_way_goes_now():
    now = at(NEW_YORK, 2026, 3, 2, 10, 0)
    decision = earliest_send_time(now, zones={"America/New_York"})
    assert decision.sends_now
    assert decision.hold is None
    assert decision.reason == "not held: it goes now"


def test_quiet_hours_give_the_time_it_will_go():
    decision = earliest_send_time(at(NEW_YORK, 2026, 3, 2, 7, 30), zones={"America/New_York"})
    assert decision.hold == Hold.QUIET_HOURS
    assert decision.reason == "held: quiet hours until 09:00 EST"


def test_a_pause_until_a_date_then_waits_for_that_mornings_window():
    decision = earliest_send_time(
        at(NEW_YORK, 2026, 12, 1, 10, 0),
        zones={"America/New_York"},
        paused_until=date(2026, 12, 4),
    )
    assert decision.send_at == at(NEW_YORK, 2026, 12, 4, 9, 0)
    assert decision.hold == Hold.PAUSED
    assert decision.holds == (Hold.PAUSED, Hold.QUIET_HOURS)
    assert decision.reason == "held: paused until 2026-12-04"


def test_the_daily_cap_names_the_next_day():
    decision = earliest_send_time(
        at(NEW_YORK, 2026, 3, 2, 15, 0),  # a Monday
        zones={"America/New_York"},
        sent_times=[at(NEW_YORK, 2026, 3, 2, 10, 15)],
    )
    assert decision.send_at == at(NEW_YORK, 2026, 3, 3, 10, 15)
    assert decision.reason == "held: at most 1 message a day; next on Tuesday 10:15 EST"


def test_a_daily_cap_ending_later_today_still_names_the_day():
    decision = earliest_send_time(
        at(NEW_YORK, 2026, 3, 2, 10, 0),  # a Monday
        zones={"America/New_York"},
        sent_times=[at(NEW_YORK, 2026, 3, 1, 19, 30)],
    )
    assert decision.reason == "held: at most 1 message a day; next on Monday 19:30 EST"


def test_the_weekly_cap_names_the_day_the_oldest_leaves_the_week():
    monday = at(NEW_YORK, 2026, 4, 6, 10, 0)
    decision = earliest_send_time(
        monday + timedelta(days=5),
        zones={"America/New_York"},
        sent_times=[monday, monday + timedelta(days=2), monday + timedelta(days=4)],
    )
    assert decision.send_at == monday + timedelta(days=7)
    assert decision.hold == Hold.WEEKLY_CAP
    assert decision.reason == "held: at most 3 messages a week; next on Monday 10:00 EDT"


def test_caps_count_real_hours_across_a_clock_change():
    # 168 hours after Monday 10:00 EST is the next Monday 11:00 EDT.
    monday = at(NEW_YORK, 2026, 3, 2, 10, 0)
    sent = [monday, monday + timedelta(days=2), monday + timedelta(days=4)]
    following = next_under_caps(monday + timedelta(days=5), sent, Caps())
    assert following == at(NEW_YORK, 2026, 3, 9, 11, 0)


def test_a_cap_that_lands_on_a_banned_day_moves_on_to_the_next_allowed_one():
    # Alabama: sent Saturday 11:00; the cap moves the next to Sunday 11:00, a
    # banned day, so it goes Monday 09:00 (after the spring-forward night).
    decision = earliest_send_time(
        at(CHICAGO, 2026, 3, 7, 15, 0),
        zones={"America/Chicago"},
        rules=Rules(states={"AL"}),
        sent_times=[at(CHICAGO, 2026, 3, 7, 11, 0)],
    )
    assert decision.send_at == at(CHICAGO, 2026, 3, 9, 9, 0)
    assert decision.holds == (Hold.DAILY_CAP, Hold.QUIET_HOURS)


def test_a_live_conversation_holds_for_30_minutes():
    now = at(NEW_YORK, 2026, 3, 2, 10, 0)
    decision = earliest_send_time(
        now, zones={"America/New_York"}, last_inbound_at=now - timedelta(minutes=5)
    )
    assert decision.send_at == now + timedelta(minutes=25)
    assert decision.reason == (
        "held: a live conversation — 30 minutes after their last message (10:25 EST)"
    )


def test_staff_handling_the_return_holds_it_for_them():
    decision = earliest_send_time(
        at(NEW_YORK, 2026, 3, 2, 10, 0), zones={"America/New_York"}, staff_handling=True
    )
    assert decision.needs_staff
    assert decision.reason == "held: a person on the staff is talking with them"


def test_no_common_hour_is_held_for_staff_with_a_reason():
    decision = earliest_send_time(
        at(NEW_YORK, 2026, 3, 2, 10, 0),
        zones={"America/New_York", "Pacific/Honolulu"},
        rules=Rules(program_window=window("09:00", "12:00")),
    )
    assert decision.needs_staff
    assert decision.reason == "held: no hour is allowed in every possible time zone"


def test_a_window_the_state_never_allows_is_held_for_staff():
    decision = earliest_send_time(
        at(NEW_YORK, 2026, 3, 2, 10, 0),
        zones={"America/New_York"},
        rules=Rules(client_window=window("08:00", "09:30"), states={"KY"}),
    )
    assert decision.hold == Hold.NO_ALLOWED_HOUR
    assert decision.send_at is None


def test_a_program_with_a_zero_cap_holds_every_message_for_staff():
    decision = earliest_send_time(
        at(NEW_YORK, 2026, 3, 2, 10, 0),
        zones={"America/New_York"},
        caps=Caps.for_program(0, 3),
    )
    assert decision.needs_staff
    assert decision.reason == "held: this program sends no automated messages"


def test_the_reason_shows_times_in_the_zone_staff_ask_for():
    decision = earliest_send_time(
        at(NEW_YORK, 2026, 3, 2, 7, 30),
        zones={"America/New_York"},
        display_zone="America/Chicago",
    )
    assert decision.reason == "held: quiet hours until 08:00 CST"


def test_asking_again_at_the_answer_gives_the_same_answer():
    kwargs = {
        "zones": {"America/New_York", "America/Los_Angeles"},
        "rules": Rules(states={"NY", "CA"}),
        "sent_times": [at(NEW_YORK, 2026, 3, 2, 19, 0)],
        "paused_until": date(2026, 3, 3),
    }
    first = earliest_send_time(at(NEW_YORK, 2026, 3, 2, 21, 0), **kwargs)
    again = earliest_send_time(first.send_at, **kwargs)
    assert again.send_at == first.send_at
    assert again.sends_now

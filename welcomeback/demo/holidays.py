"""Days the demo programs close: US federal holidays most clinics observe.

Any 182-day window holds at least one of them (the longest gap, New Year's
Day to Memorial Day, is under five months), so the demo always shows a
program-cancelled session.
"""

from datetime import date, timedelta


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n = -1 for the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def observed(day: date) -> date:
    """A fixed-date holiday on a weekend is observed on the nearest weekday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def closures(year: int) -> dict[date, str]:
    """Closed days of one year and what they are for."""
    fixed = {
        date(year, 1, 1): "New Year's Day",
        date(year, 7, 4): "Independence Day",
        date(year, 12, 25): "Christmas Day",
    }
    closed = dict(fixed)
    closed.update({observed(day): name for day, name in fixed.items()})
    closed[nth_weekday(year, 5, 0, -1)] = "Memorial Day"
    closed[nth_weekday(year, 9, 0, 1)] = "Labor Day"
    closed[nth_weekday(year, 11, 3, 4)] = "Thanksgiving"
    return closed


def closures_between(first: date, last: date) -> dict[date, str]:
    found = {}
    for year in range(first.year, last.year + 1):
        for day, name in closures(year).items():
            if first <= day <= last:
                found[day] = name
    return found

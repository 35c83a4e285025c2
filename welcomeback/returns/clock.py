"""The response clock: by when a person on the staff should answer.

Default (each program sets its own): 60 minutes while the program is open;
within the first hour of the next opening otherwise; a request in crisis,
5 minutes at any hour, with the on-call staff paged at once.
"""

from datetime import datetime, timedelta

from welcomeback.care.schedule import local_start_to_utc


def is_open(program, moment: datetime) -> bool:
    local = moment.astimezone(program.zone)
    return (
        str(local.weekday()) in program.open_weekdays
        and program.opens_at <= local.time() < program.closes_at
    )


def next_opening(program, moment: datetime) -> datetime:
    """The next time the program opens after ``moment`` (UTC)."""
    local = moment.astimezone(program.zone)
    for days_ahead in range(0, 15):
        day = local.date() + timedelta(days=days_ahead)
        if str(day.weekday()) not in program.open_weekdays:
            continue
        opening = local_start_to_utc(day, program.opens_at, program.zone)
        if opening > moment:
            return opening
    # A program with no open days still gets an answer within a day.
    return moment + timedelta(days=1)


def response_due(program, created: datetime, crisis: bool = False) -> datetime:
    if crisis:
        return created + timedelta(minutes=program.crisis_response_minutes)
    target = timedelta(minutes=program.response_minutes)
    if is_open(program, created):
        return created + target
    return next_opening(program, created) + target


def time_left(request, now: datetime) -> timedelta:
    return request.due_at - now

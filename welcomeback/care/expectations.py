"""Who is expected at a session: one definition, used by attendance, roll
call, bulk imports and engagement. The sweep's SQL
(``engagement.sweep.expected_sessions_sql``) states the same rule, and
``Expectation.covers`` states it in memory.

An expectation covers a session when the session starts inside the
expectation's dates and it is either that one appointment, or a session of
that group, on the expectation's weekday when it has one (a reduced
schedule: the other days are never counted as missed).
"""

from django.db.models import Q

from welcomeback.care.models import Session


def covering(session: Session) -> Q:
    """A filter on Expectation for the rows that expect someone at ``session``."""
    in_dates = Q(starts__lte=session.starts_at) & (
        Q(ends__isnull=True) | Q(ends__gt=session.starts_at)
    )
    target = Q(session_id=session.pk)
    if session.group_id:
        on_weekday = Q(weekday__isnull=True)
        if session.local_weekday is not None:
            on_weekday |= Q(weekday=session.local_weekday)
        target |= Q(group_id=session.group_id) & on_weekday
    return in_dates & target

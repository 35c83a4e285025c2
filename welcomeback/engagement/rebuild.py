"""Asking the sweep to look again at many episodes at once.

``record_attendance()`` moves one engagement row through a signal. A bulk
writer (``welcomeback.care.bulk``, an import, the demo) calls ``rescan()``
once for all the episodes it touched, inside its own transaction.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Max, OuterRef, Subquery

from welcomeback.care.models import CONTACT_STATUSES, Attendance
from welcomeback.engagement.models import Engagement

CHUNK = 500


def rescan(episode_ids: Iterable[int], at: datetime) -> int:
    """Reset the scan state of these episodes so the next sweep from ``at``
    rebuilds it from the attendance on record. One UPDATE; returns the
    number of rows reset. Episodes that are not active (no check due) stay
    as they are, as with single attendance.

    The last contact is rebuilt from attendance too: a drop-in is contact
    that the sweep's scan of expected sessions would not find, and a mark
    corrected from attended to missed takes its contact back.
    """
    ids = sorted(set(episode_ids))
    reset = 0
    # In slices, to stay under SQLite's limit on bound parameters.
    for start in range(0, len(ids), CHUNK):
        reset += (
            Engagement.objects.filter(pk__in=ids[start : start + CHUNK])
            .exclude(next_check_at=None)
            .update(
                next_check_at=at,
                scanned_until=None,
                first_missed_at=None,
                missed_count=0,
                recent_missed=[],
                last_contact_at=latest_contact(),
                # A sweep holding one of these rows read it before this
                # attendance; dropping its claim makes its write-back fail
                # (sweep.process_batch) instead of overwriting this reset.
                claim_token=None,
                claimed_until=None,
            )
        )
    return reset


def latest_contact() -> Subquery:
    """The start of the episode's latest attended (or late) session."""
    return Subquery(
        Attendance.objects.filter(episode_id=OuterRef("pk"), status__in=CONTACT_STATUSES)
        .order_by()
        .values("episode_id")
        .annotate(latest=Max("session__starts_at"))
        .values("latest")[:1]
    )

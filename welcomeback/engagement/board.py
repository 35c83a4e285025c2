"""What the staff Today board shows: people drifting now, grouped by
status and ordered within each group. A fixed number of queries, whatever
the number of clients (a test asserts it)."""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from welcomeback.care.models import EpisodeStatus
from welcomeback.engagement.models import Engagement, Status

# The order the board shows its sections in: the earliest sign of drift
# first, because a caring call after the first miss helps most (NIATx).
BOARD_ORDER = [
    Status.MISSED,
    Status.LAPSING,
    Status.DISENGAGED,
    Status.INTERRUPTED,
    Status.INACTIVE,
]


@dataclass
class Section:
    status: str
    label: str
    total: int
    rows: list


def drifting(program_ids=None):
    """Active episodes whose status is drift. Someone whose episode was just
    resumed keeps their old status until they attend (sweep.evaluate), but
    that status is about before the return: they are left out until
    something happens after it (a miss lists them again, from that miss)."""
    rows = Engagement.objects.filter(
        Q(returning_since__isnull=True) | Q(since__gte=F("returning_since")),
        episode__status=EpisodeStatus.ACTIVE,
        status__in=BOARD_ORDER,
    )
    if program_ids is not None:
        rows = rows.filter(program_id__in=program_ids)
    return rows


def today_board(program_ids=None, per_section: int = 50) -> list[Section]:
    """Sections in BOARD_ORDER; newest crossings first within each."""
    base = drifting(program_ids)
    totals = dict(
        base.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    sections = []
    for status in BOARD_ORDER:
        rows = list(
            base.filter(status=status)
            .select_related("episode__client", "program")
            .order_by("-since", "pk")[:per_section]
        )
        sections.append(Section(status, Status(status).label, totals.get(status, 0), rows))
    return sections

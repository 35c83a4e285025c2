"""Open return requests for the Today board: crisis first, then by the time
left on their clock. A fixed number of queries, whatever the volume."""

from welcomeback.returns.models import OPEN_STATUSES, ReturnRequest


def open_requests(program_ids, limit: int = 50):
    rows = ReturnRequest.objects.filter(program_id__in=program_ids, status__in=OPEN_STATUSES)
    total = rows.count()
    shown = list(
        rows.select_related("client", "program", "assignee").order_by("-crisis", "due_at", "pk")[
            :limit
        ]
    )
    return shown, total

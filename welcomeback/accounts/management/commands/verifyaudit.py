"""manage.py verifyaudit: prove the audit trail was not altered in the
database (HIPAA 164.312(b) audit controls, 164.312(c)(1) integrity).

Walks every event in chain order with constant memory, recomputes each hash
and checks that the numbering has no gaps (a deleted event) and that each
event names the hash of the one before (an inserted, reordered or rewritten
event). Exits 0 when the chain is intact, 1 at the first break, naming it.

A chain proves its own inside, not its end: someone who deletes the newest
events leaves an intact, shorter chain. So the command prints the last
event's seq and hash; keep that line outside the database (the backup log,
a ticket), and later ``--anchor SEQ:HASH`` checks that event is still there,
unchanged. After events older than 6 years are archived (docs/security.md),
``--start SEQ:HASH`` names the last archived event, where the chain resumes.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from welcomeback.accounts.audit_chain import Walk, walk
from welcomeback.accounts.models import GENESIS, AuditEvent

CHUNK = 2000


def seq_and_hash(value: str) -> tuple[int, str]:
    seq, _colon, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise ValueError(f"expected SEQ:HASH (a number and 64 hex digits), got {value!r}")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = "Check that the audit trail's hash chain is unbroken."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            type=seq_and_hash,
            metavar="SEQ:HASH",
            help="an event recorded earlier outside the database, which must still be there",
        )
        parser.add_argument(
            "--start",
            type=seq_and_hash,
            default=(0, GENESIS),
            metavar="SEQ:HASH",
            help="the last archived event: the chain resumes after it",
        )

    def handle(self, *args, anchor=None, start=(0, GENESIS), verbosity=1, **options):
        events = AuditEvent.objects.filter(seq__gt=start[0]).order_by("seq")
        with progress(events, verbosity) as bar:
            result = walk(events.iterator(chunk_size=CHUNK), start, on_event=bar.update)
        if result.broken:
            raise CommandError(
                f"Audit chain broken at event {result.broken.seq}: {result.broken.problem}. "
                f"The {result.checked} checked before it are intact.",
                returncode=1,
            )
        self.check_anchor(anchor, result)
        self.stdout.write(
            f"Checked {result.checked} events; the audit chain is intact.\n"
            f"Last event: {result.last_seq}:{result.last_hash}"
        )

    def check_anchor(self, anchor, result: Walk) -> None:
        if anchor is None:
            return
        seq, digest = anchor
        if seq > result.last_seq:
            raise CommandError(
                f"Audit chain ends at event {result.last_seq}, but event {seq} was recorded "
                f"earlier: the newest events were deleted.",
                returncode=1,
            )
        found = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if found != digest:
            raise CommandError(
                f"Audit event {seq} no longer has the hash recorded for it: "
                f"the chain was rewritten from there on.",
                returncode=1,
            )


def progress(events, verbosity: int) -> tqdm:
    """A bar only on a terminal: cron mail and CI logs stay clean."""
    interactive = sys.stderr.isatty() and verbosity > 0
    total = events.count() if interactive else None
    return tqdm(total=total, unit=" events", disable=not interactive, file=sys.stderr)

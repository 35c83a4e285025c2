"""Asking the sweep to look again after a chunk of imported attendance.

``engagement.rebuild.rescan`` rebuilds each episode's last contact from its
whole attendance history: right, but its cost grows with the history, and a
chronological import touches nearly every episode in every chunk (a million
rows took minutes). This does what ``engagement.handlers`` does for one
mark, for a chunk in one statement: reset the scan state so the sweep scans
from the last contact again, and move the last contact forward to the
chunk's latest contact when that is later. Only the episodes where a mark
was corrected from contact to no contact (which may take a contact back)
go through ``rescan``'s full rebuild.

It writes engagement's table, which a face should not: it belongs in
``engagement.rebuild`` beside ``rescan`` (noted for the engagement owner);
it is here only because this change could not touch that app.
"""

import json
from datetime import datetime

from django.db import connection

from welcomeback.engagement.models import Engagement
from welcomeback.engagement.rebuild import rescan


def tidy() -> None:
    """Between chunks of a long import on PostgreSQL: vacuum the engagement
    table, which each chunk rewrites. Autovacuum comes round a minute later
    at best; by then a chronological import of a million rows has left a
    hundred dead versions of every row, and each chunk's UPDATE reads them
    all (bench/RESULTS.md). Nothing to do inside a transaction or on SQLite."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {connection.ops.quote_name(Engagement._meta.db_table)}")


def recheck(contacts: dict[int, datetime | None], taken_back: set[int], at: datetime) -> None:
    """``contacts``: each touched episode → its latest contact in the chunk
    (None if the chunk brought none); ``taken_back``: episodes to rebuild."""
    if taken_back:
        rescan(taken_back, at)
    rows = [(pk, contact) for pk, contact in contacts.items() if pk not in taken_back]
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(Engagement._meta.db_table)
    last = q("last_contact_at")
    if connection.vendor == "postgresql":
        encode = datetime.isoformat
        source = (
            "SELECT CAST(r ->> 0 AS bigint) AS id, CAST(r ->> 1 AS timestamptz) AS c "
            "FROM jsonb_array_elements(CAST(%s AS jsonb)) AS r"
        )
        empty_list = "CAST('[]' AS jsonb)"
    else:
        encode = connection.ops.adapt_datetimefield_value
        source = (
            "SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS c "
            "FROM json_each(%s)"
        )
        empty_list = "'[]'"
    document = json.dumps([[pk, encode(c) if c else None] for pk, c in rows])
    # Only quoted identifiers from the model's meta are interpolated.
    sql = (
        f"UPDATE {table} SET next_check_at = %s, scanned_until = NULL, "  # noqa: S608
        f"first_missed_at = NULL, missed_count = 0, recent_missed = {empty_list}, "
        f"claim_token = NULL, claimed_until = NULL, "
        f"{last} = CASE WHEN v.c IS NULL THEN {table}.{last} "
        f"WHEN {table}.{last} IS NULL OR {table}.{last} < v.c THEN v.c "
        f"ELSE {table}.{last} END "
        f"FROM ({source}) AS v "
        f"WHERE {table}.{q('episode_id')} = v.id AND {table}.next_check_at IS NOT NULL "
        # Rows already reset by an earlier chunk, whose last contact does not
        # move, are left alone: fewer dead rows for a long import to leave.
        f"AND NOT ({table}.scanned_until IS NULL AND {table}.first_missed_at IS NULL "
        f"AND {table}.missed_count = 0 AND {table}.claim_token IS NULL "
        f"AND {table}.next_check_at <= %s "
        # (NOT NULL is NULL: the last contact's NULL case is spelled out.)
        f"AND (v.c IS NULL OR ({table}.{last} IS NOT NULL AND {table}.{last} >= v.c)))"
    )
    with connection.cursor() as cursor:
        when = at if connection.vendor == "postgresql" else encode(at)
        cursor.execute(sql, [when, document, when])

"""One UPDATE for many rows with different values, correct on SQLite and
PostgreSQL alike: ``UPDATE t SET … FROM (VALUES …) WHERE t.pk = v.column1``.

Django's ``bulk_update`` builds one CASE per column with a branch per row,
which grows quadratically; a VALUES list is joined once. SQLite has
supported UPDATE … FROM since 3.33 and names VALUES columns column1,
column2… as PostgreSQL does.
"""

from collections.abc import Sequence

from django.db import connection


def update_from_values(
    model, fields: Sequence[str], rows: Sequence, where_sql: str = "", where_params: Sequence = ()
) -> int:
    """Write ``fields`` of each object in ``rows`` back, by primary key.

    ``where_sql`` adds a condition on the target table (aliased ``t``), e.g.
    a claim token that must still be ours. Returns the number of rows written.
    """
    if not rows:
        return 0
    meta = model._meta
    pk_field = meta.pk
    columns = [pk_field, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    on_postgres = connection.vendor == "postgresql"

    def placeholder(field) -> str:
        return f"CAST(%s AS {field.db_type(connection)})" if on_postgres else "%s"

    row_sql = "(" + ", ".join(placeholder(field) for field in columns) + ")"
    params = []
    for row in rows:
        for field in columns:
            value = getattr(row, field.attname)
            params.append(field.get_db_prep_save(value, connection))
    assignments = ", ".join(
        f"{quote(field.column)} = v.column{index}" for index, field in enumerate(columns[1:], 2)
    )
    # Only quoted identifiers from the model's meta are interpolated; every
    # value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM (VALUES {', '.join([row_sql] * len(rows))}) AS v "
        f"WHERE t.{quote(pk_field.column)} = v.column1"
    )
    if where_sql:
        sql += f" AND ({where_sql})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *where_params])
        return cursor.rowcount

"""Many rows in one statement, correct on SQLite and PostgreSQL alike.

The rows travel as one JSON document, a single parameter that the database
unpacks in C (``jsonb_array_elements`` on PostgreSQL, ``json_each`` on
SQLite) and joins once:

    UPDATE t SET … FROM <rows of the document> AS v WHERE t.pk = <v's first value>
    INSERT INTO t (…) SELECT … FROM <rows of the document> AS v

Django's ``bulk_update`` builds one CASE per column with a branch per row,
which grows quadratically; ``bulk_create`` or a VALUES list bind one
parameter per value, which psycopg quotes into the SQL text one by one and
the server parses again: for the sweep's batches that cost more than
evaluating the rows (bench/RESULTS.md). Here the SQL text is the same for
every batch and the values are encoded by ``json.dumps``.

Values are prepared as Django would for the column (``get_db_prep_save``),
with a shortcut for the plain ones (text, integers, booleans, aware
datetimes) that gives the same result faster.
"""

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from operator import attrgetter
from uuid import UUID

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin


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
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(field.column)} = {_value_sql(field, index)}"
        for index, field in enumerate(columns[1:], 1)
    )
    # Only quoted identifiers from the model's meta are interpolated; every
    # value is in the one JSON parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM {_rows_sql()} WHERE t.{quote(meta.pk.column)} = {_value_sql(meta.pk, 0)}"
    )
    if where_sql:
        sql += f" AND ({where_sql})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_document(columns, rows), *where_params])
        return cursor.rowcount


def insert_rows(
    model, rows: Sequence, unique_fields: Sequence[str] = (), update_fields: Sequence[str] = ()
) -> int:
    """Insert ``rows`` (unsaved model instances) in one statement, like
    ``bulk_create`` (no signals either) but leaving their primary keys unset.

    The database fills in the auto primary key; every other concrete field
    is written from the instance (``pre_save`` runs for ``auto_now`` fields).
    With ``unique_fields``, a row that conflicts on them updates the
    existing row's ``update_fields`` instead, like
    ``bulk_create(update_conflicts=True)``; ``rows`` must not repeat a key.
    """
    if not rows:
        return 0
    meta = model._meta
    columns = [
        field
        for field in meta.concrete_fields
        if not (field.primary_key and isinstance(field, AutoFieldMixin))
    ]
    for field in columns:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for row in rows:
                field.pre_save(row, True)
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in columns)
    values = ", ".join(_value_sql(field, index) for index, field in enumerate(columns))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT {values} FROM {_rows_sql()}"  # noqa: S608
    if unique_fields:
        conflict = ", ".join(quote(meta.get_field(name).column) for name in unique_fields)
        updated = [quote(meta.get_field(name).column) for name in update_fields]
        assignments = ", ".join(f"{column} = EXCLUDED.{column}" for column in updated)
        # "WHERE true": SQLite cannot otherwise tell ON CONFLICT from a join's ON.
        sql += f" WHERE true ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_document(columns, rows)])
        return cursor.rowcount


def _rows_sql() -> str:
    if connection.vendor == "postgresql":
        return "jsonb_array_elements(CAST(%s AS jsonb)) AS v(r)"
    return "json_each(%s) AS v"


def _value_sql(field, index: int) -> str:
    """The SQL for one value of the JSON row, typed for the column."""
    if connection.vendor != "postgresql":
        return f"json_extract(v.value, '$[{index}]')"
    db_type = field.db_type(connection)
    if db_type.startswith(("varchar", "char")):
        # Cast to text and let the assignment check the length: an explicit
        # cast to varchar(n) would cut a long value silently.
        db_type = "text"
    return f"CAST(v.r ->> {index} AS {db_type})"


def _document(columns: Sequence, rows: Sequence) -> str:
    values = attrgetter(*(field.attname for field in columns))
    encoders = [_encoder(field) for field in columns]
    if len(columns) == 1:  # attrgetter of one name gives the value, not a tuple
        return json.dumps([[encoders[0](values(row))] for row in rows], separators=(",", ":"))
    return json.dumps(
        [
            [encode(value) for encode, value in zip(encoders, values(row), strict=True)]
            for row in rows
        ],
        separators=(",", ":"),
    )


def _encoder(field) -> Callable:
    """A function from an attribute value to its JSON form for the column."""
    if isinstance(field, models.JSONField):
        # Serialised to a string: the column is cast from its text (SQL NULL
        # for None, as Django stores it).
        encoder = field.encoder
        return lambda value: None if value is None else json.dumps(value, cls=encoder)

    def prepared(value):
        if value is None:
            return None
        return _jsonable(field.get_db_prep_save(value, connection))

    if isinstance(field, models.DateTimeField):
        # PostgreSQL: Django hands an aware datetime to psycopg unchanged.
        postgres = connection.vendor == "postgresql"
        adapt = datetime.isoformat if postgres else connection.ops.adapt_datetimefield_value

        def encode_datetime(value):
            if type(value) is datetime and value.tzinfo is not None:
                return adapt(value)
            return prepared(value)

        return encode_datetime
    plain = _plain_type(field)
    if plain is str:
        return lambda value: value if isinstance(value, str) else prepared(value)
    if plain is int:
        return lambda value: (
            value if isinstance(value, int) and not isinstance(value, bool) else prepared(value)
        )
    if plain is bool:
        return lambda value: value if isinstance(value, bool) else prepared(value)
    return prepared


def _plain_type(field) -> type | None:
    """The type of the values of this field stored as they are, if any."""
    if isinstance(field, models.ForeignKey):
        return _plain_type(field.target_field)
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.IntegerField):  # auto fields too
        return int
    if isinstance(field, models.CharField | models.TextField):
        return str
    return None


def _jsonable(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        raise TypeError("welcomeback.lib.bulk does not write binary fields")
    return value

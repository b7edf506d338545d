"""Plain rows into a table, fast: COPY on PostgreSQL, bulk_create elsewhere. The one module here that writes;
services call it (imports for contacts, tags and list entries, activity for timeline events).

bulk_create builds a model instance per row and has every field prepare
every value; for the 100,000-row imports that was most of the time spent
writing. psycopg's COPY takes tuples and adapts them itself. Django has no
COPY, and django-postgres-copy wants a CSV file or a queryset, not rows we
already hold, so this is the short piece we write by hand.

Rows carry values as the fields take them (ids, strings, aware datetimes,
None; Python objects for JSON fields). Nothing here fills defaults, sends
signals or skips conflicts: callers insert only rows no one else can have
inserted (e.g. for contacts created in the same transaction).
"""

import json

from django.db import connection, models

# SQLite limits the number of variables per statement; bulk_create splits below it anyway.
BULK_CREATE_BATCH = 2000


def copy_rows(model: type[models.Model], attnames: list[str], rows) -> int:
    """Insert rows (sequences in the order of attnames) into model's table; returns how many."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(attnames, row))) for row in rows], batch_size=BULK_CREATE_BATCH)
        return len(rows)
    fields = [_concrete(model, name) for name in attnames]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # JSON goes as its text, which COPY's text format takes for a json/jsonb column. Not the field's adapter:
    # psycopg's Jsonb wrapper is dumped again on every write_row, and for an import that writes a JSON column
    # per contact and per timeline event (segment_facets, data) that was a json.dumps per row.
    json_positions = [index for index, field in enumerate(fields) if isinstance(field, models.JSONField)]
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    adapted = {}  # id(value) -> (value, text): rows often share one JSON object (an empty dict), encode it once
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            if json_positions:
                row = list(row)
                for index in json_positions:
                    value = row[index]
                    if id(value) not in adapted:
                        # The value is kept in the entry so that its id cannot be reused by another object.
                        adapted[id(value)] = (value, None if value is None
                                              else json.dumps(value, cls=fields[index].encoder))
                    row[index] = adapted[id(value)][1]
            copy.write_row(row)
    return len(rows)


def _concrete(model, attname: str):
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise ValueError(f"{model.__name__} has no column {attname!r}")

"""`column = ANY(array)` instead of `column IN (%s, %s, ...)` for the planner's per-batch lookups on PostgreSQL.

A batch asks for thousands of addresses at once. As an IN list, Django
builds a placeholder and prepares a value for each, and psycopg splits and
quotes the long statement again on every query: together a third of a
batch's planning time. As one array parameter the statement stays short and
PostgreSQL still uses the index. Django has no such lookup (only the
contrib.postgres ArrayField lookups, for array columns), so it is written
here; on other databases it is the ordinary IN.

The array goes as one text (the values joined by a newline, split again by
string_to_array): Django's psycopg cursors bind on the client, and psycopg
quotes a list parameter value by value in Python, which for a batch's
10,000 addresses cost more than the query. Addresses, hashes and ids never
hold a newline.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import F, Lookup
from django.db.models.lookups import In


class InArray(Lookup):
    """Use as an expression in filter(): Contact.objects.filter(InArray(F("email"), addresses))."""

    lookup_name = "in_array"
    prepare_rhs = False  # the values are already as stored; CharField would turn the list itself into a string

    def __init__(self, lhs, rhs):
        super().__init__(F(lhs) if isinstance(lhs, str) else lhs, list(rhs))

    def as_sql(self, compiler, connection):
        return compiler.compile(In(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if all(type(value) is int for value in values):
            return f"{lhs} = ANY(string_to_array(%s, ',')::bigint[])", (*lhs_params, ",".join(map(str, values)))
        if all(type(value) is str for value in values):
            joined = "\n".join(values)
            if joined.count("\n") == len(values) - 1:  # no value held a newline of its own
                return f"{lhs} = ANY(string_to_array(%s, E'\\n'))", (*lhs_params, joined)
        return f"{lhs} = ANY(%s)", (*lhs_params, values)

"""`column = ANY(array)` instead of `column IN (%s, %s, ...)` for the planner's per-batch lookups on PostgreSQL.

A batch asks for thousands of addresses at once. As an IN list, Django
builds a placeholder and prepares a value for each, and psycopg splits and
quotes the long statement again on every query: together a third of a
batch's planning time. As one array parameter the statement stays short and
PostgreSQL still uses the index. Django has no such lookup (only the
contrib.postgres ArrayField lookups, for array columns), so it is written
here; on other databases it is the ordinary IN.
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
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)

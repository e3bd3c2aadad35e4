"""`field__any=ids`: rows whose integer key is one of `ids`, for the few hundred ids a partnership's
pages and checks pass from one query to the next. Django's `__in` prepares, renders and sends a
parameter per id (about 5 µs each, twice a page for each of a dozen queries); on PostgreSQL this
sends the ids as one array (`= ANY(%s)`). A subquery (a values queryset) is passed on as `IN (…)`:
the database reads those ids itself. Registered on integer fields and relations in
`ApdashConfig.ready`."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup
from django.db.models.lookups import In


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        # Integer keys only: an id that is not one is a programming error, refused at once.
        return "%s", [[int(v) for v in value]]

    def as_sql(self, compiler, connection):
        if hasattr(self.rhs, "resolve_expression"):
            return compiler.compile(In(self.lhs, self.rhs))
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _, (ids,) = self.get_db_prep_lookup(self.rhs, connection)
        if not ids:
            raise EmptyResultSet  # as `__in=[]`: no query is sent at all
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, ids]
        # SQLite has no arrays: the demo's small database takes a parameter per id.
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]

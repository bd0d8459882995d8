"""A paginator that does not count a whole big table on every page view.

Django's changelist counts the rows for its paginator. Unfiltered, that is a ``COUNT(*)`` over
the whole table: 0.1 s right after VACUUM, seconds after heavy updates (shared/notes/
admin-at-scale.md, Django ticket #8408). On PostgreSQL an unfiltered list takes the planner's
estimate (``pg_class.reltuples``, kept fresh by autovacuum/ANALYZE) and the page says "about".
A filtered list (a filter or a search) is counted up to ``EXACT_BELOW`` rows and no further: below
that the count is exact; above it (a vendor's 200,000 sessions, say) the page says "about" and
gives the planner's estimate for the filter (EXPLAIN), or "more than 10,000" when the planner
expects fewer than were counted. On the bench's million, counting every approved session took
70 ms and counting to 10,001 takes 5 ms (a filter served by an index; one that matches few rows
far apart still reads them all, as an exact count would). An estimate may fall short, so pages
past the estimated last one are shown (empty if there is nothing there), not refused. SQLite and
small tables are always counted exactly.
"""

from __future__ import annotations

import copy
import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap and more useful than an estimate.
EXACT_BELOW = 10_000


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows in the queryset's table, or None when there is none
    to trust (another database, never analysed, or a filtered queryset)."""
    query = queryset.query
    if query.has_filters() or query.distinct or query.combinator or query.is_sliced:
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None  # -1: never analysed


def planned_rows(queryset: QuerySet) -> int | None:
    """The rows PostgreSQL's planner expects the queryset to return (``EXPLAIN``, not run); None
    if it cannot say (the page then says "more than" what was counted)."""
    query = queryset.order_by().values("pk").query
    try:
        sql, params = query.get_compiler(using=queryset.db).as_sql()
        with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])
    except (DatabaseError, EmptyResultSet, LookupError, TypeError, ValueError):  # a count is not worth a 500
        return None


class EstimatedCountPaginator(Paginator):
    """``count`` is an estimate where counting would read more than ``exact_below`` rows (an
    unfiltered big table, a filter matching many), else exact. ``is_estimate`` tells the template
    to say "about"."""

    exact_below = EXACT_BELOW

    @cached_property
    def _counted(self) -> tuple[int | None, str]:
        """(count, how the page words it: "" exact, "about", "more than"); (None, "") when only
        a full count will do."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return None, ""
        if not rows.query.has_filters():
            estimate = estimated_rows(rows)
            return (estimate, "about") if estimate is not None and estimate >= self.exact_below else (None, "")
        if not self._can_cap(rows):
            return None, ""
        # Ordering is dropped: it only makes PostgreSQL walk an ordering index to count.
        counted = rows.order_by().values("pk")[: self.exact_below + 1].count()
        if counted <= self.exact_below:
            return counted, ""
        planned = planned_rows(rows)
        return (planned, "about") if planned is not None and planned > counted else (counted, "more than")

    @cached_property
    def is_estimate(self) -> bool:
        return bool(self._counted[1])

    @cached_property
    def count(self) -> int:
        counted = self._counted[0]
        return counted if counted is not None else super().count

    @cached_property
    def shown_count(self) -> str:
        """The count as the page words it: "about 30,530", "more than 10,000", or exact."""
        words = self._counted[1]
        if words == "more than":
            return f"more than {self.exact_below:,}"
        return f"{words} {self.count:,}" if words else str(self.count)

    def validate_number(self, number: int | float | str) -> int:
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.is_estimate and int(number) > 1:  # past an estimate's last page: shown, not refused
                return int(number)
            raise

    @staticmethod
    def _can_cap(rows: QuerySet) -> bool:
        query = rows.query
        return (
            connections[rows.db].vendor == "postgresql"
            and not query.distinct
            and not query.combinator
            and not query.is_sliced
            and not query.group_by
        )

    def page(self, number: int | str) -> Page:
        """The page's ids are chosen first, in a subquery, and only those rows are read and
        joined (a "deferred join"). A deep page's ``OFFSET`` then skips ids in an index that
        holds the ordering and the id (an index-only scan, e.g. session_created_idx) instead of
        whole rows; and a search matching thousands of rows joins its related rows for the 100
        it shows, not for all of them."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and not self.is_estimate:
            top = self.count
        rows = self.object_list
        if self._can_defer(rows):
            ids = rows.values("pk")[bottom:top]
            by_id = self._rows_by_id(rows, ids)
            return self._get_page(rows.filter(pk__in=ids) if by_id is None else by_id, number, self)
        return self._get_page(rows[bottom:top], number, self)

    @staticmethod
    def _rows_by_id(rows: QuerySet, ids: QuerySet) -> QuerySet | None:
        """The page's rows by id alone, loaded as ``rows`` loads them (its columns, joins,
        ordering, prefetches). ``rows.filter(pk__in=ids)`` would repeat the list's filter and
        search around the ids: for a search matching thousands of rows, PostgreSQL then reads
        them all twice. None when ``rows`` computes anything this cannot carry over."""
        query = rows.query
        if query.annotations or query.extra or query.extra_tables:
            return None
        page = type(rows)(model=rows.model, using=rows.db, hints=rows._hints).filter(pk__in=ids)
        page.query.select_related = copy.deepcopy(query.select_related)
        page.query.deferred_loading = (frozenset(query.deferred_loading[0]), query.deferred_loading[1])
        page.query.order_by = query.order_by
        page.query.default_ordering = query.default_ordering
        page.query.standard_ordering = query.standard_ordering
        page._prefetch_related_lookups = rows._prefetch_related_lookups
        return page

    @staticmethod
    def _can_defer(rows: object) -> bool:
        return (
            isinstance(rows, QuerySet)
            and not rows.query.distinct
            and not rows.query.combinator
            and connections[rows.db].features.allow_sliced_subqueries_with_in  # PostgreSQL, SQLite
        )

"""The estimated-count paginator: PostgreSQL's estimate for an unfiltered big table and for a
filter matching more rows than it counts, an exact count everywhere else, and deep pages that
read only their own rows."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from kycdesk.admin import paginator as paginator_module
from kycdesk.admin.paginator import EstimatedCountPaginator, estimated_rows, planned_rows
from kycdesk.models import Identity, VerificationSession

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own estimate")


def make_sessions(count: int) -> None:
    identity = Identity.objects.create(reference="pager")
    VerificationSession.objects.bulk_create(
        VerificationSession(vendor="datakeen", external_id=f"s{n:04d}", identity=identity) for n in range(count)
    )


def test_an_unfiltered_big_table_is_estimated_and_said_to_be(monkeypatch):
    make_sessions(3)
    monkeypatch.setattr(paginator_module, "estimated_rows", lambda queryset: 2_000_000)

    pages = EstimatedCountPaginator(VerificationSession.objects.all(), 100)

    assert pages.count == 2_000_000
    assert pages.is_estimate


def test_a_small_table_is_counted_exactly_even_with_an_estimate(monkeypatch):
    make_sessions(3)
    monkeypatch.setattr(paginator_module, "estimated_rows", lambda queryset: 5_000)

    pages = EstimatedCountPaginator(VerificationSession.objects.all(), 100)

    assert pages.count == 3
    assert not pages.is_estimate


def test_a_filtered_list_has_no_estimate_and_is_counted_exactly():
    make_sessions(5)

    filtered = VerificationSession.objects.filter(external_id__in=["s0001", "s0002"])
    pages = EstimatedCountPaginator(filtered, 100)

    assert estimated_rows(filtered) is None
    assert pages.count == 2
    assert not pages.is_estimate


@on_postgresql
def test_a_filter_matching_more_than_the_limit_is_counted_no_further_and_estimated(monkeypatch):
    make_sessions(12)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5)
    filtered = VerificationSession.objects.filter(external_id__startswith="s00")

    with CaptureQueriesContext(connection) as queries:
        pages = EstimatedCountPaginator(filtered, 100)
        count = pages.count

    capped = queries.captured_queries[0]["sql"]
    assert pages.is_estimate
    assert count >= 6  # never below what was counted
    assert "LIMIT 6" in capped  # counted to the limit and no further
    assert "ORDER BY" not in capped  # an ordering would make PostgreSQL walk its index to count
    assert any(query["sql"].startswith("EXPLAIN (FORMAT JSON)") for query in queries.captured_queries[1:])


@on_postgresql
def test_a_filter_past_the_limit_takes_the_planners_estimate(monkeypatch):
    make_sessions(12)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5)
    monkeypatch.setattr(paginator_module, "planned_rows", lambda queryset: 1_000)

    pages = EstimatedCountPaginator(VerificationSession.objects.filter(external_id__startswith="s00"), 100)

    assert (pages.count, pages.shown_count) == (1_000, "about 1,000")


@on_postgresql
def test_a_planner_that_cannot_say_gives_more_than_the_limit(monkeypatch):
    make_sessions(12)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5)
    original = paginator_module.connections[DEFAULT_DB_ALIAS].cursor

    def failing_explain():
        cursor = original()
        execute = cursor.execute

        def execute_unless_explain(sql, params=None):
            if sql.startswith("EXPLAIN"):
                raise DatabaseError("no plan")
            return execute(sql, params)

        cursor.execute = execute_unless_explain
        return cursor

    monkeypatch.setattr(paginator_module.connections[DEFAULT_DB_ALIAS], "cursor", failing_explain)

    pages = EstimatedCountPaginator(VerificationSession.objects.filter(external_id__startswith="s00"), 100)

    assert (pages.count, pages.shown_count, pages.is_estimate) == (6, "more than 5", True)


def test_pages_past_an_estimate_are_given_not_refused(monkeypatch):
    make_sessions(30)
    monkeypatch.setattr(paginator_module, "estimated_rows", lambda queryset: 12_000)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 10)
    ordered = VerificationSession.objects.order_by("id")
    pages = EstimatedCountPaginator(ordered, 7)
    monkeypatch.setattr(EstimatedCountPaginator, "count", 14)  # the estimate fell short: 2 pages of 7

    third, far = pages.page(3), pages.page(50)

    assert list(third.object_list) == list(ordered[14:21])
    assert list(far.object_list) == []


@on_postgresql
def test_a_filter_estimate_below_what_was_counted_says_more_than_the_limit(monkeypatch):
    make_sessions(12)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5)
    monkeypatch.setattr(paginator_module, "planned_rows", lambda queryset: 2)

    pages = EstimatedCountPaginator(VerificationSession.objects.filter(external_id__startswith="s00"), 100)

    assert (pages.count, pages.shown_count, pages.is_estimate) == (6, "more than 5", True)


@on_postgresql
def test_a_filter_within_the_limit_is_counted_exactly_in_one_query(monkeypatch):
    make_sessions(12)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5)
    filtered = VerificationSession.objects.filter(external_id__in=["s0001", "s0002", "s0003"])

    with CaptureQueriesContext(connection) as queries:
        pages = EstimatedCountPaginator(filtered, 100)
        count = pages.count

    assert (count, pages.is_estimate) == (3, False)
    assert len(queries) == 1


@on_postgresql
def test_the_planner_estimate_follows_the_filter():
    make_sessions(40)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kycdesk_verificationsession")

    assert planned_rows(VerificationSession.objects.all()) == 40
    assert planned_rows(VerificationSession.objects.filter(external_id="s0001")) == 1


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no estimate")
def test_sqlite_counts_a_filter_matching_more_than_the_limit_exactly(monkeypatch):
    make_sessions(12)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5)

    pages = EstimatedCountPaginator(VerificationSession.objects.filter(external_id__startswith="s00"), 100)

    assert (pages.count, pages.is_estimate) == (12, False)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no estimate")
def test_sqlite_falls_back_to_the_exact_count():
    make_sessions(4)

    pages = EstimatedCountPaginator(VerificationSession.objects.all(), 100)

    assert estimated_rows(VerificationSession.objects.all()) is None
    assert pages.count == 4
    assert not pages.is_estimate


@on_postgresql
def test_postgresql_estimates_from_the_planner_statistics():
    make_sessions(50)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kycdesk_verificationsession")

    assert estimated_rows(VerificationSession.objects.all()) == 50


def test_a_page_picks_its_ids_first_and_holds_the_same_rows_as_a_plain_slice():
    make_sessions(30)
    ordered = VerificationSession.objects.order_by("-created_at", "-id")

    page = EstimatedCountPaginator(ordered, 7).page(3)

    assert "IN (SELECT" in str(page.object_list.query)
    assert list(page.object_list) == list(ordered[14:21])


def test_a_searched_page_reads_its_rows_by_id_without_repeating_the_search():
    make_sessions(30)
    searched = (
        VerificationSession.objects.filter(external_id__startswith="s001")
        .select_related("identity")
        .only("external_id", "identity__reference")
        .order_by("-external_id")
    )

    page = EstimatedCountPaginator(searched, 4).page(2)
    sql = str(page.object_list.query)

    assert sql.count("s001") == 1  # once, in the subquery that picks the page's ids
    assert [s.external_id for s in page.object_list] == ["s0015", "s0014", "s0013", "s0012"]
    assert "identity" in page.object_list.query.select_related
    assert page.object_list.query.deferred_loading == searched.query.deferred_loading


def test_a_list_with_computed_columns_keeps_them_on_its_page():
    from django.db.models import Value

    make_sessions(5)
    annotated = VerificationSession.objects.annotate(tag=Value("x")).order_by("id")

    (first,) = EstimatedCountPaginator(annotated, 1).page(1).object_list

    assert first.tag == "x"

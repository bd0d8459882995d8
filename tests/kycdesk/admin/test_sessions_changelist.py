"""The sessions changelist and case page at scale: queries per page do not grow with the rows,
the search finds ids, references and (with personal-data access) names, and an estimated count
says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.utils import timezone

from kycdesk.admin import paginator as paginator_module
from kycdesk.models import Control, Document, Identity, SessionEvent, VerificationSession

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/kycdesk/verificationsession/"


@pytest.fixture
def sessions():
    """120 sessions over 60 people, newest last."""
    start = timezone.now() - dt.timedelta(days=30)
    people = Identity.objects.bulk_create(
        Identity(reference=f"REF-{n:03d}", first_name="Anna", last_name=f"Lastname{n:03d}") for n in range(60)
    )
    return VerificationSession.objects.bulk_create(
        VerificationSession(
            vendor="idenfy",
            external_id=f"scan{n:04d}",
            identity=people[n % 60],
            status="needs_review" if n % 10 == 0 else "approved",
            created_at=start + dt.timedelta(hours=n),
        )
        for n in range(120)
    )


@pytest.fixture
def manager(client, make_user):
    client.force_login(make_user("manager", "Compliance manager"))
    return client


def queries_at(rows: int, client, monkeypatch, url: str = CHANGELIST) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(admin.site._registry[VerificationSession], "list_per_page", rows)
    client.get(url)  # the session cookie settles first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_changelist_runs_as_many_queries_at_100_rows_as_at_10(
    sessions, manager, monkeypatch, django_assert_num_queries
):
    at_ten = queries_at(10, manager, monkeypatch)
    monkeypatch.setattr(admin.site._registry[VerificationSession], "list_per_page", 100)

    with django_assert_num_queries(at_ten):
        response = manager.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 100


def test_a_filtered_and_searched_changelist_runs_as_many_queries_at_100_rows_as_at_10(sessions, manager, monkeypatch):
    url = f"{CHANGELIST}?status__exact=approved&q=Anna"

    assert queries_at(10, manager, monkeypatch, url) == queries_at(100, manager, monkeypatch, url)


def test_the_case_page_runs_as_many_queries_with_many_controls_and_events_as_with_one(sessions, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries(session: VerificationSession, rows: int) -> int:
        document = Document.objects.create(session=session, type="passport")
        for n in range(rows):
            Control.objects.create(session=session, document=document, name=f"check {n}", passed=True)
            SessionEvent.objects.create(session=session, at=timezone.now(), kind="result", summary=f"event {n}")
        url = f"{CHANGELIST}{session.pk}/change/"
        manager.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(url).status_code == 200
        return len(queries)

    assert page_queries(sessions[0], 1) == page_queries(sessions[1], 12)


def test_the_search_finds_a_session_by_the_vendors_id(sessions, manager):
    response = manager.get(f"{CHANGELIST}?q=SCAN0007")

    assert [s.external_id for s in response.context["cl"].result_list] == ["scan0007"]


def test_the_search_finds_a_persons_sessions_by_reference_or_by_name(sessions, manager):
    by_reference = manager.get(f"{CHANGELIST}?q=ref-007").context["cl"].result_list
    by_name = manager.get(f"{CHANGELIST}?q=anna lastname007").context["cl"].result_list

    assert {s.external_id for s in by_reference} == {"scan0007", "scan0067"}
    assert {s.external_id for s in by_name} == {"scan0007", "scan0067"}


def test_without_access_to_personal_data_names_are_not_searched(sessions, client, make_user):
    client.force_login(make_user("agent", "Appointment staff"))

    by_name = client.get(f"{CHANGELIST}?q=Lastname007").context["cl"].result_list
    by_reference = client.get(f"{CHANGELIST}?q=REF-007").context["cl"].result_list

    assert list(by_name) == []
    assert len(by_reference) == 2


def test_an_estimated_total_is_shown_as_an_estimate(sessions, manager, monkeypatch):
    monkeypatch.setattr(paginator_module, "estimated_rows", lambda queryset: 1_000_000)

    response = manager.get(CHANGELIST)

    assert response.context["cl"].result_count == 1_000_000
    assert "about 1,000,000" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="filtered lists are estimated on PostgreSQL only")
def test_a_filter_matching_more_than_is_counted_says_so_and_its_later_pages_open(sessions, manager, monkeypatch):
    monkeypatch.setattr(admin.site._registry[VerificationSession], "list_per_page", 10)
    monkeypatch.setattr(paginator_module.EstimatedCountPaginator, "exact_below", 20)
    monkeypatch.setattr(paginator_module, "planned_rows", lambda queryset: None)  # the planner cannot say
    url = f"{CHANGELIST}?vendor__exact=idenfy"

    first = manager.get(url)
    past_the_count = manager.get(f"{url}&p=5")  # 21 counted make 3 pages; 120 sessions make 12
    far = manager.get(f"{url}&p=13")

    page = first.content.decode()
    assert "more than 20 verification sessions" in page
    assert "Select all more than 20" in page
    assert past_the_count.context["cl"].result_list[0].external_id == "scan0079"
    assert far.status_code == 200  # shown empty, not redirected to ?e=1 with the filter lost
    assert list(far.context["cl"].result_list) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="filtered lists are estimated on PostgreSQL only")
def test_a_search_matching_more_than_is_counted_shows_the_estimate(sessions, manager, monkeypatch):
    monkeypatch.setattr(paginator_module.EstimatedCountPaginator, "exact_below", 2)
    monkeypatch.setattr(paginator_module, "planned_rows", lambda queryset: 4_321)

    page = manager.get(f"{CHANGELIST}?q=Anna").content.decode()

    assert "about 4,321 results" in page


def test_the_filters_offer_fixed_values_and_no_facet_counts(sessions, manager):
    response = manager.get(f"{CHANGELIST}?_facets=True")

    filters = response.context["cl"].filter_specs
    assert [f.title for f in filters] == ["vendor", "status", "decision state"]
    assert response.context["cl"].add_facets is False


def test_the_row_checkbox_is_djangos_own_html(sessions, manager):
    from django.contrib.admin import ModelAdmin

    session = sessions[0]
    model_admin = admin.site._registry[VerificationSession]

    assert model_admin.action_checkbox(session) == ModelAdmin.action_checkbox(model_admin, session)

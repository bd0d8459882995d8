"""The admin index: queue by vendor and age, decisions per day, vendor outcome rates, time to
decision, drawn as inline SVG; reviewers see the figures, appointment staff the app list only."""

import datetime as dt

import pytest
from django.utils import timezone

from kycdesk.models import ReviewDecision, VerificationSession
from kycdesk.services import dashboard, review
from providers.base import Status
from tests.cases import make_case

pytestmark = pytest.mark.django_db


def test_the_queue_by_vendor_and_age(settings):
    settings.KYCDESK_SLA_AMBER_HOURS, settings.KYCDESK_SLA_RED_HOURS = 24, 48
    make_case(vendor="idenfy", age=dt.timedelta(hours=1))
    make_case(vendor="idenfy", age=dt.timedelta(hours=30))
    make_case(vendor="vult", age=dt.timedelta(hours=60))
    make_case(vendor="vult", status=Status.APPROVED)

    rows = dashboard.queue_by_vendor_and_age(timezone.now())

    assert [(r.vendor, r.ok, r.amber, r.red) for r in rows] == [("idenfy", 1, 1, 0), ("vult", 0, 0, 1)]


def test_decisions_per_day(manager):
    now = timezone.now()
    for days_ago, outcome in ((0, "reject"), (0, "reject"), (2, "approve")):
        case = make_case(status=Status.APPROVED)
        review.decide(
            session_id=case.pk,
            user=manager,
            outcome=outcome,
            reason_code="verified_manually" if outcome == "approve" else "other",
            comment="x",
            now=now - dt.timedelta(days=days_ago),
        )

    days = dashboard.decisions_per_day(now)

    assert len(days) == dashboard.DAYS
    assert (days[-1].approve, days[-1].reject) == (0, 2)
    assert (days[-3].approve, days[-3].reject) == (1, 0)


def test_vendor_outcome_rates():
    for status in (Status.APPROVED, Status.APPROVED, Status.REJECTED, Status.NEEDS_REVIEW, Status.EXPIRED):
        make_case(vendor="identomat", status=status)
    make_case(vendor="identomat", status=Status.IN_PROGRESS)

    (row,) = dashboard.outcome_rates(timezone.now())

    assert row.counts == {"approved": 2, "needs_review": 1, "rejected": 1, "other": 1}


def test_average_time_to_decision_from_the_vendors_verdict(manager):
    now = timezone.now()
    for hours in (2, 4):
        case = make_case(vendor="datakeen")
        VerificationSession.objects.filter(pk=case.pk).update(completed_at=now - dt.timedelta(hours=hours))
        review.decide(session_id=case.pk, user=manager, outcome="reject", reason_code="other", comment="x", now=now)

    (row,) = dashboard.time_to_decision(now)

    assert row.vendor == "datakeen" and row.decisions == 2
    assert row.hours == pytest.approx(3, abs=0.01)


def test_reviewers_see_the_charts_above_the_app_list(client, officer, manager):
    make_case()
    case = make_case(status=Status.APPROVED)
    review.decide(session_id=case.pk, user=manager, outcome="reject", reason_code="other", comment="x")
    client.force_login(officer)

    html = client.get("/admin/").content.decode()

    assert html.count("<svg class='kd-chart'") == 4
    assert "Review queue: 1 open" in html
    assert html.index("kd-dashboard") < html.index("app-kycdesk")
    assert "<script" not in html[html.index("kd-dashboard") : html.index("app-kycdesk")]


def test_appointment_staff_get_the_app_list_only(client, appointment_staff):
    client.force_login(appointment_staff)

    html = client.get("/admin/").content.decode()

    assert "kd-dashboard" not in html and "app-kycdesk" in html


def test_the_index_costs_the_same_with_many_decisions(client, manager, django_assert_num_queries):
    client.force_login(manager)
    client.get("/admin/")  # the staff session is renewed (written) at most once a minute: now
    for _ in range(3):
        make_case()
    with django_assert_num_queries(INDEX_QUERIES):
        client.get("/admin/")
    for _ in range(20):
        case = make_case(status=Status.APPROVED)
        review.decide(session_id=case.pk, user=manager, outcome="reject", reason_code="other", comment="x")
    with django_assert_num_queries(INDEX_QUERIES):
        client.get("/admin/")


# staff session, user, 2 permission queries, the four figures, the admin log (recent actions);
# no write of the staff session (renewed at most once a minute: kycdesk.security)
INDEX_QUERIES = 9


def test_no_decision_kind_is_counted_twice(manager, second_manager):
    case = make_case()
    review.decide(session_id=case.pk, user=manager, outcome="approve", reason_code="verified_manually", comment="x")
    review.second_approve(session_id=case.pk, user=second_manager)

    days = dashboard.decisions_per_day(timezone.now())

    assert sum(d.approve for d in days) == 1
    assert ReviewDecision.objects.count() == 2

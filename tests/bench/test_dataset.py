"""The bench's dataset generator on a tiny size: every table filled, consistent, in the shapes
the issue asks for (COPY on PostgreSQL, bulk inserts on SQLite)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from bench import dataset, names
from bench.plan import Plan
from kycdesk.models import (
    AuditEntry,
    Control,
    Document,
    ExtractedField,
    Identity,
    Media,
    ReviewDecision,
    SessionEvent,
    VerificationSession,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
SIZE = 600


@pytest.fixture
def generated():
    return dataset.generate(SIZE, now=NOW, log=lambda line: None)


def test_it_writes_the_sessions_and_four_people_for_five_sessions(generated):
    assert VerificationSession.objects.count() == SIZE
    assert Identity.objects.count() == SIZE * 4 // 5
    assert generated.rows["kycdesk_verificationsession"] == SIZE


def test_sessions_spread_over_the_five_vendors_and_five_years(generated):
    vendors = set(VerificationSession.objects.values_list("vendor", flat=True))
    oldest = VerificationSession.objects.order_by("created_at").first().created_at
    newest = VerificationSession.objects.order_by("-created_at").first().created_at

    assert vendors == {"datakeen", "idenfy", "vult", "identomat", "identify24"}
    assert NOW - oldest > dt.timedelta(days=4 * 365)
    assert NOW - oldest <= dt.timedelta(days=5 * 365)
    assert newest <= NOW


def test_a_few_percent_need_review_and_old_open_sessions_have_expired(generated):
    statuses = dict(VerificationSession.objects.values_list("status").annotate(n=Count("id")))
    week_ago = NOW - dt.timedelta(days=7)

    assert 0.01 * SIZE <= statuses["needs_review"] <= 0.06 * SIZE
    assert statuses["approved"] > SIZE / 2
    assert not VerificationSession.objects.filter(status__in=["created", "in_progress"], created_at__lt=week_ago)


def test_every_case_to_review_has_its_document_fields_controls_media_and_history(generated):
    for session in VerificationSession.objects.filter(status="needs_review"):
        document = Document.objects.get(session=session)
        assert ExtractedField.objects.filter(document=document).count() == 15
        assert Control.objects.filter(session=session).count() == 10
        assert Media.objects.filter(session=session).count() == 3
        assert SessionEvent.objects.filter(session=session).exists()


def test_about_a_tenth_of_the_sessions_carry_fields_and_controls(generated):
    with_fields = Document.objects.filter(fields__isnull=False).distinct().count()

    assert 0.08 * SIZE <= with_fields <= 0.16 * SIZE


def test_decided_cases_have_their_decisions_approvals_with_a_second_person(generated):
    approved = VerificationSession.objects.filter(decision_state="approved")
    rejected = VerificationSession.objects.filter(decision_state="rejected")

    assert approved.exists()
    for session in approved:
        first, second = ReviewDecision.objects.filter(session=session).order_by("pk")
        assert second.kind == "second_approval" and second.seconds == first
        assert first.decided_by != second.decided_by
    for session in rejected:
        assert ReviewDecision.objects.get(session=session).outcome == "reject"
    assert not ReviewDecision.objects.filter(session__decision_state="")


def test_every_session_has_its_launch_in_the_audit_trail(generated):
    launches = AuditEntry.objects.filter(action="launch", target_type="kycdesk.verificationsession")

    assert launches.count() == SIZE
    assert AuditEntry.objects.filter(action="decide").count() == ReviewDecision.objects.filter(kind="decision").count()


def test_a_dataset_of_the_same_size_is_kept_and_another_size_replaces_it(generated):
    kept = dataset.ensure(SIZE, allow_clear=False, log=lambda line: None)
    replaced = dataset.ensure(50, allow_clear=False, log=lambda line: None)

    assert not kept.generated
    assert replaced.generated
    assert VerificationSession.objects.count() == 50


def test_sessions_that_are_not_a_bench_dataset_are_never_cleared_unasked():
    VerificationSession.objects.create(
        vendor="idenfy", external_id="real", identity=Identity.objects.create(reference="real")
    )

    with pytest.raises(RuntimeError, match="not a bench dataset"):
        dataset.ensure(50, allow_clear=False, log=lambda line: None)
    assert VerificationSession.objects.filter(external_id="real").exists()


def test_the_same_size_always_gives_the_same_people():
    assert names.person(41) == names.person(41)
    assert Plan(100, now=NOW).status == Plan(100, now=NOW).status

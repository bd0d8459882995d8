import datetime as dt

import pytest

from kycdesk.models import Identity, VerificationSession
from kycdesk.services.reconcile import reconcile_overdue
from providers.base import ProviderError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_the_fake_vendor(settings):
    settings.KYCDESK_VENDORS = {
        code: {**block, "enabled": code == "datakeen"} for code, block in settings.KYCDESK_VENDORS.items()
    }


NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def make_session(external_id, *, expires_at, status="in_progress", created_at=None):
    identity, _ = Identity.objects.get_or_create(reference=f"ref-{external_id}")
    return VerificationSession.objects.create(
        vendor="datakeen",
        external_id=external_id,
        identity=identity,
        status=status,
        expires_at=expires_at,
        created_at=created_at or NOW,
    )


def test_only_overdue_open_sessions_are_pulled(fake_pull_vendor, settings):
    settings.KYCDESK_RECONCILE_GRACE_MINUTES = 30
    fake_pull_vendor.results = {
        "late": {"state": "ok", "final": True},
        "fresh": {"state": "ok"},
        "done": {"state": "ok"},
    }
    make_session("late", expires_at=NOW - dt.timedelta(hours=2))
    make_session("fresh", expires_at=NOW - dt.timedelta(minutes=10))  # within the grace period
    make_session("done", expires_at=NOW - dt.timedelta(hours=2), status="approved")

    report = reconcile_overdue(now=NOW)

    assert fake_pull_vendor.pulls == ["late"]
    assert (report.pulled, report.changed) == (1, 1)
    assert VerificationSession.objects.get(external_id="late").status == "approved"


def test_a_session_without_expiry_is_overdue_after_the_vendors_lifetime(fake_pull_vendor):
    fake_pull_vendor.results = {"old": {"state": "open"}}
    make_session("old", expires_at=None, created_at=NOW - dt.timedelta(days=1))

    reconcile_overdue(now=NOW)

    assert fake_pull_vendor.pulls == ["old"]


def test_a_stale_session_is_not_pulled_again_before_its_backoff(fake_pull_vendor):
    fake_pull_vendor.results = {"late": {"state": "open"}}
    make_session("late", expires_at=NOW - dt.timedelta(hours=2))

    reconcile_overdue(now=NOW)
    reconcile_overdue(now=NOW + dt.timedelta(minutes=15))
    reconcile_overdue(now=NOW + dt.timedelta(hours=3))

    assert fake_pull_vendor.pulls == ["late", "late"]


def test_a_vendor_error_is_counted_and_does_not_stop_the_sweep(fake_pull_vendor):
    fake_pull_vendor.results = {"a": {"state": "ok"}, "b": {"state": "ko"}}
    fake_pull_vendor.failures = [ProviderError("datakeen", "busy", status=503, retryable=True)]
    make_session("a", expires_at=NOW - dt.timedelta(hours=3), created_at=NOW - dt.timedelta(hours=4))
    make_session("b", expires_at=NOW - dt.timedelta(hours=2), created_at=NOW - dt.timedelta(hours=3))

    report = reconcile_overdue(now=NOW)

    assert report.errors == {"datakeen": 1}
    assert VerificationSession.objects.get(external_id="b").status == "rejected"


def test_vendors_without_a_result_api_are_left_alone(fake_vendor):
    make_session("x", expires_at=NOW - dt.timedelta(days=2))

    assert reconcile_overdue(now=NOW).pulled == 0


def test_a_vendor_with_silent_expiry_has_its_unused_overdue_session_expired(fake_pull_vendor, monkeypatch):
    monkeypatch.setattr(fake_pull_vendor, "silent_expiry", True)
    fake_pull_vendor.results = {"unused": {"state": "open"}, "used": {"state": "ok"}}
    make_session("unused", expires_at=NOW - dt.timedelta(hours=2), status="created")
    make_session("used", expires_at=NOW - dt.timedelta(hours=2), status="created")

    reconcile_overdue(now=NOW)

    statuses = dict(VerificationSession.objects.values_list("external_id", "status"))
    assert statuses == {"unused": "expired", "used": "approved"}
    assert VerificationSession.objects.get(external_id="unused").vendor_final is False


def test_without_silent_expiry_an_open_answer_stays_open(fake_pull_vendor):
    fake_pull_vendor.results = {"open": {"state": "open"}}
    make_session("open", expires_at=NOW - dt.timedelta(hours=2), status="created")

    reconcile_overdue(now=NOW)

    assert VerificationSession.objects.get(external_id="open").status == "in_progress"

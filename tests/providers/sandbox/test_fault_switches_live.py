"""Every fault switch, against every simulator that exists, through the real client over HTTP."""

from __future__ import annotations

import pytest

from kycdesk.models import VerificationSession, WebhookDelivery
from kycdesk.services.vendors import get_provider
from providers.base import ProviderError
from providers.sandbox import faults
from providers.sandbox.simulator import simulators
from tests.sandbox_cases import finished, launch

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=sorted(simulators()))
def code(request):
    return request.param


def finished_session(code: str, reference: str = "fault-1") -> VerificationSession:
    return finished(code, reference)


def logs_in(provider) -> bool:
    """Whether the vendor's auth can log in afresh; static keys (Identomat's company key and
    optional HMAC) cannot, so a 401 is final for them (providers.http: ``refreshable``)."""
    auth = getattr(getattr(getattr(provider, "client", None), "http", None), "auth", None)
    return auth is not None and getattr(auth, "refreshable", True)


@pytest.mark.parametrize("kind", ["401", "expire_tokens"])
def test_an_auth_fault_costs_one_fresh_login_and_the_call_succeeds(sandbox_live, code, kind):
    session = finished_session(code)
    faults.set_fault(code, kind)
    provider = get_provider(code)
    if kind == "401" and not logs_in(provider):
        with pytest.raises(ProviderError) as caught:
            provider.fetch_result(session.external_id)
        assert (caught.value.status, caught.value.retryable) == (401, False)
        return

    result = provider.fetch_result(session.external_id)

    assert result.external_id == session.external_id


def test_429_is_retried_after_retry_after(sandbox_live, code, monkeypatch):
    session = finished_session(code)
    slept: list[float] = []
    monkeypatch.setattr("providers.http.time.sleep", slept.append)
    faults.set_fault(code, "429", count=2, retry_after=1)

    get_provider(code).fetch_result(session.external_id)

    assert slept == [1.0, 1.0]


def test_a_500_is_a_retryable_provider_error_with_the_vendors_words(sandbox_live, code):
    session = finished_session(code)
    faults.set_fault(code, "500")

    with pytest.raises(ProviderError) as caught:
        get_provider(code).fetch_result(session.external_id)

    assert caught.value.status == 500 and caught.value.retryable


def test_a_timeout_on_a_read_is_retried(sandbox_live, code, settings, monkeypatch):
    session = finished_session(code)
    settings.KYCDESK_HTTP_READ_TIMEOUT = 0.5
    monkeypatch.setattr("providers.http.time.sleep", lambda s: None)
    faults.set_fault(code, "timeout", delay=1.5)

    result = get_provider(code).fetch_result(session.external_id)

    assert result.external_id == session.external_id


def test_a_create_that_hits_a_fault_is_not_repeated(sandbox_live, code):
    faults.set_fault(code, "500")

    with pytest.raises(ProviderError):
        launch(code, "fault-create")

    assert not VerificationSession.objects.filter(identity__reference="fault-create").exists()


def test_a_dropped_webhook_leaves_the_session_to_the_reconcile_sweep(sandbox_live, code):
    provider = get_provider(code)
    if not provider.supports_webhooks():
        pytest.skip("this vendor sends no webhook")
    faults.set_fault(code, "drop_webhook", count=5)

    session = finished_session(code, "fault-drop")

    assert not WebhookDelivery.objects.filter(vendor=code).exists()
    session.refresh_from_db()
    assert session.is_open


def test_a_duplicated_webhook_is_applied_once(sandbox_live, code):
    if not get_provider(code).supports_webhooks():
        pytest.skip("this vendor sends no webhook")
    faults.set_fault(code, "duplicate_webhook", count=5)

    session = finished_session(code, "fault-dup")

    states = sorted(WebhookDelivery.objects.filter(vendor=code, session=session).values_list("state", flat=True))
    assert "done" in states and states.count("done") + states.count("duplicate") == len(states) >= 2
    assert session.events.filter(kind="result").count() == 1

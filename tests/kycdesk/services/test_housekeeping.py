import datetime as dt

import pytest
import time_machine

from kycdesk.models import WebhookDelivery
from kycdesk.services.housekeeping import health, prune_refused_deliveries

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def delivery(verdict, state, received_at, processed_at=None):
    return WebhookDelivery.objects.create(
        vendor="idenfy",
        verdict=verdict,
        state=state,
        received_at=received_at,
        processed_at=processed_at,
        body_sha256="x",
    )


def test_refused_deliveries_are_pruned_after_the_configured_days(settings):
    settings.KYCDESK_REFUSED_DELIVERY_DAYS = 30
    old = delivery("refused", "ignored", NOW - dt.timedelta(days=31))
    recent = delivery("refused", "ignored", NOW - dt.timedelta(days=29))
    accepted = delivery("accepted", "done", NOW - dt.timedelta(days=400))

    assert prune_refused_deliveries(now=NOW) == 1

    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {recent.pk, accepted.pk}
    assert old.pk not in WebhookDelivery.objects.values_list("pk", flat=True)


def test_health_reports_the_oldest_unfinished_job_and_the_last_success():
    delivery("accepted", "received", NOW - dt.timedelta(minutes=7))
    delivery("accepted", "processing", NOW - dt.timedelta(minutes=2))
    delivery("accepted", "done", NOW - dt.timedelta(hours=1), processed_at=NOW - dt.timedelta(seconds=40))
    delivery("refused", "ignored", NOW - dt.timedelta(hours=5))

    figures = health(now=NOW)

    assert figures["unfinished_deliveries"] == 2
    assert figures["oldest_unfinished_delivery_age_s"] == 420
    assert figures["last_processed_delivery_age_s"] == 40


def test_healthz_gives_detail_to_staff_only(client, admin_client):
    with time_machine.travel(NOW):
        anonymous = client.get("/healthz").json()
        staff = admin_client.get("/healthz").json()

    assert anonymous == {"ok": True}
    assert staff["ok"] and "oldest_unfinished_delivery_age_s" in staff

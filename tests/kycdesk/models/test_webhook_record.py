"""WebhookDelivery.objects.record writes the row create() would, column for column."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from kycdesk.models import WebhookDelivery

pytestmark = pytest.mark.django_db

VALUES = {
    "vendor": "idenfy",
    "received_at": dt.datetime(2026, 11, 22, 9, 30, 1, 123456, tzinfo=dt.UTC),
    "source_ip": "2001:db8::1",
    "headers": {"content-type": "application/json", "idenfy-signature": "ab" * 32, "x-unicode": "Žemaitė"},
    "body": b'{"scanRef": "s1"}\x00\xff',
    "body_sha256": "0" * 64,
    "body_size": 19,
    "verdict": WebhookDelivery.Verdict.REFUSED,
    "state": WebhookDelivery.State.IGNORED,
    "last_error": "Bad signature.",
}


def columns(delivery: WebhookDelivery) -> dict:
    row = WebhookDelivery.objects.filter(pk=delivery.pk).values().get()
    row.pop("id")
    return {name: bytes(value) if isinstance(value, memoryview) else value for name, value in row.items()}


def test_a_recorded_delivery_is_the_row_create_writes():
    created = WebhookDelivery.objects.create(**VALUES)

    recorded = WebhookDelivery.objects.record(**VALUES)

    assert recorded.pk and recorded.pk != created.pk
    assert columns(recorded) == columns(created)


def test_a_recorded_delivery_with_only_the_required_values_gets_the_models_defaults():
    required = {"vendor": "datakeen", "received_at": VALUES["received_at"], "body_sha256": "1" * 64}

    recorded = WebhookDelivery.objects.record(**required)

    assert columns(recorded) == columns(WebhookDelivery.objects.create(**required))
    assert (recorded.state, recorded.verdict, recorded.headers) == ("received", "unchecked", {})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's")
def test_on_postgresql_a_delivery_is_recorded_in_one_statement(django_assert_num_queries):
    with django_assert_num_queries(1):
        WebhookDelivery.objects.record(**VALUES)

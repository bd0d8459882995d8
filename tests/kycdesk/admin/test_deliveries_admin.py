"""The webhook deliveries list: found by the vendor's id or the body's hash, exactly."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kycdesk.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def test_a_delivery_is_found_by_the_vendors_id_or_its_body_hash_in_either_case(client, make_user):
    client.force_login(make_user("mgr", "Compliance manager", is_superuser=True))
    sha = "ab" * 32
    WebhookDelivery.objects.create(vendor="idenfy", received_at=timezone.now(), body_sha256=sha, external_id="scan-1")
    WebhookDelivery.objects.create(
        vendor="idenfy", received_at=timezone.now(), body_sha256="cd" * 32, external_id="scan-10"
    )

    def found(term: str) -> set[str]:
        response = client.get("/admin/kycdesk/webhookdelivery/", {"q": term})
        assert response.status_code == 200
        return {delivery.external_id for delivery in response.context["cl"].result_list}

    assert found("scan-1") == {"scan-1"}
    assert found(sha.upper()) == {"scan-1"}
    assert found("scan") == set()

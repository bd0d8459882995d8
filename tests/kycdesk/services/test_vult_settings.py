"""Our webhook registration at VULT, mirrored; VULT's requirements and weights, audited."""

from __future__ import annotations

import pytest

from kycdesk.models import AuditEntry, WebhookSubscription
from kycdesk.services import subscriptions, vult_settings
from kycdesk.services.vult_identities import vult

pytestmark = pytest.mark.django_db(transaction=True)


def test_registering_our_endpoint_mirrors_it_without_its_secret_token(sandbox_live, settings):
    token = settings.KYCDESK_VENDORS["vult"]["webhook_token"]

    count = vult_settings.register_webhook(actor=None)

    mirrored = WebhookSubscription.objects.get(vendor="vult")
    assert count == 1
    assert mirrored.url == f"{sandbox_live.url}/webhooks/vult/<VULT_WEBHOOK_TOKEN>/"
    assert token not in str(mirrored.raw) and token not in mirrored.url
    assert [w.url for w in vult().list_webhooks()] == [
        f"{sandbox_live.url}/webhooks/vult/{token}/"
    ]  # VULT has the real one
    assert {"vult_webhook_register", "webhook_subscription_sync"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )


def test_a_sync_removes_what_vult_no_longer_lists(sandbox_live):
    vult_settings.register_webhook(actor=None)
    gone = WebhookSubscription.objects.create(vendor="vult", external_id="deleted-at-vult", name="old")
    other_vendor = WebhookSubscription.objects.create(vendor="idenfy", external_id="x")

    assert subscriptions.sync_webhook_subscriptions(vendor="vult") == 1

    assert not WebhookSubscription.objects.filter(pk=gone.pk).exists()
    assert WebhookSubscription.objects.filter(pk=other_vendor.pk).exists()


def test_deleting_a_webhook_deletes_it_at_vult_and_here(sandbox_live, make_user):
    vult_settings.register_webhook(actor=None)
    subscription = WebhookSubscription.objects.get(vendor="vult")
    manager = make_user("m", "Compliance manager")

    outcome = vult_settings.delete_webhook(subscription=subscription, actor=manager)

    assert outcome.done
    assert vult().list_webhooks() == []
    assert not WebhookSubscription.objects.exists()
    entry = AuditEntry.objects.get(action="vult_webhook_delete")
    assert (entry.actor, entry.detail["webhook"], entry.detail["done"]) == (manager, subscription.external_id, True)


def test_another_vendors_subscription_is_not_deleted_from_here(db):
    subscription = WebhookSubscription.objects.create(vendor="idenfy", external_id="x")

    assert vult_settings.delete_webhook(subscription=subscription, actor=None).done is False
    assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()


def test_weights_are_read_updated_and_the_change_audited(sandbox_live):
    current = vult_settings.read_settings()

    changed = vult_settings.update_weights(values={**current.weights, "age_weight": 3.0}, actor=None)

    assert changed == ["age_weight"]
    assert vult_settings.read_settings().weights["age_weight"] == 3.0
    entry = AuditEntry.objects.get(action="vult_weights_update")
    assert entry.detail["changed"] == {"age_weight": [current.weights["age_weight"], 3.0]}


def test_requirements_are_read_updated_and_the_change_audited(sandbox_live):
    before = vult_settings.read_settings().requirements
    values = {"type_e": "passport_card", "data_source_e": "ocr", **dict.fromkeys(before[0].required, False)}
    values["birth_date_required"] = True

    vult_settings.update_requirements(values=values, actor=None)

    after = {(s.type_e, s.data_source_e): s for s in vult_settings.read_settings().requirements}
    assert after["passport_card", "ocr"].required["birth_date_required"] is True
    entry = AuditEntry.objects.get(action="vult_requirements_update")
    assert entry.detail == {
        "vendor": "vult",
        "type_e": "passport_card",
        "data_source_e": "ocr",
        "required": ["birth_date_required"],
    }


def test_settings_that_cannot_be_read_say_why(db, settings):
    settings.KYCDESK_VENDORS = {
        **settings.KYCDESK_VENDORS,
        "vult": {**settings.KYCDESK_VENDORS["vult"], "base_url": "http://127.0.0.1:9/"},
    }
    settings.KYCDESK_HTTP_MAX_RETRIES = 0

    assert "Could not reach" in vult_settings.read_settings().error

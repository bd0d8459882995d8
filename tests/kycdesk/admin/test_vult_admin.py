"""VULT's admin pages, as a manager and an officer see them, against the simulator."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kycdesk.models import AuditEntry, WebhookSubscription
from kycdesk.services import vult_identities
from providers.sandbox.testing import finish
from tests.vult_sandbox import vult_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager(make_user) -> Client:
    web = Client()
    web.force_login(make_user("manager", "Compliance manager"))
    return web


@pytest.fixture
def officer(make_user) -> Client:
    web = Client()
    web.force_login(make_user("officer", "Compliance officer"))
    return web


def url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def test_the_identity_page_shows_vult_and_its_ida_sessions(sandbox_live, manager):
    identity = vult_person("cust-1")
    ida = vult_identities.start_ida_session(identity=identity, actor=None)

    page = manager.get(url("kycdesk_identity_change", identity.pk)).content.decode()

    assert f"VULT identity {vult_identities.vult_id(identity)}" in page
    assert ida.external_id in page
    assert url("kycdesk_vult_ida_start", identity.pk) in page
    assert url("kycdesk_vult_identity_anonymize", identity.pk) in page
    assert url("kycdesk_vult_ida_delete", identity.pk, ida.external_id) in page


def test_an_officer_sees_the_panel_but_no_manager_buttons_and_cannot_use_them(sandbox_live, officer):
    identity = vult_person("cust-1")

    page = officer.get(url("kycdesk_identity_change", identity.pk)).content.decode()

    assert "VULT identity" in page
    assert url("kycdesk_vult_ida_start", identity.pk) not in page
    assert url("kycdesk_vult_identity_anonymize", identity.pk) not in page
    assert officer.post(url("kycdesk_vult_ida_start", identity.pk)).status_code == 403
    assert officer.post(url("kycdesk_vult_identity_anonymize", identity.pk)).status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="vult_ida").exists()


def test_a_manager_starts_an_ida_session_after_confirming(sandbox_live, manager):
    identity = vult_person("cust-1")
    start = url("kycdesk_vult_ida_start", identity.pk)

    confirm = manager.get(start)
    done = manager.post(start, {"liveness_mode": "passive_active"}, follow=True)

    assert "Start the IDA session" in confirm.content.decode()
    (started,) = vult_identities.panel(identity).ida_sessions
    assert f"IDA session {started.session_id} started" in done.content.decode()
    assert f"/sandbox/vult/capture/{started.session_id}/" in done.content.decode()
    assert AuditEntry.objects.filter(action="vult_ida_start", target_id=str(identity.pk)).count() == 1


def test_no_ida_session_for_an_identity_vult_did_not_verify(sandbox_live, manager):
    identity = vult_person("cust-1", "manipulated")

    done = manager.post(url("kycdesk_vult_ida_start", identity.pk), {"liveness_mode": "passive"}, follow=True)

    assert "needs a verified identity" in done.content.decode()
    assert vult_identities.panel(identity).ida_sessions == []


def test_an_ida_session_is_deleted_after_confirming(sandbox_live, manager):
    identity = vult_person("cust-1")
    ida = vult_identities.start_ida_session(identity=identity, actor=None)
    delete = url("kycdesk_vult_ida_delete", identity.pk, ida.external_id)

    assert "cannot be undone" in manager.get(delete).content.decode()
    assert vult_identities.panel(identity).ida_sessions  # nothing happens on GET
    manager.post(delete)

    assert vult_identities.panel(identity).ida_sessions == []
    assert AuditEntry.objects.get(action="vult_ida_delete").detail["done"] is True


def test_the_ida_document_is_streamed_with_an_audit_entry(sandbox_live, manager):
    identity = vult_person("cust-1")
    ida = vult_identities.start_ida_session(identity=identity, actor=None)
    finish(ida.link, "authenticated")

    answer = manager.get(url("kycdesk_vult_ida_document", identity.pk, ida.external_id))

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= {part.strip() for part in answer["Cache-Control"].split(",")}
    assert b"".join(answer.streaming_content).startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="vult_ida_document_view").count() == 1


def test_the_identity_is_anonymized_at_vult_after_confirming(sandbox_live, manager):
    identity = vult_person("cust-1")

    manager.post(url("kycdesk_vult_identity_anonymize", identity.pk))

    assert vult_identities.panel(identity).identity.person.last_name == ""
    assert AuditEntry.objects.filter(action="vult_identity_anonymize").count() == 1


def test_identities_are_synced_by_an_admin_action(sandbox_live, manager):
    identity = vult_person("cust-1")

    manager.post(
        url("kycdesk_identity_changelist"), {"action": "sync_vult_identities", "_selected_action": [identity.pk]}
    )

    assert AuditEntry.objects.get(action="vult_identity_sync").detail == {"vendor": "vult", "listed": 1, "created": 0}


def test_a_manager_registers_our_endpoint_and_deletes_it_at_vult(sandbox_live, manager):
    changelist = manager.get(url("kycdesk_webhooksubscription_changelist")).content.decode()
    assert url("kycdesk_vult_webhook_register") in changelist

    manager.post(url("kycdesk_vult_webhook_register"))
    subscription = WebhookSubscription.objects.get(vendor="vult")
    selection = {"action": "delete_at_vult", "_selected_action": [subscription.pk]}
    confirm = manager.post(url("kycdesk_webhooksubscription_changelist"), selection)
    manager.post(url("kycdesk_webhooksubscription_changelist"), {**selection, "confirmed": "yes"})

    assert "Delete 1 webhook(s) at VULT" in confirm.content.decode()
    assert not WebhookSubscription.objects.exists()
    assert vult_identities.vult().list_webhooks() == []


def test_an_officer_cannot_touch_vult_webhooks_or_settings(sandbox_live, officer):
    assert officer.post(url("kycdesk_vult_webhook_register")).status_code == 403
    assert officer.get(url("kycdesk_vult_settings")).status_code == 403
    assert officer.post(url("kycdesk_vult_weights")).status_code == 403


def test_requirements_and_weights_are_shown_and_a_manager_updates_the_weights(sandbox_live, manager):
    page = manager.get(url("kycdesk_vult_settings")).content.decode()
    form = manager.get(url("kycdesk_vult_weights"))
    values = {
        name: field.initial if field.initial is not None else 1.0 for name, field in form.context["form"].fields.items()
    }
    values.update({k: v for k, v in form.context["form"].initial.items()})

    done = manager.post(url("kycdesk_vult_weights"), {**values, "age_weight": "4.5"}, follow=True)

    assert "aamva_match_weight" in page and "driver_license / barcode" in page
    assert "Changed: age_weight." in done.content.decode()
    assert AuditEntry.objects.get(action="vult_weights_update").detail["changed"]["age_weight"][1] == 4.5


def test_a_weights_update_missing_a_value_is_refused_with_vults_rule(sandbox_live, manager):
    answer = manager.post(url("kycdesk_vult_weights"), {"age_weight": "1"})

    assert "VULT requires onboarding_face_encoding_tolerance" in answer.content.decode()
    assert not AuditEntry.objects.filter(action="vult_weights_update").exists()


def test_the_sessions_list_shows_a_health_badge_per_vendor(sandbox_live, manager):
    cache.clear()

    page = manager.get(url("kycdesk_verificationsession_changelist")).content.decode()

    assert "VULT KYC API: up" in page


def test_a_liveness_mode_vult_does_not_know_is_refused_and_nothing_is_started(sandbox_live, manager):
    identity = vult_person("cust-1")

    done = manager.post(url("kycdesk_vult_ida_start", identity.pk), {"liveness_mode": "active"}, follow=True)

    assert "liveness_mode must be one of passive, passive_active" in done.content.decode()
    assert vult_identities.panel(identity).ida_sessions == []

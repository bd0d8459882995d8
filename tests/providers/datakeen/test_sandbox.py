"""The whole Datakeen flow over real HTTP against the simulator: launch with the real client, play
the person on the link, receive the webhook, pull the result, store fields, controls and media."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import requests
import time_machine
from django.utils import timezone
from PIL import Image

from kycdesk.models import Control, ExtractedField, Media, VerificationSession, WebhookDelivery
from kycdesk.services.launch import launch_session
from kycdesk.services.reconcile import reconcile_overdue
from kycdesk.services.templates import sync_templates
from kycdesk.services.vendors import get_provider
from providers.base import LaunchRequest, ProviderError
from providers.sandbox import faults, media
from providers.sandbox.models import SimWebhook
from providers.sandbox.testing import finish

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def live(sandbox_live, settings, private_media):
    settings.KYCDESK_VENDORS = {
        code: {**block, "enabled": code == "datakeen"} for code, block in settings.KYCDESK_VENDORS.items()
    }
    return sandbox_live


def launch(reference: str = "cust-1") -> VerificationSession:
    request = LaunchRequest(
        reference=reference, first_name="Jeanne", last_name="Martin", birth_date=dt.date(1984, 7, 11)
    )
    return launch_session(vendor="datakeen", request=request, user=None)


def test_a_launch_returns_the_vendor_shaped_link_a_qr_png_and_a_one_hour_expiry(live):
    before = timezone.now()

    session = launch()

    assert session.link == f"{live.url}/sandbox/datakeen/client/test?sessionId={session.external_id}"
    assert Image.open(io.BytesIO(bytes(session.qr_png))).format == "PNG"
    assert dt.timedelta(minutes=59) < session.expires_at - before <= dt.timedelta(hours=1, seconds=5)
    assert "Jeanne" in requests.get(session.link, timeout=10).text


@pytest.mark.parametrize(
    ("outcome", "status", "failed"),
    [
        ("ai_approved", "approved", ["rfSymbolIsPresent"]),  # the example's card has no RF symbol
        ("ai_rejected", "rejected", ["dateValidity", "globalStatus", "rfSymbolIsPresent"]),
        ("verify", "needs_review", ["matchFullName", "matchLastName", "matchNameInAllDocuments", "rfSymbolIsPresent"]),
    ],
)
def test_each_outcome_arrives_by_webhook_and_is_pulled_with_fields_controls_and_media(live, outcome, status, failed):
    session = launch()

    finish(session.link, outcome)

    session.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.verdict, delivery.state, delivery.event_type) == ("accepted", "done", "session_end")
    assert (session.status, session.vendor_status) == (status, outcome)
    card = session.documents.get(position=0)
    assert (card.type, card.subtype, card.side, card.number) == (
        "id-card",
        "national_id_card_fr_2003",
        "front-back",
        f"SPEC{session.external_id[-5:].upper()}",
    )
    assert session.person["birth_date"] == "1984-07-11"
    assert session.person["last_name"] == "MARTIN"
    assert sorted(Control.objects.filter(session=session, passed=False).values_list("name", flat=True)) == failed
    assert sorted(Media.objects.filter(session=session).values_list("kind", "state", "content_type")) == [
        ("document_back", "stored", "image/jpeg"),
        ("document_front", "stored", "image/jpeg"),
        ("other", "stored", "image/jpeg"),
    ]


def test_the_boxes_land_where_the_synthetic_card_prints_each_value(live):
    session = launch()
    finish(session.link, "ai_approved")

    fields = {f.name: f for f in ExtractedField.objects.filter(document__session__pk=session.pk)}
    for page, boxes in ((0, media.FRONT_BOXES), (1, media.BACK_BOXES)):
        for name, (x, y, width, height) in boxes.items():
            if name in fields:
                field = fields[name]
                assert (field.bbox_page, field.bbox_x, field.bbox_y, field.bbox_width, field.bbox_height) == (
                    page,
                    x,
                    y,
                    width,
                    height,
                ), name
    assert (fields["lastName"].value, fields["birthDate"].value, fields["lastNameMRZ"].source) == (
        "MARTIN",
        "11.07.1984",
        "mrz",
    )
    front = Media.objects.get(session=session, kind="document_front")
    assert Image.open(front.file).size == media.CARD_SIZE


def test_an_analyst_decision_in_the_back_office_overrides_verify(live):
    session = launch()
    finish(session.link, "verify")

    answer = requests.post(
        f"{live.url}/sandbox/datakeen/back-office/{session.external_id}/",
        data={"decision": "user_rejected"},
        timeout=30,
    )

    session.refresh_from_db()
    assert answer.status_code == 200
    assert (session.status, session.vendor_status, session.vendor_final) == ("rejected", "user_rejected", True)
    decision = WebhookDelivery.objects.get(event_type="decision")
    assert json.loads(bytes(decision.body))["analysisId"] == session.raw["data"]["analysid_id"]


def test_a_session_is_single_use(live):
    session = launch()
    finish(session.link, "ai_approved")

    assert requests.get(session.link, timeout=10).status_code == 410


def test_an_abandoned_session_sends_nothing_and_expires_after_its_hour(live):
    session = launch()
    finish(session.link, "abandon")
    session.refresh_from_db()
    assert session.status == "created"
    assert not SimWebhook.objects.exists()

    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert requests.get(session.link, timeout=10).status_code == 410
        report = reconcile_overdue()

    session.refresh_from_db()
    assert (report.pulled, session.status) == (1, "expired")


def test_a_forged_webhook_with_a_wrong_token_changes_nothing(live):
    session = launch()
    body = json.dumps({"sessionId": session.external_id, "newStatus": "ai_approved"}).encode()

    answer = requests.post(
        f"{live.url}/webhooks/datakeen/guessed-token/",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )

    session.refresh_from_db()
    assert answer.status_code == 404
    assert WebhookDelivery.objects.get().verdict == "refused"
    assert (session.status, session.vendor_status, session.documents.count()) == ("created", "", 0)


def test_templates_sync_from_the_simulator(live):
    assert sync_templates(vendor="datakeen") == 2


def test_an_expired_token_means_one_fresh_login(live):
    provider = get_provider("datakeen")
    provider.list_templates()
    faults.set_fault("datakeen", "expire_tokens")

    assert len(provider.list_templates()) == 2


def test_an_unknown_session_is_the_vendor_404_in_its_envelope(live):
    with pytest.raises(ProviderError, match="Session not found"):
        get_provider("datakeen").fetch_result("0" * 24)

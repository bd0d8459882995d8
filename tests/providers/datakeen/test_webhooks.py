"""Datakeen deliveries: parsed in both shapes; through the endpoint, the token is the check and
the result is read through the API before anything changes, keeping the webhook's verdict."""

from __future__ import annotations

import copy
import json

import pytest
import responses

from kycdesk.models import Identity, Media, VerificationSession, WebhookDelivery
from providers.base import MalformedPayload, WebhookRejected
from providers.datakeen import webhooks

from .conftest import BASE, SESSION_ID, fixture_bytes, fixture_json

TOKEN = "s3cret-token"
URL = f"/webhooks/datakeen/{TOKEN}/"
RESULT = f"{BASE}backend/api/v1/session/{SESSION_ID}"


# --- parsing -------------------------------------------------------------------------------
def test_a_session_end_names_the_session_and_its_verdict():
    (notice,) = webhooks.parse(fixture_bytes("webhook_session_end.json"))

    assert (notice.external_id, notice.event_type, notice.vendor_status, notice.final) == (
        SESSION_ID,
        "session_end",
        "verify",
        False,
    )


def test_a_back_office_decision_is_a_final_verdict():
    (notice,) = webhooks.parse(fixture_bytes("webhook_decision.json"))

    assert (notice.external_id, notice.event_type, notice.vendor_status, notice.final) == (
        SESSION_ID,
        "decision",
        "user_approved",
        True,
    )
    assert "662f60359c8e30012c2f026" in notice.dedupe_key


def test_the_per_session_body_names_only_the_session():
    (notice,) = webhooks.parse(fixture_bytes("webhook_session_url.json"))

    assert (notice.external_id, notice.vendor_status, notice.final) == (SESSION_ID, "", False)


def test_the_same_verdict_twice_has_one_dedupe_key_and_another_verdict_another():
    first = webhooks.parse(b'{"sessionId": "s1", "newStatus": "verify"}')[0]
    again = webhooks.parse(b'{"newStatus": "verify", "sessionId": "s1"}')[0]
    later = webhooks.parse(b'{"sessionId": "s1", "newStatus": "user_approved", "analysisId": "a1"}')[0]

    assert first.dedupe_key == again.dedupe_key != later.dedupe_key


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1]", "JSON object"),
        (b"{}", "no sessionId"),
        (b'{"sessionId": "  "}', "no sessionId"),
        (b'{"sessionId": {"id": 1}}', "sessionId is not a string"),
        (b'{"sessionId": "s1", "newStatus": ["x"]}', "newStatus is not a string"),
    ],
)
def test_a_malformed_body_is_a_clear_error(body, message):
    with pytest.raises(MalformedPayload, match=message):
        webhooks.parse(body)


def test_only_the_url_token_is_checked_and_in_constant_time(provider):
    provider.verify_webhook({}, b"anything", TOKEN)

    for wrong in ("", "s3cret-tokeN", TOKEN + "x"):
        with pytest.raises(WebhookRejected) as caught:
            provider.verify_webhook({}, b"{}", wrong)
        assert caught.value.http_status == 404


# --- through the endpoint --------------------------------------------------------------------
@pytest.fixture
def vendor_settings(settings):
    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    vendors["datakeen"].update(base_url=BASE, username="u", password="p", webhook_token=TOKEN)
    settings.KYCDESK_VENDORS = vendors


@pytest.fixture
def session(db, vendor_settings):
    identity = Identity.objects.create(reference="ref-1")
    return VerificationSession.objects.create(vendor="datakeen", external_id=SESSION_ID, identity=identity)


@pytest.fixture
def vendor_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(f"{BASE}backend/auth", json={"status": 200, "data": {"token": "t"}})
        mock.get(RESULT, json=fixture_json("session_result.json"))
        mock.get(f"{RESULT}/document/CNI.pdf", body=b"%PDF-1.4 card")
        mock.get(f"{RESULT}/document/Screenshot%202024-04-29%20at%2009.29.59.png", body=b"\x89PNG\r\n\x1a\nshot")
        yield mock


def deliver(client, body: bytes, url: str = URL):
    return client.post(url, data=body, content_type="application/json")


@pytest.mark.django_db(transaction=True)
def test_a_verdict_is_applied_to_the_result_read_through_the_api(client, session, vendor_api, private_media):
    response = deliver(client, fixture_bytes("webhook_session_end.json"))

    session.refresh_from_db()
    assert response.status_code == 200
    assert WebhookDelivery.objects.get().state == "done"
    assert [c.request.url for c in vendor_api.calls][:2] == [f"{BASE}backend/auth", RESULT]
    assert (session.status, session.vendor_status) == ("needs_review", "verify")
    document = session.documents.get(position=0)
    assert document.fields.count() == 22
    assert document.fields.get(name="address").bbox_page == 1
    assert session.controls.count() == 14
    assert sorted(Media.objects.values_list("kind", "state", "content_type")) == [
        ("document_page", "stored", "application/pdf"),
        ("other", "stored", "image/png"),
    ]


@pytest.mark.django_db(transaction=True)
def test_an_analyst_decision_after_verify_replaces_it_and_a_late_verify_does_not(client, session, vendor_api):
    deliver(client, fixture_bytes("webhook_session_end.json"))
    deliver(client, fixture_bytes("webhook_decision.json"))
    deliver(client, json.dumps({"sessionId": SESSION_ID, "newStatus": "ai_rejected"}).encode())

    session.refresh_from_db()
    assert (session.status, session.vendor_status, session.vendor_final) == ("approved", "user_approved", True)


@pytest.mark.django_db(transaction=True)
def test_a_bare_notice_takes_the_status_from_the_documents(client, session, vendor_api):
    deliver(client, fixture_bytes("webhook_session_url.json"))

    session.refresh_from_db()
    assert (session.status, session.vendor_status) == ("approved", "")


@pytest.mark.django_db(transaction=True)
def test_a_wrong_token_is_refused_with_404_stored_and_changes_nothing(client, session, vendor_api):
    response = deliver(client, fixture_bytes("webhook_decision.json"), url="/webhooks/datakeen/guessed/")

    session.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 404
    assert (delivery.verdict, delivery.state) == ("refused", "ignored")
    assert session.status == "created"
    assert len(vendor_api.calls) == 0


@pytest.mark.django_db(transaction=True)
def test_a_malformed_body_with_the_right_token_is_answered_and_failed(client, session, vendor_api):
    response = deliver(client, b'{"newStatus": "ai_approved"}')

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 200
    assert (delivery.state, delivery.last_error) == ("failed", "Malformed payload: no sessionId")
    assert len(vendor_api.calls) == 0


@pytest.mark.django_db(transaction=True)
def test_a_vendor_outage_while_reading_the_result_is_retried_later(client, session, vendor_api, settings):
    settings.KYCDESK_HTTP_MAX_RETRIES = 0
    vendor_api.replace(responses.GET, RESULT, status=503, json={"status": 503, "message": "maintenance"})

    deliver(client, fixture_bytes("webhook_session_end.json"))

    delivery = WebhookDelivery.objects.get()
    session.refresh_from_db()
    assert (delivery.state, session.status) == ("received", "created")
    assert "maintenance" in delivery.last_error
    assert delivery.next_attempt_at is not None

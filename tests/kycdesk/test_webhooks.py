"""The shared endpoint: stored first, verified, answered, then processed after commit."""

import json

import pytest

from kycdesk.models import Identity, Media, VerificationSession, WebhookDelivery
from tests.fakes import sign

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/webhooks/datakeen/"


@pytest.fixture
def session(fake_vendor):
    identity = Identity.objects.create(reference="ref-1")
    return VerificationSession.objects.create(vendor="datakeen", external_id="s1", identity=identity)


def post(client, body: bytes, signature: str | None = None, **extra):
    headers = {"HTTP_X_FAKE_SIGNATURE": signature if signature is not None else sign(body)}
    return client.post(URL, data=body, content_type="application/json", **headers, **extra)


def test_a_good_delivery_is_stored_answered_and_applied(client, session, fake_vendor, private_media):
    session_body = json.dumps({"id": "s1", "state": "ok", "final": True, "media": ["front"]}).encode()
    fake_vendor.files = {"front": b"\xff\xd8\xff\xe0 a jpeg"}

    response = post(client, session_body, REMOTE_ADDR="203.0.113.9")

    delivery = WebhookDelivery.objects.get()
    session.refresh_from_db()
    assert response.status_code == 200
    assert (bytes(delivery.body), delivery.source_ip, delivery.verdict, delivery.state) == (
        session_body,
        "203.0.113.9",
        "accepted",
        "done",
    )
    assert session.status == "approved"
    media = Media.objects.get(session=session)
    assert (media.state, media.content_type, media.size) == ("stored", "image/jpeg", 11)
    assert media.file.read() == b"\xff\xd8\xff\xe0 a jpeg"


def test_a_bad_signature_is_refused_stored_and_changes_nothing(client, session):
    response = post(client, b'{"id": "s1", "state": "ok"}', signature="forged")

    delivery = WebhookDelivery.objects.get()
    session.refresh_from_db()
    assert response.status_code == 401
    assert (delivery.verdict, delivery.state) == ("refused", "ignored")
    assert session.status == "created"


def test_a_body_over_the_limit_gets_413_and_a_bounded_record(client, session, settings):
    settings.KYCDESK_WEBHOOK_MAX_BYTES = 100

    response = post(client, b"x" * 101)

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 413
    assert (delivery.body_size, bytes(delivery.body), delivery.verdict) == (101, b"", "refused")


@pytest.mark.parametrize("body", [b"", b"not json", b"\xff\xfe\x00", b'{"id": "s1"}'])
def test_a_malformed_signed_body_is_stored_answered_and_failed_never_a_500(client, session, body):
    response = post(client, body)

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 200
    assert delivery.state == "failed"
    assert delivery.last_error.startswith("Malformed payload")


def test_the_same_delivery_twice_is_applied_once(client, session):
    body = json.dumps({"id": "s1", "state": "check"}).encode()

    post(client, body)
    post(client, body)

    assert list(WebhookDelivery.objects.order_by("pk").values_list("state", flat=True)) == ["done", "duplicate"]
    assert session.events.filter(kind="result").count() == 1


def test_an_unknown_vendor_is_404(client):
    assert client.post("/webhooks/acme/", data=b"{}", content_type="application/json").status_code == 404


def test_a_get_is_refused(client):
    assert client.get(URL).status_code == 405


def test_credentials_and_cookies_are_not_stored_with_the_delivery(client, session):
    body = json.dumps({"id": "s1", "state": "ok"}).encode()

    post(client, body, HTTP_AUTHORIZATION="Bearer secret", HTTP_COOKIE="sessionid=abc")

    headers = WebhookDelivery.objects.get().headers
    assert "authorization" not in headers and "cookie" not in headers
    assert headers["x-fake-signature"] == sign(body)


def test_a_database_outage_is_a_503_and_the_vendors_retry_succeeds(client, session, monkeypatch):
    from django.db import OperationalError

    from kycdesk.services import webhooks as service

    body = json.dumps({"id": "s1", "state": "ok"}).encode()
    real_record = WebhookDelivery.objects.record
    calls = {"n": 0}

    def flaky_record(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_record(**kwargs)

    monkeypatch.setattr(service.WebhookDelivery.objects, "record", flaky_record)

    first = post(client, body)
    retry = post(client, body)

    assert (first.status_code, first["Retry-After"]) == (503, "30")
    assert retry.status_code == 200
    session.refresh_from_db()
    assert session.status == "approved"


def test_a_broker_outage_still_acknowledges_a_stored_delivery(client, session, monkeypatch):
    import django_q.tasks

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(django_q.tasks, "async_task", broken)

    response = post(client, json.dumps({"id": "s1", "state": "ok"}).encode())

    assert response.status_code == 200
    assert WebhookDelivery.objects.get().state == "received"  # the retry sweep will queue it


def test_a_delivery_for_a_polling_vendor_is_stored_refused_and_answered_404(client):
    response = client.post("/webhooks/identomat/", data=b'{"result": "approved"}', content_type="application/json")

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 404
    assert (delivery.verdict, delivery.state) == ("refused", "ignored")
    assert "polled" in delivery.last_error


def test_a_verification_that_crashes_on_our_side_is_kept_and_the_sender_asked_to_retry(
    client, session, fake_vendor, monkeypatch, caplog
):
    body = json.dumps({"id": "s1", "state": "ok", "name": "Jane Doe"}).encode()

    def crash(self, headers, body, path_token=""):
        raise KeyError("Jane Doe")  # as a bug would: its text quoting the body

    monkeypatch.setattr(fake_vendor, "verify_webhook", crash)

    response = post(client, body)

    delivery = WebhookDelivery.objects.get()
    session.refresh_from_db()
    assert (response.status_code, response["Retry-After"]) == (503, "60")
    assert (bytes(delivery.body), delivery.verdict, delivery.state) == (body, "refused", "ignored")
    assert delivery.last_error == "Verification raised KeyError; the sender was asked to retry."
    assert session.status == "created"
    assert "Jane Doe" not in caplog.text and "KeyError" in caplog.text

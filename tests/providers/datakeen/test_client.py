"""The Datakeen client over the HTTP seam: login and its cache, 401, envelope errors, each call."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
import requests
import responses
import time_machine

from providers import http
from providers.base import LaunchRequest, MediaKind, MediaRef, ProviderError, Status
from providers.datakeen.client import TOKEN_LIFETIME, TOKEN_MARGIN

from .conftest import BASE, SESSION_ID, fixture_json

AUTH = BASE + "backend/auth"
SESSIONS = BASE + "backend/api/v1/session"
RESULT = f"{SESSIONS}/{SESSION_ID}"
TEMPLATES = BASE + "backend/admin/templates"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def login(token: str = "tok-1") -> responses.BaseResponse:  # noqa: S107
    return responses.post(AUTH, json={"status": 200, "data": {"token": token}})


def created(qr: str = "") -> dict:
    body = fixture_json("create_session.json")
    body["data"]["QRCode"] = qr
    return body


@responses.activate
def test_the_login_sends_the_credentials_and_the_token_goes_out_as_basic_token(provider):
    login("tok-1")
    responses.get(TEMPLATES, json=fixture_json("templates.json"))

    provider.list_templates()

    assert json.loads(responses.calls[0].request.body) == {"username": "desk@example.com", "password": "pw"}
    assert "Authorization" not in responses.calls[0].request.headers
    assert responses.calls[1].request.headers["Authorization"] == "Basic tok-1"


@responses.activate
def test_the_token_is_reused_until_shortly_before_its_24_hours(provider, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(http.tokens, "clock", lambda: clock[0])
    auth = login()
    responses.get(TEMPLATES, json=[])

    provider.list_templates()
    clock[0] += (TOKEN_LIFETIME - TOKEN_MARGIN).total_seconds() - 1
    provider.list_templates()
    assert auth.call_count == 1

    clock[0] += 2
    provider.list_templates()
    assert auth.call_count == 2


@responses.activate
def test_the_token_is_shared_by_every_client_of_the_same_account(provider):
    from providers.datakeen.client import DatakeenClient

    auth = login()
    responses.get(TEMPLATES, json=[])

    provider.list_templates()
    DatakeenClient.from_config(provider.config).list_templates()

    assert auth.call_count == 1


@responses.activate
def test_a_401_logs_in_once_more_and_retries_the_call(provider):
    auth = login("old")
    responses.get(TEMPLATES, status=401, json={"status": 401, "message": "Unauthorized"})
    responses.get(TEMPLATES, json=fixture_json("templates.json"))

    provider.list_templates()

    assert auth.call_count == 2
    assert len(responses.calls) == 4


@responses.activate
def test_a_second_401_is_an_error_with_the_vendor_message_and_no_third_login(provider):
    auth = login()
    responses.get(TEMPLATES, status=401, json={"status": 401, "message": "Invalid token"})

    with pytest.raises(ProviderError) as caught:
        provider.list_templates()

    assert auth.call_count == 2
    assert (caught.value.status, caught.value.message) == (401, "Invalid token")


@responses.activate
def test_a_refused_login_is_an_error_with_the_vendor_message(provider):
    responses.post(AUTH, status=401, json={"status": 401, "message": "Wrong username or password"})

    with pytest.raises(ProviderError, match="Wrong username or password"):
        provider.list_templates()

    assert len(responses.calls) == 1


@responses.activate
def test_an_error_inside_a_200_envelope_is_an_error_with_the_vendor_message(provider):
    login()
    responses.get(RESULT, json={"status": 404, "message": "Session not found", "data": None})

    with pytest.raises(ProviderError) as caught:
        provider.fetch_result(SESSION_ID)

    assert (caught.value.status, caught.value.code, caught.value.message) == (404, "404", "Session not found")
    assert caught.value.retryable is False


@responses.activate
def test_an_answer_that_is_not_json_is_a_clear_error(provider):
    login()
    responses.get(RESULT, body="<html>gateway</html>")

    with pytest.raises(ProviderError, match="not JSON"):
        provider.fetch_result(SESSION_ID)


@responses.activate
def test_templates_are_listed_with_their_default(provider):
    login()
    responses.get(TEMPLATES, json=fixture_json("templates.json"))

    listed = provider.list_templates()

    assert [(t.external_id, t.name, t.is_default, t.status) for t in listed] == [
        ("6747253f954e810012b37zer", "Vérification Identité avec selfie", True, "active"),
        ("6745fcdf34177200112cc345", "Vérification Identité et Justificatif de domicile", False, "active"),
    ]


@responses.activate
def test_inactive_templates_are_not_listed(provider):
    login()
    responses.get(TEMPLATES, json={"status": 200, "data": [{"_id": "a", "name": "Old", "status": "archived"}]})

    assert provider.list_templates() == []


@responses.activate
@time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_create_sends_the_documented_body_and_returns_link_qr_and_one_hour_expiry(provider):
    login()
    responses.post(SESSIONS, json=created(base64.b64encode(PNG).decode()))

    launched = provider.create_session(
        LaunchRequest(
            reference="r1",
            first_name="Jean",
            last_name="Dupont",
            birth_date=dt.date(1970, 1, 2),
            template_id="6747253f954e810012b37zer",
            callback_url="https://example.com/done",
        )
    )

    assert json.loads(responses.calls[1].request.body) == {
        "QR": True,
        "templateId": "6747253f954e810012b37zer",
        "firstName": "Jean",
        "lastName": "Dupont",
        "birthDate": "02/01/1970",
        "callbackURL": "https://example.com/done",
        "webhookURL": "https://kyc.example.com/webhooks/datakeen/s3cret-token/",
    }
    assert launched.external_id == SESSION_ID
    assert launched.link == f"https://app.datakeen.co/client/test?sessionId={SESSION_ID}"
    assert launched.qr_png == PNG
    assert launched.expires_at == dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert launched.status is Status.CREATED
    assert "QRCode" not in launched.raw["data"]


@responses.activate
def test_create_leaves_out_what_staff_did_not_enter(provider):
    login()
    responses.post(SESSIONS, json=created())

    launched = provider.create_session(LaunchRequest(reference="r1"))

    assert json.loads(responses.calls[1].request.body) == {
        "QR": True,
        "webhookURL": "https://kyc.example.com/webhooks/datakeen/s3cret-token/",
    }
    assert launched.qr_png == b""


@pytest.mark.parametrize("qr", ["not base64!", base64.b64encode(b"GIF89a").decode()])
@responses.activate
def test_a_broken_qr_code_does_not_lose_the_session(provider, qr):
    login()
    responses.post(SESSIONS, json=created(qr))

    launched = provider.create_session(LaunchRequest(reference="r1"))

    assert (launched.external_id, launched.qr_png) == (SESSION_ID, b"")


@responses.activate
def test_a_qr_code_as_a_data_url_is_decoded(provider):
    login()
    responses.post(SESSIONS, json=created("data:image/png;base64," + base64.b64encode(PNG).decode()))

    assert provider.create_session(LaunchRequest(reference="r1")).qr_png == PNG


@pytest.mark.parametrize(
    "failure", [{"status": 503, "json": {"status": 503, "message": "busy"}}, {"body": requests.ReadTimeout()}]
)
@responses.activate
def test_create_is_never_retried(provider, failure):
    login()
    create = responses.post(SESSIONS, **failure)

    with pytest.raises(ProviderError):
        provider.create_session(LaunchRequest(reference="r1"))

    assert create.call_count == 1


@responses.activate
def test_create_refused_by_the_vendor_shows_its_message(provider):
    login()
    responses.post(SESSIONS, status=400, json={"status": 400, "message": "templateId is not valid"})

    with pytest.raises(ProviderError, match="templateId is not valid"):
        provider.create_session(LaunchRequest(reference="r1", template_id="nope"))


def test_create_without_a_webhook_token_is_refused_before_any_call(provider):
    provider.config.credentials.pop("webhook_token")

    with pytest.raises(ProviderError, match="DATAKEEN_WEBHOOK_TOKEN"):
        provider.create_session(LaunchRequest(reference="r1"))


@responses.activate
def test_a_read_is_retried_after_a_503(provider):
    provider.client.http.sleep = lambda seconds: None
    login()
    responses.get(RESULT, status=503)
    responses.get(RESULT, json=fixture_json("session_result.json"))

    assert provider.fetch_result(SESSION_ID).status is Status.APPROVED


@responses.activate
def test_a_document_is_downloaded_in_chunks_from_the_unconfirmed_path(provider):
    login()
    data = b"%PDF-1.4 " + b"x" * 100_000
    responses.get(f"{SESSIONS}/{SESSION_ID}/document/Screenshot%202024-04-29%20at%2009.29.59.png", body=data)
    ref = MediaRef(kind=MediaKind.OTHER, key="Screenshot 2024-04-29 at 09.29.59.png")

    chunks = list(provider.fetch_media(SESSION_ID, ref))

    assert b"".join(chunks) == data
    assert len(chunks) > 1

"""VultClient over `responses`: the OAuth2 token (cached, expiring, renewed on 401) and the calls."""

from __future__ import annotations

import base64
import dataclasses
import json
from urllib.parse import parse_qs

import pytest
import requests
import responses

from providers.base import ProviderError
from providers.vult import client as vult_client
from providers.vult.client import OPERATIONS, STORAGE_FILE_TYPES, TOKEN_EXPIRY_MARGIN, VultClient, path_for

from .conftest import TOKEN_URL, api, load, token_answer

SESSION_ID = "c0a8012e-7f3b-4d2a-9a55-2f1d9e8b7a10"


def token_calls(mocked) -> list:
    return [c for c in mocked.calls if c.request.url == TOKEN_URL]


def api_calls(mocked) -> list:
    return [c for c in mocked.calls if c.request.url != TOKEN_URL]


def test_the_token_is_asked_for_with_the_client_credentials_grant_and_basic_auth(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/read"), json={"session_id": SESSION_ID, "status_e": "in_progress"})

    client.idv_session_read(SESSION_ID)

    token_request = token_calls(mocked)[0].request
    assert parse_qs(token_request.body.decode()) == {"grant_type": ["client_credentials"]}
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    scheme, _, encoded = token_request.headers["Authorization"].partition(" ")
    # RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding.
    assert (scheme, base64.b64decode(encoded).decode()) == ("Basic", "kycdesk-client:s3cret%3Awith%2Fodd+chars")
    assert api_calls(mocked)[0].request.headers["Authorization"] == "Bearer tok-1"


def test_the_token_is_reused_until_it_expires(mocked, client, clock):
    mocked.post(TOKEN_URL, json=token_answer("tok-1", expires_in=600))
    mocked.post(TOKEN_URL, json=token_answer("tok-2", expires_in=600))
    mocked.post(api("/idv/session/read"), json={"session_id": SESSION_ID, "status_e": "in_progress"})

    client.idv_session_read(SESSION_ID)
    clock.now += 600 - TOKEN_EXPIRY_MARGIN - 1
    client.idv_session_read(SESSION_ID)
    first_two = [c.request.headers["Authorization"] for c in api_calls(mocked)]
    clock.now += 2
    client.idv_session_read(SESSION_ID)

    assert first_two == ["Bearer tok-1", "Bearer tok-1"]
    assert api_calls(mocked)[-1].request.headers["Authorization"] == "Bearer tok-2"
    assert len(token_calls(mocked)) == 2


def test_a_token_without_expires_in_lives_the_default_lifetime(mocked, client, clock):
    mocked.post(TOKEN_URL, json=token_answer("tok-1", expires_in=None))
    mocked.post(TOKEN_URL, json=token_answer("tok-2"))
    mocked.post(api("/idv/session/read"), json={"status_e": "in_progress"})

    client.idv_session_read(SESSION_ID)
    clock.now += vult_client.DEFAULT_TOKEN_LIFETIME - TOKEN_EXPIRY_MARGIN
    client.idv_session_read(SESSION_ID)

    assert len(token_calls(mocked)) == 2


def test_a_401_fetches_a_new_token_and_repeats_the_call_once(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer("stale"))
    mocked.post(TOKEN_URL, json=token_answer("fresh"))
    mocked.post(api("/idv/session/read"), status=401, json={"message": "token expired"})
    mocked.post(api("/idv/session/read"), json={"session_id": SESSION_ID, "status_e": "complete"})

    answer = client.idv_session_read(SESSION_ID)

    assert answer["status_e"] == "complete"
    assert [c.request.headers["Authorization"] for c in api_calls(mocked)] == ["Bearer stale", "Bearer fresh"]


def test_a_create_is_also_repeated_after_a_401_because_nothing_was_done(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer("stale"))
    mocked.post(TOKEN_URL, json=token_answer("fresh"))
    mocked.post(api("/idv/session/create"), status=401)
    mocked.post(api("/idv/session/create"), json={"session_id": "new"})

    assert client.idv_session_create(liveness_mode="passive") == {"session_id": "new"}


def test_a_second_401_in_a_row_is_an_error_with_the_vendors_words(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer("a"))
    mocked.post(TOKEN_URL, json=token_answer("b"))
    mocked.post(api("/idv/session/read"), status=401, json={"message": "client disabled"})

    with pytest.raises(ProviderError) as caught:
        client.idv_session_read(SESSION_ID)

    assert (caught.value.status, caught.value.message) == (401, "client disabled")
    assert len(api_calls(mocked)) == 2


def test_a_refused_token_request_is_an_error_carrying_the_oauth_error(mocked, client):
    mocked.post(TOKEN_URL, status=401, json={"error": "invalid_client", "error_description": "Unknown client."})

    with pytest.raises(ProviderError) as caught:
        client.idv_session_read(SESSION_ID)

    assert (caught.value.code, caught.value.message) == ("invalid_client", "Unknown client.")
    assert api_calls(mocked) == []


def test_a_token_answer_without_an_access_token_is_refused(mocked, client):
    mocked.post(TOKEN_URL, json={"token_type": "Bearer"})

    with pytest.raises(ProviderError, match="access_token"):
        client.idv_session_read(SESSION_ID)


def test_no_token_url_is_a_clear_configuration_error(config, sleeps, mocked):
    broken = VultClient(dataclasses.replace(config, credentials={"client_id": "x"}))

    with pytest.raises(ProviderError, match="VULT_TOKEN_URL"):
        broken.idv_session_read(SESSION_ID)


def test_tokens_are_shared_between_clients_of_the_same_credentials(mocked, config, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/read"), json={"status_e": "in_progress"})

    client.idv_session_read(SESSION_ID)
    VultClient(config).idv_session_read(SESSION_ID)

    assert len(token_calls(mocked)) == 1


def test_the_utility_calls_are_sent_without_a_token(mocked, client):
    mocked.get(api("/ping"), json={"pong": True, "timestamp": "2025-03-14T09:00:00Z"})

    assert client.ping()["pong"] is True
    assert token_calls(mocked) == []
    assert "Authorization" not in mocked.calls[0].request.headers


def test_a_session_create_is_never_retried_on_a_503(mocked, client, sleeps):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/create"), status=503)

    with pytest.raises(ProviderError) as caught:
        client.idv_session_create(liveness_mode="passive")

    assert caught.value.retryable is True
    assert len(api_calls(mocked)) == 1
    assert sleeps == []


def test_a_read_is_retried_on_a_503(mocked, client, sleeps):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/read"), status=503)
    mocked.post(api("/idv/session/read"), json={"status_e": "complete"})

    assert client.idv_session_read(SESSION_ID)["status_e"] == "complete"
    assert len(sleeps) == 1


def test_the_session_create_body_carries_only_what_was_given(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/create"), json={"session_id": "new"})

    client.idv_session_create(metadata={"reference": "r1"}, liveness_mode="passive_active", webhook_url="https://x/")

    assert json.loads(api_calls(mocked)[0].request.body) == {
        "metadata": {"reference": "r1"},
        "liveness_mode": "passive_active",
        "webhook_url": "https://x/",
    }


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.idv_session_create(liveness_mode="active"), "liveness_mode"),
        (lambda c: c.idv_document_download("s", "selfie_back"), "storage_file_type_e"),
        (lambda c: c.idv_session_location_read("s", "face"), "location_capture_type_e"),
        (lambda c: c.identity_document_read("i", "visa"), "document_type_e"),
        (lambda c: c.idv_session_list(status="done"), "status"),
    ],
)
def test_values_outside_the_documented_enums_are_refused_before_any_call(mocked, client, call, message):
    with pytest.raises(ValueError, match=message):
        call(client)

    assert len(mocked.calls) == 0


@pytest.mark.parametrize("file_type", STORAGE_FILE_TYPES)
def test_every_storage_file_type_can_be_downloaded_in_chunks(mocked, client, file_type):
    mocked.post(TOKEN_URL, json=token_answer())
    content = bytes(range(256)) * 600  # over two 64 KB chunks
    mocked.post(api("/idv/document/download"), body=content, content_type="image/jpeg")

    chunks = list(client.chunks(client.idv_document_download(SESSION_ID, file_type)))

    assert b"".join(chunks) == content
    assert len(chunks) > 1
    assert json.loads(api_calls(mocked)[0].request.body) == {"session_id": SESSION_ID, "storage_file_type_e": file_type}


def test_get_requirements_sends_query_parameters_and_no_body(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.get(api("/idv/requirements"), json={"requirements": []})

    client.requirements_read(type_e="driver_license", data_source_e="barcode")

    request = api_calls(mocked)[0].request
    assert request.body is None
    assert parse_qs(request.url.partition("?")[2]) == {"type_e": ["driver_license"], "data_source_e": ["barcode"]}


def test_get_weights_by_id_puts_the_id_in_the_path(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.get(api("/idv/weights/wgt_0193"), json={"age_weight": 1})

    assert client.weights_read_by_id("wgt_0193") == {"age_weight": 1}


def test_an_empty_answer_reads_as_an_empty_object(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/anonymize"), body=b"")

    assert client.idv_session_anonymize(SESSION_ID) == {}


def test_an_answer_that_is_not_json_is_an_error(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/read"), body=b"<html>gateway</html>")

    with pytest.raises(ProviderError, match="not a JSON object"):
        client.idv_session_read(SESSION_ID)


def test_an_answer_that_is_json_but_not_an_object_is_an_error(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/read"), json=["not", "an", "object"])

    with pytest.raises(ProviderError, match="not a JSON object"):
        client.idv_session_read(SESSION_ID)


def test_a_timeout_on_a_read_becomes_a_retryable_error(mocked, client):
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/read"), body=requests.ReadTimeout("slow"))

    with pytest.raises(ProviderError) as caught:
        client.idv_session_read(SESSION_ID)

    assert (caught.value.code, caught.value.retryable) == ("TIMEOUT", True)


# Every operation of the table, called through its client method with plausible arguments.
CALLS = {
    "root": lambda c: c.root(),
    "ping": lambda c: c.ping(),
    "api_status": lambda c: c.api_status(),
    "metrics": lambda c: c.metrics(),
    "liveness_probe": lambda c: c.liveness_probe(),
    "readiness_probe": lambda c: c.readiness_probe(),
    "health_simple": lambda c: c.health_simple(),
    "health": lambda c: c.health(),
    "version": lambda c: c.version(),
    "idv_session_create": lambda c: c.idv_session_create(liveness_mode="passive"),
    "idv_session_list": lambda c: c.idv_session_list(take=10, identity_id="i1"),
    "idv_session_read": lambda c: c.idv_session_read("s1"),
    "idv_session_anonymize": lambda c: c.idv_session_anonymize("s1"),
    "idv_session_delete": lambda c: c.idv_session_delete("s1"),
    "idv_session_test_read": lambda c: c.idv_session_test_read("s1"),
    "idv_session_location_read": lambda c: c.idv_session_location_read("s1", "selfie_image_capture"),
    "idv_document_read": lambda c: c.idv_document_read("s1"),
    "idv_document_list": lambda c: c.idv_document_list("s1", take=5),
    "idv_document_download": lambda c: c.idv_document_download("s1", "selfie").close(),
    "requirements_read": lambda c: c.requirements_read(type_e="passport"),
    "requirements_update": lambda c: c.requirements_update({"type_e": "passport", "data_source_e": "ocr"}),
    "weights_read": lambda c: c.weights_read(),
    "weights_read_by_id": lambda c: c.weights_read_by_id("w1"),
    "weights_update": lambda c: c.weights_update({"age_weight": 1.0}),
    "ida_session_create": lambda c: c.ida_session_create("i1", liveness_mode="passive"),
    "ida_session_list": lambda c: c.ida_session_list(identity_id="i1"),
    "ida_session_read": lambda c: c.ida_session_read("a1"),
    "ida_session_delete": lambda c: c.ida_session_delete("a1"),
    "ida_session_location_read": lambda c: c.ida_session_location_read("a1", "selfie_image_capture"),
    "ida_document_download": lambda c: c.ida_document_download("a1").close(),
    "identity_list": lambda c: c.identity_list(take=10),
    "identity_read": lambda c: c.identity_read("i1"),
    "identity_anonymize": lambda c: c.identity_anonymize("i1"),
    "identity_document_read": lambda c: c.identity_document_read("i1", "driver_license"),
    "identity_image_read": lambda c: c.identity_image_read("i1", "selfie").close(),
    "webhook_create": lambda c: c.webhook_create(name="kycdesk", url="https://kyc.example.com/webhooks/vult/t/"),
    "webhook_list": lambda c: c.webhook_list(take=10),
    "webhook_delete": lambda c: c.webhook_delete("wh1"),
}


def test_the_client_has_a_method_for_every_operation_of_the_table():
    assert set(CALLS) == set(OPERATIONS)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_each_method_calls_its_operations_method_and_path(mocked, client, name):
    operation = OPERATIONS[name]
    mocked.post(TOKEN_URL, json=token_answer())
    url = api(path_for(name, id="w1"))
    mocked.add(operation.method, url, json={})

    CALLS[name](client)

    called = api_calls(mocked)
    assert [(c.request.method, c.request.url.partition("?")[0]) for c in called] == [(operation.method, url)]
    assert ("Authorization" in called[0].request.headers) is operation.auth


def test_a_session_read_fixture_round_trips_through_the_client(mocked, client):
    session = load("approved.json")["session"]
    mocked.post(TOKEN_URL, json=token_answer())
    mocked.post(api("/idv/session/read"), json=session)

    assert client.idv_session_read(session["session_id"]) == session


@responses.activate
def test_nothing_secret_or_personal_is_logged(client, caplog):
    session = load("approved.json")["session"]
    responses.post(TOKEN_URL, json=token_answer("very-secret-token"))
    responses.post(api("/idv/session/read"), json=session)

    with caplog.at_level("DEBUG", logger="providers.http"):
        client.idv_session_read(session["session_id"])

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "path=/kyc/idv/session/read" in logged
    for secret in ("very-secret-token", "s3cret", "SAMPLE", "1988-07-04", session["session_id"]):
        assert secret not in logged

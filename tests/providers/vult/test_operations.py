"""The operation table is the one source of VULT's methods and paths, for client and simulator."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt

import pytest
import requests
from django.test import Client
from django.utils import timezone

from kycdesk.services.vendors import get_provider
from providers.sandbox.models import SimToken
from providers.vult import sandbox
from providers.vult.client import OPERATIONS, path_for, resolve

SANDBOX = "/sandbox/vult"


def test_the_simulator_has_a_handler_for_exactly_the_operations_of_the_table():
    assert set(sandbox.HANDLERS) == set(OPERATIONS)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_operation_resolves_back_to_itself_and_to_no_other(name):
    operation = OPERATIONS[name]

    assert resolve(operation.method, path_for(name, id="wgt_7")) == (
        name,
        {"id": "wgt_7"} if "{id}" in operation.path else {},
    )


@pytest.mark.django_db(transaction=True)
def test_moving_one_path_moves_both_the_client_and_the_simulator(sandbox_live, monkeypatch, caplog):
    moved = dataclasses.replace(OPERATIONS["idv_session_read"], path="/v2/identity-verification/sessions/get")
    monkeypatch.setitem(OPERATIONS, "idv_session_read", moved)
    client = get_provider("vult").client
    session_id = client.idv_session_create(liveness_mode="passive")["session_id"]

    with caplog.at_level("INFO", logger="providers.http"):
        read = client.idv_session_read(session_id)

    assert read["session_id"] == session_id
    assert f"path={SANDBOX}/v2/identity-verification/sessions/get status=200" in caplog.text
    old = requests.post(f"{sandbox_live.url}{SANDBOX}/idv/session/read", json={"session_id": session_id}, timeout=5)
    assert old.status_code == 404


@pytest.fixture
def token(db) -> str:
    from providers.sandbox import tokens

    return tokens.issue("vult", lifetime=dt.timedelta(hours=1))


def bearer(value: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


TOKEN_FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def web() -> Client:
    """Django's test client (this package's conftest names the VULT client ``client``)."""
    return Client()


@pytest.mark.django_db
class TestTheSimulatorsApi:
    def test_the_token_endpoint_issues_an_expiring_bearer_token(self, web):
        answer = web.post(
            f"{SANDBOX}/oauth/token",
            "grant_type=client_credentials",
            content_type=TOKEN_FORM,
            **basic("sandbox-vult-client_id", "sandbox-vult-client_secret"),
        )

        body = answer.json()
        assert (answer.status_code, body["token_type"], body["expires_in"]) == (200, "Bearer", 3600)
        assert SimToken.objects.get(token=body["access_token"]).expires_at > timezone.now()

    def test_a_wrong_secret_is_an_invalid_client(self, web):
        answer = web.post(
            f"{SANDBOX}/oauth/token",
            "grant_type=client_credentials",
            content_type=TOKEN_FORM,
            **basic("sandbox-vult-client_id", "guess"),
        )

        assert (answer.status_code, answer.json()["error"]) == (401, "invalid_client")

    def test_another_grant_is_unsupported(self, web):
        answer = web.post(f"{SANDBOX}/oauth/token", "grant_type=password", content_type=TOKEN_FORM)

        assert (answer.status_code, answer.json()["error"]) == (400, "unsupported_grant_type")

    def test_a_call_without_a_token_is_unauthorized(self, web):
        answer = web.post(f"{SANDBOX}/idv/session/read", {"session_id": "x"}, content_type="application/json")

        assert answer.status_code == 401
        assert answer.json() == {"statusCode": 401, "message": "Unauthorized", "error": "Unauthorized"}

    def test_an_expired_token_is_unauthorized(self, web, token):
        SimToken.objects.filter(token=token).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

        answer = web.post(f"{SANDBOX}/webhook/list", {}, content_type="application/json", **bearer(token))

        assert answer.status_code == 401

    def test_the_utility_calls_need_no_token(self, web):
        assert web.get(f"{SANDBOX}/ping").json()["pong"] is True
        assert web.get(f"{SANDBOX}/health").json()["status"] == "ok"
        assert web.get(f"{SANDBOX}/version").json() == {"version": "2.10.15"}

    def test_a_path_outside_the_table_or_the_wrong_method_is_not_found(self, web, token):
        assert web.post(f"{SANDBOX}/idv/session/nope", {}, content_type="application/json").status_code == 404
        assert web.get(f"{SANDBOX}/idv/session/read", **bearer(token)).status_code == 404

    def test_missing_and_invalid_values_are_refused_as_vult_would(self, web, token):
        def post(path, body):
            return web.post(f"{SANDBOX}{path}", body, content_type="application/json", **bearer(token))

        assert post("/idv/session/read", {}).json()["message"] == "session_id is required"
        assert post("/idv/session/create", {"liveness_mode": "active"}).status_code == 400
        assert post("/idv/session/read", {"session_id": "unknown"}).status_code == 404
        assert post("/webhook/create", {"name": "x", "url": "ftp://x"}).status_code == 400
        assert post("/idv/weights/update", {"age_weight": "high"}).status_code == 400
        bad_json = web.post(f"{SANDBOX}/idv/session/read", b"{", content_type="application/json", **bearer(token))
        assert bad_json.status_code == 400

    def test_an_unfinished_session_past_its_lifetime_reads_as_expired(self, web, token):
        created = web.post(f"{SANDBOX}/idv/session/create", {}, content_type="application/json", **bearer(token))
        session_id = created.json()["session_id"]
        sandbox.SimSession.objects.filter(external_id=session_id).update(expires_at=timezone.now())

        read = web.post(
            f"{SANDBOX}/idv/session/read", {"session_id": session_id}, content_type="application/json", **bearer(token)
        )

        assert (created.status_code, read.json()["status_e"]) == (201, "expired")

    def test_the_persons_page_shows_the_reference_and_the_outcomes(self, web, token):
        created = web.post(
            f"{SANDBOX}/idv/session/create",
            {"metadata": {"reference": "cust-9"}, "liveness_mode": "passive_active"},
            content_type="application/json",
            **bearer(token),
        )

        page = web.get(f"{SANDBOX}/capture/{created.json()['session_id']}/").content.decode()

        assert "cust-9" in page and "passive_active" in page
        assert "DMV mismatch" in page and "OFAC potential match" in page

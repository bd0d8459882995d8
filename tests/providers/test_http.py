"""The one HTTP seam: timeouts, retry policy per call kind, Retry-After, 401 refresh, errors, logs."""

from __future__ import annotations

import logging
import random

import pytest
import requests
import responses

from providers.base import ProviderError
from providers.http import CallKind, HttpClient, StaticAuth, TokenStore, parse_retry_after

BASE = "https://vendor.invalid/api/"


class LoginAuth:
    """A token hook like the vendors' own: logs in through the client, forgets on invalidate."""

    refreshable = True

    def __init__(self) -> None:
        self.token: str | None = None
        self.logins = 0

    def headers(self, client: HttpClient, body: bytes) -> dict[str, str]:
        if self.token is None:
            self.logins += 1
            answer = client.request("POST", "auth", kind=CallKind.READ, use_auth=False, json={"user": "u"})
            self.token = answer.json()["token"]
        return {"Authorization": f"Bearer {self.token}"}

    def invalidate(self) -> None:
        self.token = None


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps) -> HttpClient:
    return HttpClient(vendor="acme", base_url=BASE, max_retries=3, sleep=sleeps.append, rng=random.Random(1))


@responses.activate
def test_a_read_is_retried_after_a_503_and_then_succeeds(client, sleeps):
    responses.get(BASE + "thing", status=503)
    responses.get(BASE + "thing", json={"ok": True})

    answer = client.request("GET", "thing", kind=CallKind.READ)

    assert answer.json() == {"ok": True}
    assert len(sleeps) == 1


@responses.activate
def test_a_create_is_never_retried_automatically(client, sleeps):
    responses.post(BASE + "session", status=503, json={"message": "busy"})

    with pytest.raises(ProviderError) as caught:
        client.request("POST", "session", kind=CallKind.CREATE, json={})

    assert len(responses.calls) == 1
    assert sleeps == []
    assert caught.value.retryable is True
    assert caught.value.status == 503


@responses.activate
def test_a_create_that_times_out_is_not_sent_twice(client):
    responses.post(BASE + "session", body=requests.ReadTimeout("slow"))

    with pytest.raises(ProviderError) as caught:
        client.request("POST", "session", kind=CallKind.CREATE, json={})

    assert len(responses.calls) == 1
    assert caught.value.code == "TIMEOUT"


@responses.activate
def test_connection_errors_on_reads_are_retried_up_to_the_limit(client, sleeps):
    for _ in range(4):
        responses.get(BASE + "thing", body=requests.ConnectionError("refused"))

    with pytest.raises(ProviderError) as caught:
        client.request("GET", "thing", kind=CallKind.READ)

    assert len(responses.calls) == 4  # the first try and three retries
    assert len(sleeps) == 3
    assert caught.value.code == "CONNECTION_ERROR"
    assert caught.value.retryable


@responses.activate
def test_backoff_grows_exponentially_with_jitter(client, sleeps):
    for _ in range(4):
        responses.get(BASE + "thing", status=502)

    with pytest.raises(ProviderError):
        client.request("GET", "thing", kind=CallKind.IDEMPOTENT)

    ceilings = [0.5, 1.0, 2.0]
    assert all(c / 2 <= s <= c for s, c in zip(sleeps, ceilings, strict=True))


@responses.activate
def test_retry_after_is_honoured_for_429(client, sleeps):
    responses.get(BASE + "thing", status=429, headers={"Retry-After": "7"})
    responses.get(BASE + "thing", json={})

    client.request("GET", "thing", kind=CallKind.READ)

    assert sleeps == [7.0]


@responses.activate
def test_a_long_retry_after_is_not_slept_in_a_worker_but_reported(client, sleeps):
    responses.get(BASE + "thing", status=429, headers={"Retry-After": "600"}, json={"message": "slow down"})

    with pytest.raises(ProviderError) as caught:
        client.request("GET", "thing", kind=CallKind.READ)

    assert sleeps == []
    assert caught.value.retry_after == 600
    assert caught.value.retryable


def test_retry_after_accepts_an_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=lambda: 1445412480.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@responses.activate
def test_a_401_logs_in_again_once_and_repeats_the_call(sleeps):
    auth = LoginAuth()
    client = HttpClient(vendor="acme", base_url=BASE, auth=auth, sleep=sleeps.append)
    responses.post(BASE + "auth", json={"token": "t1"})
    responses.post(BASE + "auth", json={"token": "t2"})
    responses.post(BASE + "session", status=401, json={"message": "expired"})
    responses.post(BASE + "session", status=201, json={"id": 1})

    answer = client.request("POST", "session", kind=CallKind.CREATE, json={})

    assert answer.status_code == 201
    assert auth.logins == 2
    assert responses.calls[-1].request.headers["Authorization"] == "Bearer t2"


@responses.activate
def test_a_second_401_in_a_row_is_an_error_not_a_loop():
    auth = LoginAuth()
    client = HttpClient(vendor="acme", base_url=BASE, auth=auth, sleep=lambda s: None)
    responses.post(BASE + "auth", json={"token": "t"})
    responses.get(BASE + "thing", status=401, json={"message": "Bad credentials"})

    with pytest.raises(ProviderError) as caught:
        client.request("GET", "thing", kind=CallKind.READ)

    assert caught.value.status == 401
    assert auth.logins == 2
    assert caught.value.retryable is False


@responses.activate
def test_static_credentials_are_not_retried_on_401():
    client = HttpClient(vendor="acme", base_url=BASE, auth=StaticAuth({"Authorization": "Basic x"}))
    responses.get(BASE + "thing", status=401, json={"identifier": "UNAUTHORIZED", "message": "Wrong key"})

    with pytest.raises(ProviderError):
        client.request("GET", "thing", kind=CallKind.READ)

    assert len(responses.calls) == 1


@responses.activate
def test_a_vendor_error_keeps_the_vendors_code_and_message(client):
    responses.post(BASE + "token", status=400, json={"identifier": "BAD_VALUE", "message": "clientId is too long."})

    with pytest.raises(ProviderError) as caught:
        client.request("POST", "token", kind=CallKind.CREATE, json={})

    error = caught.value
    assert (error.vendor, error.status, error.code, error.message) == (
        "acme",
        400,
        "BAD_VALUE",
        "clientId is too long.",
    )
    assert error.retryable is False
    assert str(error) == "acme HTTP 400 BAD_VALUE: clientId is too long."


@responses.activate
def test_a_non_json_error_body_becomes_the_message(client):
    responses.get(BASE + "thing", status=500, body="<html>Internal</html>")
    responses.get(BASE + "thing", status=500, body="<html>Internal</html>")
    responses.get(BASE + "thing", status=500, body="<html>Internal</html>")
    responses.get(BASE + "thing", status=500, body="<html>Internal</html>")

    with pytest.raises(ProviderError) as caught:
        client.request("GET", "thing", kind=CallKind.READ)

    assert caught.value.message == "<html>Internal</html>"
    assert caught.value.retryable is True  # a 5xx may pass; not retried inline (only 502/503/504 are)
    assert len(responses.calls) == 1


@responses.activate
def test_timeouts_are_passed_on_every_call():
    client = HttpClient(vendor="acme", base_url=BASE, connect_timeout=2.5, read_timeout=9)
    responses.get(BASE + "thing", json={})

    client.request("GET", "thing", kind=CallKind.READ)

    assert responses.calls[0].request.req_kwargs["timeout"] == (2.5, 9)


@responses.activate
def test_logs_carry_neither_credentials_nor_bodies_nor_query_strings(caplog):
    client = HttpClient(vendor="acme", base_url=BASE, auth=StaticAuth({"Authorization": "Basic c2VjcmV0"}))
    responses.post(BASE + "token", json={"authToken": "tok-123"})

    with caplog.at_level(logging.DEBUG, logger="providers.http"):
        client.request(
            "POST", "token", kind=CallKind.CREATE, json={"firstName": "Jeanne"}, params={"authToken": "tok-123"}
        )

    text = caplog.text
    assert "path=/api/token" in text and "status=200" in text
    for secret in ("c2VjcmV0", "Jeanne", "tok-123"):
        assert secret not in text


def test_token_store_expires_tokens_and_idle_ones():
    now = [1000.0]
    store = TokenStore(clock=lambda: now[0])
    store.put("k", "tok", lifetime=60)

    now[0] += 20
    assert store.get("k", idle=30) == "tok"  # used: the idle clock restarts
    now[0] += 25
    assert store.get("k", idle=30) == "tok"
    now[0] += 31
    assert store.get("k", idle=30) is None  # idle too long
    store.put("k", "tok2", lifetime=60)
    now[0] += 61
    assert store.get("k") is None  # past its lifetime

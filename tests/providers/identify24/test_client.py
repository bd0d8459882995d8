"""The Identify24 client over `responses`: auth and its idle expiry, the envelope, each call."""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
from zoneinfo import ZoneInfo

import pytest
import responses
from responses import matchers

from providers.base import ProviderError
from providers.http import TokenStore
from providers.identify24.client import IDLE_SECONDS, Identify24Client, termin_date

from .helpers import BASE, IDENT, Clock, fixture

AUTH = BASE + "auth"
IDENT_URL = BASE + f"ident/get/{IDENT}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(clock, sleeps) -> Identify24Client:
    return Identify24Client(
        base_url=BASE,
        partner="911-internet",
        api_key="key-1",
        store=TokenStore(clock=clock),
        sleep=sleeps.append,
        rng=random.Random(1),
    )


def login(token: str = "jwt-1") -> responses.BaseResponse:  # noqa: S107
    return responses.post(
        AUTH,
        json={"result": True, "response_status": 200, "token": token, "messages": ["Successful.."]},
        match=[matchers.json_params_matcher({"PARTNER": "911-internet", "APIKEY": "key-1"})],
    )


def ident_ok(token: str = "jwt-1") -> responses.BaseResponse:  # noqa: S107
    return responses.get(
        IDENT_URL,
        json=fixture("ident_get.json"),
        match=[matchers.header_matcher({"X-API-PARTNER": "911-internet", "X-API-TOKEN": token})],
    )


@responses.activate
def test_the_first_call_logs_in_and_carries_the_partner_and_the_token(client):
    auth = login()
    ident_ok()

    ident = client.get_ident(IDENT)

    assert ident["status"] == "Successful"
    assert auth.call_count == 1


@responses.activate
def test_a_token_in_use_is_reused_for_hours_without_logging_in_again(client, clock):
    auth = login()
    ident_ok()

    for _ in range(8):
        client.get_ident(IDENT)
        clock.advance(20 * 60)  # used every 20 minutes: never idle for 30

    assert auth.call_count == 1


@responses.activate
def test_a_token_idle_for_thirty_minutes_is_replaced_before_the_call(client, clock):
    auth = login("jwt-1")
    ident_ok("jwt-1")
    client.get_ident(IDENT)

    clock.advance(IDLE_SECONDS)
    responses.replace(responses.POST, AUTH, json={"result": True, "token": "jwt-2", "messages": []})
    ident_ok("jwt-2")
    client.get_ident(IDENT)

    assert auth.call_count == 1  # the first login; the second went to the replaced route
    calls = [c.request.url for c in responses.calls]
    assert calls == [AUTH, IDENT_URL, AUTH, IDENT_URL]  # no 401 wasted on the idle token


@responses.activate
def test_a_401_logs_in_again_once_and_repeats_the_call(client):
    login("jwt-1")
    responses.get(IDENT_URL, status=401, json={"result": False, "messages": ["Token expired"]})
    responses.add(responses.POST, AUTH, json={"result": True, "token": "jwt-2", "messages": []})
    ident_ok("jwt-2")

    ident = client.get_ident(IDENT)

    assert ident["id"] == "ece4f137-31ea-11ee-849e-005056bb3f3f"
    assert [c.request.method for c in responses.calls] == ["POST", "GET", "POST", "GET"]


@responses.activate
def test_a_second_401_in_a_row_is_an_error_not_a_loop(client):
    login()
    responses.get(IDENT_URL, status=401, json={"result": False, "messages": ["No valid API key provided."]})

    with pytest.raises(ProviderError) as caught:
        client.get_ident(IDENT)

    assert caught.value.status == 401
    assert caught.value.message == "No valid API key provided."
    assert len(responses.calls) == 4


@responses.activate
def test_a_200_with_result_false_is_a_failure_carrying_the_vendors_messages(client):
    login()
    responses.post(
        BASE + "ident/create",
        json={"result": False, "messages": ["email is required", "birthday is invalid"], "response_status": 200},
    )

    with pytest.raises(ProviderError) as caught:
        client.create_ident({"project_id": "6"})

    assert (caught.value.status, caught.value.code) == (200, "RESULT_FALSE")
    assert caught.value.message == "email is required; birthday is invalid"
    assert caught.value.retryable is False


@responses.activate
def test_a_refused_login_shows_the_vendors_words(client):
    responses.post(AUTH, json={"result": False, "messages": ["Wrong partner or API key"]})

    with pytest.raises(ProviderError, match="Wrong partner or API key"):
        client.get_projects()


def test_without_credentials_nothing_is_sent():
    client = Identify24Client(base_url=BASE, partner="", api_key="")

    with responses.RequestsMock() as mocked, pytest.raises(ProviderError) as caught:
        client.get_projects()

    assert caught.value.code == "NO_CREDENTIALS"
    assert len(mocked.calls) == 0


@responses.activate
def test_creating_an_ident_is_never_repeated_automatically(client, sleeps):
    login()
    responses.post(BASE + "ident/create", status=503)

    with pytest.raises(ProviderError) as caught:
        client.create_ident({"project_id": "6"})

    assert caught.value.retryable is True
    assert len(responses.calls) == 2  # the login and one create
    assert sleeps == []


@responses.activate
def test_create_returns_the_ident_id_and_the_conference_link(client):
    login()
    responses.post(BASE + "ident/create", json=fixture("ident_create.json"))

    answer = client.create_ident({"project_id": "6"})

    assert answer["ident_id"] == "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    assert answer["conference_url"].startswith("https://identify24.de/apply/")


@responses.activate
def test_the_appointment_is_sent_with_the_offset_as_the_vendor_writes_it(client):
    login()
    route = responses.post(
        BASE + "ident/setOnboardifyAppointment",
        json=fixture("appointment.json"),
        match=[
            matchers.json_params_matcher(
                {"ident_id": IDENT, "termin_date": "2024-06-30T15:20+02:00", "termin_user": "1"}
            )
        ],
    )
    when = dt.datetime(2024, 6, 30, 15, 20, tzinfo=ZoneInfo("Europe/Berlin"))

    insert_id = client.set_appointment(IDENT, when, "1")

    assert insert_id == "xxxxxxx"
    assert route.call_count == 1


@responses.activate
def test_setting_an_appointment_is_retried_after_a_503(client, sleeps):
    login()
    responses.post(BASE + "ident/setOnboardifyAppointment", status=503)
    responses.post(BASE + "ident/setOnboardifyAppointment", json=fixture("appointment.json"))

    assert client.set_appointment(IDENT, dt.datetime(2024, 6, 30, 15, 20, tzinfo=dt.UTC), "1") == "xxxxxxx"
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (dt.datetime(2024, 6, 30, 15, 20, tzinfo=ZoneInfo("Europe/London")), "2024-06-30T15:20+01:00"),
        (dt.datetime(2024, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")), "2024-01-05T09:00+01:00"),
        (dt.datetime(2024, 1, 5, 9, 0, tzinfo=dt.UTC), "2024-01-05T09:00+00:00"),
        (dt.datetime(2024, 1, 5, 9, 0, tzinfo=ZoneInfo("America/St_Johns")), "2024-01-05T09:00-03:30"),
        (dt.datetime(2024, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Kathmandu")), "2024-01-05T09:00+05:45"),
    ],
)
def test_termin_date_is_iso_8601_to_the_minute_with_its_offset(when, expected):
    assert termin_date(when) == expected


@pytest.mark.parametrize(
    "when",
    [dt.datetime(2024, 1, 5, 9, 0), dt.datetime(2024, 1, 5, 9, 0, 30, tzinfo=dt.UTC)],
)
def test_termin_date_refuses_a_naive_time_or_seconds(when):
    with pytest.raises(ValueError):
        termin_date(when)


@responses.activate
def test_an_answer_with_the_vendors_trailing_comma_is_read(client):
    login()
    body = '{ "result": true, "messages": [], "data": { "id": "x1", "status": "Open", "status_code": "1", } }'
    responses.get(BASE + "ident/get/x1", body=body, content_type="application/json")

    assert client.get_ident("x1") == {"id": "x1", "status": "Open", "status_code": "1"}


@responses.activate
def test_an_answer_that_is_not_json_is_a_clear_error(client):
    login()
    responses.get(IDENT_URL, body="<html>maintenance</html>")

    with pytest.raises(ProviderError) as caught:
        client.get_ident(IDENT)

    assert caught.value.code == "NOT_JSON"


@responses.activate
def test_ident_data_projects_and_webhooks_are_read(client):
    login()
    responses.get(BASE + f"ident/getIdentData/{IDENT}", json=fixture("ident_data.json"))
    responses.get(BASE + "project/getAll", json=fixture("projects.json"))
    responses.get(BASE + "webhook/getAll", json=fixture("webhooks.json"))

    assert set(client.get_ident_data(IDENT)) >= {"ident", "identification_pdf", "signed_pdf", "screenshots"}
    assert client.get_projects() == [{"id": "6", "title": "911 Internet GmbH", "status": "Active"}]
    assert [w["status"] for w in client.get_webhooks()] == ["4", "4"]


@responses.activate
def test_one_project_is_asked_for_with_a_json_body_as_in_the_vendors_sample(client):
    login()
    responses.get(
        BASE + "project/get", json=fixture("project.json"), match=[matchers.json_params_matcher({"project_id": 6})]
    )

    assert client.get_project("6")["title"] == "911 Internet GmbH"


@responses.activate
def test_an_ident_id_cannot_leave_its_path_segment(client):
    login()
    route = responses.get(BASE + "ident/get/..%2Fproject%2FgetAll", json={"result": True, "data": {}})

    client.get_ident("../project/getAll")

    assert route.call_count == 1


@responses.activate
def test_a_vendor_error_body_is_shown_as_the_vendor_wrote_it(client):
    login()
    responses.get(
        IDENT_URL, status=404, body='{"result": false, "messages": ["Ident not found"], "response_status": 404,}'
    )

    with pytest.raises(ProviderError) as caught:
        client.get_ident(IDENT)

    assert (caught.value.status, caught.value.code, caught.value.message) == (404, "404", "Ident not found")


@responses.activate
def test_a_download_on_the_api_host_carries_the_token(client):
    login()
    responses.get(
        BASE + "download/xxx/signed.pdf",
        body=b"%PDF-1.4 signed",
        content_type="application/pdf",
        match=[matchers.header_matcher({"X-API-TOKEN": "jwt-1"})],
    )

    assert b"".join(client.download(BASE + "download/xxx/signed.pdf")) == b"%PDF-1.4 signed"


@responses.activate
def test_a_download_elsewhere_never_sees_the_token(client):
    responses.get("https://files.example.net/a.png", body=b"\x89PNG")

    assert b"".join(client.download("https://files.example.net/a.png")) == b"\x89PNG"
    assert "X-API-TOKEN" not in responses.calls[0].request.headers
    assert not any(c.request.url == AUTH for c in responses.calls)


def test_a_plain_http_link_elsewhere_is_refused(client):
    with pytest.raises(ProviderError) as caught:
        list(client.download("http://files.example.net/a.png"))

    assert caught.value.code == "INSECURE_LINK"


@responses.activate
def test_a_json_refusal_instead_of_a_file_is_an_error_with_the_vendors_words(client):
    login()
    responses.get(BASE + "download/x.webm", json={"result": False, "messages": ["File removed"]})

    with pytest.raises(ProviderError, match="File removed"):
        list(client.download(BASE + "download/x.webm"))


@responses.activate
def test_no_token_key_or_personal_value_reaches_the_log(client, caplog):
    caplog.set_level(logging.DEBUG)
    login("jwt-secret-token")
    responses.post(BASE + "ident/create", json=fixture("ident_create.json"))

    client.create_ident({"project_id": "6", "person_last_name": "MUSTERMANN", "email": "erika@example.org"})

    logged = caplog.text + json.dumps([r.args for r in caplog.records], default=str)
    for secret in ("jwt-secret-token", "key-1", "MUSTERMANN", "erika@example.org"):
        assert secret not in logged

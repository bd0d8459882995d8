"""IdentomatProvider: launch link, polling answers, media, delete."""

import datetime as dt

import pytest
import responses

from providers.base import LaunchRequest, MediaKind, MediaRef, ProviderConfig, ProviderError, Status
from providers.identomat.provider import IdentomatProvider

BASE = "https://widget.identomat.example/external-api/"
NOW = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)


def provider(**credentials) -> IdentomatProvider:
    config = ProviderConfig(
        code="identomat",
        base_url=BASE,
        credentials={"company_key": "ck-1", **credentials},
        public_url="https://kyc.example.com",
        max_retries=0,
    )
    return IdentomatProvider(config, clock=lambda: NOW)


@responses.activate
def test_a_launch_returns_the_widget_link_and_the_fifteen_minute_expiry():
    responses.post(BASE + "begin/", json="tok/1+2")

    launched = provider().create_session(LaunchRequest(reference="r", options={"flags": {"liveness": True}}))

    assert launched.external_id == "tok/1+2"
    assert launched.link == "https://widget.identomat.com/?session_token=tok%2F1%2B2"
    assert (launched.status, launched.expires_at) == (Status.CREATED, NOW + dt.timedelta(minutes=15))


@responses.activate
def test_a_launch_from_a_template_begins_with_its_config_id():
    responses.post(BASE + "begin/", json="tok-1")

    provider().create_session(LaunchRequest(reference="r", template_id="cfg-1", options={"flags": {"liveness": True}}))

    assert b'"config_id":"cfg-1"' in responses.calls[0].request.body
    assert b"flags" not in responses.calls[0].request.body


def test_the_widget_host_comes_from_settings_and_a_path_is_taken_on_the_public_url():
    assert provider(widget_url="https://widget.other.example/").widget_url("t") == (
        "https://widget.other.example/?session_token=t"
    )
    assert provider(widget_url="/sandbox/identomat/widget/").widget_url("t") == (
        "https://kyc.example.com/sandbox/identomat/widget/?session_token=t"
    )


@responses.activate
def test_a_result_is_fetched_and_normalized_for_the_token():
    responses.post(BASE + "result/", json={"result": "approved", "live": True, "similarity": 0.8})

    result = provider().fetch_result("tok-1")

    assert (result.external_id, result.status, result.similarity) == ("tok-1", Status.APPROVED, 0.8)


@pytest.mark.parametrize("code", ["SESSION_INVALID", "SESSION_NOT_FOUND"])
@responses.activate
def test_a_token_that_can_no_longer_be_used_is_an_expired_final_result(code):
    responses.post(BASE + "result/", json=code)

    result = provider().fetch_result("tok-1")

    assert (result.status, result.vendor_status, result.final) == (Status.EXPIRED, code, True)
    assert result.reasons[0].code == code


@responses.activate
def test_other_errors_are_raised_for_the_caller_to_retry_or_report():
    responses.post(BASE + "result/", json="COMPANY_KEY_INVALID")

    with pytest.raises(ProviderError, match="company key"):
        provider().fetch_result("tok-1")


@responses.activate
def test_media_are_fetched_through_the_call_named_by_the_reference():
    responses.post(BASE + "result/face-video/", body=b"\x1a\x45\xdf\xa3webm", content_type="video/webm")

    data = b"".join(provider().fetch_media("tok-1", MediaRef(kind=MediaKind.FACE_VIDEO, key="result/face-video/")))

    assert data == b"\x1a\x45\xdf\xa3webm"


@responses.activate
def test_delete_calls_the_vendor_and_a_session_already_gone_counts_as_deleted():
    responses.post(BASE + "delete/", json={"result": "approved"})
    responses.post(BASE + "delete/", json="SESSION_NOT_FOUND", status=404)

    assert provider().delete("tok-1").done
    gone = provider().delete("tok-1")
    assert gone.done and "SESSION_NOT_FOUND" in gone.message


@responses.activate
def test_delete_of_an_invalid_session_is_reported_not_assumed():
    responses.post(BASE + "delete/", json="SESSION_INVALID")

    with pytest.raises(ProviderError) as caught:
        provider().delete("tok-1")

    assert caught.value.code == "SESSION_INVALID"


def test_without_a_base_url_the_documented_one_is_used():
    config = ProviderConfig(code="identomat", base_url="", credentials={"company_key": "k"})

    assert IdentomatProvider(config).client.http.base_url == "https://widget.identomat.com/external-api/"

"""VultProvider over `responses`: launch, the result read, media, erase, health, the VULT extras."""

from __future__ import annotations

import dataclasses
import json

import pytest
from responses import matchers

from providers.base import Capability, LaunchRequest, MediaKind, MediaRef, ProviderError, Status

from .conftest import TOKEN_URL, api, load, token_answer


@pytest.fixture
def authed(mocked):
    mocked.post(TOKEN_URL, json=token_answer())
    return mocked


def bodies(mocked, path: str) -> list[dict]:
    return [json.loads(c.request.body) for c in mocked.calls if c.request.url == api(path)]


def test_it_declares_erase_and_health_among_its_capabilities(provider):
    for capability in (Capability.ANONYMIZE, Capability.DELETE, Capability.HEALTH, Capability.FETCH_RESULT):
        assert provider.supports(capability)
    assert not provider.supports(Capability.POLLING)


def test_a_launch_sends_our_reference_mode_and_webhook_and_returns_the_capture_link(provider, authed):
    authed.post(api("/idv/session/create"), json={"session_id": "sess-1"})

    launched = provider.create_session(LaunchRequest(reference="cust-1", first_name="Jane", options={}))

    assert (launched.external_id, launched.link, launched.status) == (
        "sess-1",
        "https://app.example.com/verify/sess-1",
        Status.CREATED,
    )
    assert bodies(authed, "/idv/session/create") == [
        {
            "metadata": {"reference": "cust-1", "liveness_mode": "passive"},
            "liveness_mode": "passive",
            "webhook_url": "https://kyc.example.com/webhooks/vult/a-long-webhook-token-0123456789/",
        }
    ]


def test_without_a_capture_url_the_link_is_empty(provider, config):
    provider.config = dataclasses.replace(config, credentials={})

    assert provider.capture_link("sess-1") == ""


def test_the_capture_url_may_be_relative_to_the_base_url(provider, config):
    provider.config = dataclasses.replace(config, credentials={"capture_url": "{base_url}p/{session_id}/"})

    assert provider.capture_link("s1") == "https://api.vult.invalid/kyc/p/s1/"


def test_a_launch_answer_without_a_session_id_is_an_error(provider, authed):
    authed.post(api("/idv/session/create"), json={})

    with pytest.raises(ProviderError, match="session_id"):
        provider.create_session(LaunchRequest(reference="cust-1"))


def test_the_result_is_read_from_session_document_tests_and_locations(provider, authed):
    recorded = load("approved.json")
    session_id = recorded["session"]["session_id"]
    authed.post(api("/idv/session/read"), json=recorded["session"])
    authed.post(api("/idv/document/read"), json=recorded["document"])
    authed.post(api("/idv/session/test/read"), json=recorded["tests"])
    for capture_type, location in recorded["locations"].items():
        authed.post(
            api("/idv/session/location/read"),
            json=location,
            match=[_json_has("location_capture_type_e", capture_type)],
        )

    res = provider.fetch_result(session_id)

    assert res.status is Status.APPROVED
    assert res.raw == {**recorded, "locations": recorded["locations"]}
    assert res == provider.normalize(recorded)


def _json_has(key: str, value: str):
    return matchers.json_params_matcher({key: value}, strict_match=False)


def test_before_the_document_is_captured_only_the_session_is_read(provider, authed):
    session = {**load("in_progress.json")["session"], "document_front_given": False}
    authed.post(api("/idv/session/read"), json=session)

    res = provider.fetch_result(session["session_id"])

    assert res.status is Status.IN_PROGRESS
    assert [c.request.url for c in authed.calls if c.request.url != TOKEN_URL] == [api("/idv/session/read")]


def test_a_document_not_there_yet_is_a_404_that_does_not_fail_the_read(provider, authed):
    session = load("in_progress.json")["session"]
    authed.post(api("/idv/session/read"), json=session)
    authed.post(api("/idv/document/read"), status=404, json={"message": "not found"})
    authed.post(api("/idv/session/test/read"), status=404, json={"message": "not found"})
    authed.post(api("/idv/session/location/read"), status=404, json={"message": "not found"})

    res = provider.fetch_result(session["session_id"])

    assert (res.status, res.documents, res.controls) == (Status.IN_PROGRESS, (), ())


def test_other_errors_of_the_extra_reads_are_raised(provider, authed):
    session = load("approved.json")["session"]
    authed.post(api("/idv/session/read"), json=session)
    authed.post(api("/idv/document/read"), status=400, json={"message": "bad"})

    with pytest.raises(ProviderError):
        provider.fetch_result(session["session_id"])


def test_media_are_fetched_by_their_storage_file_type(provider, authed):
    authed.post(api("/idv/document/download"), body=b"\xff\xd8\xff jpeg")

    data = b"".join(provider.fetch_media("s1", MediaRef(kind=MediaKind.SELFIE, key="selfie")))

    assert data == b"\xff\xd8\xff jpeg"
    assert bodies(authed, "/idv/document/download") == [{"session_id": "s1", "storage_file_type_e": "selfie"}]


@pytest.mark.parametrize(("hook", "path"), [("anonymize", "/idv/session/anonymize"), ("delete", "/idv/session/delete")])
def test_erase_calls_vult_and_reports_done(provider, authed, hook, path):
    authed.post(api(path), json={})

    outcome = getattr(provider, hook)("s1")

    assert outcome.done is True
    assert bodies(authed, path) == [{"session_id": "s1"}]


def test_erasing_what_vult_no_longer_has_is_done(provider, authed):
    authed.post(api("/idv/session/delete"), status=404, json={"message": "Session not found"})

    assert provider.delete("s1").done is True


def test_a_refused_erase_is_an_outcome_with_the_vendors_words(provider, authed):
    authed.post(api("/idv/session/anonymize"), status=409, json={"message": "Session is still in progress"})

    outcome = provider.anonymize("s1")

    assert (outcome.done, outcome.message) == (False, "Session is still in progress")


def test_a_failing_erase_is_raised_so_it_is_retried(provider, authed):
    authed.post(api("/idv/session/anonymize"), status=500, json={"message": "oops"})

    with pytest.raises(ProviderError) as caught:
        provider.anonymize("s1")

    assert caught.value.retryable


def test_health_is_the_ping_answering_pong(provider, mocked):
    mocked.get(api("/ping"), json={"pong": True, "timestamp": "2025-03-14T09:00:00Z"})

    assert provider.health() is True


@pytest.mark.parametrize("answer", [{"json": {"pong": False}}, {"status": 500}, {"body": b"down"}])
def test_health_is_false_when_the_ping_is_not_a_pong(provider, mocked, answer):
    mocked.get(api("/ping"), **answer)

    assert provider.health() is False


def test_identities_are_listed_page_by_page(provider, authed, monkeypatch):
    monkeypatch.setattr("providers.vult.provider.PAGE", 2)
    authed.post(api("/identity/list"), json={"identities": [{"identity_id": "i1"}, {"identity_id": "i2"}]})
    authed.post(api("/identity/list"), json={"identities": [{"identity_id": "i3"}]})

    assert [i.identity_id for i in provider.list_identities()] == ["i1", "i2", "i3"]
    assert [(b["take"], b["skip"]) for b in bodies(authed, "/identity/list")] == [(2, 0), (2, 2)]


def test_an_ida_session_is_created_for_an_identity_with_a_capture_link(provider, authed):
    authed.post(api("/ida/session/create"), json={"session_id": "ida-1"})

    launched = provider.create_ida_session("idn_1", reference="cust-1")

    assert (launched.external_id, launched.link) == ("ida-1", "https://app.example.com/verify/ida-1")
    assert bodies(authed, "/ida/session/create") == [
        {
            "identity_id": "idn_1",
            "liveness_mode": "passive",
            "metadata": {"reference": "cust-1", "liveness_mode": "passive"},
        }
    ]


def test_our_endpoint_is_registered_with_its_secret_path(provider, authed):
    authed.post(api("/webhook/create"), json={})

    url = provider.register_webhook("kycdesk")

    assert url == "https://kyc.example.com/webhooks/vult/a-long-webhook-token-0123456789/"
    assert bodies(authed, "/webhook/create") == [{"name": "kycdesk", "url": url}]


def test_requirements_and_weights_are_read_as_plain_values(provider, authed):
    authed.get(
        api("/idv/requirements"),
        json={"requirements": [{"type_e": "passport", "data_source_e": "mrz", "first_name_required": True}]},
    )
    authed.get(api("/idv/weights"), json={"age_weight": 0.5})

    (requirement,) = provider.requirements("passport")
    assert (requirement.type_e, requirement.required["first_name_required"]) == ("passport", True)
    assert requirement.required["height_required"] is None
    assert provider.weights()["age_weight"] == 0.5

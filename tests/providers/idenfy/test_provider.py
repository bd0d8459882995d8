import datetime as dt
import json

import pytest
import responses
from responses import matchers

from providers.base import LaunchRequest, MediaKind, MediaRef, ProviderError, Status, WebhookNotice
from providers.idenfy import webhooks

from .conftest import REVIEWED_STATUS as STATUS
from .conftest import SCAN, SIGNING_KEY, load, raw

NOW = dt.datetime(2024, 3, 12, 10, 30, tzinfo=dt.UTC)
FRESH = {"FRONT": "https://files.example/FRONT.png?fresh", "FACE": "https://files.example/FACE.png?fresh"}


@pytest.fixture
def idenfy(provider):
    provider.clock = lambda: NOW
    return provider


def pulls(api, status=STATUS, data=None, files=FRESH):
    responses.post(f"{api}/api/v2/status", json=status, match=[matchers.json_params_matcher({"scanRef": SCAN})])
    responses.post(f"{api}/api/v2/data", json=data if data is not None else load("approved.json")["data"])
    responses.post(f"{api}/api/v2/files", json=files)


# --- launch ----------------------------------------------------------------------------------
@responses.activate
def test_a_launch_sends_client_id_person_and_options_and_returns_the_redirect_link(idenfy, api):
    responses.post(
        f"{api}/api/v2/token",
        status=201,
        json={
            "authToken": "AUTH123",
            "scanRef": SCAN,
            "clientId": "KYC-000123",
            "expiryTime": 600,
            "digitString": None,
        },
        match=[
            matchers.json_params_matcher(
                {
                    "clientId": "KYC-000123",
                    "firstName": "Jonas",
                    "lastName": "Jonaitis",
                    "dateOfBirth": "1980-01-01",
                    "nationality": "lt",
                    "locale": "lt",
                    "expiryTime": 600,
                }
            )
        ],
    )
    request = LaunchRequest(
        reference="KYC-000123",
        first_name="Jonas",
        last_name="Jonaitis",
        birth_date=dt.date(1980, 1, 1),
        nationality="LT",
        options={"locale": "lt", "expiryTime": 600},
    )

    launched = idenfy.create_session(request)

    assert launched.external_id == SCAN
    assert launched.link == f"{api}/api/v2/redirect?authToken=AUTH123"
    assert (launched.status, launched.vendor_status) == (Status.CREATED, "ACTIVE")
    assert launched.expires_at == NOW + dt.timedelta(seconds=600)
    assert "authToken" not in launched.raw and launched.raw["scanRef"] == SCAN


@responses.activate
def test_a_launch_without_an_expiry_echo_expires_after_idenfys_default_day(idenfy, api):
    responses.post(f"{api}/api/v2/token", status=201, json={"authToken": "A", "scanRef": SCAN})

    launched = idenfy.create_session(LaunchRequest(reference="KYC-000123"))

    assert launched.expires_at == NOW + dt.timedelta(days=1)


@responses.activate
def test_a_refused_launch_raises_with_idenfys_message(idenfy, api):
    responses.post(
        f"{api}/api/v2/token", status=400, json={"identifier": "VALIDATION_ERROR", "message": "Invalid locale."}
    )

    with pytest.raises(ProviderError, match="Invalid locale"):
        idenfy.create_session(LaunchRequest(reference="KYC-000123"))


# --- results ---------------------------------------------------------------------------------
@responses.activate
def test_fetch_result_pulls_status_data_and_fresh_links(idenfy, api):
    pulls(api)

    result = idenfy.fetch_result(SCAN)

    assert (result.status, result.final, result.observed_at) == (Status.APPROVED, True, NOW)
    assert result.person.last_name == "JONAITIS"
    assert {m.key: m.url for m in result.media if m.url} == FRESH
    assert [c.request.url.rsplit("/", 1)[1] for c in responses.calls] == ["status", "data", "files"]


@responses.activate
@pytest.mark.parametrize("overall", ["ACTIVE", "EXPIRED"])
def test_an_unused_token_is_read_from_status_alone(idenfy, api, overall):
    responses.post(f"{api}/api/v2/status", json={"status": overall, "scanRef": SCAN})

    result = idenfy.fetch_result(SCAN)

    assert result.vendor_status == overall
    assert len(responses.calls) == 1


@responses.activate
def test_an_unreadable_pull_is_a_provider_error_not_a_crash(idenfy, api):
    responses.post(f"{api}/api/v2/status", json={"status": "SOMETHING", "scanRef": SCAN})
    responses.post(f"{api}/api/v2/data", json={})
    responses.post(f"{api}/api/v2/files", json={})

    with pytest.raises(ProviderError, match="unknown iDenfy overall status"):
        idenfy.fetch_result(SCAN)


def notice_for(name, event, **changes):
    body = json.dumps({**load(name), **changes}).encode() if changes else raw(name)
    (notice,) = webhooks.parse({"idenfy-signature": webhooks.sign(body, SIGNING_KEY), "idenfy-event-type": event}, body)
    return notice


@responses.activate
def test_a_signed_webhook_is_confirmed_by_the_pull_and_keeps_its_aml_and_times(idenfy, api):
    pulls(api)

    result = idenfy.fetch_result_after(notice_for("auto_then_manual_auto.json", "IDENTIFICATION_AUTO_FINISHED"))

    assert (result.status, result.final) == (Status.APPROVED, True)  # the pull: reviewed meanwhile
    assert [s.title for s in result.sections] == ["iDenfy session", "AML: PilotApiAmlV2", "LID: IrdInvalidPapers"]
    assert result.completed_at == dt.datetime(2024, 3, 12, 10, 21, 9, tzinfo=dt.UTC)


@responses.activate
def test_a_final_automatic_webhook_makes_the_matching_pull_final(idenfy, api):
    pulls(api, status={**STATUS, "manualDocument": None, "manualFace": None, "autoFace": "FACE_MATCH"})

    result = idenfy.fetch_result_after(notice_for("approved.json", "IDENTIFICATION_AUTO_FINISHED", scanRef=SCAN))

    assert (result.status, result.final) == (Status.APPROVED, True)


@responses.activate
def test_a_cancellation_stands_while_the_pull_shows_the_same_state(idenfy, api):
    responses.post(f"{api}/api/v2/status", json={"status": "DENIED", "scanRef": SCAN})
    responses.post(f"{api}/api/v2/data", json={})
    responses.post(f"{api}/api/v2/files", json={})

    result = idenfy.fetch_result_after(notice_for("cancelled.json", "IDENTIFICATION_CANCELLED"))

    assert (result.status, result.vendor_status) == (Status.CANCELLED, "DENIED")


def test_a_document_expiration_notice_calls_nothing_and_changes_no_result(idenfy):
    assert idenfy.fetch_result_after(notice_for("document_expiration.json", "DOCUMENT_EXPIRATION")) is None


@responses.activate
def test_an_unknown_event_is_a_hint_the_pull_answers(idenfy, api):
    pulls(api)

    result = idenfy.fetch_result_after(WebhookNotice(external_id=SCAN, event_type="SOMETHING_NEW"))

    assert result.status == Status.APPROVED


# --- media -----------------------------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 100


@responses.activate
def test_a_file_is_streamed_from_its_link(idenfy):
    responses.get("https://files.example/FRONT.png?old", body=PNG)

    data = b"".join(
        idenfy.fetch_media(SCAN, MediaRef(MediaKind.DOCUMENT_FRONT, "FRONT", url="https://files.example/FRONT.png?old"))
    )

    assert data == PNG


@responses.activate
@pytest.mark.parametrize("expired", [403, 404, 410])
def test_an_expired_link_is_replaced_by_a_fresh_one_from_files(idenfy, api, expired):
    responses.get("https://files.example/FRONT.png?old", status=expired, body=b"<Error>Request has expired</Error>")
    responses.post(f"{api}/api/v2/files", json=FRESH, match=[matchers.json_params_matcher({"scanRef": SCAN})])
    responses.get(FRESH["FRONT"], body=PNG)

    ref = MediaRef(MediaKind.DOCUMENT_FRONT, "FRONT", url="https://files.example/FRONT.png?old")

    assert b"".join(idenfy.fetch_media(SCAN, ref)) == PNG


@responses.activate
def test_a_file_idenfy_no_longer_lists_fails_with_a_clear_message(idenfy, api):
    responses.get("https://files.example/BACK.png?old", status=403)
    responses.post(f"{api}/api/v2/files", json=FRESH)

    with pytest.raises(ProviderError, match="no longer lists the file BACK"):
        b"".join(
            idenfy.fetch_media(
                SCAN, MediaRef(MediaKind.DOCUMENT_BACK, "BACK", url="https://files.example/BACK.png?old")
            )
        )


@responses.activate
def test_a_server_error_on_a_link_is_not_mistaken_for_expiry(idenfy):
    responses.get("https://files.example/FRONT.png?old", status=500)

    with pytest.raises(ProviderError) as error:
        b"".join(
            idenfy.fetch_media(
                SCAN, MediaRef(MediaKind.DOCUMENT_FRONT, "FRONT", url="https://files.example/FRONT.png?old")
            )
        )

    assert error.value.status == 500


@responses.activate
def test_the_report_pdf_comes_from_generate_pdf(idenfy, api):
    import base64

    pdf = b"%PDF-1.4\n%%EOF\n"
    responses.post(f"{api}/api/v2/generate-pdf", body=base64.b64encode(pdf))

    assert b"".join(idenfy.fetch_media(SCAN, MediaRef(MediaKind.REPORT_PDF, "REPORT_PDF"))) == pdf


# --- delete ----------------------------------------------------------------------------------
@responses.activate
def test_delete_is_done_when_idenfy_answers_200(idenfy, api):
    responses.post(f"{api}/api/v2/delete", body="")

    outcome = idenfy.delete(SCAN)

    assert (outcome.done, outcome.message) == (True, "Deleted at iDenfy.")


@responses.activate
def test_token_not_expired_is_an_outcome_in_idenfys_words_not_an_exception(idenfy, api):
    responses.post(
        f"{api}/api/v2/delete",
        status=400,
        json={"identifier": "PARTNER_ERROR", "message": "Token has not expired yet."},
    )

    outcome = idenfy.delete(SCAN)

    assert (outcome.done, outcome.message) == (False, "Token has not expired yet.")


@responses.activate
def test_other_delete_failures_raise(idenfy, api):
    responses.post(f"{api}/api/v2/delete", status=401, json={"identifier": "UNAUTHORIZED", "message": "Bad key"})

    with pytest.raises(ProviderError, match="Bad key"):
        idenfy.delete(SCAN)

import base64
import json

import pytest
import responses
from responses import matchers

from providers.base import ProviderError
from providers.idenfy.client import IdenfyClient, decode_pdf
from providers.registry import config_for

TOKEN_ANSWER = {
    "message": "Token created successfully",
    "authToken": "pgYQX0z2T8mtcpNj9I20uWVCLKNuG0vgr12f0wAC",
    "scanRef": "ec6a7108-8c26-11e9-9758-309c231b1bac",
    "clientId": "KYC-000123",
    "expiryTime": 86400,
}
BASIC = "Basic " + base64.b64encode(b"sandbox-idenfy-api_key:sandbox-idenfy-api_secret").decode()


@pytest.fixture
def client(settings):
    config = config_for("idenfy", settings.KYCDESK_VENDORS["idenfy"], max_retries=2)
    made = IdenfyClient(config)
    made.http.sleep = lambda seconds: None
    return made


@responses.activate
def test_creating_a_token_sends_basic_auth_and_the_json_body_and_reads_the_201(client, api):
    responses.post(
        f"{api}/api/v2/token",
        json=TOKEN_ANSWER,
        status=201,
        match=[
            matchers.header_matcher({"Authorization": BASIC, "Content-Type": "application/json"}),
            matchers.json_params_matcher({"clientId": "KYC-000123", "firstName": "JONAS"}),
        ],
    )

    answer = client.create_token({"clientId": "KYC-000123", "firstName": "JONAS"})

    assert answer["scanRef"] == TOKEN_ANSWER["scanRef"]


@responses.activate
@pytest.mark.parametrize("status", [429, 500, 503])
def test_creating_a_token_is_never_retried(client, api, status):
    responses.post(
        f"{api}/api/v2/token", json={"identifier": "TOO_MANY_REQUESTS", "message": "Slow down."}, status=status
    )

    with pytest.raises(ProviderError):
        client.create_token({"clientId": "KYC-000123"})
    assert len(responses.calls) == 1


@responses.activate
def test_the_error_shape_identifier_and_message_reaches_staff_as_it_came(client, api):
    responses.post(
        f"{api}/api/v2/token",
        json={
            "identifier": "BAD_VALUE",
            "message": "clientId: Ensure this field has no more than 100 characters.",
            "documentation": "https://documentation.idenfy.com/",
            "severity": "ERROR",
        },
        status=400,
    )

    with pytest.raises(ProviderError) as error:
        client.create_token({"clientId": "x" * 101})

    assert (error.value.status, error.value.code, error.value.retryable) == (400, "BAD_VALUE", False)
    assert error.value.message == "clientId: Ensure this field has no more than 100 characters."


@responses.activate
def test_a_wrong_key_is_unauthorized_at_once_basic_auth_cannot_be_refreshed(client, api):
    responses.post(f"{api}/api/v2/status", json={"identifier": "UNAUTHORIZED", "message": "Bad key."}, status=401)

    with pytest.raises(ProviderError) as error:
        client.status("s1")

    assert (error.value.code, len(responses.calls)) == ("UNAUTHORIZED", 1)


@responses.activate
def test_reads_are_retried_on_the_rate_limit_and_honour_retry_after(client, api):
    responses.post(
        f"{api}/api/v2/status",
        json={"identifier": "TOO_MANY_REQUESTS", "message": "Rate limit."},
        status=429,
        headers={"Retry-After": "2"},
    )
    responses.post(f"{api}/api/v2/status", json={"status": "APPROVED", "scanRef": "s1"})
    waits = []
    client.http.sleep = waits.append

    assert client.status("s1")["status"] == "APPROVED"
    assert waits == [2.0]


@responses.activate
def test_the_rate_limit_that_outlasts_the_retries_is_a_retryable_error(client, api):
    responses.post(f"{api}/api/v2/data", json={"identifier": "TOO_MANY_REQUESTS", "message": "Rate limit."}, status=429)

    with pytest.raises(ProviderError) as error:
        client.data("s1")

    assert (error.value.code, error.value.retryable, len(responses.calls)) == ("TOO_MANY_REQUESTS", True, 3)


@responses.activate
@pytest.mark.parametrize("method", ["status", "data", "files"])
def test_status_data_and_files_post_the_scan_ref(client, api, method):
    responses.post(
        f"{api}/api/v2/{method}", json={"ok": method}, match=[matchers.json_params_matcher({"scanRef": "s1"})]
    )

    assert getattr(client, method)("s1") == {"ok": method}


@responses.activate
def test_an_answer_that_is_not_json_is_a_provider_error(client, api):
    responses.post(f"{api}/api/v2/status", body="<html>gateway</html>", content_type="text/html")

    with pytest.raises(ProviderError, match="not JSON"):
        client.status("s1")


@responses.activate
def test_delete_posts_the_scan_ref_and_accepts_an_empty_200(client, api):
    responses.post(f"{api}/api/v2/delete", body="", match=[matchers.json_params_matcher({"scanRef": "s1"})])

    client.delete("s1")


@responses.activate
def test_delete_refused_while_the_token_is_valid_keeps_idenfys_words(client, api):
    responses.post(
        f"{api}/api/v2/delete",
        json={"identifier": "PARTNER_ERROR", "message": "Token has not expired yet."},
        status=400,
    )

    with pytest.raises(ProviderError) as error:
        client.delete("s1")

    assert (error.value.code, error.value.message) == ("PARTNER_ERROR", "Token has not expired yet.")


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@responses.activate
@pytest.mark.parametrize(
    "body",
    [
        base64.b64encode(PDF),
        json.dumps(base64.b64encode(PDF).decode()).encode(),
        json.dumps({"pdf": base64.b64encode(PDF).decode()}).encode(),
    ],
)
def test_the_report_pdf_is_decoded_from_base64(client, api, body):
    responses.post(f"{api}/api/v2/generate-pdf", body=body, match=[matchers.json_params_matcher({"scanRef": "s1"})])

    assert client.generate_pdf("s1") == PDF


def test_a_report_that_is_not_a_pdf_is_refused():
    with pytest.raises(ProviderError, match="not a Base64 PDF"):
        decode_pdf(base64.b64encode(b"<html>"))


def test_the_persons_link_is_the_redirect_on_the_api_host(client, api):
    assert client.redirect_url("tok/en+1") == f"{api}/api/v2/redirect?authToken=tok%2Fen%2B1"


@responses.activate
def test_file_links_are_fetched_without_our_credentials(client):
    url = "https://s3.example/FRONT.png?Signature=abc"
    responses.get(url, body=b"\x89PNG\r\n\x1a\nrest")

    response = client.download(url)

    assert response.content.startswith(b"\x89PNG")
    assert "Authorization" not in responses.calls[0].request.headers

"""IdentomatClient against mocked HTTP: bodies, bare-string answers, HMAC both ways, media."""

import base64
import hashlib
import hmac
import json

import pytest
import responses

from providers.base import ProviderError
from providers.identomat.client import IdentomatClient, header_signature, sign

BASE = "https://widget.identomat.example/external-api/"
SECRET = "s3cret-key"


def client(secret: str = "") -> IdentomatClient:
    return IdentomatClient(company_key="ck-1", secret_key=secret, base_url=BASE, sleep=lambda _: None)


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": f'signature="{sign(secret, body)}"'}


def sent_json(call) -> dict:
    return json.loads(call.request.body)


# --- requests ------------------------------------------------------------------------------
@responses.activate
def test_begin_sends_the_company_key_flags_and_steps_and_returns_the_bare_token():
    responses.post(BASE + "begin/", json="tok-123")
    steps = [{"type": "user-questionnaire", "key": "employment", "questions": []}]

    token = client().begin(flags={"liveness": True}, steps=steps)

    assert token == "tok-123"
    assert sent_json(responses.calls[0]) == {"company_key": "ck-1", "flags": {"liveness": True}, "steps": steps}
    assert "Authorization" not in responses.calls[0].request.headers


@responses.activate
def test_begin_from_a_config_id_sends_no_flags():
    responses.post(BASE + "begin/", json="tok-9")

    client().begin(config_id="cfg-1", parent_session_id="tok-parent")

    assert sent_json(responses.calls[0]) == {
        "company_key": "ck-1",
        "config_id": "cfg-1",
        "parent_session_id": "tok-parent",
    }


@responses.activate
def test_begin_is_never_repeated_automatically_because_a_session_may_be_billed():
    responses.post(BASE + "begin/", status=503, json="BUSY")

    with pytest.raises(ProviderError) as caught:
        client().begin(flags={})

    assert len(responses.calls) == 1
    assert caught.value.retryable


@responses.activate
def test_result_and_delete_post_the_session_token():
    responses.post(BASE + "result/", json={"result": "approved"})
    responses.post(BASE + "delete/", json={"result": "approved"})

    assert client().result("tok-1") == {"result": "approved"}
    client().delete("tok-1")

    assert [sent_json(c) for c in responses.calls] == [{"company_key": "ck-1", "session_token": "tok-1"}] * 2


# --- bare-string errors --------------------------------------------------------------------
@pytest.mark.parametrize("status", [200, 400, 403])
@responses.activate
def test_a_bare_string_code_is_an_error_with_that_code_whatever_the_http_status(status):
    responses.post(BASE + "result/", json="COMPANY_KEY_INVALID", status=status)

    with pytest.raises(ProviderError) as caught:
        client().result("tok-1")

    assert caught.value.code == "COMPANY_KEY_INVALID"
    assert "company key" in caught.value.message
    assert not caught.value.retryable


@responses.activate
def test_an_unknown_code_is_reported_as_it_came():
    responses.post(BASE + "begin/", json="FLAGS_INVALID")

    with pytest.raises(ProviderError) as caught:
        client().begin(flags={})

    assert (caught.value.code, caught.value.message) == ("FLAGS_INVALID", "Identomat answered FLAGS_INVALID.")


@responses.activate
def test_a_lower_case_token_is_not_mistaken_for_an_error():
    responses.post(BASE + "begin/", json="6f1c2a9e0b_d41d8cd98f")

    assert client().begin(flags={}) == "6f1c2a9e0b_d41d8cd98f"


@responses.activate
def test_a_result_that_is_not_a_document_is_refused():
    responses.post(BASE + "result/", json=["unexpected"])

    with pytest.raises(ProviderError, match="did not answer a JSON document"):
        client().result("tok-1")


# --- HMAC ----------------------------------------------------------------------------------
@responses.activate
def test_with_a_secret_every_request_is_signed_over_its_exact_body():
    body = json.dumps("tok-1").encode()
    responses.post(BASE + "begin/", body=body, headers=signed(body), content_type="application/json")

    client(SECRET).begin(flags={"language": "ka"})

    request = responses.calls[0].request
    expected = base64.b64encode(hmac.new(SECRET.encode(), request.body, hashlib.sha256).digest()).decode()
    assert request.headers["Authorization"] == f'signature="{expected}"'


@responses.activate
def test_with_a_secret_a_correctly_signed_response_is_accepted():
    body = json.dumps({"result": "approved", "similarity": 0.9}).encode()
    responses.post(BASE + "result/", body=body, headers=signed(body), content_type="application/json")

    assert client(SECRET).result("tok-1")["similarity"] == 0.9


@responses.activate
def test_with_a_secret_an_unsigned_response_is_refused():
    responses.post(BASE + "result/", json={"result": "approved"})

    with pytest.raises(ProviderError) as caught:
        client(SECRET).result("tok-1")

    assert caught.value.code == "SIGNATURE_MISSING"


@responses.activate
def test_with_a_secret_a_tampered_response_is_refused():
    original = json.dumps({"result": "rejected"}).encode()
    tampered = json.dumps({"result": "approved"}).encode()
    responses.post(BASE + "result/", body=tampered, headers=signed(original), content_type="application/json")

    with pytest.raises(ProviderError) as caught:
        client(SECRET).result("tok-1")

    assert caught.value.code == "SIGNATURE_INVALID"
    assert "refused" in caught.value.message


@responses.activate
def test_a_response_signed_with_another_secret_is_refused():
    body = json.dumps("tok-1").encode()
    responses.post(BASE + "begin/", body=body, headers=signed(body, "other"), content_type="application/json")

    with pytest.raises(ProviderError, match="does not match"):
        client(SECRET).begin(flags={})


@responses.activate
def test_with_a_secret_an_error_code_is_reported_although_failed_answers_are_unsigned():
    responses.post(BASE + "result/", json="SESSION_NOT_FOUND", status=404)

    with pytest.raises(ProviderError) as caught:
        client(SECRET).result("tok-1")

    assert caught.value.code == "SESSION_NOT_FOUND"


@responses.activate
def test_without_a_secret_a_signature_header_is_ignored():
    responses.post(BASE + "result/", json={"result": "approved"}, headers={"Authorization": 'signature="junk"'})

    assert client().result("tok-1") == {"result": "approved"}


def test_the_signature_header_is_read_only_in_its_documented_shape():
    assert header_signature('signature="abc+/="') == "abc+/="
    assert header_signature("Bearer abc") == ""
    assert header_signature(None) == ""


# --- media ---------------------------------------------------------------------------------
JPEG = b"\xff\xd8\xff\xe0" + b"x" * 200_000


@responses.activate
def test_a_media_call_streams_the_raw_bytes():
    responses.post(BASE + "result/card-front/", body=JPEG, content_type="image/jpeg")

    chunks = list(client().media("result/card-front/", "tok-1"))

    assert b"".join(chunks) == JPEG
    assert len(chunks) > 1
    assert sent_json(responses.calls[0]) == {"company_key": "ck-1", "session_token": "tok-1"}


@responses.activate
def test_a_json_answer_from_a_media_call_is_an_error():
    responses.post(BASE + "result/passport/", json="SESSION_INVALID")

    with pytest.raises(ProviderError) as caught:
        list(client().media("result/passport/", "tok-1"))

    assert caught.value.code == "SESSION_INVALID"


@responses.activate
def test_a_json_object_from_a_media_call_says_there_is_no_file():
    responses.post(BASE + "result/face-video/", body=b'{"error": "no video"}', content_type="text/plain")

    with pytest.raises(ProviderError) as caught:
        list(client().media("result/face-video/", "tok-1"))

    assert caught.value.code == "NOT_A_FILE"


@responses.activate
def test_with_a_secret_a_signed_file_is_accepted_and_a_tampered_one_raises_at_its_end():
    responses.post(BASE + "result/face/", body=JPEG, headers=signed(JPEG), content_type="image/jpeg")
    responses.post(BASE + "result/face/", body=JPEG + b"!", headers=signed(JPEG), content_type="image/jpeg")

    assert b"".join(client(SECRET).media("result/face/", "tok-1")) == JPEG
    received = []
    with pytest.raises(ProviderError) as caught:
        for chunk in client(SECRET).media("result/face/", "tok-1"):
            received.append(chunk)

    assert caught.value.code == "SIGNATURE_INVALID"
    assert b"".join(received) == JPEG + b"!"  # streamed, then refused before the caller keeps it


def test_only_the_documented_media_calls_are_made():
    with pytest.raises(ProviderError, match="Unknown Identomat media call"):
        list(client().media("result/../begin/", "tok-1"))

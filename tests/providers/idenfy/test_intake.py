"""iDenfy deliveries through kycdesk's endpoint: stored, verified, confirmed by the pull, applied,
media downloaded (iDenfy's API mocked with `responses`; the sandbox tests run the real thing)."""

import base64
import json

import pytest
import responses

from kycdesk.models import Identity, Media, SessionEvent, VerificationSession, WebhookDelivery
from providers.idenfy.webhooks import sign

from .conftest import REVIEWED_STATUS as REVIEWED
from .conftest import SCAN, SIGNING_KEY, load

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/webhooks/idenfy/"
AUTO, MANUAL = "IDENTIFICATION_AUTO_FINISHED", "IDENTIFICATION_MANUAL_FINISHED"
PNG = b"\x89PNG\r\n\x1a\n" + b"p" * 64
PDF = b"%PDF-1.4\n%%EOF\n"
UNREVIEWED = {**REVIEWED, "status": "DENIED", "manualDocument": None, "manualFace": None}


@pytest.fixture
def session(db):
    identity = Identity.objects.create(reference="KYC-000123")
    return VerificationSession.objects.create(vendor="idenfy", external_id=SCAN, identity=identity, status="created")


@pytest.fixture
def idenfy(api, private_media):
    """iDenfy's API as it stands; tests set ``idenfy.state`` to what /status answers."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.state = dict(UNREVIEWED)
        files = {k: f"https://files.example/{k}?fresh" for k in ("FRONT", "BACK", "FACE")}
        mocked.add_callback(
            responses.POST, f"{api}/api/v2/status", callback=lambda r: (200, {}, json.dumps(mocked.state))
        )
        mocked.post(f"{api}/api/v2/data", json=load("approved.json")["data"])
        mocked.post(f"{api}/api/v2/files", json=files)
        mocked.post(f"{api}/api/v2/generate-pdf", body=base64.b64encode(PDF))
        for url in files.values():
            mocked.get(url, body=PNG)
        yield mocked


def post(client, body: bytes, event: str = AUTO, signature: str | None = None):
    headers = {"HTTP_IDENFY_EVENT_TYPE": event}
    if signature is not False:
        headers["HTTP_IDENFY_SIGNATURE"] = sign(body, SIGNING_KEY) if signature is None else signature
    return client.post(URL, data=body, content_type="application/json", **headers)


def body_of(name: str) -> bytes:
    return json.dumps(load(name)).encode()


def calls_to(mocked, path: str) -> int:
    return sum(1 for c in mocked.calls if c.request.url.endswith(path))


def test_an_automatic_then_a_manual_webhook_end_in_the_reviewed_result_with_media(client, session, idenfy):
    first = post(client, body_of("auto_then_manual_auto.json"))
    session.refresh_from_db()

    assert first.status_code == 200
    assert (session.status, session.vendor_status, session.vendor_final) == ("rejected", "DENIED", False)
    assert {r["code"] for r in session.reasons} == {"FACE_UNCERTAIN"}
    assert set(Media.objects.filter(session=session).values_list("source_key", "state")) == {
        ("FRONT", "stored"),
        ("BACK", "stored"),
        ("FACE", "stored"),
    }

    idenfy.state = dict(REVIEWED)
    second = post(client, body_of("auto_then_manual_manual.json"), MANUAL)
    session.refresh_from_db()

    assert second.status_code == 200
    assert (session.status, session.vendor_status, session.vendor_final) == ("approved", "APPROVED", True)
    assert session.reasons == []
    assert [s["title"] for s in session.sections] == ["iDenfy session", "AML: PilotApiAmlV2", "LID: IrdInvalidPapers"]
    controls = dict(session.controls.values_list("name", "passed"))
    assert controls == {
        "Document (automatic)": True,
        "Face (automatic)": False,
        "Document (manual review)": True,
        "Face (manual review)": True,
    }
    report = Media.objects.get(session=session, kind="report_pdf")
    assert (report.state, report.content_type) == ("stored", "application/pdf")
    assert calls_to(idenfy, "/FRONT?fresh") == 1  # stored once, never fetched again


@pytest.mark.parametrize("signature", [False, "", "0" * 64, sign(b"another body", SIGNING_KEY)])
def test_a_missing_or_bad_signature_gets_401_is_stored_as_refused_and_applies_nothing(
    client, session, idenfy, signature
):
    response = post(client, body_of("approved.json"), signature=signature)

    delivery = WebhookDelivery.objects.get()
    session.refresh_from_db()
    assert response.status_code == 401
    assert (delivery.verdict, delivery.state) == ("refused", "ignored")
    assert session.status == "created"
    assert len(idenfy.calls) == 0


def test_the_same_delivery_twice_is_answered_twice_and_applied_once(client, session, idenfy):
    body = body_of("auto_then_manual_auto.json")

    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 200

    states = list(WebhookDelivery.objects.order_by("pk").values_list("state", flat=True))
    assert states == ["done", "duplicate"]
    assert SessionEvent.objects.filter(session=session, kind="result").count() == 1
    assert calls_to(idenfy, "/api/v2/status") == 1


def test_a_manual_result_arriving_before_the_automatic_one_is_not_undone(client, session, idenfy):
    idenfy.state = dict(REVIEWED)

    post(client, body_of("auto_then_manual_manual.json"), MANUAL)
    late = post(client, body_of("auto_then_manual_auto.json"), AUTO)
    session.refresh_from_db()

    assert late.status_code == 200
    assert (session.status, session.vendor_final) == ("approved", True)
    assert SessionEvent.objects.filter(session=session, kind="result").count() == 1
    assert WebhookDelivery.objects.order_by("-pk").first().state == "done"


def test_malformed_json_with_a_good_signature_is_stored_answered_and_failed(client, session, idenfy):
    response = post(client, b'{"scanRef": "' + SCAN.encode() + b'", "final": tru')

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 200
    assert (delivery.verdict, delivery.state) == ("accepted", "failed")
    assert delivery.last_error.startswith("Malformed payload: not JSON")
    assert len(idenfy.calls) == 0


def test_an_unknown_event_type_is_stored_and_answered_and_only_the_pull_is_believed(client, session, idenfy):
    response = post(client, body_of("auto_then_manual_auto.json"), "IDENTIFICATION_SOMETHING_NEW")

    delivery = WebhookDelivery.objects.get()
    session.refresh_from_db()
    assert response.status_code == 200
    assert (delivery.state, delivery.event_type) == ("done", "IDENTIFICATION_SOMETHING_NEW")
    assert session.status == "rejected"  # what /status says


def test_a_document_expiration_notice_is_stored_against_its_session_and_calls_nothing(client, idenfy, db):
    identity = Identity.objects.create(reference="KYC-000123")
    session = VerificationSession.objects.create(
        vendor="idenfy", external_id="5a4b1c3e-e0f1-11ee-9c1d-02a8c4f0b2d1", identity=identity, status="approved"
    )

    response = post(client, body_of("document_expiration.json"), "DOCUMENT_EXPIRATION")

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 200
    assert (delivery.state, delivery.event_type, delivery.session_id) == ("done", "DOCUMENT_EXPIRATION", session.pk)
    assert len(idenfy.calls) == 0


def test_a_delivery_for_a_verification_we_do_not_know_is_ignored_without_a_pull(client, idenfy, db):
    response = post(client, body_of("approved.json"))

    assert response.status_code == 200
    assert WebhookDelivery.objects.get().state == "ignored"
    assert len(idenfy.calls) == 0


def test_an_expired_file_link_is_refreshed_from_files(client, session, idenfy, api):
    # The pull hands out a link that has expired by the time it is used; /files then gives a new one.
    idenfy.replace(responses.POST, f"{api}/api/v2/files", json={"FRONT": "https://files.example/FRONT?fresh"})
    idenfy.post(f"{api}/api/v2/files", json={"FRONT": "https://files.example/FRONT?again"})
    idenfy.replace(responses.GET, "https://files.example/FRONT?fresh", status=403, body=b"Request has expired")
    idenfy.get("https://files.example/FRONT?again", body=PNG)

    post(client, body_of("auto_then_manual_auto.json"))

    front = Media.objects.get(session=session, source_key="FRONT")
    assert (front.state, front.sha256 != "") == ("stored", True)
    assert (calls_to(idenfy, "/FRONT?fresh"), calls_to(idenfy, "/api/v2/files"), calls_to(idenfy, "/FRONT?again")) == (
        1,
        2,
        1,
    )

"""The whole iDenfy flow over real HTTP: the real client against the simulator on the live server,
the person's page, signed webhooks back to our endpoint, pulls, media, delete."""

import datetime as dt
import json

import pytest
import requests
import time_machine
from django.utils import timezone

from kycdesk.models import Media, SessionEvent, VerificationSession, WebhookDelivery
from kycdesk.services import media as media_service
from kycdesk.services.launch import launch_session
from kycdesk.services.vendors import get_provider
from providers.base import LaunchRequest, ProviderError
from providers.idenfy.webhooks import sign
from providers.sandbox import faults, outbound
from providers.sandbox.models import SimWebhook
from providers.sandbox.testing import finish

from .conftest import SIGNING_KEY

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

AUTO, MANUAL = "IDENTIFICATION_AUTO_FINISHED", "IDENTIFICATION_MANUAL_FINISHED"


@pytest.fixture
def live(sandbox_live, private_media):
    return sandbox_live


def launch(reference="KYC-LIVE-1", **options) -> VerificationSession:
    request = LaunchRequest(
        reference=reference,
        first_name="Jonas",
        last_name="Jonaitis",
        birth_date=dt.date(1980, 1, 1),
        nationality="LT",
        options=options,
    )
    return launch_session(vendor="idenfy", request=request, user=None)


def hooks() -> list[SimWebhook]:
    return list(SimWebhook.objects.filter(vendor="idenfy").order_by("pk"))


def results_applied(session) -> list[str]:
    return list(
        SessionEvent.objects.filter(session=session, kind="result").order_by("pk").values_list("summary", flat=True)
    )


def post_webhook(live, body: bytes, event: str = AUTO, signature: str | None = None) -> requests.Response:
    headers = {"Content-Type": "application/json", "Idenfy-Event-Type": event}
    if signature is not None:
        headers["Idenfy-Signature"] = signature
    return requests.post(f"{live.url}/webhooks/idenfy/", data=body, headers=headers, timeout=10)


def test_launch_finish_auto_then_manual_webhook_media_stored_then_delete(live):
    session = launch()
    assert session.link.startswith(f"{live.url}/sandbox/idenfy/api/v2/redirect?authToken=")
    assert (session.status, session.vendor_status, session.expires_at is not None) == ("created", "ACTIVE", True)

    page = finish(session.link, "review_approve")

    assert page.status_code == 200
    sent = hooks()
    assert [(h.headers["Idenfy-Event-Type"], json.loads(bytes(h.body))["final"]) for h in sent] == [
        (AUTO, False),
        (MANUAL, True),
    ]
    assert all(h.headers["Idenfy-Signature"] == sign(bytes(h.body), SIGNING_KEY) for h in sent)
    assert [h.last_status for h in sent] == [200, 200]
    assert list(WebhookDelivery.objects.order_by("pk").values_list("verdict", "state", "event_type")) == [
        ("accepted", "done", AUTO),
        ("accepted", "done", MANUAL),
    ]
    session.refresh_from_db()
    # The automatic webhook found iDenfy's reviewers at work; the manual one closed the case.
    assert results_applied(session) == [
        "Result from webhook: created → in_progress (vendor: REVIEWING).",
        "Result from webhook: in_progress → approved (vendor: APPROVED).",
    ]
    assert (session.status, session.vendor_final, session.person["last_name"]) == ("approved", True, "JONAITIS")
    assert dict(session.controls.values_list("name", "passed")) == {
        "Document (automatic)": True,
        "Face (automatic)": False,
        "Document (manual review)": True,
        "Face (manual review)": True,
    }
    assert [s["title"] for s in session.sections] == ["iDenfy session", "AML: PilotApiAmlV2", "LID: IrdInvalidPapers"]
    stored = dict(Media.objects.filter(session=session).values_list("source_key", "content_type"))
    assert stored == {
        "FRONT": "image/jpeg",
        "BACK": "image/jpeg",
        "FACE": "image/jpeg",
        "FACE_VIDEO": "video/webm",
        "REPORT_PDF": "application/pdf",
    }
    assert set(Media.objects.filter(session=session).values_list("state", flat=True)) == {"stored"}

    erased = get_provider("idenfy").delete(session.external_id)

    assert (erased.done, erased.message) == (True, "Deleted at iDenfy.")
    assert get_provider("idenfy").fetch_result(session.external_id).vendor_status == "DELETED"


def test_delete_is_refused_in_idenfys_words_while_the_token_can_still_be_used(live):
    session = launch()

    erased = get_provider("idenfy").delete(session.external_id)

    assert (erased.done, erased.message) == (False, "Token has not expired yet.")


@pytest.mark.parametrize("signature", [None, "", "0" * 64, sign(b"another body", SIGNING_KEY)])
def test_a_missing_or_bad_signature_gets_401_and_nothing_is_applied(live, signature):
    session = launch()
    faults.set_fault("idenfy", "drop_webhook")
    finish(session.link, "approve")
    body = bytes(hooks()[0].body)

    response = post_webhook(live, body, signature=signature)

    session.refresh_from_db()
    assert response.status_code == 401
    assert WebhookDelivery.objects.get().verdict == "refused"
    assert (session.status, results_applied(session)) == ("created", [])


def test_the_same_delivery_twice_is_answered_twice_and_applied_once(live):
    session = launch()
    faults.set_fault("idenfy", "duplicate_webhook")

    finish(session.link, "approve")

    session.refresh_from_db()
    assert hooks()[0].attempts == 2
    assert sorted(WebhookDelivery.objects.values_list("state", flat=True)) == ["done", "duplicate"]
    assert session.status == "approved" and len(results_applied(session)) == 1


def test_a_manual_result_arriving_before_the_automatic_one_is_not_undone(live):
    session = launch()
    faults.set_fault("idenfy", "drop_webhook", count=2)
    finish(session.link, "review_approve")
    auto, manual = hooks()

    assert outbound.deliver(manual.pk) == 200
    assert outbound.deliver(auto.pk) == 200

    session.refresh_from_db()
    assert (session.status, session.vendor_final) == ("approved", True)
    assert len(results_applied(session)) == 1
    assert list(WebhookDelivery.objects.order_by("pk").values_list("event_type", "state")) == [
        (MANUAL, "done"),
        (AUTO, "done"),
    ]


def test_malformed_json_and_an_unknown_event_are_stored_and_answered(live):
    session = launch()
    broken = b'{"scanRef": "' + session.external_id.encode() + b'", "final": tr'
    unknown = json.dumps({"scanRef": session.external_id, "whatever": 1}).encode()

    first = post_webhook(live, broken, signature=sign(broken, SIGNING_KEY))
    second = post_webhook(live, unknown, "IDENTIFICATION_SOMETHING_NEW", signature=sign(unknown, SIGNING_KEY))

    assert (first.status_code, second.status_code) == (200, 200)
    rows = list(WebhookDelivery.objects.order_by("pk").values_list("verdict", "state", "event_type"))
    assert rows == [("accepted", "failed", ""), ("accepted", "done", "IDENTIFICATION_SOMETHING_NEW")]
    session.refresh_from_db()
    assert session.status == "in_progress"  # what /status says of an unused token: ACTIVE


@pytest.mark.parametrize(
    ("outcome", "status", "codes"),
    [
        ("approve", "approved", set()),
        ("deny_document", "rejected", {"DOC_EXPIRED"}),
        ("deny_face", "rejected", {"FACE_MISMATCH"}),
        ("suspected", "needs_review", {"DUPLICATE_FACE", "AML_SUSPECTION", "NAME"}),
        ("cancel", "cancelled", set()),
        ("abandon", "expired", set()),
    ],
)
def test_each_outcome_ends_in_its_status_with_its_reasons(live, outcome, status, codes):
    session = launch()

    finish(session.link, outcome)

    session.refresh_from_db()
    assert session.status == status
    assert {r["code"] for r in session.reasons} == codes
    assert all(r["text"] for r in session.reasons)


def test_a_suspected_case_shows_its_aml_hit(live):
    session = launch()

    finish(session.link, "suspected")

    session.refresh_from_db()
    aml = next(s for s in session.sections if s["title"].startswith("AML"))
    assert any(label == "Hit 1" and "suspicion: PEP" in value for label, value in aml["rows"])


def test_review_failed_at_launch_sends_a_denial_twice_automatic_then_final(live):
    session = launch(reviewFailed=True)

    finish(session.link, "deny_face")

    assert [json.loads(bytes(h.body))["final"] for h in hooks()] == [False, True]
    session.refresh_from_db()
    assert (session.status, session.vendor_final) == ("rejected", True)


def test_an_expired_file_link_is_replaced_through_files_when_a_download_is_retried(live):
    session = launch()
    finish(session.link, "approve")
    front = Media.objects.get(session__external_id=session.external_id, source_key="FRONT")
    Media.objects.filter(pk=front.pk).update(state="pending", sha256="")

    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=True):
        stale = requests.get(front.source_url, timeout=10)
        outcome = media_service.download_media(media_id=front.pk)

    assert (stale.status_code, "Request has expired" in stale.text) == (403, True)
    assert outcome == "stored"


def test_a_rate_limited_read_is_retried_and_a_rate_limited_launch_is_not(live):
    session = launch()
    faults.set_fault("idenfy", "429", count=1, retry_after=0)

    assert get_provider("idenfy").fetch_result(session.external_id).vendor_status == "ACTIVE"

    faults.set_fault("idenfy", "429", count=1, retry_after=0)
    with pytest.raises(ProviderError) as refused:
        launch("KYC-LIVE-2")
    assert (refused.value.status, refused.value.code) == (429, "TOO_MANY_REQUESTS")
    assert not VerificationSession.objects.filter(identity__reference="KYC-LIVE-2").exists()


def test_wrong_credentials_are_refused_in_idenfys_error_shape(live):
    answer = requests.post(
        f"{live.url}/sandbox/idenfy/api/v2/token", json={"clientId": "x"}, auth=("wrong", "key"), timeout=10
    )

    assert answer.status_code == 401
    assert answer.json() == {"identifier": "UNAUTHORIZED", "message": "Invalid API key or API secret."}


def test_the_simulator_refuses_what_idenfy_refuses(live):
    with pytest.raises(ProviderError) as refused:
        launch(sessionLength=30)

    assert (refused.value.status, refused.value.code) == (400, "BAD_VALUE")
    assert "sessionLength" in refused.value.message


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_user(username="manager-live", password="pw-not-used-1234", is_staff=True)


def test_erasing_a_case_whose_token_is_still_valid_is_done_here_and_owed_at_idenfy(live, manager):
    from kycdesk.models import VendorErasure
    from kycdesk.services import erase

    session = launch()

    erase.erase_case(session.pk, mode=erase.DELETE, actor=manager, reason="subject_request")

    assert not VerificationSession.objects.filter(pk=session.pk).exists()  # the local erase is not blocked
    erasure = VendorErasure.objects.get()
    assert (erasure.state, erasure.operation, erasure.last_message) == (
        "pending",
        "delete",
        "Token has not expired yet.",
    )


def test_erasing_a_finished_case_deletes_it_at_idenfy_too(live, manager):
    from kycdesk.models import VendorErasure
    from kycdesk.services import erase

    session = launch()
    finish(session.link, "approve")

    erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")

    assert VendorErasure.objects.get().state == "done"
    assert get_provider("idenfy").fetch_result(session.external_id).vendor_status == "DELETED"

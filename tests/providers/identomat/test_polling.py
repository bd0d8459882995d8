"""Identomat through kycdesk's polling (mocked HTTP): launch, poll, outcome, media, with and without HMAC."""

import copy
import datetime as dt
from pathlib import Path

import pytest
import responses
import time_machine

from kycdesk.models import Media, SessionEvent
from kycdesk.services import polling
from kycdesk.services.launch import launch_session
from providers.base import LaunchRequest
from providers.identomat.client import sign

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "https://widget.identomat.example/external-api/"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "identomat"
T0 = dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC)
JPEG = b"\xff\xd8\xff\xe0 jpeg bytes"
WEBM = b"\x1a\x45\xdf\xa3 webm bytes"


@pytest.fixture(params=["", "hmac-secret"], ids=["hmac-off", "hmac-on"])
def secret(request, settings):
    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    vendors["identomat"].update(base_url=BASE, secret_key=request.param, company_key="ck-1")
    settings.KYCDESK_VENDORS = vendors
    return request.param


def answer(path: str, body: bytes, secret: str, content_type: str = "application/json", **extra) -> None:
    headers = {"Authorization": f'signature="{sign(secret, body)}"'} if secret else {}
    responses.post(BASE + path, body=body, headers=headers, content_type=content_type, **extra)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def launch():
    with time_machine.travel(T0, tick=False):
        return launch_session(
            vendor="identomat", request=LaunchRequest(reference="ref-1", options={"flags": {}}), user=None
        )


def poll(session, minutes: float) -> str:
    with time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False):
        outcome = polling.poll_session(session_id=session.pk)
    session.refresh_from_db()
    return outcome


@responses.activate
def test_a_launched_session_is_polled_until_approved_then_its_media_are_stored(secret, private_media):
    answer("begin/", b'"tok-1"', secret)
    answer("result/", fixture("in_progress.json"), secret)
    answer("result/", fixture("approved_lowercase.json"), secret)
    answer("result/card-front/", JPEG, secret, "image/jpeg")
    answer("result/card-back/", JPEG, secret, "image/jpeg")
    answer("result/face/", JPEG, secret, "image/jpeg")
    answer("result/face-video/", WEBM, secret, "video/webm")

    session = launch()
    assert (session.external_id, session.expires_at) == ("tok-1", T0 + dt.timedelta(minutes=15))
    assert poll(session, 1) == "in progress"
    assert session.next_poll_at == T0 + dt.timedelta(minutes=2)
    assert poll(session, 2) == "approved"

    assert (session.status, session.vendor_status, session.similarity, session.next_poll_at) == (
        "approved",
        "approved",
        0.9412,
        None,
    )
    stored = {m.kind: (m.state, m.content_type) for m in Media.objects.filter(session=session)}
    assert stored == {
        "document_front": ("stored", "image/jpeg"),
        "document_back": ("stored", "image/jpeg"),
        "selfie": ("stored", "image/jpeg"),
        "face_video": ("stored", "video/webm"),
    }


@responses.activate
def test_a_manual_check_stops_polling_with_its_sections_kept(secret, private_media):
    answer("begin/", b'"tok-1"', secret)
    answer("result/", fixture("manual_check_screening.json"), secret)
    for path in ("result/card-front/", "result/card-back/", "result/face/"):
        answer(path, JPEG, secret, "image/jpeg")
    answer("result/face-video/", WEBM, secret, "video/webm")

    session = launch()
    poll(session, 3)

    assert (session.status, session.next_poll_at) == ("needs_review", None)
    titles = [s["title"] for s in session.sections]
    assert "Screening matches" in titles and "Questionnaire: employment" in titles
    assert {r["code"] for r in session.reasons} == {"FIELDS_MISMATCH", "SCREENING_MATCH"}


@responses.activate
def test_a_token_identomat_no_longer_accepts_ends_as_expired(secret):
    answer("begin/", b'"tok-1"', secret)
    responses.post(BASE + "result/", json="SESSION_INVALID", status=400)  # errors are unsigned

    session = launch()
    poll(session, 16)

    assert (session.status, session.vendor_status, session.next_poll_at) == ("expired", "SESSION_INVALID", None)


@responses.activate
def test_with_hmac_a_tampered_result_is_refused_and_polling_goes_on(settings):
    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    vendors["identomat"].update(base_url=BASE, secret_key="hmac-secret", company_key="ck-1")
    settings.KYCDESK_VENDORS = vendors
    answer("begin/", b'"tok-1"', "hmac-secret")
    signed_for = fixture("rejected_face_mismatch.json")
    tampered = signed_for.replace(b'"rejected"', b'"approved"')
    headers = {"Authorization": f'signature="{sign("hmac-secret", signed_for)}"'}
    responses.post(BASE + "result/", body=tampered, headers=headers, content_type="application/json")

    session = launch()
    outcome = poll(session, 2)

    assert (outcome, session.status) == ("error", "created")
    assert session.next_poll_at == T0 + dt.timedelta(minutes=3)
    event = SessionEvent.objects.get(session=session, kind="poll_error")
    assert "SIGNATURE_INVALID" in event.summary

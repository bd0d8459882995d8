"""Identomat end to end over real HTTP against its simulator: begin -> the person finishes ->
polling picks it up -> media stored -> delete; with HMAC off and on, and a tampered answer refused."""

import copy
import datetime as dt
import json

import pytest
import requests
import time_machine

from kycdesk.models import Media, SessionEvent
from kycdesk.services import polling
from kycdesk.services.launch import launch_session
from kycdesk.services.vendors import get_provider
from providers.base import LaunchRequest, ProviderError
from providers.identomat import sandbox
from providers.identomat.client import sign
from providers.sandbox.faults import set_fault
from providers.sandbox.models import SimSession
from providers.sandbox.testing import finish

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = [
    {
        "type": "user-questionnaire",
        "key": "employment",
        "questions": [{"type": "boolean", "key": "are-you-employed", "mandatory": True}],
    }
]
IMAGES = {"document_front": "image/jpeg", "document_back": "image/jpeg", "selfie": "image/jpeg"}
ALL_MEDIA = {**IMAGES, "face_video": "video/webm"}


def use_secret(settings, secret: str) -> None:
    """Set the Identomat secret on a copy of the vendor settings (the fixture restores the original)."""
    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    vendors["identomat"]["secret_key"] = secret
    settings.KYCDESK_VENDORS = vendors


@pytest.fixture(params=["", "sandbox-hmac-secret"], ids=["hmac-off", "hmac-on"])
def live(request, sandbox_live, settings, private_media):
    use_secret(settings, request.param)
    return sandbox_live


def launch(**options):
    return launch_session(
        vendor="identomat",
        request=LaunchRequest(reference="ref-1", options={"flags": {"liveness": True}, "steps": STEPS, **options}),
        user=None,
    )


def poll(session, now=None) -> str:
    outcome = polling.poll_session(session_id=session.pk, now=now)
    session.refresh_from_db()
    return outcome


def stored_media(session) -> dict[str, str]:
    return {m.kind: m.content_type for m in Media.objects.filter(session=session, state="stored")}


@pytest.mark.parametrize(
    ("outcome", "status", "media"),
    [
        ("approve", "approved", ALL_MEDIA),
        ("reject", "rejected", ALL_MEDIA),
        ("manual_check", "needs_review", ALL_MEDIA),
        ("disagree", "cancelled", {}),
    ],
)
def test_each_outcome_is_polled_stored_with_its_media_and_deleted(live, outcome, status, media):
    session = launch()
    assert session.link.startswith(f"{live.url}/sandbox/identomat/widget/?session_token=")
    assert poll(session) == "in progress"

    finish(session.link, outcome).raise_for_status()
    poll(session)

    assert (session.status, session.next_poll_at) == (status, None)
    assert session.vendor_status == {"manual_check": "manual_check", "disagree": "disagreed_with_terms"}.get(
        outcome, status
    )  # lower-case, as the live service sends them
    assert stored_media(session) == media
    provider = get_provider("identomat")
    assert provider.delete(session.external_id).done
    assert "SESSION_NOT_FOUND" in provider.delete(session.external_id).message  # already gone
    with pytest.raises(ProviderError, match="no session"):
        provider.client.result(session.external_id)


def test_an_approved_session_carries_liveness_similarity_person_and_answers(live):
    session = launch()
    finish(session.link, "approve")
    poll(session)

    assert (session.liveness, session.similarity) == (True, 0.93)
    assert session.person["nationality"] == "HRV" and session.person["birth_date"]
    [document] = session.documents.all()
    assert (document.type, document.country) == ("id", "HRV")
    assert document.fields.filter(name="front.Given_Names_en_US").exists()
    titles = [s["title"] for s in session.sections]
    assert "Questionnaire: employment" in titles


def test_a_face_mismatch_rejection_keeps_its_reason(live):
    session = launch()
    finish(session.link, "reject")
    poll(session)

    assert [(r["code"], r["kind"]) for r in session.reasons] == [("face_mismatch", "reject_reason")]
    assert session.similarity == 0.21


def test_a_manual_check_shows_fields_mismatch_and_screening_matches(live):
    session = launch()
    finish(session.link, "manual_check")
    poll(session)

    assert {r["code"] for r in session.reasons} == {"FIELDS_MISMATCH", "SCREENING_MATCH"}
    screening = next(s for s in session.sections if s["title"] == "Screening matches")
    assert len(screening["rows"]) == 2 and "score 0.91" in screening["rows"][0][1]


def test_a_passport_session_serves_the_passport_page(live):
    session = launch(flags={"document_types": ["passport"], "liveness": True})
    finish(session.link, "approve")
    poll(session)

    assert set(stored_media(session)) == {"document_page", "selfie", "face_video"}


def test_a_person_who_abandons_stays_in_progress_until_polling_gives_up(live):
    session = launch()
    finish(session.link, "abandon")

    assert poll(session) == "in progress"
    assert poll(session, now=session.created_at + dt.timedelta(hours=25)) == "gave up"
    assert session.status == "expired"
    assert stored_media(session) == {}


def test_the_token_lasts_fifteen_minutes_then_the_page_refuses_and_polling_ends_expired(live):
    session = launch()

    with time_machine.travel(session.created_at + dt.timedelta(minutes=16)):
        with pytest.raises(requests.HTTPError, match="410"):
            finish(session.link, "approve")
        poll(session)

    assert (session.status, session.vendor_status, session.next_poll_at) == ("expired", "SESSION_INVALID", None)


def test_with_hmac_a_tampered_answer_is_refused_and_polling_carries_on(
    sandbox_live, settings, monkeypatch, private_media
):
    use_secret(settings, "sandbox-hmac-secret")
    session = launch()
    finish(session.link, "reject")
    signed = sandbox.signed_response

    def in_transit(body, content_type):
        response = signed(body, content_type)
        response.content = body.replace(b'"rejected"', b'"approved"')  # changed after signing
        return response

    monkeypatch.setattr(sandbox, "signed_response", in_transit)
    assert poll(session) == "error"
    assert session.status == "created"
    assert "SIGNATURE_INVALID" in SessionEvent.objects.get(session=session, kind="poll_error").summary

    monkeypatch.setattr(sandbox, "signed_response", signed)
    poll(session, now=session.next_poll_at)
    assert session.status == "rejected"


def test_a_vendor_500_is_recorded_and_the_next_poll_picks_the_result_up(sandbox_live, private_media):
    session = launch()
    finish(session.link, "approve")
    set_fault("identomat", "500", 1)

    assert poll(session) == "error"
    poll(session, now=session.next_poll_at)

    assert session.status == "approved"


def test_a_429_with_retry_after_is_waited_out_by_the_client(sandbox_live, private_media):
    session = launch()
    finish(session.link, "approve")
    set_fault("identomat", "429", 1, retry_after=1)

    poll(session)

    assert session.status == "approved"


# --- the simulator's own rules, through Django's test client -------------------------------
def call(client, path, body, *, secret=""):
    raw = json.dumps(body).encode()
    headers = {"HTTP_AUTHORIZATION": f'signature="{sign(secret, raw)}"'} if secret else {}
    return client.post(f"/sandbox/identomat/{path}", data=raw, content_type="application/json", **headers)


def company_key(settings) -> str:
    return settings.KYCDESK_VENDORS["identomat"]["company_key"]


def test_begin_answers_a_bare_string_token_valid_fifteen_minutes(client, settings):
    answer = call(client, "begin/", {"company_key": company_key(settings), "flags": {}})

    token = answer.json()
    assert answer.status_code == 200 and isinstance(token, str)
    session = SimSession.objects.get(external_id=token)
    assert session.expires_at - session.created_at == dt.timedelta(minutes=15)
    assert "Authorization" not in answer.headers  # HMAC off


def test_a_wrong_company_key_answers_the_bare_code(client):
    answer = call(client, "begin/", {"company_key": "nope", "flags": {}})

    assert (answer.status_code, answer.json()) == (401, "COMPANY_KEY_INVALID")


def test_with_hmac_an_unsigned_request_is_refused_and_a_signed_one_answered_signed(client, settings):
    use_secret(settings, "k")
    body = {"company_key": company_key(settings), "flags": {}}

    refused = call(client, "begin/", body)
    answered = call(client, "begin/", body, secret="k")

    assert (refused.status_code, refused.json(), refused.headers.get("Authorization")) == (
        401,
        "SIGNATURE_INVALID",
        None,
    )
    assert answered.headers["Authorization"] == f'signature="{sign("k", answered.content)}"'


def test_form_data_parameters_are_accepted_as_the_guide_allows(client, settings):
    answer = client.post(
        "/sandbox/identomat/begin/", {"company_key": company_key(settings), "flags": '{"liveness": true}'}
    )

    assert SimSession.objects.get(external_id=answer.json()).request == {"flags": {"liveness": True}}


def test_a_media_call_without_a_file_answers_a_json_error(client, settings):
    token = call(client, "begin/", {"company_key": company_key(settings), "flags": {}}).json()

    answer = call(client, "result/face/", {"company_key": company_key(settings), "session_token": token})

    assert (answer.status_code, answer.json()) == (404, "FILE_NOT_FOUND")


def test_erasing_a_case_deletes_it_at_identomat_through_delete(live, make_user):
    from kycdesk.models import VendorErasure
    from kycdesk.services import erase

    session = launch()
    finish(session.link, "approve")
    poll(session)
    token = session.external_id

    erased = erase.erase_case(
        session.pk, mode=erase.DELETE, actor=make_user("max", "Compliance manager"), reason="subject_request"
    )

    erasure = VendorErasure.objects.get()
    assert (erased.vendor_operation, erasure.operation, erasure.state) == ("delete", "delete", "done")
    assert SimSession.objects.get(external_id=token).deleted
    assert not Media.objects.exists()

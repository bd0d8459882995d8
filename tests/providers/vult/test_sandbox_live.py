"""The whole VULT flow over real HTTP: the real client against the simulator on the live server."""

from __future__ import annotations

import pytest

from kycdesk.models import Control, Identity, Media, VendorErasure, VerificationSession, WebhookDelivery
from kycdesk.services import erase
from kycdesk.services.launch import launch_session
from kycdesk.services.vendors import get_provider
from providers.base import LaunchRequest, ProviderError
from providers.sandbox import faults
from providers.sandbox.models import SimSession, SimToken
from providers.sandbox.testing import finish
from tests.pii import files_under, find_in_database

pytestmark = pytest.mark.django_db(transaction=True)


def launch(reference: str = "cust-1", **options) -> VerificationSession:
    return launch_session(vendor="vult", request=LaunchRequest(reference=reference, options=options), user=None)


def test_launch_finish_webhook_pull_and_media_then_anonymize_and_delete(sandbox_live, private_media):
    session = launch()
    assert session.link == f"{sandbox_live.url}/sandbox/vult/capture/{session.external_id}/"
    assert session.status == "created"

    answer = finish(session.link, "verified")

    assert answer.status_code == 200
    session.refresh_from_db()
    delivery = WebhookDelivery.objects.get(vendor="vult")
    assert (delivery.verdict, delivery.state, delivery.external_id) == ("accepted", "done", session.external_id)
    assert (session.status, session.vendor_status, session.vendor_final) == ("approved", "complete", True)
    assert session.liveness is True and session.score == 0.94
    document = session.documents.get()
    assert (document.type, document.country) == ("driver_license", "USA")
    assert document.subtype in {"CA", "TX", "MA"}  # the issuing state of the specimen person
    assert {f.name for f in document.fields.all()} >= {"height", "weight", "eye_color", "class", "restrictions"}
    assert Control.objects.filter(session=session).count() == 8 + 17 + 3
    assert not Control.objects.filter(session=session, passed=False).exists()
    titles = [s["title"] for s in session.sections]
    assert "VULT: DMV and OFAC" in titles and "VULT: location of the selfie capture" in titles
    stored = dict(Media.objects.filter(session=session).values_list("source_key", "state"))
    assert stored == {
        "driver_license_front": "stored",
        "driver_license_back": "stored",
        "selfie": "stored",
        "liveness_passive": "stored",
    }
    front = Media.objects.get(session=session, source_key="driver_license_front")
    assert (front.content_type, front.kind, front.document_id) == ("image/jpeg", "document_front", document.pk)
    assert session.identity.vendor_ids["vult"].startswith("idn_")

    provider = get_provider("vult")
    assert provider.anonymize(session.external_id).done
    anonymized = provider.client.idv_session_read(session.external_id)
    assert (anonymized["first_name"], anonymized["status_e"]) == ("", "complete")
    with pytest.raises(ProviderError) as gone:
        provider.client.idv_document_download(session.external_id, "selfie")
    assert gone.value.status == 404

    assert provider.delete(session.external_id).done
    with pytest.raises(ProviderError) as deleted:
        provider.client.idv_session_read(session.external_id)
    assert deleted.value.status == 404
    assert provider.delete(session.external_id).done  # gone already: still done


@pytest.mark.parametrize(
    ("outcome", "status", "failed", "files"),
    [
        ("dmv_mismatch", "rejected", {"dmv_birth_date_match", "dmv_document_number_match"}, 4),
        ("manipulated", "rejected", {"doc_front_image_manipulation", "doc_front_online_duplication"}, 4),
        ("ofac_potential_match", "needs_review", set(), 4),
        ("verified_passport", "approved", set(), 3),
        ("abandon", "expired", set(), 0),
    ],
)
def test_each_outcome_of_the_persons_page_lands_as_vult_says(
    sandbox_live, private_media, outcome, status, failed, files
):
    session = launch(reference=f"cust-{outcome}")

    finish(session.link, outcome)

    session.refresh_from_db()
    assert session.status == status
    assert set(Control.objects.filter(session=session, passed=False).values_list("name", flat=True)) == failed
    assert {r["code"] for r in session.reasons} == failed
    assert Media.objects.filter(session=session, state="stored").count() == files


def test_an_ofac_hit_shows_its_status_and_time(sandbox_live):
    session = launch(reference="cust-ofac")

    finish(session.link, "ofac_potential_match")

    session.refresh_from_db()
    screening = dict(next(s["rows"] for s in session.sections if s["title"] == "VULT: DMV and OFAC"))
    assert screening["OFAC status"] == "potential_match"
    assert screening["OFAC checked at"].endswith("UTC")
    assert screening["DMV status"] == "not_applicable"


def test_active_liveness_brings_the_four_step_images(sandbox_live, private_media):
    session = launch(reference="cust-active", liveness_mode="passive_active")

    finish(session.link, "verified")

    keys = set(Media.objects.filter(session=session, state="stored").values_list("source_key", flat=True))
    assert {f"liveness_active_step_{n}" for n in range(1, 5)} <= keys


def test_a_token_expiring_mid_run_is_renewed_and_nothing_is_lost(sandbox_live, private_media):
    session = launch(reference="cust-expiry")
    issued = SimToken.objects.filter(vendor="vult").count()
    faults.set_fault("vult", "expire_tokens")  # VULT revokes every token before the next call

    finish(session.link, "verified")

    session.refresh_from_db()
    assert session.status == "approved"
    assert Media.objects.filter(session=session, state="stored").count() == 4
    assert SimToken.objects.filter(vendor="vult").count() == issued + 1
    assert SimToken.objects.filter(vendor="vult", revoked=False).count() == 1


def test_a_401_from_vult_fetches_a_fresh_token_once(sandbox_live):
    provider = get_provider("vult")
    provider.client.ping()
    provider.client.webhook_list()
    faults.set_fault("vult", "401")

    assert provider.client.webhook_list() == {"webhooks": [], "statistics": {"total": 0}}
    assert SimToken.objects.filter(vendor="vult").count() == 2


def test_an_identity_is_kept_and_can_be_reauthenticated_with_an_ida_session(sandbox_live, private_media):
    session = launch(reference="cust-ida")
    finish(session.link, "verified")
    identity_id = Identity.objects.get(reference="cust-ida").vendor_ids["vult"]
    provider = get_provider("vult")

    vult_identity = provider.read_identity(identity_id)
    ida = provider.create_ida_session(identity_id, reference="cust-ida")
    finish(ida.link, "authenticated")

    assert vult_identity.verified is True and vult_identity.person.last_name
    assert [i.identity_id for i in provider.list_identities()] == [identity_id]
    (listed,) = provider.ida_sessions(identity_id)
    assert (listed.session_id, listed.status, listed.authenticated) == (ida.external_id, "approved", True)
    assert b"".join(provider.ida_document(ida.external_id)).startswith(b"%PDF-")
    document = provider.client.identity_document_read(identity_id, "driver_license")
    assert document["document_type_e"] == "driver_license"
    assert b"".join(provider.identity_image(identity_id, "selfie")).startswith(b"\xff\xd8\xff")
    assert provider.delete_ida_session(ida.external_id).done
    assert provider.ida_sessions(identity_id) == []
    assert provider.anonymize_identity(identity_id).done
    assert provider.read_identity(identity_id).person.last_name == ""


def test_an_ida_session_is_refused_for_an_identity_not_verified(sandbox_live):
    session = launch(reference="cust-refused")
    finish(session.link, "dmv_mismatch")
    identity_id = Identity.objects.get(reference="cust-refused").vendor_ids["vult"]

    with pytest.raises(ProviderError) as caught:
        get_provider("vult").create_ida_session(identity_id, reference="cust-refused")

    assert (caught.value.status, caught.value.message) == (400, "Identity is not verified")


def test_webhooks_registered_listed_and_deleted_and_used_when_a_session_has_none(sandbox_live):
    provider = get_provider("vult")

    url = provider.register_webhook("kycdesk")
    (listed,) = provider.list_webhooks()
    created = provider.client.idv_session_create(liveness_mode="passive")  # no webhook_url of its own
    sim = SimSession.objects.get(vendor="vult", external_id=created["session_id"])
    finish(f"{sandbox_live.url}/sandbox/vult/capture/{sim.external_id}/", "verified")

    assert (listed.name, listed.url) == ("kycdesk", url)
    assert sim.webhooks.get().url == url
    assert provider.delete_webhook(listed.external_id).done
    assert provider.list_webhooks() == []


def test_requirements_and_weights_are_read_and_updated(sandbox_live):
    provider = get_provider("vult")
    weights = provider.weights()
    requirements = provider.requirements("driver_license")

    provider.update_weights({**weights, "age_weight": 2.5})
    provider.update_requirements(
        {"type_e": "driver_license", "data_source_e": "barcode", **dict.fromkeys(requirements[0].required, True)}
    )

    assert provider.weights()["age_weight"] == 2.5
    assert all(provider.requirements("driver_license")[0].required.values())
    assert provider.client.weights_read_by_id("wgt_1")["age_weight"] == weights["age_weight"]


def test_health_comes_from_the_ping(sandbox_live):
    assert get_provider("vult").health() is True


@pytest.mark.parametrize(("mode", "operation"), [("anonymise", "anonymize"), ("delete", "delete")])
def test_the_erase_service_erases_here_and_calls_vult(sandbox_live, private_media, make_user, mode, operation):
    session = launch(reference="cust-erase")
    finish(session.link, "verified")
    external_id = session.external_id
    kept = SimSession.objects.get(vendor="vult", external_id=external_id).data["document"]
    needles = [kept["last_name"], kept["document_number"], kept["street"], "cust-erase"]
    assert find_in_database(needles, exclude_apps=("sandbox",))

    erase.erase_case(session.pk, mode=mode, actor=make_user("m", "Compliance manager"), reason="subject_request")

    assert find_in_database(needles, exclude_apps=("sandbox",)) == []
    assert files_under(private_media) == []
    erasure = VendorErasure.objects.get()
    assert (erasure.operation, erasure.state) == (operation, "done")
    at_vult = SimSession.objects.get(vendor="vult", external_id=external_id)
    if operation == "anonymize":
        assert at_vult.data["session"]["last_name"] == "" and not at_vult.files.exists()
    else:
        assert at_vult.deleted

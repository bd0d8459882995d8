"""Identify24 through kycdesk's own paths (vendor on `responses`): launch with a synced project,
the webhook with the vendor's trailing comma, the pull, and PDFs checked against file_hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import responses
from django.urls import reverse

from kycdesk.models import AuditEntry, Media, Template, VerificationSession, WebhookDelivery, WebhookSubscription
from kycdesk.services.media import download_media
from kycdesk.services.templates import sync_templates
from tests.kycdesk.identify24 import base_url, make_session
from tests.providers.identify24.helpers import LAUNCH_FORM

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "identify24"
TOKEN = "sandbox-identify24-webhook_token"
IDENT = "e9b57479-644d-11ef-b4ac-005056bb3f3f"
PDF = b"%PDF-1.4 identification report"
SIGNED = b"%PDF-1.4 signed contract"
WEBM = b"\x1a\x45\xdf\xa3 a webm recording"
PNG = b"\x89PNG\r\n\x1a\n a screenshot"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def ident_data(**hash_overrides) -> dict:
    """The documented getIdentData sample, its links on the API host, its hashes those of our bytes."""
    payload = fixture("ident_data.json")
    data = payload["data"]
    data["identification_pdf"]["download_url"] = base_url() + "download/1/identification.pdf"
    data["identification_pdf"]["file_hash"] = hash_overrides.get("identification_pdf", hashlib.sha256(PDF).hexdigest())
    data["signed_pdf"]["download_url"] = base_url() + "download/1/signed.pdf"
    data["signed_pdf"]["file_hash"] = hash_overrides.get("signed_pdf", hashlib.sha256(SIGNED).hexdigest())
    data["recordings"][0]["download_url"] = base_url() + "download/1/rec.webm"
    for index, shot in enumerate(data["screenshots"]):
        shot["download_link"] = base_url() + f"download/1/shot{index}.png"
    return payload


@pytest.fixture
def vendor():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.post(base_url() + "auth", json={"result": True, "token": "jwt", "messages": []})
        for path, body in [
            ("identification.pdf", PDF),
            ("signed.pdf", SIGNED),
            ("rec.webm", WEBM),
            ("shot0.png", PNG),
            ("shot1.png", PNG),
        ]:
            mocked.get(base_url() + f"download/1/{path}", body=body)
        yield mocked


@pytest.mark.django_db(transaction=True)
def test_a_delivery_with_the_vendors_trailing_comma_is_stored_raw_then_the_ident_is_pulled_with_its_files(
    client, vendor, private_media
):
    session = make_session(external_id=IDENT)
    vendor.get(base_url() + f"ident/get/{IDENT}", json={"result": True, "data": ident_data()["data"]["ident"]})
    vendor.get(base_url() + f"ident/getIdentData/{IDENT}", json=ident_data())
    body = (FIXTURES / "webhook_successful.txt").read_bytes()

    response = client.post(f"/webhooks/identify24/{TOKEN}/", data=body, content_type="application/json")

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert bytes(delivery.body) == body  # the raw bytes, trailing comma and all
    assert (delivery.verdict, delivery.state, delivery.external_id) == ("accepted", "done", IDENT)
    session.refresh_from_db()
    assert (session.status, session.vendor_status, session.vendor_final) == ("approved", "Successful", True)
    stored = {
        m.source_key: (m.kind, m.state, m.content_type, m.sha256 == m.expected_sha256 or not m.expected_sha256)
        for m in Media.objects.filter(session=session)
    }
    assert stored == {
        "identification_pdf": ("report_pdf", "stored", "application/pdf", True),
        "signed_pdf": ("signed_pdf", "stored", "application/pdf", True),
        "recordings/65e5a013502a2.webm": ("recording", "stored", "video/webm", True),
        "screenshots/28804.png": ("screenshot", "stored", "image/png", True),
        "screenshots/54071.png": ("screenshot", "stored", "image/png", True),
    }
    assert {s["title"] for s in session.sections} == {"Identify24", "Custom fields"}


@pytest.mark.django_db(transaction=True)
def test_a_delivery_to_the_wrong_token_is_refused_and_pulls_nothing(client, vendor):
    make_session(external_id=IDENT)
    body = (FIXTURES / "webhook_successful.txt").read_bytes()

    response = client.post("/webhooks/identify24/guess/", data=body, content_type="application/json")

    assert response.status_code == 404
    assert WebhookDelivery.objects.get().verdict == "refused"
    assert len(vendor.calls) == 0


@pytest.mark.django_db
def test_a_pdf_whose_bytes_do_not_match_its_file_hash_is_refused_and_nothing_is_kept(vendor, private_media):
    from kycdesk.services.results import apply_result
    from kycdesk.services.vendors import get_provider

    session = make_session(external_id=IDENT)
    tampered = ident_data(signed_pdf=hashlib.sha256(b"what the vendor signed").hexdigest())
    applied = apply_result(result=get_provider("identify24").normalize(tampered), source="pull")
    signed = Media.objects.get(session=session, kind="signed_pdf")

    outcome = download_media(media_id=signed.pk)
    others = {download_media(media_id=m) for m in applied.media_to_fetch if m != signed.pk}

    signed.refresh_from_db()
    assert outcome == "failed"
    assert (signed.state, signed.file.name, signed.sha256) == ("failed", "", "")
    assert "sha256 mismatch" in signed.last_error
    assert others == {"stored"}
    assert sorted(p.name.split("-")[0] for p in private_media.rglob("*.*")) == [
        "recording",
        "report_pdf",
        "screenshot",
        "screenshot",
    ]  # every file but the tampered one


@pytest.mark.django_db
def test_projects_sync_as_templates_and_the_launch_form_offers_them(client, make_user, vendor):
    vendor.get(base_url() + "project/getAll", json=fixture("projects.json"))

    assert sync_templates(vendor="identify24") == 1

    project = Template.objects.get(vendor="identify24")
    assert (project.kind, project.external_id, project.name) == ("project", "6", "911 Internet GmbH")
    client.force_login(make_user("olga", "Compliance officer"))
    page = client.get(reverse("admin:kycdesk_launch_vendor", args=["identify24"]))
    assert "911 Internet GmbH" in page.content.decode()


@pytest.mark.django_db
def test_a_launch_sends_the_ident_and_shows_the_conference_link(client, make_user, vendor):
    project = Template.objects.create(vendor="identify24", kind="project", external_id="6", name="911 Internet GmbH")
    vendor.post(base_url() + "ident/create", json=fixture("ident_create.json"))
    client.force_login(make_user("olga", "Compliance officer"))

    response = client.post(
        reverse("admin:kycdesk_launch_vendor", args=["identify24"]),
        {**LAUNCH_FORM, "reference": "cust-9", "template": project.pk},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    session = VerificationSession.objects.get(vendor="identify24")
    sent = json.loads(vendor.calls[-1].request.body)
    assert (sent["project_id"], sent["person_last_name"], sent["city"], sent["custom_id"]) == (
        "6",
        "MUSTERMANN",
        "NÜRNBERG",
        "cust-9",
    )
    assert session.link == "https://identify24.de/apply/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    assert session.link in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_vendors_webhook_list_is_mirrored_read_only_from_the_button(client, make_user, vendor):
    vendor.get(base_url() + "webhook/getAll", json=fixture("webhooks.json"))
    WebhookSubscription.objects.create(vendor="identify24", external_id="old", url="https://gone.example")
    manager = make_user("max", "Compliance manager")
    client.force_login(manager)
    changelist = reverse("admin:kycdesk_webhooksubscription_changelist")

    assert client.get(reverse("admin:kycdesk_webhooksubscription_mirror")).status_code == 405
    response = client.post(reverse("admin:kycdesk_webhooksubscription_mirror"))

    assert response.status_code == 302
    mirrored = list(
        WebhookSubscription.objects.order_by("external_id").values_list("external_id", "url", "vendor_status")
    )
    assert mirrored == [("1", "https://xxxxxx.xxx", "4 FAILED"), ("2", "https://yyyyyy.yyy", "4 FAILED")]
    page = client.get(changelist).content.decode()
    assert "4 FAILED" in page and "Read the vendors" in page
    assert AuditEntry.objects.filter(action="webhook_subscription_sync", actor_name="max").exists()
    assert client.get(reverse("admin:kycdesk_webhooksubscription_add")).status_code == 403


@pytest.mark.django_db
def test_staff_who_cannot_see_subscriptions_cannot_mirror_them(client, make_user, vendor):
    client.force_login(make_user("amy", "Appointment staff"))

    assert client.post(reverse("admin:kycdesk_webhooksubscription_mirror")).status_code == 403
    assert len(vendor.calls) == 0

"""The whole video ident over real HTTP against the simulator (pytest-django's live server):
project sync -> create ident -> schedule -> reschedule -> the agent ends the call -> webhook ->
ident data pulled -> PDFs (hash checked), recording and screenshots stored; a tampered PDF is
refused; the JWT dies of idleness mid-run and the client logs in again."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
import requests
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kycdesk.models import Media, Template, VerificationSession, VideoAgent, WebhookDelivery, WebhookSubscription
from kycdesk.services.appointments import current_appointment, schedule_appointment
from kycdesk.services.launch import launch_session
from kycdesk.services.subscriptions import sync_webhook_subscriptions
from kycdesk.services.templates import sync_templates
from kycdesk.services.vendors import get_provider
from providers.base import ProviderError, Status
from providers.identify24.forms import Identify24LaunchForm
from providers.sandbox import faults, outbound
from providers.sandbox.models import SimFile, SimSession, SimToken, SimWebhook
from providers.sandbox.testing import finish

from .helpers import LAUNCH_FORM

pytestmark = pytest.mark.django_db(transaction=True)

BERLIN = ZoneInfo("Europe/Berlin")
TO_SIGN = b"%PDF-1.4\n% contract to sign\n"


def launch(reference: str = "cust-1", *, pdf: bool = True) -> VerificationSession:
    sync_templates(vendor="identify24")
    project = Template.objects.get(vendor="identify24", external_id="274")
    form = Identify24LaunchForm(
        data={
            **LAUNCH_FORM,
            "reference": reference,
            "template": str(project.pk),
            "type_of_id": "Personalausweis",
            "custom1": "branch 7",
        },
        files={"pdf": SimpleUploadedFile("c.pdf", TO_SIGN)} if pdf else None,
    )
    form.fields["template"].choices = [(str(project.pk), project.name)]
    assert form.is_valid(), form.errors
    return launch_session(
        vendor="identify24",
        request=form.to_request(template_id=project.external_id),
        user=None,
        template=project,
    )


def tomorrow(hour: int) -> dt.datetime:
    day = timezone.now().astimezone(BERLIN).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BERLIN)


def book(session: VerificationSession, agent: VideoAgent, hour: int):
    return schedule_appointment(
        session_id=session.pk, agent_id=agent.pk, starts_at=tomorrow(hour), time_zone="Europe/Berlin", user=None
    )


def test_a_video_ident_end_to_end_with_the_token_idling_out_mid_run(sandbox_live, private_media, client, make_user):
    # project sync: the simulator lists two active projects and one inactive
    assert sync_templates(vendor="identify24") == 2
    assert set(Template.objects.filter(vendor="identify24").values_list("external_id", "kind")) == {
        ("6", "project"),
        ("274", "project"),
    }

    # create the ident: its conference link opens the agent's page of the simulator
    session = launch()
    assert session.link == f"{sandbox_live.url}/sandbox/identify24/apply/{session.external_id}/"
    sim = SimSession.objects.get(vendor="identify24", external_id=session.external_id)
    assert (sim.request["person_last_name"], sim.request["city"], sim.request["custom_id"]) == (
        "MUSTERMANN",
        "NÜRNBERG",
        "cust-1",
    )
    assert sim.request["street"] == "MARKGRAFENSTRASSE"
    assert bytes(SimFile.objects.get(session=sim, key="to_sign.pdf").data) == TO_SIGN

    # schedule, then reschedule with another agent
    anna = VideoAgent.objects.create(termin_user_id="11", name="Anna")
    bernd = VideoAgent.objects.create(termin_user_id="12", name="Bernd")
    first = book(session, anna, 10)
    second = book(session, bernd, 11)
    first.refresh_from_db()
    assert first.cancelled and current_appointment(session) == second
    sim.refresh_from_db()
    assert [(a["termin_date"][-6:], a["termin_user"]) for a in sim.data["appointments"]] == [
        (tomorrow(10).strftime("%z")[:3] + ":" + tomorrow(10).strftime("%z")[3:], "11"),
        (tomorrow(11).strftime("%z")[:3] + ":" + tomorrow(11).strftime("%z")[3:], "12"),
    ]
    open_result = get_provider("identify24").fetch_result(session.external_id)
    assert open_result.status == Status.IN_PROGRESS
    assert dict(open_result.sections[0].rows)["Appointment"] == tomorrow(11).astimezone(dt.UTC).strftime(
        "%Y-%m-%d %H:%M UTC"
    )
    logins_before = SimToken.objects.filter(vendor="identify24").count()

    # 31 minutes without a call: the vendor drops the token; the agent then ends the call
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=True):
        answer = finish(session.link, "successful")

    assert answer.status_code == 200
    assert SimToken.objects.filter(vendor="identify24").count() == logins_before + 1  # one 401, one new login

    # the webhook arrived raw (trailing comma and all), the ident data was pulled, files stored
    delivery = WebhookDelivery.objects.get(vendor="identify24")
    assert bytes(delivery.body).endswith(b", }")
    assert (delivery.verdict, delivery.state) == ("accepted", "done")
    session.refresh_from_db()
    assert (session.status, session.vendor_status, session.vendor_final) == ("approved", "Successful", True)
    assert session.person["last_name"] == "MUSTERMANN"
    stored = {
        (m.kind, m.content_type, m.state, bool(m.expected_sha256), m.sha256 == (m.expected_sha256 or m.sha256))
        for m in Media.objects.filter(session=session)
    }
    assert stored == {
        ("report_pdf", "application/pdf", "stored", True, True),
        ("signed_pdf", "application/pdf", "stored", True, True),
        ("recording", "video/webm", "stored", False, True),
        ("screenshot", "image/png", "stored", False, True),
    }
    assert Media.objects.filter(session=session, kind="screenshot").count() == 2
    signed = Media.objects.get(session=session, kind="signed_pdf")
    assert hashlib.sha256(signed.file.read()).hexdigest() == signed.expected_sha256

    # staff read the PDF inline and seek in the recording
    client.force_login(make_user("olga", "Compliance officer"))
    pdf = client.get(f"/admin/media/{signed.pk}/")
    recording = Media.objects.get(session=session, kind="recording")
    part = client.get(f"/admin/media/{recording.pk}/", HTTP_RANGE="bytes=100-199")
    assert (pdf.status_code, pdf["Content-Type"], pdf["Content-Disposition"].split(";")[0]) == (
        200,
        "application/pdf",
        "inline",
    )
    assert (part.status_code, part["Content-Type"], len(b"".join(part.streaming_content))) == (206, "video/webm", 100)


def test_a_pdf_whose_served_bytes_do_not_match_its_file_hash_is_refused(sandbox_live, private_media):
    session = launch()
    faults.set_fault("identify24", "drop_webhook")  # hold the webhook while the file is tampered with
    finish(session.link, "successful")
    sim = SimSession.objects.get(vendor="identify24", external_id=session.external_id)
    SimFile.objects.filter(session=sim, key="signed.pdf").update(data=b"%PDF-1.4 not what was signed")

    assert outbound.deliver(SimWebhook.objects.get(session=sim).pk) == 200  # the vendor's retry

    signed = Media.objects.get(session=session, kind="signed_pdf")
    assert (signed.state, signed.file.name) == ("failed", "")
    assert "sha256 mismatch" in signed.last_error
    others = Media.objects.filter(session=session).exclude(kind="signed_pdf")
    assert set(others.values_list("state", flat=True)) == {"stored"}
    assert not [p for p in private_media.rglob("signed_pdf-*")]


def test_a_cancelled_ident_has_no_files_and_is_cancelled(sandbox_live, private_media):
    session = launch(pdf=False)

    finish(session.link, "cancelled")

    session.refresh_from_db()
    assert (session.status, session.vendor_status) == ("cancelled", "Cancelled")
    assert not Media.objects.filter(session=session).exists()


def test_the_call_cannot_be_ended_twice(sandbox_live):
    session = launch(pdf=False)
    finish(session.link, "failed")

    again = requests.post(session.link, data={"outcome": "successful"}, timeout=10)

    assert again.status_code == 410
    assert "already been used" in again.text
    session.refresh_from_db()
    assert session.status == "rejected"


def test_the_vendors_refusals_reach_staff_in_its_words(sandbox_live):
    provider = get_provider("identify24")
    from providers.base import LaunchRequest

    with pytest.raises(ProviderError) as inactive:
        provider.create_session(
            LaunchRequest(
                reference="r",
                first_name="A",
                last_name="B",
                birth_date=dt.date(1980, 1, 1),
                nationality="DE",
                email="a@example.org",
                phone="+49151",
                template_id="13",
                options={"street": "S", "house_no": "1", "zip_code": "1", "city": "C", "country": "DE"},
            )
        )
    with pytest.raises(ProviderError) as missing:
        provider.create_session(LaunchRequest(reference="r", template_id="6"))

    assert (inactive.value.status, inactive.value.code) == (200, "RESULT_FALSE")
    assert inactive.value.message == "Project not found or not active."
    assert missing.value.status == 400
    assert "street is required." in missing.value.message


def test_the_vendors_webhook_list_is_mirrored_with_its_status(sandbox_live, private_media):
    session = launch(pdf=False)
    assert sync_webhook_subscriptions(vendor="identify24") == 1
    assert WebhookSubscription.objects.get().vendor_status == "1 PENDING"

    finish(session.link, "successful")
    sync_webhook_subscriptions(vendor="identify24")

    subscription = WebhookSubscription.objects.get()
    assert subscription.url == f"{sandbox_live.url}/webhooks/identify24/<IDENTIFY24_WEBHOOK_TOKEN>/"
    assert "sandbox-identify24-webhook_token" not in str(subscription.raw)  # our secret is never kept
    assert subscription.vendor_status == "3 SUCCESS"


def test_a_vendor_that_throttles_then_recovers_is_waited_for(sandbox_live):
    faults.set_fault("identify24", "429", count=1, retry_after=1)

    assert sync_templates(vendor="identify24") == 2

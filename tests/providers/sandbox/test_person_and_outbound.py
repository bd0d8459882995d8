import datetime as dt
import json

import pytest
from django.test import RequestFactory
from django.utils import timezone

from kycdesk.models import WebhookDelivery
from providers.sandbox import faults, outbound
from providers.sandbox.models import SimSession, SimWebhook
from providers.sandbox.person import person_page
from providers.sandbox.simulator import Outcome, Simulator
from tests.fakes import sign


class ToySimulator(Simulator):
    vendor = "toy"
    title = "Toy vendor"
    outcomes = (Outcome("approve", "Approve"), Outcome("deny", "Deny", "The document is fake."))
    finished: list = []

    def finish(self, session, outcome, uploads):
        self.finished.append((outcome, uploads))
        session.finished_at = timezone.now()
        session.outcome = outcome
        session.save()


@pytest.fixture
def toy():
    ToySimulator.finished = []
    return ToySimulator()


@pytest.fixture
def sim_session(db):
    return SimSession.objects.create(
        vendor="toy",
        external_id="t1",
        request={"firstName": "Jeanne", "QR": True},
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )


def page(toy, method="get", data=None, files=None):
    factory = RequestFactory()
    request = factory.get("/p") if method == "get" else factory.post("/p", data={**(data or {}), **(files or {})})
    return person_page(request, toy, "t1")


def test_the_page_says_it_is_a_sandbox_and_shows_the_person_and_outcomes(toy, sim_session):
    response = page(toy)

    html = response.content.decode()
    assert response.status_code == 200
    assert "SANDBOX" in html and "Jeanne" in html and "The document is fake." in html


def test_finishing_with_an_outcome_calls_the_simulator(toy, sim_session):
    response = page(toy, "post", {"outcome": "deny"})

    assert response.status_code == 200
    assert toy.finished[0][0] == "deny"


def test_an_unknown_outcome_is_refused_with_a_message(toy, sim_session):
    response = page(toy, "post", {"outcome": "explode"})

    assert response.status_code == 400
    assert toy.finished == []


def test_an_uploaded_non_image_is_refused(toy, sim_session):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = page(toy, "post", {"outcome": "approve"}, {"front": SimpleUploadedFile("a.jpg", b"not an image")})

    assert response.status_code == 400
    assert "JPEG or PNG" in response.content.decode()


def test_an_expired_or_used_session_cannot_be_finished(toy, sim_session):
    sim_session.expires_at = timezone.now() - dt.timedelta(seconds=1)
    sim_session.save()

    response = page(toy, "post", {"outcome": "approve"})

    assert response.status_code == 410
    assert toy.finished == []


@pytest.mark.django_db(transaction=True)
class TestOutbound:
    def send(self, url, body=b'{"id": "s1", "state": "ok"}'):
        return outbound.send_webhook(
            vendor="datakeen",
            url=url,
            body=body,
            headers={"Content-Type": "application/json", "X-Fake-Signature": sign(body)},
        )

    def test_a_webhook_reaches_kycdesk_over_http(self, live_server, fake_vendor):
        hook = self.send(f"{live_server.url}/webhooks/datakeen/")

        hook.refresh_from_db()
        assert (hook.attempts, hook.last_status) == (1, 200)
        assert hook.delivered_at is not None
        assert WebhookDelivery.objects.get().verdict == "accepted"

    def test_a_dropped_webhook_is_recorded_and_never_sent(self, live_server, fake_vendor):
        faults.set_fault("datakeen", "drop_webhook")

        hook = self.send(f"{live_server.url}/webhooks/datakeen/")

        hook.refresh_from_db()
        assert hook.dropped and hook.attempts == 0
        assert not WebhookDelivery.objects.exists()

    def test_a_duplicated_webhook_is_sent_twice(self, live_server, fake_vendor):
        faults.set_fault("datakeen", "duplicate_webhook")

        self.send(f"{live_server.url}/webhooks/datakeen/")

        assert WebhookDelivery.objects.count() == 2
        assert SimWebhook.objects.get().attempts == 2

    def test_a_refused_webhook_is_retried_after_its_backoff(self, live_server, fake_vendor):
        hook = self.send(f"{live_server.url}/webhooks/acme/")  # unknown vendor: 404
        hook.refresh_from_db()
        assert (hook.attempts, hook.last_status, hook.delivered_at) == (1, 404, None)

        assert outbound.resend_due() == 0  # backoff not yet over
        SimWebhook.objects.filter(pk=hook.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
        assert outbound.resend_due() == 1
        hook.refresh_from_db()
        assert hook.attempts == 2


def test_the_fake_vendor_body_is_json():
    assert json.loads(b'{"id": "s1", "state": "ok"}')["state"] == "ok"

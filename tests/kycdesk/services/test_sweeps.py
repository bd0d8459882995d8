"""Queueing unfinished work again (kycdesk.services.sweeps): what `make chaos` found.

A backlog in the broker was queued again at every sweep (9,500 tasks queued for 3,000 rows), a
delivery on its second attempt whose worker died stayed "processing" for ever, and a media download
that failed on a retryable error was never tried again.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from kycdesk.models import Identity, Media, VerificationSession, WebhookDelivery
from kycdesk.services import media, sweeps, webhooks
from providers.base import ProviderError

pytestmark = pytest.mark.django_db
AGO = dt.timedelta(minutes=20)


@pytest.fixture
def queued(monkeypatch):
    """Ids queued by the sweeps (nothing runs)."""
    ids: list[int] = []
    monkeypatch.setattr(webhooks, "enqueue_delivery", ids.append)
    monkeypatch.setattr("django_q.tasks.async_task", lambda func, media_id, **kw: ids.append(media_id))
    return ids


@pytest.fixture
def broker_busy(monkeypatch):
    monkeypatch.setattr(sweeps, "broker_idle", lambda: False)


@pytest.fixture
def session(fake_vendor):
    identity = Identity.objects.create(reference="sweep-1")
    return VerificationSession.objects.create(vendor="datakeen", external_id="s1", identity=identity)


def delivery(**fields) -> WebhookDelivery:
    now = timezone.now()
    values = {"vendor": "datakeen", "received_at": now - AGO, "body": b"{}", "body_sha256": "x", "verdict": "accepted"}
    return WebhookDelivery.objects.create(**{**values, **fields})


def test_a_retry_whose_time_has_come_is_queued_once(queued):
    now = timezone.now()
    due = delivery(attempts=1, queued_at=now - AGO, next_attempt_at=now - dt.timedelta(seconds=1))

    assert webhooks.retry_due(limit=10) == 1
    assert webhooks.retry_due(limit=10) == 0
    assert queued == [due.pk]


def test_a_delivery_waiting_for_a_later_retry_is_not_queued_even_when_old(queued):
    delivery(attempts=1, queued_at=timezone.now() - AGO, next_attempt_at=timezone.now() + dt.timedelta(hours=1))

    assert webhooks.retry_due(limit=10, stuck_after_seconds=60) == 0


def test_a_backlog_waiting_in_the_broker_is_not_queued_again(queued, broker_busy):
    delivery(queued_at=timezone.now() - AGO)

    assert webhooks.retry_due(limit=10, stuck_after_seconds=60) == 0


def test_a_queued_delivery_still_unfinished_once_the_broker_is_idle_was_lost_and_is_queued_again(queued):
    lost = delivery(queued_at=timezone.now() - AGO)

    assert webhooks.retry_due(limit=10, stuck_after_seconds=60) == 1
    assert webhooks.retry_due(limit=10, stuck_after_seconds=60) == 0  # stamped: once per interval
    assert queued == [lost.pk]


def test_a_delivery_on_its_second_attempt_whose_worker_died_is_queued_again(queued, broker_busy):
    now = timezone.now()
    # Its retry was due 20 minutes ago; a task took it up 11 minutes ago (past the 10-minute default).
    dead = delivery(state="processing", attempts=2, next_attempt_at=now - AGO, queued_at=now - dt.timedelta(minutes=11))

    assert webhooks.retry_due(limit=10) == 1
    assert queued == [dead.pk]


def test_a_delivery_taken_up_recently_is_left_to_its_worker(queued):
    delivery(state="processing", attempts=1, queued_at=timezone.now() - dt.timedelta(minutes=1))

    assert webhooks.retry_due(limit=10) == 0


def test_processing_stamps_the_claim_so_a_live_worker_is_not_doubled(session, queued):
    stored = delivery(queued_at=timezone.now() - AGO)

    claimed = webhooks._claim(stored.pk)

    assert claimed.queued_at > timezone.now() - dt.timedelta(seconds=5)
    assert webhooks.retry_due(limit=10, stuck_after_seconds=60) == 0


# --- media downloads ---------------------------------------------------------------------------
@pytest.fixture
def pending(session, fake_vendor, private_media):
    fake_vendor.files = {"front.jpg": b"\xff\xd8\xff" + b"\x00" * 40}
    return Media.objects.create(session=session, kind="document_front", source_key="front.jpg")


def failing_fetch(fake_vendor, monkeypatch, before=lambda: None):
    def fetch(self, external_id, ref):
        before()
        raise ProviderError("datakeen", "Internal error (simulated).", status=500, retryable=True)

    monkeypatch.setattr(fake_vendor, "fetch_media", fetch)


def test_a_download_that_failed_on_a_retryable_error_is_tried_again_after_its_backoff(
    pending, fake_vendor, monkeypatch, settings
):
    settings.KYCDESK_RETRY_BASE_SECONDS = 30
    with monkeypatch.context() as patch:
        failing_fetch(fake_vendor, patch)
        assert media.download_media(media_id=pending.pk) == "failed"
    pending.refresh_from_db()
    assert pending.state == "pending" and pending.next_attempt_at > timezone.now() + dt.timedelta(seconds=25)
    assert media.retry_due(limit=10) == 0  # not before its time

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        assert media.retry_due(limit=10) == 1  # django-q2 runs in sync mode here: downloaded at once

    pending.refresh_from_db()
    assert pending.state == "stored"


@pytest.mark.parametrize("meanwhile", ["stored", "erased"])
def test_a_failed_attempt_does_not_undo_what_happened_meanwhile(pending, fake_vendor, monkeypatch, meanwhile):
    # Another task stores the file (or the case is erased) while this attempt is still fetching.
    failing_fetch(fake_vendor, monkeypatch, before=lambda: Media.objects.filter(pk=pending.pk).update(state=meanwhile))

    media.download_media(media_id=pending.pk)

    pending.refresh_from_db()
    assert (pending.state, pending.attempts) == (meanwhile, 0)


def test_a_download_whose_task_was_lost_is_queued_again_once_the_broker_is_idle(pending, queued, monkeypatch):
    Media.objects.filter(pk=pending.pk).update(queued_at=timezone.now() - AGO)

    with monkeypatch.context() as patch:
        patch.setattr(sweeps, "broker_idle", lambda: False)
        assert media.retry_due(limit=10, stuck_after_seconds=60) == 0

    assert media.retry_due(limit=10, stuck_after_seconds=60) == 1
    assert queued == [pending.pk]

"""Deliveries handed to the web process's batching thread are queued a batch at a time, and a
worker turns a batch back into one processing task per delivery."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from kycdesk import tasks
from kycdesk.models import Identity, VerificationSession, WebhookDelivery
from kycdesk.services import dispatch
from kycdesk.services import webhooks as service
from tests.fakes import sign


class Recorder:
    def __init__(self, fail_first: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail_first = fail_first
        self.lock = threading.Lock()

    def __call__(self, ids: list[int]) -> None:
        with self.lock:
            if self.fail_first and not self.batches:
                self.batches.append([])
                raise ConnectionError("redis is down")
            self.batches.append(list(ids))


def test_ids_handed_over_together_are_queued_as_one_batch():
    sent = Recorder()
    dispatcher = dispatch.Dispatcher(sent, window=0.2)

    for delivery_id in range(1, 6):
        dispatcher.submit(delivery_id)

    assert dispatcher.flush(timeout=5)
    assert sent.batches == [[1, 2, 3, 4, 5]]


def test_a_batch_is_never_larger_than_its_limit():
    sent = Recorder()
    dispatcher = dispatch.Dispatcher(sent, window=0.2, max_batch=2)

    for delivery_id in range(1, 6):
        dispatcher.submit(delivery_id)

    assert dispatcher.flush(timeout=5)
    assert [n for batch in sent.batches for n in batch] == [1, 2, 3, 4, 5]
    assert max(len(batch) for batch in sent.batches) == 2


def test_a_broker_failure_is_logged_and_the_next_batch_still_goes(caplog):
    sent = Recorder(fail_first=True)
    dispatcher = dispatch.Dispatcher(sent, window=0.01)

    with caplog.at_level(logging.WARNING, logger="kycdesk.services.dispatch"):
        dispatcher.submit(1)
        assert dispatcher.flush(timeout=5)
        dispatcher.submit(2)
        assert dispatcher.flush(timeout=5)

    assert sent.batches == [[], [2]]  # 1 is left to the retry sweep: its row is committed
    assert "the retry sweep will" in caplog.text


def test_each_process_has_one_dispatcher(settings, monkeypatch):
    settings.KYCDESK_WEBHOOK_BATCH_SECONDS = 0.05
    monkeypatch.setattr(dispatch, "_dispatchers", {})

    assert dispatch.dispatcher() is dispatch.dispatcher()


def test_a_dispatcher_whose_thread_died_is_replaced(settings, monkeypatch):
    settings.KYCDESK_WEBHOOK_BATCH_SECONDS = 0.05
    dead = dispatch.Dispatcher(Recorder(), window=0.01)
    monkeypatch.setattr(dead, "alive", lambda: False)
    monkeypatch.setattr(dispatch, "_dispatchers", {dispatch.os.getpid(): dead})

    assert dispatch.dispatcher() is not dead


@pytest.mark.django_db(transaction=True)
def test_an_accepted_delivery_is_handed_to_the_batching_thread_when_batching(
    client, fake_vendor, settings, monkeypatch
):
    from django_q.conf import Conf

    settings.KYCDESK_WEBHOOK_BATCH_SECONDS = 0.05
    monkeypatch.setattr(Conf, "SYNC", False)  # as in production: a cluster runs the tasks
    sent = Recorder()
    monkeypatch.setattr(dispatch, "_dispatchers", {dispatch.os.getpid(): dispatch.Dispatcher(sent, window=0.05)})
    VerificationSession.objects.create(vendor="datakeen", external_id="s1", identity=Identity.objects.create())
    body = json.dumps({"id": "s1", "state": "ok"}).encode()

    response = client.post(
        "/webhooks/datakeen/", data=body, content_type="application/json", HTTP_X_FAKE_SIGNATURE=sign(body)
    )

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 200
    assert dispatch.dispatcher().flush(timeout=5)
    assert sent.batches == [[delivery.pk]]
    assert delivery.state == "received"  # queued, not yet processed


@pytest.mark.django_db(transaction=True)
def test_a_worker_queues_one_processing_task_per_delivery_of_a_batch(monkeypatch):
    queued = []
    monkeypatch.setattr(service, "enqueue_delivery", queued.append)

    count = tasks.queue_deliveries([7, 8, 9])

    assert (count, queued) == (3, [7, 8, 9])


def test_tasks_run_inline_are_never_batched_even_with_a_window(settings, monkeypatch):
    from django_q.conf import Conf

    settings.KYCDESK_WEBHOOK_BATCH_SECONDS = 0.05
    monkeypatch.setattr(Conf, "SYNC", True)  # as manage.py demo switches it on for its run

    assert not dispatch.batching()


def test_sync_mode_never_batches(settings):
    # tests.django_settings runs django-q2 in sync mode: each delivery is queued (run) on commit.
    assert settings.Q_CLUSTER["sync"] and settings.KYCDESK_WEBHOOK_BATCH_SECONDS == 0
    assert not dispatch.batching()

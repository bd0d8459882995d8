"""A real django-q2 cluster, killed in the middle of processing a delivery: after a restart the
delivery is processed, exactly once (shared/notes/django-q2.md: a dead worker is not reported,
so our own rows and the retry sweep are what recover it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from kycdesk.models import Identity, SessionEvent, VerificationSession, WebhookDelivery
from kycdesk.services import webhooks

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_cluster(markers: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "Q_SYNC": "off",
        "Q_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "tests.django_settings",
        "DATAKEEN_CLASS": "tests.fakes.SlowPullProvider",
        "KYCDESK_TEST_MARKERS": str(markers),
    }
    env.pop("REDIS_URL", None)  # the ORM broker, in the test database
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def enqueue_for_real(delivery_id: int, monkeypatch) -> None:
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    webhooks.enqueue_delivery(delivery_id)


def test_a_delivery_whose_worker_was_killed_is_processed_once_after_restart(tmp_path, settings, monkeypatch):
    settings.KYCDESK_VENDORS = {
        **settings.KYCDESK_VENDORS,
        "datakeen": {**settings.KYCDESK_VENDORS["datakeen"], "class": "tests.fakes.SlowPullProvider"},
    }
    identity = Identity.objects.create(reference="crash-1")
    session = VerificationSession.objects.create(vendor="datakeen", external_id="s1", identity=identity)
    delivery = WebhookDelivery.objects.create(
        vendor="datakeen",
        received_at=session.created_at,
        body=b'{"id": "s1", "state": "ok", "final": true}',
        body_sha256="x",
        verdict="accepted",
    )
    (tmp_path / "hold").write_text("")
    enqueue_for_real(delivery.pk, monkeypatch)

    cluster = start_cluster(tmp_path)
    try:
        wait_for(lambda: (tmp_path / "started").exists())
    finally:
        os.killpg(cluster.pid, signal.SIGKILL)  # the worker dies mid-pull, as in an OOM kill
        cluster.wait(timeout=10)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("processing", 1)

    (tmp_path / "hold").unlink()
    restarted = start_cluster(tmp_path)
    try:
        # The retry sweep (a schedule in production) finds the delivery its dead worker left.
        assert webhooks.retry_due(limit=10, stuck_after_seconds=0) == 1
        wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).state == "done")
    finally:
        restarted.send_signal(signal.SIGTERM)  # the main process only (shared/notes/django-q2.md)
        try:
            restarted.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(restarted.pid, signal.SIGKILL)

    delivery.refresh_from_db()
    session.refresh_from_db()
    assert delivery.attempts == 2
    assert session.status == "approved"
    assert SessionEvent.objects.filter(session=session, kind="result").count() == 1

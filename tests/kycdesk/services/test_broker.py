"""Tasks are queued through one broker per process, not a new connection per task."""

from __future__ import annotations

import django_q.tasks
import pytest

from kycdesk.services import broker

pytestmark = pytest.mark.django_db


def test_every_task_is_queued_through_the_same_broker(monkeypatch):
    used = []
    monkeypatch.setattr(django_q.tasks, "async_task", lambda *args, **kwargs: used.append(kwargs["broker"]))

    broker.enqueue("kycdesk.tasks.process_delivery", 1, task_name="delivery-1")
    broker.enqueue("kycdesk.tasks.download_media", 2, task_name="media-2")

    assert len(used) == 2
    assert used[0] is used[1] is broker.broker()

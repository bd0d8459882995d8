"""Queue django-q2 tasks through one broker per process.

``async_task`` builds a new broker for every task unless it is handed one
(django_q.brokers.get_broker): with Redis that is a new connection pool, a TCP connection and a
client handshake for each task, which was most of the webhook endpoint's time under load
(BENCHMARKS.md). redis-py's pool notices a fork and reconnects in the child, so a broker made
before a worker forks is still safe to use after.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def broker() -> Any:
    from django_q.brokers import get_broker

    return get_broker()


def enqueue(func: str, *args: Any, task_name: str) -> None:
    from django_q.tasks import async_task

    async_task(func, *args, task_name=task_name, broker=broker())

"""Queueing accepted deliveries from the web process, a batch at a time.

Queueing one django-q2 task per delivery costs the request a signed pickle and a Redis round
trip (~0.3 ms of CPU on the 2-core bench machine, BENCHMARKS.md): under a burst, that is the web
workers' time spent on the queue instead of answering. Here the request hands the delivery's id
to a thread of its own process and returns; the thread queues one task per batch
(``kycdesk.tasks.queue_deliveries``), collected for at most ``KYCDESK_WEBHOOK_BATCH_SECONDS``,
and a worker then queues one ``process_delivery`` task per id: each delivery keeps its own
task, time limit and retries.

Nothing is lost if the process dies with ids in hand: the rows are committed before the ids
are handed over, and the retry sweep queues any accepted delivery left unqueued
(kycdesk.services.sweeps). With ``KYCDESK_WEBHOOK_BATCH_SECONDS`` at 0 (the test suite, and
django-q2 in sync mode) each delivery is queued on commit, as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

MAX_BATCH = 200


class Dispatcher:
    """A daemon thread that takes ids and hands them to ``send`` in batches: the first id of a
    batch waits at most ``window`` seconds for others."""

    def __init__(self, send: Callable[[list[int]], None], *, window: float, max_batch: int = MAX_BATCH) -> None:
        self.send = send
        self.window = window
        self.max_batch = max_batch
        self._ids: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._pending = 0  # submitted, not yet handed to send
        self._done = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="kycdesk-dispatch", daemon=True)
        self._thread.start()

    def submit(self, delivery_id: int) -> None:
        with self._done:
            self._pending += 1
        self._ids.put(delivery_id)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every id submitted so far was handed to ``send``; False on timeout."""
        with self._done:
            return self._done.wait_for(lambda: self._pending == 0, timeout=timeout)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while True:
            batch = [self._ids.get()]
            deadline = time.monotonic() + self.window
            while len(batch) < self.max_batch:
                left = deadline - time.monotonic()
                try:
                    batch.append(self._ids.get(timeout=left) if left > 0 else self._ids.get_nowait())
                except queue.Empty:
                    break
            try:
                self.send(batch)
            except Exception:  # any broker failure: the rows are committed, the retry sweep queues them
                logger.warning("could not queue %d deliveries; the retry sweep will", len(batch), exc_info=True)
            finally:
                self._settle(batch)

    def _settle(self, batch: list[int]) -> None:
        try:
            connections.close_all()  # this thread's own connections (an ORM broker uses one)
        except Exception:  # a connection that will not close must not stop the thread
            logger.warning("could not close the dispatch thread's connections", exc_info=True)
        with self._done:
            self._pending -= len(batch)
            self._done.notify_all()


_lock = threading.Lock()
_dispatchers: dict[int, Dispatcher] = {}  # by process id: a forked worker starts its own thread


def _send(ids: list[int]) -> None:
    from kycdesk.services import broker

    broker.enqueue("kycdesk.tasks.queue_deliveries", ids, task_name=f"deliveries-{ids[0]}-{len(ids)}")


def dispatcher() -> Dispatcher:
    pid = os.getpid()
    found = _dispatchers.get(pid)
    if found is None or not found.alive():
        with _lock:
            found = _dispatchers.get(pid)
            if found is None or not found.alive():  # none yet in this process, or its thread died
                found = _dispatchers[pid] = Dispatcher(_send, window=settings.KYCDESK_WEBHOOK_BATCH_SECONDS)
                atexit.register(found.flush)
    return found


def batching() -> bool:
    """Whether deliveries go through the batching thread: not when django-q2 runs tasks inline
    (sync mode, or ``manage.py demo`` switching it on for its run), where a delivery must be
    processed before its request ends."""
    from django_q.conf import Conf

    return settings.KYCDESK_WEBHOOK_BATCH_SECONDS > 0 and not Conf.SYNC

"""The webhook bench's load generator spreads its keep-alive connections evenly over gunicorn's
workers (their accepts are a race), so bare and webhook rounds meet the same workers."""

from __future__ import annotations

import itertools
import os

import pytest

from bench import webhook_load


class FakeConnection:
    def __init__(self, worker: str) -> None:
        self.worker = worker
        self.closed = False

    def close(self) -> None:
        self.closed = True


def accepting(monkeypatch, workers: str) -> list[FakeConnection]:
    """New connections land on the workers in the order of ``workers`` (one letter each)."""
    opened: list[FakeConnection] = []
    landing = itertools.cycle(workers)

    def connect(url: str) -> FakeConnection:
        opened.append(FakeConnection(next(landing)))
        return opened[-1]

    monkeypatch.setattr(webhook_load, "connect", connect)
    monkeypatch.setattr(webhook_load, "answering_worker", lambda connection: connection.worker)
    return opened


def test_connections_that_keep_landing_on_one_worker_are_replaced_until_both_have_their_share(monkeypatch):
    opened = accepting(monkeypatch, "aaaab")

    pool, spread = webhook_load.open_pool("http://127.0.0.1:1", 4, 2)

    assert spread == {"a": 2, "b": 2}
    assert sorted(connection.worker for connection in pool) == ["a", "a", "b", "b"]
    assert all(connection.closed for connection in opened if connection not in pool)


def test_an_odd_pool_gives_no_worker_more_than_its_rounded_up_share(monkeypatch):
    accepting(monkeypatch, "aaab")

    pool, spread = webhook_load.open_pool("http://127.0.0.1:1", 5, 2)

    assert len(pool) == 5
    assert spread == {"a": 3, "b": 2}


def test_a_worker_that_never_accepts_leaves_the_pool_full_but_uneven(monkeypatch):
    monkeypatch.setattr(webhook_load.time, "sleep", lambda seconds: None)
    opened = accepting(monkeypatch, "a")

    pool, spread = webhook_load.open_pool("http://127.0.0.1:1", 4, 2, attempts=10)

    assert len(pool) == 4
    assert spread == {"a": 4}
    assert [connection.closed for connection in opened] == [False] * 4 + [True] * 6


@pytest.mark.urls("bench.urls")
def test_the_bare_view_names_the_worker_that_answered(client):
    response = client.post("/bench/bare/", data=b"{}", content_type="application/json")

    assert response["X-Bench-Worker"] == str(os.getpid())

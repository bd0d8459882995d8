"""The ground a run stands on: a fresh database, an empty broker, gunicorn and the cluster."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis
import requests
from psycopg import sql

from chaos.config import ROOT, Config


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def flush_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def _start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    with log.open("ab") as out:
        # A session of its own: a Ctrl-C in the terminal reaches the run, which stops these itself.
        return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen, *, grace: float = 30.0, name: str = "") -> None:
    """SIGTERM to the main process only (shared/notes/django-q2.md), then SIGKILL to the group we
    started if it hangs. The bench stops its servers with this too."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        if name:
            print(f"  {name} did not stop in {grace:.0f} s: killing its process group")  # noqa: T201
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the group we started, and nothing else
        process.wait(timeout=10)


def wait_until_serving(base_url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}; see its log.")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base_url}/sandbox/_faults/", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"kycdesk did not answer at {base_url} within {timeout:.0f} s.")


@contextlib.contextmanager
def services(config: Config, port: int, env: dict[str, str]) -> Iterator[None]:
    """gunicorn on 127.0.0.1:port and a qcluster, for the duration of the block."""
    config.workdir.mkdir(parents=True, exist_ok=True)
    gunicorn = f"--bind 127.0.0.1:{port} --worker-class gthread --workers {config.web_workers} --threads 8"
    web = _start(
        [sys.executable, "-m", "gunicorn", "kycdesk.wsgi:application", *gunicorn.split(), "--timeout", "60"],
        config.workdir / "gunicorn.log",
        env,
    )
    cluster = None
    try:
        wait_until_serving(env["KYCDESK_PUBLIC_URL"], web)
        cluster = _start([sys.executable, "manage.py", "qcluster"], config.workdir / "qcluster.log", env)
        yield
    finally:
        if cluster is not None:
            stop(cluster, grace=30)
        stop(web, grace=15)


def cluster_queue_size() -> int:
    """Tasks waiting in the broker (not those the cluster already took)."""
    from django_q.brokers import get_broker

    return get_broker().queue_size() or 0

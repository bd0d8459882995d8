"""The processes the webhook bench starts, and how it stops them: gunicorn (its master gets
SIGTERM) and a django-q2 cluster (its main process gets SIGTERM, never its process group:
shared/notes/django-q2.md). Both run kycdesk with bench.settings on loopback."""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from chaos.infra import free_port, stop

ROOT = Path(__file__).resolve().parent.parent


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "Q_SYNC": "off", **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


@contextlib.contextmanager
def gunicorn(workers: int, threads: int) -> Iterator[str]:
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "kycdesk.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",  # threads wait on commits and the broker while others run
        f"--threads={threads}",
        "--backlog=2048",
        "--keep-alive=75",  # the load generator's connections idle between rounds (default 2 s)
        "--log-level=warning",
        "--timeout=60",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=child_env(), start_new_session=True)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(port, process)
        yield url
    finally:
        stop(process, name="gunicorn")


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("POST", "/bench/bare/", body=b"{}")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


@contextlib.contextmanager
def qcluster(vendor_url: str) -> Iterator[subprocess.Popen]:
    env = child_env(IDENFY_BASE_URL=vendor_url)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        stop(process, name="qcluster")

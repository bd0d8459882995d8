"""The processes the webhook bench starts, and how it stops them: gunicorn (its master gets
SIGTERM) and a django-q2 cluster (its main process gets SIGTERM, never its process group:
shared/notes/django-q2.md). Both run kycdesk with bench.settings on loopback."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "Q_SYNC": "off", **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def stop(process: subprocess.Popen, name: str, *, grace: float = 30.0) -> None:
    """SIGTERM to the main process only; SIGKILL to its group only if it will not stop."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        print(f"  {name} did not stop in {grace:.0f} s: killing its process group")  # noqa: T201
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


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
        "--log-level=warning",
        "--timeout=60",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=child_env(), start_new_session=True)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(port, process)
        yield url
    finally:
        stop(process, "gunicorn")


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
        stop(process, "qcluster")

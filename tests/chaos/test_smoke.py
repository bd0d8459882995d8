"""`make chaos` on a tiny size: the whole run (gunicorn, a cluster on Redis, PostgreSQL, faults,
replays, sweeps, the check) ends with its six figures and nothing lost or mismatched. About 15 s
on a quiet machine, a minute on a busy one; skipped where PostgreSQL or Redis is not on loopback."""

from __future__ import annotations

import fcntl
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kycdesk_chaos_smoke"
REDIS_URL = "redis://127.0.0.1:6379/13"  # not make chaos's 14: the run flushes it


def reachable(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def exclusive(tmp_path_factory):
    """One smoke run at a time on this machine (two suites would flush each other's broker)."""
    with open(Path(tmp_path_factory.getbasetemp()).parent.parent / "kycdesk-chaos-smoke.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.mark.skipif(not (reachable(5432) and reachable(6379)), reason="needs PostgreSQL and Redis on loopback")
def test_a_tiny_chaos_run_loses_nothing_and_matches_every_session(exclusive, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "Q_", "KYCDESK_"))},
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CHAOS_SESSIONS": "10",
        "CHAOS_DIR": str(tmp_path),
        "CHAOS_TIMEOUT": "120",
    }

    run = subprocess.run(
        [sys.executable, "-m", "chaos"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )

    figures = dict(re.findall(r"^(sent|stored|processed|failed|lost|mismatches): (\d+)$", run.stdout, re.M))
    assert run.returncode == 0, run.stdout + run.stderr
    assert list(figures) == ["sent", "stored", "processed", "failed", "lost", "mismatches"]
    assert (figures["lost"], figures["mismatches"]) == ("0", "0")
    assert int(figures["stored"]) >= int(figures["processed"]) > 0

"""What a chaos run is told by the environment, and the environment it gives kycdesk."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ConfigError(ValueError):
    pass


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


@dataclass(frozen=True)
class Config:
    sessions: int = 2000
    seed: int = 10
    database_url: str = "postgres://postgres@127.0.0.1:5432/kycdesk_chaos"
    redis_url: str = "redis://127.0.0.1:6379/14"
    #: each accepted delivery is replayed with this probability (so about this share of them)
    replay_share: float = 0.8
    max_replays: int = 5000
    #: seconds allowed for the drain after the last session was finished
    drain_timeout: float = 900.0
    #: seconds allowed for the replays
    replay_timeout: float = 1200.0
    drive_threads: int = 8
    web_workers: int = 3
    q_workers: int = 2
    workdir: Path = ROOT / "var" / "chaos"

    @classmethod
    def from_env(cls) -> Config:
        base = cls()
        config = cls(
            sessions=_int("CHAOS_SESSIONS", base.sessions),
            seed=_int("CHAOS_SEED", base.seed),
            database_url=os.environ.get("DATABASE_URL") or base.database_url,
            redis_url=os.environ.get("REDIS_URL") or base.redis_url,
            replay_share=_float("CHAOS_REPLAY_SHARE", base.replay_share),
            max_replays=_int("CHAOS_MAX_REPLAYS", base.max_replays),
            drain_timeout=_float("CHAOS_TIMEOUT", base.drain_timeout),
            replay_timeout=_float("CHAOS_REPLAY_TIMEOUT", base.replay_timeout),
            drive_threads=_int("CHAOS_THREADS", base.drive_threads),
            workdir=Path(os.environ.get("CHAOS_DIR") or base.workdir),
        )
        config.validate()
        return config

    def validate(self) -> None:
        db, redis = urlsplit(self.database_url), urlsplit(self.redis_url)
        if not db.scheme.startswith("postgres"):
            raise ConfigError("The chaos run needs PostgreSQL: DATABASE_URL=postgres://...")
        # The database is dropped and recreated: refuse any name that does not say it is for chaos.
        if "chaos" not in db.path.lstrip("/"):
            raise ConfigError(f"Refusing to drop {db.path.lstrip('/')!r}: the database name must contain 'chaos'.")
        for what, parts in (("DATABASE_URL", db), ("REDIS_URL", redis)):
            if parts.hostname not in LOOPBACK:
                raise ConfigError(f"{what} must be on this machine (loopback): the run drops and flushes it.")
        if not redis.scheme.startswith("redis"):
            raise ConfigError("The chaos run needs Redis as the django-q2 broker: REDIS_URL=redis://...")
        if self.sessions < 1 or not 0 <= self.replay_share <= 1:
            raise ConfigError("CHAOS_SESSIONS must be at least 1 and CHAOS_REPLAY_SHARE within 0..1.")


def environment(config: Config, port: int) -> dict[str, str]:
    """Settings for kycdesk (this process, gunicorn and the cluster alike)."""
    return {
        "DJANGO_SETTINGS_MODULE": "kycdesk.settings",
        "DEBUG": "on",
        "KYCDESK_SANDBOX": "on",
        "KYCDESK_REQUIRE_2FA": "off",
        "DATABASE_URL": config.database_url,
        "REDIS_URL": config.redis_url,
        "KYCDESK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PRIVATE_MEDIA_ROOT": str(config.workdir / "private"),
        "Q_SYNC": "off",
        "Q_WORKERS": str(config.q_workers),
        # Retries within seconds rather than minutes, so the run ends in minutes (default 30 s).
        "KYCDESK_RETRY_BASE_SECONDS": "2",
        # A "timeout" fault hangs for longer than this: the client really times out.
        "KYCDESK_HTTP_READ_TIMEOUT": "3",
        "LOG_LEVEL": "WARNING",
    }

"""The order of a run; `python -m chaos` (make chaos). Exit status 0 only with nothing lost, no
mismatch and every planned session played."""

from __future__ import annotations

import os
import random
import shutil
import sys
import time

from chaos import infra
from chaos.config import Config, ConfigError, environment

SHOWN = 10  # mismatches and errors listed


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201


def prepare(config: Config) -> tuple[int, dict[str, str]]:
    """A fresh database and broker, the environment set, Django set up and migrated."""
    port = infra.free_port()
    env = {**os.environ, **environment(config, port)}
    os.environ.update(env)
    shutil.rmtree(config.workdir, ignore_errors=True)
    config.workdir.mkdir(parents=True)
    infra.recreate_database(config.database_url)
    infra.flush_redis(config.redis_url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("sync_schedules", verbosity=0)
    return port, env


def run(config: Config) -> int:
    port, env = prepare(config)
    base_url = env["KYCDESK_PUBLIC_URL"]
    from chaos import check, drive, faults, recover, replay

    jobs = drive.plan(config.sessions, random.Random(config.seed))
    say(f"chaos: {len(jobs)} sessions on {base_url}, database {config.database_url}, broker {config.redis_url}")
    started = time.monotonic()
    with infra.services(config, port, env):
        replayer = replay.Replayer(
            base_url, config.replay_share, config.max_replays, config.replay_timeout, random.Random(config.seed + 1)
        )
        replayer.start()
        switches = faults.Faults(
            base_url, sorted({job.vendor for job in jobs}), faults.rounds_for(len(jobs)), random.Random(config.seed + 2)
        )
        report = drive.drive(jobs, config.drive_threads, switches)
        say(
            f"  driven in {time.monotonic() - started:.0f} s: {report.launched} launched "
            f"({report.launch_retries} launch retries after faults), {report.finished} finished"
        )
        replayer.drive_done.set()
        # The rest of the fault rounds while kycdesk catches up: one every fifth sweep.
        left = recover.drain(
            config.drain_timeout,
            progress=say,
            on_step=lambda n: n % 5 or switches.round(),
            replaying=replayer.is_alive,
        )
        replayer.join(30)
        say(f"  replayed {len(replayer.replays)} deliveries")
        say(f"  faults switched on: {dict(switches.injected)}")
        say(f"  {'drained' if left.empty() else 'NOT drained: ' + str(left)} after {time.monotonic() - started:.0f} s")
        figures = check.figures(replayer.replays)
    for message in (report.errors + figures.details)[:SHOWN]:
        say(f"  - {message}")
    for line in figures.lines():
        say(line)
    ok = figures.lost == 0 and figures.mismatches == 0 and not report.errors and left.empty()
    return 0 if ok else 1


def main() -> int:
    try:
        config = Config.from_env()
    except ConfigError as exc:
        say(f"chaos: {exc}")
        return 2
    return run(config)


if __name__ == "__main__":
    sys.exit(main())

"""Play staff and people: launch sessions through the real clients and finish each on the person's
page with an outcome its simulator can produce, with rounds of vendor faults switched on meanwhile."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from django.db import connection

from chaos.faults import FAULT_EVERY, Faults
from kycdesk.management.commands.demo import PEOPLE
from kycdesk.models import Template
from kycdesk.services.launch import launch_session
from kycdesk.services.templates import launch_template
from providers.base import LaunchRequest, ProviderError
from providers.sandbox.simulator import simulators
from providers.sandbox.testing import finish

LAUNCH_TRIES = 8
FINISH_TRIES = 3


@dataclass(frozen=True)
class Job:
    index: int
    vendor: str
    outcome: str


@dataclass
class DriveReport:
    launched: int = 0
    finished: int = 0
    launch_retries: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def plan(sessions: int, rng: random.Random) -> list[Job]:
    """Vendors in turn, so each gets its share; each outcome drawn from what the simulator decides."""
    found = simulators()
    codes = sorted(code for code, sim in found.items() if sim.statuses)
    jobs = []
    for index in range(sessions):
        code = codes[index % len(codes)]
        jobs.append(Job(index, code, rng.choice(sorted(found[code].statuses))))
    return jobs


def templates() -> dict[str, Template | None]:
    return {
        code: launch_template(vendor=code, external_id=sim.launch_template_id) for code, sim in simulators().items()
    }


def launch(job: Job, template: Template | None, report: DriveReport):
    first, last, birth, country = PEOPLE[job.index % len(PEOPLE)]
    request = LaunchRequest(
        reference=f"chaos-{job.index}",
        first_name=first,
        last_name=last,
        birth_date=birth - dt.timedelta(days=job.index % 365),
        nationality=country,
        email=f"chaos{job.index}@example.invalid",
        phone="+33600000000",
        options=dict(simulators()[job.vendor].launch_options),
    )
    for _ in range(LAUNCH_TRIES - 1):
        try:
            return launch_session(vendor=job.vendor, request=request, user=None, template=template)
        except ProviderError as exc:  # a fault answered the create: nothing was created, try again
            report.add(launch_retries=1)
            time.sleep(exc.retry_after or 0.5)
    return launch_session(vendor=job.vendor, request=request, user=None, template=template)


def play(job: Job, template: Template | None, report: DriveReport) -> None:
    try:
        session = launch(job, template, report)
        report.add(launched=1)
        for attempt in range(1, FINISH_TRIES + 1):
            try:
                answer = finish(session.link, job.outcome)
            except requests.RequestException:
                if attempt == FINISH_TRIES:
                    raise
                continue
            # 410 on a retry: the first try did finish it (sessions are single-use).
            if answer.status_code in (200, 302) or (attempt > 1 and answer.status_code == 410):
                report.add(finished=1)
                return
            raise RuntimeError(f"the person's page answered {answer.status_code}")
    except Exception as exc:  # reported, and the run fails: every planned session must be played
        report.error(f"{job.vendor} chaos-{job.index} ({job.outcome}): {type(exc).__name__}: {exc}"[:300])
    finally:
        connection.close()


def drive(jobs: list[Job], threads: int, faults: Faults) -> DriveReport:
    """Play every job on a pool of threads; a round of faults every 2 x FAULT_EVERY jobs (the
    other half of the rounds are for the drain, when only kycdesk calls the vendors)."""
    report = DriveReport()
    chosen = templates()
    slots = threading.BoundedSemaphore(threads * 2)  # submit at the pool's pace, so faults interleave

    def run(job: Job) -> None:
        try:
            play(job, chosen.get(job.vendor), report)
        finally:
            slots.release()

    at = min(FAULT_EVERY, len(jobs) // 2)  # so that a small run has its round too
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="chaos-drive") as pool:
        for job in jobs:
            if job.index % (2 * FAULT_EVERY) == at:
                faults.round()
            slots.acquire()
            pool.submit(run, job)
    return report

"""Webhook bursts: the real endpoint under gunicorn on loopback, beside a bare view on the same
server in the same run, then django-q2 workers (Redis broker) draining the backlog.

The load generator is plain Python: a bounded pool of threads, each with its own keep-alive
HTTP connection, sending signed iDenfy result deliveries (hex HMAC-SHA256 of the raw body in
``Idenfy-Signature``). Bare and webhook requests go in alternating rounds over the same
connections, so both meet the same machine noise and the same workers. The connections are
spread evenly over the gunicorn workers, as a load balancer would: a worker's accepts are a race,
and 16 connections that all land on one worker hold it to one CPU (bare throughput then varied
2x from run to run, 1,370 to 2,940 requests/s, and the ratio with it). Every delivery names a
session created for the run (deleted afterwards), so the workers do the real work: claim, parse,
pull the result over HTTP (bench.vendor_stub), apply it.
Everything started here is stopped here: gunicorn's master and the qcluster's main process are
signalled, never their process groups (shared/notes/django-q2.md).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from kycdesk.models import Identity, VerificationSession, WebhookDelivery

from . import dataset, processes

CONCURRENCY = 16
ROUNDS = 4
WARMUP = 40
TERMINAL = (
    WebhookDelivery.State.DONE,
    WebhookDelivery.State.DUPLICATE,
    WebhookDelivery.State.IGNORED,
    WebhookDelivery.State.FAILED,
)
PREFIX = "bench-wh-"


@dataclass
class Load:
    """What one endpoint did under load."""

    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    accepted_ids: list[int] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, int(len(ordered) * 0.99 + 0.999999) - 1)] if ordered else 0.0


@dataclass
class Report:
    webhook: Load
    bare: Load
    accepted: int
    processed: int
    lost: int
    failed: int
    drain_seconds: float
    states: dict[str, int]
    spread: list[int] = field(default_factory=list)  # keep-alive connections per gunicorn worker

    @property
    def processed_per_s(self) -> float:
        return self.processed / self.drain_seconds if self.drain_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.webhook.rps / self.bare.rps if self.bare.rps else 0.0


# --- deliveries ----------------------------------------------------------------------------------


def make_sessions(count: int) -> list[VerificationSession]:
    """Open iDenfy sessions for the run's deliveries, on existing people."""
    people = list(Identity.objects.order_by("pk").values_list("pk", flat=True)[:count])
    if not people:
        people = [Identity.objects.create(reference=f"{PREFIX}person").pk]
    return VerificationSession.objects.bulk_create(
        VerificationSession(
            vendor="idenfy",
            external_id=f"{PREFIX}{uuid.uuid4().hex}",
            identity_id=people[n % len(people)],
            status="in_progress",
            vendor_status="ACTIVE",
        )
        for n in range(count)
    )


def delivery(scan_ref: str, signing_key: str) -> tuple[bytes, dict[str, str]]:
    """One iDenfy IDENTIFICATION_AUTO_FINISHED delivery, signed as iDenfy signs it."""
    from .vendor_stub import DATA, STATUS

    status = {**{k: v for k, v in STATUS.items() if k != "status"}, "overall": "APPROVED", "additionalSteps": None}
    payload = {
        "final": True,
        "platform": "PC",
        "status": status,
        "data": DATA,
        "fileUrls": {},
        "additionalStepPdfUrls": {},
        "AML": [],
        "LID": [],
        "scanRef": scan_ref,
        "externalRef": None,
        "clientId": f"client-{scan_ref}",
        "companyId": "bench",
        "startTime": int(time.time()) - 300,
        "finishTime": int(time.time()),
        "clientIp": "192.0.2.10",
        "clientIpCountry": "LT",
        "clientLocation": "Vilnius",
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    signature = hmac.new(signing_key.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "Idenfy-Signature": signature,
        "Idenfy-Event-Type": "IDENTIFICATION_AUTO_FINISHED",
    }
    return body, headers


def connect(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def answering_worker(connection: http.client.HTTPConnection) -> str:
    """The pid of the gunicorn worker serving this keep-alive connection (from the bare view)."""
    connection.request("POST", "/bench/bare/", body=b"{}")
    response = connection.getresponse()
    response.read()
    return response.getheader("X-Bench-Worker") or "?"


def open_pool(url: str, size: int, workers: int, *, attempts: int = 400) -> tuple[list, Counter]:
    """``size`` keep-alive connections, the same number to each worker (as far as ``attempts``
    new connections allow); and how many each worker got."""
    share = -(-size // workers)
    pool: list[http.client.HTTPConnection] = []
    per_worker: Counter = Counter()
    spare: list[http.client.HTTPConnection] = []
    for _ in range(attempts):
        if len(pool) == size:
            break
        connection = connect(url)
        pid = answering_worker(connection)
        if per_worker[pid] < share:
            per_worker[pid] += 1
            pool.append(connection)
        else:
            spare.append(connection)  # kept open until the pool is full, so the race is re-run
            time.sleep(0.01)  # a worker still starting up gets the time to take its share
    missing = size - len(pool)  # a worker that would not take its share: the others take more
    for connection in spare[:missing]:
        per_worker[answering_worker(connection)] += 1
        pool.append(connection)
    for connection in spare[missing:]:
        connection.close()
    return pool, per_worker


def send_all(pool: list[http.client.HTTPConnection], path: str, jobs: list, load: Load) -> None:
    """Send every job, one thread per pooled connection; add latencies, statuses and accepted ids
    to ``load``."""
    lock = threading.Lock()
    pending = iter(jobs)

    def worker(connection: http.client.HTTPConnection) -> None:
        while True:
            with lock:
                job = next(pending, None)
            if job is None:
                break
            body, headers = job
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()  # counted as failed; the next request reconnects
                status, answer = 0, b""
            elapsed = (time.perf_counter() - started) * 1000
            received = json.loads(answer).get("received") if status == 200 and path != "/bench/bare/" else None
            with lock:
                load.latencies_ms.append(elapsed)
                load.statuses[status] += 1
                if received:
                    load.accepted_ids.append(int(received))

    threads = [threading.Thread(target=worker, args=(connection,)) for connection in pool]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds += time.perf_counter() - started


def drain(accepted: list[int], timeout: float, log: Callable[[str], None]) -> tuple[float, dict[str, int]]:
    """Wait until every accepted delivery is in a final state (or the timeout); return the time
    it took and the deliveries by state."""
    started = time.perf_counter()
    deadline = started + timeout
    unfinished = WebhookDelivery.objects.filter(pk__in=accepted).exclude(state__in=TERMINAL)
    while time.perf_counter() < deadline and unfinished.exists():
        time.sleep(0.25)
    seconds = time.perf_counter() - started
    states = dict(Counter(WebhookDelivery.objects.filter(pk__in=accepted).values_list("state", flat=True)))
    if unfinished.exists():
        log(f"  drain timed out after {timeout:.0f} s")
    return seconds, states


def clear_queue() -> None:
    from django_q.brokers import get_broker

    get_broker().purge_queue()


def cleanup() -> None:
    """The run's deliveries and sessions go (the bench database holds no other deliveries), with
    what processing them added, and their dead rows with them: autovacuum may be off (it is on
    this machine's PostgreSQL). 150,000 deleted deliveries left in the table and its indexes halved
    the next run's webhook throughput, and deleted sessions sit at the newest end of the list the
    admin pages open on."""
    WebhookDelivery.objects.all().delete()
    VerificationSession.objects.filter(external_id__startswith=PREFIX).delete()
    dataset.vacuum_analyze()


def available() -> tuple[bool, str]:
    """Whether this build can run the webhook bench: the iDenfy provider and a Redis broker."""
    from kycdesk.services.vendors import get_provider

    try:
        get_provider("idenfy")
    except (ImportError, AttributeError):
        return False, "the iDenfy provider is not in this build yet (it verifies the signed deliveries)."
    if not settings.Q_CLUSTER.get("redis"):
        return False, "REDIS_URL is not set (the django-q2 broker the drain uses)."
    try:
        from django_q.brokers import get_broker

        get_broker().ping()
    except Exception as exc:  # any connection failure: say which
        return False, f"Redis at REDIS_URL does not answer ({type(exc).__name__})."
    return True, ""


def run(deliveries: int, *, workers: int, threads: int, log: Callable[[str], None] = print) -> Report:
    cleanup()
    clear_queue()
    key = settings.KYCDESK_VENDORS["idenfy"]["webhook_signing_key"]
    sessions = make_sessions(deliveries + WARMUP)
    jobs = [delivery(session.external_id, key) for session in sessions]
    warmup, jobs = jobs[:WARMUP], jobs[WARMUP:]
    webhook, bare, warm = Load(), Load(), Load()
    pool: list[http.client.HTTPConnection] = []
    try:
        with processes.gunicorn(workers, threads) as url:
            pool, spread = open_pool(url, CONCURRENCY, workers)
            log(f"  {len(pool)} connections over the workers: {sorted(spread.values(), reverse=True)}")
            send_all(pool, "/bench/bare/", warmup, warm)
            send_all(pool, "/webhooks/idenfy/", warmup, warm)
            size = -(-len(jobs) // ROUNDS)
            for start in range(0, len(jobs), size):
                chunk = jobs[start : start + size]
                send_all(pool, "/bench/bare/", chunk, bare)
                send_all(pool, "/webhooks/idenfy/", chunk, webhook)
            log(f"  bare: {bare.rps:.0f} req/s, p99 {bare.p99_ms:.0f} ms; statuses {dict(bare.statuses)}")
            log(f"  webhook: {webhook.rps:.0f} req/s, p99 {webhook.p99_ms:.0f} ms; statuses {dict(webhook.statuses)}")
            accepted = warm.accepted_ids + webhook.accepted_ids
            with processes.qcluster(f"{url}/bench/idenfy/"):
                seconds, states = drain(accepted, timeout=max(180.0, len(accepted) / 5), log=log)
        done = sum(states.get(state, 0) for state in TERMINAL)
        report = Report(
            webhook=webhook,
            bare=bare,
            spread=sorted(spread.values(), reverse=True),
            accepted=len(accepted),
            processed=done,
            lost=len(accepted) - done,
            failed=states.get(WebhookDelivery.State.FAILED, 0),
            drain_seconds=seconds,
            states=states,
        )
        log(f"  drained {done} of {len(accepted)} in {seconds:.1f} s ({report.processed_per_s:.0f}/s); states {states}")
        return report
    finally:
        for connection in pool:
            connection.close()
        clear_queue()
        cleanup()

"""Recovery as production does it — the retry, polling and reconcile sweeps (also running as the
cluster's schedules) — called here every few seconds with time moved on, so the run takes minutes
rather than the hours real back-offs and expiries take; and the drain: what is still to happen."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass

from django.db import connection
from django.utils import timezone

from chaos.infra import cluster_queue_size
from kycdesk.models import Media, VerificationSession, WebhookDelivery
from kycdesk.services import media, polling, reconcile, webhooks
from providers.sandbox import outbound
from providers.sandbox.models import SimSession, SimWebhook
from providers.sandbox.simulator import simulators

#: Above the cluster's task timeout (120 s): a claim older than this is a dead worker's.
STUCK_SECONDS = 150
#: Polling: ask about every open session as if this much time had passed.
POLL_AHEAD = dt.timedelta(minutes=2)
#: Reconcile: as if every session were past its vendor's expiry (Identify24: 90 days) and grace;
#: each sweep a little further, past the back-off of the previous pull.
PAST_EXPIRY = dt.timedelta(days=92)
SWEEP_STEP = dt.timedelta(days=2)


@dataclass(frozen=True)
class Backlog:
    deliveries: int  # accepted deliveries not processed yet
    media: int  # downloads still pending
    outbound: int  # webhooks the simulated vendors still mean to send (or retry)
    sessions: int  # finished at the simulator, still open here
    queued: int  # tasks waiting in the broker
    replaying: int = 0  # 1 while replays may still be sent

    def empty(self) -> bool:
        return not any(asdict(self).values())

    def __str__(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in asdict(self).items())


def decided() -> dict[tuple[str, str], tuple[str, str]]:
    """(vendor, external id) -> (outcome, the status kycdesk must show) for every finished session."""
    found = simulators()
    rows = SimSession.objects.filter(finished_at__isnull=False, vendor__in=list(found), deleted=False)
    return {
        (vendor, external_id): (outcome, found[vendor].statuses[outcome])
        for vendor, external_id, outcome in rows.values_list("vendor", "external_id", "outcome")
        if outcome in found[vendor].statuses
    }


def outbound_pending():
    """Webhooks a simulated vendor still means to send, or to send again."""
    return SimWebhook.objects.filter(delivered_at__isnull=True, dropped=False, attempts__lt=outbound.MAX_ATTEMPTS)


def backlog(replaying: bool = False) -> Backlog:
    open_here = set(VerificationSession.objects.open().values_list("vendor", "external_id"))
    return Backlog(
        deliveries=WebhookDelivery.objects.filter(verdict=WebhookDelivery.Verdict.ACCEPTED).unfinished().count(),
        media=Media.objects.filter(state=Media.State.PENDING).count(),
        outbound=outbound_pending().count(),
        sessions=len(open_here & decided().keys()),
        queued=cluster_queue_size(),
        replaying=int(replaying),
    )


def sweep(step: int, *, senders_done: bool) -> None:
    """One round of every recovery sweep. Reconcile moves time past expiry only once the vendors
    have stopped sending: in production it waits for expiry plus a grace period, by which time
    they have (a Datakeen pull without its webhook's verdict is not the verdict)."""
    now = timezone.now()
    webhooks.retry_due(limit=1000, stuck_after_seconds=STUCK_SECONDS)
    media.retry_due(limit=1000, stuck_after_seconds=STUCK_SECONDS)
    outbound.resend_due()
    polling.enqueue_due(limit=1000, now=now + POLL_AHEAD)
    if senders_done:
        reconcile.reconcile_overdue(now=now + PAST_EXPIRY + step * SWEEP_STEP, limit_per_vendor=1000)


def drain(
    timeout: float, *, progress=print, every: float = 2.0, on_step=lambda step: None, replaying=lambda: False
) -> Backlog:
    """Sweep until nothing is left to happen or ``timeout`` seconds have passed; the last backlog.
    ``on_step(step)`` runs before each round of sweeps; ``replaying()`` says replays may still come."""
    deadline = time.monotonic() + timeout
    step, last_report = 0, 0.0
    try:
        while True:
            left = backlog(replaying())
            if left.empty() or time.monotonic() >= deadline:
                return left
            if time.monotonic() - last_report >= 15:
                progress(f"  waiting: {left}")
                last_report = time.monotonic()
            step += 1
            on_step(step)
            sweep(step, senders_done=left.outbound == 0 and left.deliveries == 0)
            time.sleep(every)
    finally:
        connection.close()

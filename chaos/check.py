"""The figures of a run and every session checked against what its simulator decided.

- sent: webhook POSTs the simulated vendors made (every attempt, duplicates included) + replays;
- stored: WebhookDelivery rows (every verdict) for the vendors that send webhooks;
- processed: accepted deliveries whose processing ended (done, duplicate, ignored);
- failed: accepted deliveries dead-lettered (state failed);
- lost: POSTs answered 2xx with no stored accepted row for that body, plus finished sessions that
  never left created/in progress here;
- mismatches: finished sessions whose status here is not the one their outcome must give, whose
  media are not all stored, or whose result was applied more than twice (a simulated session
  passes through at most two states after its launch: in progress, then its outcome; duplicates,
  replays and pulls of the same state must change nothing).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from chaos.recover import decided
from chaos.replay import Replay
from kycdesk.models import Media, SessionEvent, VerificationSession, WebhookDelivery
from providers.sandbox.models import SimWebhook

MAX_RESULTS = 2
DONE_STATES = (WebhookDelivery.State.DONE, WebhookDelivery.State.DUPLICATE, WebhookDelivery.State.IGNORED)


@dataclass
class Figures:
    sent: int = 0
    stored: int = 0
    processed: int = 0
    failed: int = 0
    lost: int = 0
    mismatches: int = 0
    details: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{name}: {getattr(self, name)}" for name in ("sent", "stored", "processed", "failed", "lost", "mismatches")
        ]


def acknowledged_without_row(replays: list[Replay]) -> tuple[int, list[str]]:
    """For each body: 2xx answers (simulators + replays) beyond the accepted rows holding it."""
    acked: Counter = Counter()
    for vendor, body, count in SimWebhook.objects.filter(acknowledged__gt=0).values_list(
        "vendor", "body", "acknowledged"
    ):
        acked[(vendor, hashlib.sha256(bytes(body)).hexdigest())] += count
    for replay in replays:
        if replay.status is not None and 200 <= replay.status < 300:
            acked[(replay.vendor, replay.body_sha256)] += 1
    accepted = WebhookDelivery.objects.filter(verdict=WebhookDelivery.Verdict.ACCEPTED)
    rows = Counter({(v, s): n for v, s, n in accepted.values_list("vendor", "body_sha256").annotate(n=Count("pk"))})
    missing = [(key, n - rows[key]) for key, n in acked.items() if n > rows[key]]
    return sum(n for _, n in missing), [f"{v} body {s[:12]}: {n} acknowledged, not stored" for (v, s), n in missing]


def session_mismatches() -> tuple[int, int, list[str]]:
    """(never reached a state, mismatches, reasons) over every session a simulator finished."""
    expected = decided()
    here = {
        (s.vendor, s.external_id): s
        for s in VerificationSession.objects.filter(external_id__in=[e for _, e in expected]).only(
            "vendor", "external_id", "status", "vendor_status"
        )
    }
    unstored = Counter(
        Media.objects.exclude(state=Media.State.STORED).values_list("session__vendor", "session__external_id")
    )
    results = Counter(SessionEvent.objects.filter(kind="result").values_list("session__vendor", "session__external_id"))
    never, reasons = 0, []
    for key, (outcome, status) in sorted(expected.items()):
        session = here.get(key)
        if session is None:
            reasons.append(f"{key[0]} {key[1]}: finished as {outcome} but unknown here")
            continue
        if session.is_open:
            never += 1
        if session.status != status:
            reasons.append(
                f"{key[0]} {key[1]}: {outcome} must give {status}, is {session.status} ({session.vendor_status})"
            )
        elif unstored[key]:
            reasons.append(f"{key[0]} {key[1]}: {unstored[key]} media not stored")
        elif results[key] > MAX_RESULTS:
            reasons.append(f"{key[0]} {key[1]}: its result was applied {results[key]} times")
    return never, len(reasons), reasons


def figures(replays: list[Replay]) -> Figures:
    webhook_vendors = list(SimWebhook.objects.values_list("vendor", flat=True).distinct())
    deliveries = WebhookDelivery.objects.filter(vendor__in=webhook_vendors)
    accepted = deliveries.filter(verdict=WebhookDelivery.Verdict.ACCEPTED)
    result = Figures(
        sent=(SimWebhook.objects.aggregate(n=Sum("attempts"))["n"] or 0) + len(replays),
        stored=deliveries.count(),
        processed=accepted.filter(state__in=DONE_STATES).count(),
        failed=accepted.filter(state=WebhookDelivery.State.FAILED).count(),
    )
    lost_deliveries, lost_reasons = acknowledged_without_row(replays)
    never, result.mismatches, reasons = session_mismatches()
    result.lost = lost_deliveries + never
    result.details = lost_reasons + reasons
    return result

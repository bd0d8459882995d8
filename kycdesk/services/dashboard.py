"""The figures on the admin index: four grouped queries, each over an indexed slice (the queue,
or a recent time window), never a scan of the whole table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from kycdesk.models import ReviewDecision, SessionStatus, Vendor, VerificationSession

DAYS = 14  # decisions per day, this many days back
WINDOW_DAYS = 30  # outcome rates and time to decision over this window


@dataclass(frozen=True)
class QueueRow:
    vendor: str
    label: str
    ok: int
    amber: int
    red: int

    @property
    def total(self) -> int:
        return self.ok + self.amber + self.red


@dataclass(frozen=True)
class DayRow:
    day: dt.date
    approve: int
    reject: int


@dataclass(frozen=True)
class OutcomeRow:
    vendor: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)  # approved, needs_review, rejected, other

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class TimingRow:
    vendor: str
    label: str
    hours: float
    decisions: int


@dataclass(frozen=True)
class Dashboard:
    queue: list[QueueRow]
    days: list[DayRow]
    outcomes: list[OutcomeRow]
    timings: list[TimingRow]

    @property
    def queue_total(self) -> int:
        return sum(row.total for row in self.queue)


def queue_by_vendor_and_age(now: dt.datetime) -> list[QueueRow]:
    amber = now - dt.timedelta(hours=settings.KYCDESK_SLA_AMBER_HOURS)
    red = now - dt.timedelta(hours=settings.KYCDESK_SLA_RED_HOURS)
    rows = (
        VerificationSession.objects.review_queue()
        .order_by()
        .values("vendor")
        .annotate(
            ok=Count("pk", filter=Q(created_at__gt=amber)),
            amber=Count("pk", filter=Q(created_at__lte=amber, created_at__gt=red)),
            red=Count("pk", filter=Q(created_at__lte=red)),
        )
    )
    found = {row["vendor"]: row for row in rows}
    labels = dict(Vendor.choices)
    return [
        QueueRow(code, labels.get(code, code), found[code]["ok"], found[code]["amber"], found[code]["red"])
        for code in sorted(found, key=lambda c: list(labels).index(c) if c in labels else 99)
    ]


def decisions_per_day(now: dt.datetime, days: int = DAYS) -> list[DayRow]:
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=days - 1)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    rows = (
        ReviewDecision.objects.filter(decided_at__gte=since, kind=ReviewDecision.Kind.DECISION)
        .order_by()
        .annotate(day=TruncDate("decided_at"))
        .values("day", "outcome")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[dt.date, str], int] = {(row["day"], row["outcome"]): row["n"] for row in rows}
    return [
        DayRow(day, counts.get((day, "approve"), 0), counts.get((day, "reject"), 0))
        for day in (start + dt.timedelta(days=i) for i in range(days))
    ]


OUTCOME_GROUPS = {
    SessionStatus.APPROVED: "approved",
    SessionStatus.NEEDS_REVIEW: "needs_review",
    SessionStatus.REJECTED: "rejected",
    SessionStatus.EXPIRED: "other",
    SessionStatus.CANCELLED: "other",
    SessionStatus.ERROR: "other",
}


def outcome_rates(now: dt.datetime, days: int = WINDOW_DAYS) -> list[OutcomeRow]:
    """How each vendor's finished sessions of the window ended (the vendor's verdict)."""
    rows = (
        VerificationSession.objects.filter(created_at__gte=now - dt.timedelta(days=days), status__in=OUTCOME_GROUPS)
        .order_by()
        .values("vendor", "status")
        .annotate(n=Count("pk"))
    )
    by_vendor: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = by_vendor.setdefault(row["vendor"], {"approved": 0, "needs_review": 0, "rejected": 0, "other": 0})
        counts[OUTCOME_GROUPS[row["status"]]] += row["n"]
    labels = dict(Vendor.choices)
    return [OutcomeRow(code, labels.get(code, code), by_vendor[code]) for code in labels if code in by_vendor]


def time_to_decision(now: dt.datetime, days: int = WINDOW_DAYS) -> list[TimingRow]:
    """Average time from the vendor's verdict (else the launch) to a reviewer's first decision."""
    waited = ExpressionWrapper(
        F("decided_at") - Coalesce(F("session__completed_at"), F("session__created_at")),
        output_field=DurationField(),
    )
    rows = (
        ReviewDecision.objects.filter(decided_at__gte=now - dt.timedelta(days=days), kind=ReviewDecision.Kind.DECISION)
        .order_by()
        .values("session__vendor")
        .annotate(avg=Avg(waited), n=Count("pk"))
    )
    found = {row["session__vendor"]: row for row in rows}
    labels = dict(Vendor.choices)
    result = []
    for code in labels:
        if code in found and found[code]["avg"] is not None:
            avg = found[code]["avg"]
            seconds = avg.total_seconds() if isinstance(avg, dt.timedelta) else float(avg) / 1_000_000
            result.append(TimingRow(code, labels[code], max(0.0, seconds / 3600), found[code]["n"]))
    return result


def dashboard(*, now: dt.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    return Dashboard(
        queue=queue_by_vendor_and_age(now),
        days=decisions_per_day(now),
        outcomes=outcome_rates(now),
        timings=time_to_decision(now),
    )

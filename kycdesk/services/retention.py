"""Retention: what the daily run erases, computed once by :func:`plan` for both the dry-run page
and the run itself, so the page shows exactly what the next run will do.

Two rules, each off when its period is 0 (settings, in days):
- KYCDESK_RETENTION_ANONYMISE_DAYS after the final outcome, a case is anonymised. Final means a
  reviewer's decision (its time), or else the vendor's approved/rejected verdict (its completion
  time). A flagged case nobody has decided is never final, so never anonymised by retention.
- KYCDESK_RETENTION_DELETE_ABANDONED_DAYS after a session expired, was cancelled, ended in
  error, or was left open past its expiry (or its creation when it has none), it is deleted.
  A case with a reviewer's decision is never deleted by this rule.
Cases under legal hold, or whose person is, are skipped and listed as such. Each rule erases at
most KYCDESK_RETENTION_BATCH cases per run, oldest first; the rest is the next run's work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, DateTimeField, Max, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from kycdesk.models import DecisionState, ReviewDecision, SessionStatus, VerificationSession
from kycdesk.services import audit, erase

DECIDED = [DecisionState.APPROVED, DecisionState.REJECTED]
ENDED_WITHOUT_RESULT = [SessionStatus.EXPIRED, SessionStatus.CANCELLED, SessionStatus.ERROR]
OPEN = [SessionStatus.CREATED, SessionStatus.IN_PROGRESS]


@dataclass(frozen=True)
class Planned:
    session_id: int
    vendor: str
    external_id: str
    status: str
    since: dt.datetime  # the date the period counts from
    mode: str  # erase.ANONYMISE or erase.DELETE


@dataclass
class RetentionPlan:
    now: dt.datetime
    anonymise_days: int
    delete_days: int
    anonymise: list[Planned] = field(default_factory=list)
    delete: list[Planned] = field(default_factory=list)
    held: list[Planned] = field(default_factory=list)

    @property
    def session_ids(self) -> list[tuple[str, int]]:
        return [(p.mode, p.session_id) for p in self.anonymise + self.delete]


def _final_cases() -> QuerySet[VerificationSession]:
    """Cases with a final outcome, annotated with ``since``: when it became final."""
    decided_at = Max("decisions__decided_at", filter=Q(decisions__kind=ReviewDecision.Kind.DECISION))
    return (
        VerificationSession.objects.filter(anonymized_at__isnull=True)
        .filter(
            Q(decision_state__in=DECIDED)
            | Q(decision_state=DecisionState.NONE, status__in=[SessionStatus.APPROVED, SessionStatus.REJECTED])
        )
        .annotate(
            since=Case(
                When(decision_state__in=DECIDED, then=Coalesce(decided_at, "completed_at", "created_at")),
                default=Coalesce("completed_at", "created_at"),
                output_field=DateTimeField(),
            )
        )
    )


def _abandoned_cases() -> QuerySet[VerificationSession]:
    return (
        VerificationSession.objects.filter(decision_state=DecisionState.NONE)
        .filter(status__in=ENDED_WITHOUT_RESULT + OPEN)
        .annotate(
            since=Case(
                When(status__in=OPEN, then=Coalesce("expires_at", "created_at")),
                default=Coalesce("completed_at", "expires_at", "created_at"),
                output_field=DateTimeField(),
            )
        )
    )


def _held() -> Q:
    return Q(legal_hold=True) | Q(identity__legal_hold=True)


def _planned(queryset: QuerySet[VerificationSession], mode: str, limit: int) -> list[Planned]:
    rows = queryset.order_by("since", "pk").values_list("pk", "vendor", "external_id", "status", "since")
    return [
        Planned(pk, vendor, external_id, status, since, mode) for pk, vendor, external_id, status, since in rows[:limit]
    ]


def plan(now: dt.datetime | None = None) -> RetentionPlan:
    now = now or timezone.now()
    batch = settings.KYCDESK_RETENTION_BATCH
    result = RetentionPlan(
        now=now,
        anonymise_days=settings.KYCDESK_RETENTION_ANONYMISE_DAYS,
        delete_days=settings.KYCDESK_RETENTION_DELETE_ABANDONED_DAYS,
    )
    rules = [
        (erase.ANONYMISE, result.anonymise_days, _final_cases(), result.anonymise),
        (erase.DELETE, result.delete_days, _abandoned_cases(), result.delete),
    ]
    for mode, days, queryset, target in rules:
        if days <= 0:
            continue
        due = queryset.filter(since__lt=now - dt.timedelta(days=days))
        target.extend(_planned(due.exclude(_held()), mode, batch))
        result.held.extend(_planned(due.filter(_held()), mode, batch))
    # A case both rules reach (cannot happen with today's rules) is deleted, never both.
    deleting = {p.session_id for p in result.delete}
    result.anonymise = [p for p in result.anonymise if p.session_id not in deleting]
    return result


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """The daily run: erase what :func:`plan` lists. Idempotent (erased cases drop out of the plan)."""
    todo = plan(now)
    counts = {"anonymised": 0, "deleted": 0, "refused": 0, "held": len(todo.held)}
    for mode, items, key in ((erase.ANONYMISE, todo.anonymise, "anonymised"), (erase.DELETE, todo.delete, "deleted")):
        batch = erase.erase_cases([p.session_id for p in items], mode=mode, actor=None, reason="retention")
        counts[key] += len(batch.erased)
        counts["refused"] += len(batch.refused)
    audit.record(action="retention_run", **counts)
    return counts

"""Find sessions that should have heard back and pull their state from the vendor.

Vendors give up retrying webhooks, and some deliveries never come (shared/notes/webhooks.md #7).
A session is *overdue* once it is open past its expiry (or its vendor's session lifetime) plus
a grace period. Each overdue session is pulled at most once per back-off interval, so a vendor
that forbids routine polling (iDenfy: /status only for stale sessions) only sees stale ones,
and rarely. Polling vendors (no webhook) are handled by their own poller, not here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from kycdesk.models import VerificationSession
from kycdesk.services import results, webhooks
from kycdesk.services.vendors import enabled_codes, get_provider
from providers.base import Capability, Provider, ProviderError, Status

logger = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    pulled: int = 0
    changed: int = 0
    errors: dict[str, int] = field(default_factory=dict)


def backoff(pulls: int) -> dt.timedelta:
    """1 h after the first pull, doubling, at most a day."""
    return min(dt.timedelta(hours=1) * 2 ** min(pulls, 5), dt.timedelta(days=1))


def overdue_sessions(*, vendor: str, now: dt.datetime, grace: dt.timedelta, lifetime: dt.timedelta):
    due = Q(expires_at__lt=now - grace) | Q(expires_at__isnull=True, created_at__lt=now - lifetime - grace)
    not_recently = Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    return (
        VerificationSession.objects.open()
        .filter(vendor=vendor)
        .filter(due)
        .filter(not_recently)
        .order_by(F("next_poll_at").asc(nulls_first=True), "created_at", "pk")  # pk: a total order
    )


def reconcile_overdue(*, now: dt.datetime | None = None, limit_per_vendor: int = 50) -> ReconcileReport:
    now = now or timezone.now()
    grace = dt.timedelta(minutes=settings.KYCDESK_RECONCILE_GRACE_MINUTES)
    report = ReconcileReport()
    for code in enabled_codes():
        provider = get_provider(code)
        if not provider.supports(Capability.FETCH_RESULT) or provider.supports(Capability.POLLING):
            continue
        sessions = overdue_sessions(vendor=code, now=now, grace=grace, lifetime=provider.session_lifetime)
        for session in sessions[:limit_per_vendor]:
            pull(provider, session, now=now, report=report, past_expiry=True)
    return report


def pull(
    provider: Provider,
    session: VerificationSession,
    *,
    now: dt.datetime,
    report: ReconcileReport,
    past_expiry: bool = False,
) -> None:
    """Pull one session's state, at most once per back-off interval (next_poll_at), and apply it.

    ``past_expiry``: the session is past its expiry, so a vendor that lets sessions expire
    silently (``silent_expiry``) and still calls it open means it expired."""
    VerificationSession.objects.filter(pk=session.pk).update(
        poll_count=F("poll_count") + 1, next_poll_at=now + backoff(session.poll_count)
    )
    try:
        result = provider.fetch_result(session.external_id)
        if past_expiry and provider.silent_expiry and not result.status.is_outcome:
            # Not final: a verdict that still arrives replaces it.
            result = dataclasses.replace(result, status=Status.EXPIRED, final=False)
        outcome = results.apply_result(result=result, source="reconcile")
    except ProviderError as exc:
        report.errors[provider.code] = report.errors.get(provider.code, 0) + 1
        logger.warning(
            "reconcile vendor=%s session=%s error=%s status=%s", provider.code, session.pk, exc.code, exc.status
        )
        return
    report.pulled += 1
    report.changed += int(outcome.applied)
    webhooks.schedule_media(outcome.media_to_fetch)

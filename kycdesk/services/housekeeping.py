"""Pruning and the health figures an operator alerts on (shared/notes/django-q2.md: a stalled
cluster is silent, so expose the age of the oldest unfinished job and of the last success)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from kycdesk.models import Media, WebhookDelivery


def prune_refused_deliveries(*, now: dt.datetime | None = None) -> int:
    """Refused deliveries (bad token, bad signature, too large) are kept for a while, then go."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.KYCDESK_REFUSED_DELIVERY_DAYS)
    deleted, _ = WebhookDelivery.objects.filter(
        verdict=WebhookDelivery.Verdict.REFUSED, received_at__lt=cutoff
    ).delete()
    return deleted


def health(*, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    unfinished = WebhookDelivery.objects.filter(verdict=WebhookDelivery.Verdict.ACCEPTED).unfinished()
    oldest = unfinished.aggregate(at=Min("received_at"))["at"]
    last_done = WebhookDelivery.objects.filter(state=WebhookDelivery.State.DONE).aggregate(at=Max("processed_at"))["at"]
    pending_media = Media.objects.filter(state=Media.State.PENDING).aggregate(at=Min("created_at"))["at"]
    return {
        "unfinished_deliveries": unfinished.count(),
        "oldest_unfinished_delivery_age_s": round((now - oldest).total_seconds()) if oldest else 0,
        "last_processed_delivery_age_s": round((now - last_done).total_seconds()) if last_done else None,
        "failed_deliveries": WebhookDelivery.objects.filter(state=WebhookDelivery.State.FAILED).count(),
        "oldest_pending_media_age_s": round((now - pending_media).total_seconds()) if pending_media else 0,
    }

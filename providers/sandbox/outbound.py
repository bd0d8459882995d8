"""Webhooks back to kycdesk, sent as the vendor sends them: from a django-q2 task, retried on a
non-2xx answer or a timeout, with the drop/duplicate fault switches honoured."""

from __future__ import annotations

import datetime as dt
import logging

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from providers.sandbox import faults
from providers.sandbox.models import SimSession, SimWebhook

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
TIMEOUT = (3.0, 10.0)  # iDenfy's sender gives up on an answer after 10 s


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def send_webhook(
    *, vendor: str, url: str, body: bytes, headers: dict[str, str], session: SimSession | None = None
) -> SimWebhook:
    """Record the webhook and queue its delivery after commit (twice if told to duplicate)."""
    dropped = faults.take(vendor, [faults.Kind.DROP_WEBHOOK]) is not None
    copies = 2 if faults.take(vendor, [faults.Kind.DUPLICATE_WEBHOOK]) is not None else 1
    hook = SimWebhook.objects.create(
        session=session, vendor=vendor, url=url, headers=headers, body=body, dropped=dropped
    )
    if not dropped:
        transaction.on_commit(lambda: [_enqueue(hook.pk) for _ in range(copies)])
    return hook


def _enqueue(webhook_id: int) -> None:
    from django_q.tasks import async_task

    async_task("providers.sandbox.outbound.deliver", webhook_id, task_name=f"sandbox-webhook-{webhook_id}")


def deliver(webhook_id: int) -> int | None:
    """POST the webhook once; return the HTTP status (None on a connection error or timeout)."""
    if not getattr(settings, "KYCDESK_SANDBOX", False):
        return None
    hook = SimWebhook.objects.get(pk=webhook_id)
    try:
        answer = requests.post(hook.url, data=bytes(hook.body), headers=hook.headers, timeout=TIMEOUT)
        status: int | None = answer.status_code
    except requests.RequestException as exc:
        logger.info("sandbox webhook %s to %s failed: %s", hook.pk, hook.vendor, type(exc).__name__)
        status = None
    fields = {"attempts": F("attempts") + 1, "last_status": status}
    if status is not None and 200 <= status < 300:
        fields["delivered_at"] = timezone.now()
        fields["acknowledged"] = F("acknowledged") + 1
    SimWebhook.objects.filter(pk=hook.pk).update(**fields)
    return status


def resend_due() -> int:
    """The sender's retries: undelivered, not dropped, under the attempt limit and past its backoff."""
    if not getattr(settings, "KYCDESK_SANDBOX", False):
        return 0
    now = timezone.now()
    count = 0
    pending = SimWebhook.objects.filter(delivered_at__isnull=True, dropped=False, attempts__lt=MAX_ATTEMPTS).filter(
        ~Q(attempts=0)
    )
    for hook in pending.order_by("created_at")[:200]:
        if hook.created_at + retry_delay(hook.attempts) <= now:
            deliver(hook.pk)
            count += 1
    return count

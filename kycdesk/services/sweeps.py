"""Queueing unfinished work again from our own rows (webhook deliveries, media downloads).

django-q2 on Redis keeps no receipts and does not report a dead worker (shared/notes/django-q2.md):
a lost task leaves only its row. Each row says when a task was last queued for it or took it up
(``queued_at``) and when its next retry is due (``next_attempt_at``). A sweep queues a row again
when it is not waiting for a later retry and either

- its retry has come and nothing was queued for it since, or
- it is lost: a task took it up more than ``stuck_after`` ago and it is still unfinished (its
  worker died: ``stuck_after`` is above the cluster's task timeout), or it was queued more than
  ``stuck_after`` ago and the broker has nothing waiting (so its task is not still in the queue).

A row merely queued is never queued again while the broker has a backlog: it may be waiting in it,
and copies would only make the backlog longer (each sweep adding one per waiting row). Every row
queued is stamped, so it is queued again at most once per ``stuck_after``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

MAX_DELAY = dt.timedelta(hours=1)


def retry_delay(attempts: int) -> dt.timedelta:
    """After 1, 2, 3 ... failed attempts: base, 2 x base, 4 x base ... (KYCDESK_RETRY_BASE_SECONDS), at most an hour."""
    return min(MAX_DELAY, dt.timedelta(seconds=settings.KYCDESK_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)))


def take_due(
    queryset: models.QuerySet,
    *,
    since: str,
    stuck_after: dt.timedelta,
    limit: int,
    taken_up: Q | None = None,
    now: dt.datetime | None = None,
) -> list[int]:
    """Ids of the rows of ``queryset`` to queue again, stamped as queued now. ``since`` names the
    row's creation time, which stands for ``queued_at`` until a task was queued for it;
    ``taken_up`` selects the rows a task has taken up (stamping ``queued_at`` as it did)."""
    now = now or timezone.now()
    not_waiting = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    lost = Q(last_queued__lt=now - stuck_after)
    if not broker_idle():
        lost &= taken_up if taken_up is not None else Q(pk__in=[])
    due = Q(last_queued__lt=F("next_attempt_at")) | lost
    with transaction.atomic():
        ids = list(
            queryset.alias(last_queued=Coalesce("queued_at", since))
            .filter(not_waiting & due)
            .order_by(since)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        mark_queued(queryset.model, ids, now)
    return ids


def broker_idle() -> bool:
    """Whether the broker has no task waiting. Unknown (broker down) counts as busy: queueing
    again would not get through anyway."""
    from django_q.brokers import get_broker

    try:
        return not get_broker().queue_size()
    except Exception:  # any broker failure
        return False


def mark_queued(model: type[models.Model], ids: Iterable[int], now: dt.datetime | None = None) -> None:
    model.objects.filter(pk__in=list(ids)).update(queued_at=now or timezone.now())

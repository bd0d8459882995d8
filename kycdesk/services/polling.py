"""Polling for vendors that send no result webhook (Capability.POLLING: Identomat).

A schedule (kycdesk.schedules, "poll-sessions") claims the open sessions whose ``next_poll_at``
has come and queues one task per session. Each task asks the vendor for the result
(``fetch_result``), applies it with ``apply_result`` and then either

- stops, when the session has left in-progress (any outcome, including "expired" when the
  provider says the token can no longer be used) and queues its media downloads; or
- asks again later, with a backoff by age: recent sessions often, older ones rarely; or
- gives up past ``KYCDESK_POLL_GIVE_UP_HOURS``: a person who quit stays "in progress" at the
  vendor for ever (Identomat's IN_PROGRESS "has quit the process before completion"), so the case
  is marked expired here, with an event saying why.

Safe to run twice (django-q2 delivers at least once): a claim is a lease on ``next_poll_at``,
apply_result is idempotent and monotonic, media downloads are idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from kycdesk.models import SessionEvent, SessionStatus, VerificationSession
from kycdesk.models.choices import OPEN_STATUSES
from kycdesk.services import results
from kycdesk.services.vendors import enabled_codes, get_provider, supports
from kycdesk.services.webhooks import schedule_media
from providers.base import Capability, MalformedPayload, ProviderError

logger = logging.getLogger(__name__)

#: (while a session is younger than this, ask every ...). Identomat's token lives 15 minutes and
#: most people finish within it; after that, answers become rare.
BACKOFF: tuple[tuple[dt.timedelta, dt.timedelta], ...] = (
    (dt.timedelta(minutes=15), dt.timedelta(minutes=1)),
    (dt.timedelta(hours=1), dt.timedelta(minutes=5)),
    (dt.timedelta(hours=6), dt.timedelta(minutes=15)),
)
SLOWEST = dt.timedelta(hours=1)
#: A claimed session is not handed out again for this long, unless its task finished sooner.
LEASE = dt.timedelta(minutes=5)


def give_up_after() -> dt.timedelta:
    return dt.timedelta(hours=settings.KYCDESK_POLL_GIVE_UP_HOURS)


def interval(age: dt.timedelta) -> dt.timedelta:
    """How long to wait before asking again about a session of this age."""
    for younger_than, every in BACKOFF:
        if age < younger_than:
            return every
    return SLOWEST


def polling_vendors() -> list[str]:
    return [code for code in enabled_codes() if supports(code, Capability.POLLING)]


def due(now: dt.datetime) -> models.QuerySet[VerificationSession]:
    return VerificationSession.objects.filter(
        vendor__in=polling_vendors(), status__in=OPEN_STATUSES, anonymized_at__isnull=True
    ).filter(models.Q(next_poll_at__isnull=True) | models.Q(next_poll_at__lte=now))


def enqueue_due(*, limit: int, now: dt.datetime | None = None) -> int:
    """The schedule: lease the due sessions, then queue one poll task each (after commit)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            due(now)
            .select_for_update(skip_locked=True)
            .order_by(models.F("next_poll_at").asc(nulls_first=True), "pk")
            .values_list("pk", flat=True)[:limit]
        )
        VerificationSession.objects.filter(pk__in=ids).update(next_poll_at=now + LEASE)
        transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def _enqueue(ids: list[int]) -> None:
    from django_q.tasks import async_task

    for session_id in ids:
        async_task("kycdesk.tasks.poll_session", session_id, task_name=f"poll-{session_id}")


def poll_session(*, session_id: int, now: dt.datetime | None = None) -> str:
    """Ask the vendor once about one session; apply; decide when (or whether) to ask again."""
    now = now or timezone.now()
    session = VerificationSession.objects.get(pk=session_id)
    if not session.is_open or session.anonymized_at is not None:
        _set_next(session, None)
        return "closed"
    provider = get_provider(session.vendor)
    if not provider.supports(Capability.POLLING):
        _set_next(session, None)
        return "not a polling vendor"
    VerificationSession.objects.filter(pk=session.pk).update(poll_count=models.F("poll_count") + 1)
    age = now - session.created_at
    try:
        result = provider.fetch_result(session.external_id)
        outcome = results.apply_result(result=result, source="poll")
    except (ProviderError, MalformedPayload) as exc:
        return _failed(session, exc, age, now)
    session.refresh_from_db()
    if not session.is_open:
        # Left in-progress: nothing more to ask. Its files can be fetched now.
        _set_next(session, None)
        schedule_media(outcome.media_to_fetch)
        return str(session.status)
    return _again(session, age, now)


def _again(session: VerificationSession, age: dt.timedelta, now: dt.datetime) -> str:
    if age >= give_up_after():
        return _give_up(session, now)
    _set_next(session, now + interval(age))
    return "in progress"


def _failed(session: VerificationSession, exc: Exception, age: dt.timedelta, now: dt.datetime) -> str:
    code = getattr(exc, "code", "") or type(exc).__name__
    logger.warning("poll failed vendor=%s session=%s code=%s", session.vendor, session.pk, code)
    summary = f"Polling {session.vendor} failed: {exc}"[:300]
    # One event per kind of failure in a row, not one a minute.
    last = SessionEvent.objects.filter(session=session).order_by("-at", "-pk").values_list("summary", flat=True).first()
    if last != summary:
        SessionEvent.objects.create(session=session, at=now, kind="poll_error", summary=summary)
    if age >= give_up_after():
        return _give_up(session, now)
    wait = interval(age)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        wait = max(wait, dt.timedelta(seconds=retry_after))
    _set_next(session, now + wait)
    return "error"


def _give_up(session: VerificationSession, now: dt.datetime) -> str:
    """Stop asking and mark the case expired: the vendor will not say anything more."""
    with transaction.atomic():
        expired = VerificationSession.objects.filter(pk=session.pk, status__in=OPEN_STATUSES).update(
            status=SessionStatus.EXPIRED, next_poll_at=None, completed_at=now
        )
        if expired:
            hours = settings.KYCDESK_POLL_GIVE_UP_HOURS
            SessionEvent.objects.create(
                session=session,
                at=now,
                kind="poll_stopped",
                summary=(
                    f"No outcome from {session.vendor} {hours} h after launch (last answer: "
                    f"{session.vendor_status or 'none'}): polling stopped and the case marked expired."
                ),
            )
    return "gave up"


def _set_next(session: VerificationSession, when: dt.datetime | None) -> None:
    VerificationSession.objects.filter(pk=session.pk).update(next_poll_at=when)

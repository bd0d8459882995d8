"""The vendor's copy: the owed anonymise/delete calls, made by a django-q2 task after commit,
claimed in their row, retried with our own attempt count and given up after MAX_VENDOR_ATTEMPTS;
a manager can ask for another round."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kycdesk.models import SessionEvent, VendorErasure
from kycdesk.services import audit
from kycdesk.services.vendors import get_provider
from providers.base import ProviderError

from .plan import User

MAX_VENDOR_ATTEMPTS = 8
VENDOR_RETRY_FIRST = dt.timedelta(minutes=5)
VENDOR_RETRY_MAX = dt.timedelta(hours=24)
VENDOR_CALL_LEASE = dt.timedelta(minutes=10)  # a claimed call is not handed out again before this


def enqueue_vendor_call(erasure_id: int) -> None:
    from django_q.tasks import async_task

    async_task("kycdesk.tasks.vendor_erase", erasure_id, task_name=f"vendor-erase-{erasure_id}")


def _claim(erasure_id: int, now: dt.datetime) -> VendorErasure | None:
    with transaction.atomic():
        erasure = VendorErasure.objects.select_for_update().get(pk=erasure_id)
        if erasure.state != VendorErasure.State.PENDING:
            return None
        if erasure.next_attempt_at and erasure.next_attempt_at > now:
            return None
        erasure.attempts += 1
        erasure.next_attempt_at = now + VENDOR_CALL_LEASE
        erasure.save(update_fields=["attempts", "next_attempt_at"])
        return erasure


def retry_delay(attempts: int) -> dt.timedelta:
    return min(VENDOR_RETRY_MAX, VENDOR_RETRY_FIRST * 3 ** (attempts - 1))


def call_vendor(*, erasure_id: int) -> str:
    """Make one owed vendor call and record its answer. Safe to run twice (claimed in the row)."""
    now = timezone.now()
    erasure = _claim(erasure_id, now)
    if erasure is None:
        return "skipped"
    code = ""
    try:
        outcome = getattr(get_provider(erasure.vendor), erasure.operation)(erasure.external_id)
        done, message = outcome.done, outcome.message or ("Done." if outcome.done else "The vendor did not do it.")
    except ProviderError as exc:
        done, message, code = False, str(exc), exc.code or (str(exc.status) if exc.status else "")
    except NotImplementedError:
        done, message = False, f"The {erasure.vendor} provider does not implement {erasure.operation}."
    erasure.last_message = message[:2000]
    if done:
        erasure.state = VendorErasure.State.DONE
        erasure.finished_at = timezone.now()
        erasure.external_id = ""  # the hash stays; nothing links back to the vendor's record now
        erasure.next_attempt_at = None
    elif erasure.attempts >= MAX_VENDOR_ATTEMPTS:
        erasure.state = VendorErasure.State.FAILED
        erasure.finished_at = timezone.now()
        erasure.next_attempt_at = None
    else:
        erasure.next_attempt_at = timezone.now() + retry_delay(erasure.attempts)
    erasure.save()
    verb = {"anonymize": "anonymise", "delete": "delete"}.get(erasure.operation, "anonymise the person")
    if erasure.session_id:
        SessionEvent.objects.create(
            session_id=erasure.session_id,
            at=timezone.now(),
            kind="vendor_erase",
            summary=f"Vendor {verb}, attempt {erasure.attempts}: {'done' if done else 'not done'} — {message}"[:300],
        )
    audit.record(
        action="vendor_erase",
        target=erasure,
        vendor=erasure.vendor,
        operation=erasure.operation,
        attempt=erasure.attempts,
        done=done,
        state=erasure.state,
        error_code=code,
        external_id_sha256=erasure.external_id_sha256,
    )
    return str(erasure.state)


def retry_vendor_calls(*, limit: int = 500) -> int:
    """Queue the owed vendor calls whose time has come (the schedule's sweep)."""
    ids = list(
        VendorErasure.objects.filter(state=VendorErasure.State.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for erasure_id in ids:
        enqueue_vendor_call(erasure_id)
    return len(ids)


def try_again(*, erasure_id: int, actor: User, ip: str | None = None) -> None:
    """A manager asks for another round of attempts on a call that was given up."""
    updated = VendorErasure.objects.filter(pk=erasure_id, state=VendorErasure.State.FAILED).update(
        state=VendorErasure.State.PENDING, attempts=0, next_attempt_at=timezone.now(), finished_at=None
    )
    if updated:
        audit.record(action="vendor_erase_retry", actor=actor, target=VendorErasure.objects.get(pk=erasure_id), ip=ip)
        transaction.on_commit(lambda: enqueue_vendor_call(erasure_id))

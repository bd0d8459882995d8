"""Inbound deliveries: verified on the raw bytes and stored (raw bytes, headers, source IP, verdict)
before any answer, then processed by a task after commit. See shared/notes/webhooks.md for the
rules this follows."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kycdesk.models import VerificationSession, WebhookDelivery
from kycdesk.services import broker, dispatch, erase, media, results, sweeps
from kycdesk.services.vendors import get_provider
from providers.base import Capability, MalformedPayload, ProviderError, WebhookRejected

logger = logging.getLogger(__name__)

# Credentials and cookies are never stored with a delivery.
DROPPED_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})
MAX_ATTEMPTS = 5
# Seconds a sender is asked to wait when verifying failed on our side (not its signature).
VERIFY_RETRY_AFTER = 60


@dataclass(frozen=True)
class Intake:
    """What the endpoint answers: an HTTP status and the stored delivery."""

    http_status: int
    delivery: WebhookDelivery
    message: str = ""
    retry_after: int | None = None  # seconds, for an answer that asks the sender to come back


def kept_headers(meta: dict[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in meta.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.replace("_", "-").lower()
        else:
            continue
        if name not in DROPPED_HEADERS:
            headers[name] = str(value)[:1000]
    return headers


def receive_delivery(
    *,
    vendor: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str | None,
    path_token: str = "",
    size: int | None = None,
) -> Intake:
    """Verify the delivery on its raw bytes, store it with its verdict, then answer: 2xx only
    once the row is committed. Refused deliveries are stored too (bounded), never queued.

    Verifying is a constant-time compare on bytes already in memory, so it comes first and the
    delivery is written in one INSERT and one commit, not an INSERT then an UPDATE (under a burst
    each statement and commit costs throughput: BENCHMARKS.md). ``size`` is the size the request
    declared, when the body was not read because of it.
    """
    size = max(size or 0, len(body))
    refusal = _refusal(vendor, headers, body, path_token, size)
    delivery = WebhookDelivery.objects.record(
        vendor=vendor,
        received_at=timezone.now(),
        source_ip=source_ip,
        headers=headers,
        body=b"" if size > settings.KYCDESK_WEBHOOK_MAX_BYTES else body,
        body_sha256=hashlib.sha256(body).hexdigest(),
        body_size=size,
        **(
            {"verdict": WebhookDelivery.Verdict.ACCEPTED}
            if refusal is None
            else {
                "verdict": WebhookDelivery.Verdict.REFUSED,
                "state": WebhookDelivery.State.IGNORED,
                "last_error": refusal.error[:1000],
            }
        ),
    )
    if refusal is not None:
        return Intake(refusal.http_status, delivery, refusal.message, refusal.retry_after)
    transaction.on_commit(lambda: hand_over(delivery.pk))
    return Intake(200, delivery)


@dataclass(frozen=True)
class Refusal:
    http_status: int
    message: str  # what the sender is told
    error: str  # what the stored delivery says
    retry_after: int | None = None


def _refusal(vendor: str, headers: dict[str, str], body: bytes, path_token: str, size: int) -> Refusal | None:
    """Why the delivery is refused (None when it is accepted): too large, a vendor that sends no
    webhooks, or a signature/token the provider rejects."""
    limit = settings.KYCDESK_WEBHOOK_MAX_BYTES
    if size > limit:
        return Refusal(413, "Payload too large.", f"Body of {size} bytes is over the {limit}-byte limit.")
    provider = get_provider(vendor)
    if not provider.supports(Capability.WEBHOOKS):
        # A polling vendor (Identomat) sends no result webhook: nothing here may be trusted or parsed.
        return Refusal(
            404, "This vendor sends no webhooks.", f"{vendor} sends no result webhook; its sessions are polled."
        )
    try:
        provider.verify_webhook(headers, body, path_token)
    except WebhookRejected as exc:
        return Refusal(exc.http_status, str(exc), str(exc))
    except Exception as exc:  # a fault of ours (a bug, a missing secret): kept, and the sender retries
        # The type only: an exception's text may quote the body or a secret.
        logger.error("verifying a %s delivery raised %s", vendor, type(exc).__name__)
        return Refusal(
            503,
            "Temporarily unable to verify this delivery; please retry.",
            f"Verification raised {type(exc).__name__}; the sender was asked to retry.",
            retry_after=VERIFY_RETRY_AFTER,
        )
    return None


def hand_over(delivery_id: int) -> None:
    """Queue a committed delivery: through this process's batching thread when it batches."""
    if dispatch.batching():
        dispatch.dispatcher().submit(delivery_id)
    else:
        enqueue_delivery(delivery_id)


def enqueue_delivery(delivery_id: int) -> None:
    """Queue processing. If the broker is down the delivery is still stored and acknowledged:
    the retry sweep (kycdesk.tasks.retry_deliveries) queues it again later."""
    try:
        broker.enqueue("kycdesk.tasks.process_delivery", delivery_id, task_name=f"delivery-{delivery_id}")
    except Exception:  # any broker failure: the row is the source of truth, the sweep recovers
        logger.warning("could not queue delivery %s; the retry sweep will", delivery_id, exc_info=True)


def _claim(delivery_id: int) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.verdict != WebhookDelivery.Verdict.ACCEPTED or delivery.state not in (
            WebhookDelivery.State.RECEIVED,
            WebhookDelivery.State.PROCESSING,
        ):
            return None
        delivery.state = WebhookDelivery.State.PROCESSING
        delivery.attempts += 1
        delivery.queued_at = timezone.now()  # taken up: the sweep leaves it alone while it may still run
        delivery.save(update_fields=["state", "attempts", "queued_at"])
        return delivery


def _finish(delivery: WebhookDelivery, state: str, error: str = "", **fields: Any) -> None:
    delivery.state = state
    delivery.last_error = error[:2000]
    delivery.processed_at = timezone.now()
    for name, value in fields.items():
        setattr(delivery, name, value)
    delivery.save()


def process_delivery(*, delivery_id: int) -> str:
    """Parse a stored delivery, pull the authoritative result, apply it. Safe to run twice."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    provider = get_provider(delivery.vendor)
    try:
        notices = provider.parse_webhook(delivery.headers, bytes(delivery.body))
    except MalformedPayload as exc:
        _finish(delivery, WebhookDelivery.State.FAILED, f"Malformed payload: {exc}")
        return "malformed"
    if not notices:
        _finish(delivery, WebhookDelivery.State.IGNORED, "The delivery names no session.")
        return "ignored"
    outcome = "done"
    for notice in notices:
        fields = {
            "event_type": notice.event_type[:100],
            "external_id": notice.external_id[:200],
            "dedupe_key": notice.dedupe_key[:200],
        }
        for name, value in fields.items():
            setattr(delivery, name, value)
        session = VerificationSession.objects.filter(vendor=delivery.vendor, external_id=notice.external_id).first()
        delivery.session = session  # duplicates too: they belong in the case's history
        if erase.was_erased(delivery.vendor, notice.external_id, session):
            erase.scrub_delivery(delivery)  # a late delivery for an erased case keeps no personal data
        if (
            notice.dedupe_key
            and WebhookDelivery.objects.filter(
                vendor=delivery.vendor, dedupe_key=notice.dedupe_key, state=WebhookDelivery.State.DONE
            )
            .exclude(pk=delivery.pk)
            .exists()
        ):
            _finish(delivery, WebhookDelivery.State.DUPLICATE)
            return "duplicate"
        if session is None:
            _finish(delivery, WebhookDelivery.State.IGNORED, "No session with this id here.")
            return "unknown session"
        try:
            if provider.supports(Capability.FETCH_RESULT):
                result = provider.fetch_result_after(notice)  # the webhook is a hint: pull the truth
            elif notice.result is not None:
                result = notice.result
            else:
                continue
            if result is None:  # a notice that is not about a result (iDenfy DOCUMENT_EXPIRATION)
                continue
            applied = results.apply_result(result=result, source="webhook")
        except ProviderError as exc:
            return _retry_or_fail(delivery, exc)
        schedule_media(applied.media_to_fetch)
        if not applied.applied:
            outcome = applied.reason
    _finish(delivery, WebhookDelivery.State.DONE)
    return outcome


def _retry_or_fail(delivery: WebhookDelivery, exc: ProviderError) -> str:
    error = str(exc)
    if exc.retryable and delivery.attempts < MAX_ATTEMPTS:
        wait = timezone.timedelta(seconds=exc.retry_after) if exc.retry_after else sweeps.retry_delay(delivery.attempts)
        delivery.state = WebhookDelivery.State.RECEIVED
        delivery.next_attempt_at = timezone.now() + wait
        delivery.last_error = error[:2000]
        delivery.save()
        return "retry"
    _finish(delivery, WebhookDelivery.State.FAILED, error)
    return "failed"


def schedule_media(media_ids: list[int]) -> None:
    """Download these media once the transaction that made them commits."""
    if media_ids:
        transaction.on_commit(lambda: media.enqueue_downloads(media_ids))


def reprocess(*, delivery_id: int) -> None:
    """Put a failed or ignored accepted delivery back in the queue (admin action)."""
    updated = WebhookDelivery.objects.filter(pk=delivery_id, verdict=WebhookDelivery.Verdict.ACCEPTED).update(
        state=WebhookDelivery.State.RECEIVED, next_attempt_at=None, last_error=""
    )
    if updated:
        transaction.on_commit(lambda: enqueue_delivery(delivery_id))


def retry_due(*, limit: int, stuck_after_seconds: int = 600) -> int:
    """Queue again the accepted deliveries that are due: a retry whose time has come, or one whose
    task was lost or whose worker died (Redis keeps no receipts; kycdesk.services.sweeps).
    ``stuck_after_seconds`` must be above the cluster's task timeout (Q_CLUSTER["timeout"])."""
    ids = sweeps.take_due(
        WebhookDelivery.objects.filter(verdict=WebhookDelivery.Verdict.ACCEPTED).unfinished(),
        since="received_at",
        stuck_after=timezone.timedelta(seconds=stuck_after_seconds),
        limit=limit,
        taken_up=Q(state=WebhookDelivery.State.PROCESSING),  # _claim stamps queued_at
    )
    for delivery_id in ids:
        enqueue_delivery(delivery_id)
    return len(ids)

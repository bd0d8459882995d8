"""django-q2 tasks. Each takes ids, makes one call into a service, and is safe to run twice
(django-q2 delivers at least once: see shared/notes/django-q2.md)."""

from __future__ import annotations

from kycdesk.services import (
    appointments,
    erase,
    housekeeping,
    media,
    polling,
    reconcile,
    retention,
    review,
    templates,
    vult_identities,
    webhooks,
)


def process_delivery(delivery_id: int) -> str:
    return webhooks.process_delivery(delivery_id=delivery_id)


def queue_deliveries(delivery_ids: list[int]) -> int:
    """A web process's batch (kycdesk.services.dispatch): one processing task per delivery."""
    for delivery_id in delivery_ids:
        webhooks.enqueue_delivery(delivery_id)
    return len(delivery_ids)


def download_media(media_id: int) -> str:
    return media.download_media(media_id=media_id)


def retry_deliveries() -> int:
    return webhooks.retry_due(limit=500)


def retry_media_downloads() -> int:
    return media.retry_due(limit=500)


def sync_templates() -> dict[str, int]:
    return templates.sync_all_templates()


def vendor_erase(erasure_id: int) -> str:
    return erase.call_vendor(erasure_id=erasure_id)


def retry_vendor_erasures() -> int:
    return erase.retry_vendor_calls(limit=500)


def run_retention() -> dict[str, int]:
    return retention.run()


def reconcile_overdue() -> str:
    report = reconcile.reconcile_overdue()
    return f"pulled {report.pulled}, changed {report.changed}, errors {report.errors}"


def prune_refused_deliveries() -> int:
    return housekeeping.prune_refused_deliveries()


def poll_sessions() -> int:
    return polling.enqueue_due(limit=500)


def poll_session(session_id: int) -> str:
    return polling.poll_session(session_id=session_id)


def sync_vult_identities() -> dict[str, int]:
    return vult_identities.sync_if_enabled()


def pull_after_appointments() -> str:
    report = appointments.pull_after_appointments()
    return f"pulled {report.pulled}, changed {report.changed}, errors {report.errors}"


def release_claims() -> int:
    return review.release_expired_claims()

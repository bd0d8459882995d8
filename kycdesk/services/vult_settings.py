"""VULT's account settings from kycdesk: our webhook registration (mirrored into
WebhookSubscription) and the requirements and weights VULT verifies with (read, and updated by a
manager, audited)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from kycdesk.models import WebhookSubscription
from kycdesk.services import audit
from kycdesk.services.vult_identities import VENDOR, audited, vult
from providers.base import EraseOutcome, ProviderError
from providers.vult.normalize import RequirementSet, VendorWebhook

#: What replaces our secret path token wherever a webhook URL is shown or kept.
TOKEN_MASK = "<VULT_WEBHOOK_TOKEN>"  # noqa: S105 (a placeholder, not a secret)


def masked(url: str) -> str:
    token = vult().credential("webhook_token")
    return url.replace(token, TOKEN_MASK) if token else url


# --- webhooks --------------------------------------------------------------------------------
def sync_webhooks(*, actor: Any = None) -> int:
    """Mirror VULT's webhook list; rows VULT no longer lists are removed. Returns how many."""
    listed = vult().list_webhooks()  # never inside the transaction: no lock held during a call
    with transaction.atomic():
        _mirror(listed)
    audit.record(action="vult_webhook_sync", actor=actor, vendor=VENDOR, count=len(listed))
    return len(listed)


def _mirror(listed: list[VendorWebhook]) -> None:
    now = timezone.now()
    for hook in listed:
        WebhookSubscription.objects.update_or_create(
            vendor=VENDOR,
            external_id=hook.external_id,
            defaults={
                "name": hook.name[:200],
                "url": masked(hook.url)[:2048],
                "vendor_status": hook.status[:50],
                "raw": {k: (masked(v) if k == "url" and isinstance(v, str) else v) for k, v in hook.raw.items()},
                "synced_at": now,
            },
        )
    WebhookSubscription.objects.filter(vendor=VENDOR).exclude(external_id__in=[h.external_id for h in listed]).delete()


def register_webhook(*, actor: Any, ip: str | None = None, name: str = "kycdesk") -> int:
    """Register our endpoint with VULT's webhook create, then mirror the list again."""
    vult().register_webhook(name)
    audit.record(action="vult_webhook_register", actor=actor, ip=ip, vendor=VENDOR, name=name)
    return sync_webhooks(actor=actor)


def delete_webhook(*, subscription: WebhookSubscription, actor: Any, ip: str | None = None) -> EraseOutcome:
    if subscription.vendor != VENDOR:
        return EraseOutcome(done=False, message="Only VULT webhooks can be deleted from here.")
    outcome = vult().delete_webhook(subscription.external_id)
    audited("vult_webhook_delete", outcome, actor=actor, ip=ip, target=subscription, webhook=subscription.external_id)
    if outcome.done:
        subscription.delete()
    return outcome


# --- requirements and weights ------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    requirements: list[RequirementSet] = field(default_factory=list)
    weights: dict[str, float | None] = field(default_factory=dict)
    error: str = ""


def read_settings() -> Settings:
    provider = vult()
    try:
        return Settings(requirements=provider.requirements(), weights=provider.weights())
    except ProviderError as exc:
        return Settings(error=str(exc))


def update_weights(*, values: Mapping[str, float], actor: Any, ip: str | None = None) -> list[str]:
    """Send every weight (VULT requires them all); the audit names what changed, old and new."""
    provider = vult()
    before = provider.weights()
    provider.update_weights(values)
    changed = {name: [before.get(name), value] for name, value in values.items() if before.get(name) != value}
    audit.record(action="vult_weights_update", actor=actor, ip=ip, vendor=VENDOR, changed=changed)
    return sorted(changed)


def update_requirements(*, values: Mapping[str, Any], actor: Any, ip: str | None = None) -> None:
    vult().update_requirements(values)
    required = sorted(name for name, value in values.items() if value is True)
    audit.record(
        action="vult_requirements_update",
        actor=actor,
        ip=ip,
        vendor=VENDOR,
        type_e=values.get("type_e"),
        data_source_e=values.get("data_source_e"),
        required=required,
    )

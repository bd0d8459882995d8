"""VULT's account settings from kycdesk: our webhook registration (mirrored into
WebhookSubscription) and the requirements and weights VULT verifies with (read, and updated by a
manager, audited)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kycdesk.models import WebhookSubscription
from kycdesk.services import audit, subscriptions
from kycdesk.services.vult_identities import VENDOR, audited, vult
from providers.base import EraseOutcome, ProviderError
from providers.vult.normalize import RequirementSet


# --- webhooks --------------------------------------------------------------------------------
def register_webhook(*, actor: Any, ip: str | None = None, name: str = "kycdesk") -> int:
    """Register our endpoint with VULT's webhook create, then mirror VULT's list again (the same
    mirror as every vendor's: kycdesk.services.subscriptions)."""
    vult().register_webhook(name)
    audit.record(action="vult_webhook_register", actor=actor, ip=ip, vendor=VENDOR, name=name)
    return subscriptions.sync_webhook_subscriptions(vendor=VENDOR, actor=actor, ip=ip)


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

"""Mirror the webhooks a vendor has configured for us (Identify24's webhook/getAll, VULT's webhook
list) into WebhookSubscription rows, shown read-only, with our credentials masked wherever the
vendor's list repeats them (our secret path token in the URL)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kycdesk.models import WebhookSubscription
from kycdesk.services import audit
from kycdesk.services.vendors import enabled_codes, get_provider, supports
from providers.base import Capability


def sync_webhook_subscriptions(*, vendor: str, actor=None, ip: str | None = None) -> int:
    """Replace the vendor's mirrored subscriptions with what it lists now; return how many."""
    provider = get_provider(vendor)
    if not provider.supports(Capability.LIST_WEBHOOKS):
        return 0
    listed = provider.list_webhooks()  # the vendor call, outside the transaction
    now = timezone.now()
    with transaction.atomic():
        for info in listed:
            WebhookSubscription.objects.update_or_create(
                vendor=vendor,
                external_id=info.external_id[:200],
                defaults={
                    # Our secrets never kept: a listed URL may hold our path token (Identify24, VULT).
                    "name": provider.masked(info.name)[:200],
                    "url": provider.masked(info.url)[:2048],
                    "vendor_status": info.status[:50],
                    "raw": provider.masked(dict(info.raw)),
                    "synced_at": now,
                },
            )
        WebhookSubscription.objects.filter(vendor=vendor).exclude(
            external_id__in=[i.external_id[:200] for i in listed]
        ).delete()
        audit.record(action="webhook_subscription_sync", actor=actor, ip=ip, vendor=vendor, count=len(listed))
    return len(listed)


def listing_vendors() -> list[str]:
    return [code for code in enabled_codes() if supports(code, Capability.LIST_WEBHOOKS)]

"""Mirror a vendor's templates (Datakeen templates, Identify24 projects) into Template rows."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kycdesk.models import Template
from kycdesk.services import audit
from kycdesk.services.vendors import get_provider
from providers.base import Capability, TemplateInfo


def sync_templates(*, vendor: str, actor=None) -> int:
    """Create or update one Template per vendor template; ones the vendor no longer lists are
    deactivated (not deleted: past sessions still point at them). Returns how many were listed."""
    provider = get_provider(vendor)
    if not provider.supports(Capability.LIST_TEMPLATES):
        return 0
    listed = provider.list_templates()  # before the transaction: no lock is held across a vendor call
    _store(vendor, provider.template_kind or Template.Kind.TEMPLATE, listed, actor)
    return len(listed)


@transaction.atomic
def _store(vendor: str, kind: str, listed: list[TemplateInfo], actor) -> None:
    now = timezone.now()
    seen = []
    for info in listed:
        seen.append(info.external_id)
        Template.objects.update_or_create(
            vendor=vendor,
            external_id=info.external_id,
            defaults={
                "name": info.name[:200],
                "kind": kind,
                "is_default": info.is_default,
                "vendor_status": info.status[:50],
                "raw": dict(info.raw),
                "synced_at": now,
                "active": True,
            },
        )
    Template.objects.filter(vendor=vendor, kind=kind).exclude(external_id__in=seen).exclude(external_id="").update(
        active=False, synced_at=now
    )
    audit.record(action="template_sync", actor=actor, vendor=vendor, count=len(listed))


def launch_template(*, vendor: str, external_id: str = "", sync: bool = True) -> Template | None:
    """The template to launch with: ``external_id`` if the vendor lists it, else the vendor's
    default; synced from the vendor first unless told not to (the demo and `make chaos` use it)."""
    if sync:
        sync_templates(vendor=vendor)
    templates = Template.objects.filter(vendor=vendor, active=True)
    chosen = templates.filter(external_id=external_id).first() if external_id else None
    return chosen or templates.order_by("-is_default", "name").first()


def sync_all_templates() -> dict[str, int]:
    """The daily schedule: every enabled vendor that lists templates."""
    from kycdesk.services.vendors import enabled_codes, supports

    return {code: sync_templates(vendor=code) for code in enabled_codes() if supports(code, Capability.LIST_TEMPLATES)}

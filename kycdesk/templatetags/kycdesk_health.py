"""{% vendor_health_badges %}: one badge per enabled vendor, on the sessions list."""

from __future__ import annotations

from django import template

from kycdesk.services.vendor_health import vendor_health

register = template.Library()


@register.inclusion_tag("admin/kycdesk/vendor_health.html")
def vendor_health_badges() -> dict:
    return {"vendors": vendor_health()}

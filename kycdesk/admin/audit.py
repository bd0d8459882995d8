from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kycdesk.models import AuditEntry

from .base import ReadOnlyAdmin
from .changelist import indexed_values_filter


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Managers read the trail; nobody, superusers included, changes or deletes it."""

    list_display = ("at", "actor_name", "action", "target_type", "target_id", "ip")
    # Both lead an index (action; audit_target_idx): their values are walked, not SELECT DISTINCT-ed.
    list_filter = (indexed_values_filter("action", "action"), indexed_values_filter("target_type", "target type"))
    search_fields = ("=actor_name", "=target_id", "=action")
    date_hierarchy = None
    readonly_fields = ("at", "actor", "actor_name", "action", "target_type", "target_id", "ip", "detail")
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.has_perm("kycdesk.view_auditentry")

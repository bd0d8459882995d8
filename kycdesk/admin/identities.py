from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kycdesk.models import Identity, VerificationSession

from .base import ReadOnlyInline, can_view_pii
from .erase import EraseActionsMixin
from .vult import VultIdentityAdminMixin

PII_FIELDS = ("first_name", "last_name", "birth_date", "nationality", "email", "phone", "address")


class SessionInline(ReadOnlyInline):
    model = VerificationSession
    fields = ("vendor", "external_id", "status", "vendor_status", "decision_state", "created_at")
    readonly_fields = fields
    show_change_link = True
    ordering = ("-created_at",)


@admin.register(Identity)
class IdentityAdmin(VultIdentityAdminMixin, EraseActionsMixin, admin.ModelAdmin):
    list_display = ("reference", "last_name", "first_name", "nationality", "created_at", "legal_hold")
    list_filter = ("legal_hold",)
    search_fields = ("=reference", "last_name", "first_name", "=email")
    readonly_fields = ("vendor_ids", "anonymized_at", "created_at", "updated_at")
    inlines = [SessionInline]
    show_full_result_count = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Identities are personal data through and through.
        return super().has_view_permission(request, obj) and can_view_pii(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # erase goes through the erase service, never a bare delete

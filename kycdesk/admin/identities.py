from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kycdesk.models import Identity, VerificationSession

from .base import ReadOnlyInline, can_view_pii
from .changelist import LeanListMixin
from .columns import time_column
from .erase import EraseActionsMixin
from .paginator import EstimatedCountPaginator
from .vult import VultIdentityAdminMixin

PII_FIELDS = ("first_name", "last_name", "birth_date", "nationality", "email", "phone", "address")


class SessionInline(ReadOnlyInline):
    model = VerificationSession
    fields = ("vendor", "external_id", "status", "vendor_status", "decision_state", "created_at")
    readonly_fields = fields
    show_change_link = True
    ordering = ("-created_at",)


@admin.register(Identity)
class IdentityAdmin(LeanListMixin, VultIdentityAdminMixin, EraseActionsMixin, admin.ModelAdmin):
    list_display = ("reference", "last_name", "first_name", "nationality", "created", "legal_hold")
    list_columns = ("reference", "last_name", "first_name", "nationality", "created_at", "legal_hold")
    list_filter = ("legal_hold",)
    # One table: UPPER b-trees for the exact ones, UPPER trigram GIN for the names
    # (migrations scale_indexes and postgresql_search_and_statistics).
    search_fields = ("=reference", "last_name", "first_name", "=email")
    readonly_fields = ("vendor_ids", "anonymized_at", "created_at", "updated_at")
    inlines = [SessionInline]
    sortable_by = ("created",)  # the ordering an index serves
    created = time_column("created_at", "created")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Identities are personal data through and through.
        return super().has_view_permission(request, obj) and can_view_pii(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # erase goes through the erase service, never a bare delete

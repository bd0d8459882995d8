from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from .paginator import EstimatedCountPaginator


def can_view_pii(request: HttpRequest) -> bool:
    return request.user.has_perm("kycdesk.view_pii")


def pretty_json(value: Any) -> str:
    return format_html(
        "<pre class='kycdesk-json'>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, default=str)
    )


class KycdeskStyles:
    """Loads static/kycdesk/kycdesk.css on the admin's list and object pages (the policy forbids
    inline <style>, so every rule of ours lives there)."""

    class Media:
        css = {"all": ("kycdesk/kycdesk.css",)}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Vendor data is never edited by hand."""

    # Vendor data and trails grow to millions of rows (shared/notes/admin-at-scale.md): no
    # COUNT(*) over the whole table on a page view, and no facet counts.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    change_list_template = "admin/kycdesk/lean_change_list.html"  # rows by kycdesk.admin.results
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False
    # Foreign keys shown in the rows, fetched in the inline's one query (not one per row).
    select_related_fields: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.select_related_fields) if self.select_related_fields else queryset

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

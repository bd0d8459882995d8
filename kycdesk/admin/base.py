from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html


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

    show_full_result_count = False  # no COUNT(*) over the whole table (shared/notes/admin-at-scale.md)

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

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

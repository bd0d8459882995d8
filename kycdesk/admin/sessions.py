from __future__ import annotations

import base64
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import path
from django.utils.html import format_html

from kycdesk.media import thumbnail_html
from kycdesk.models import (
    CaseNote,
    Control,
    Document,
    ExtractedField,
    Media,
    ReviewDecision,
    SessionEvent,
    VerificationSession,
)
from kycdesk.services.appointments import scheduling_vendors

from .agenda import appointment_summary, can_schedule
from .base import KycdeskStyles, ReadOnlyAdmin, ReadOnlyInline, can_view_pii, pretty_json
from .erase import EraseActionsMixin, VendorErasureInline
from .launch import launch_view

# What a user without view_pii may see of a case (appointment staff: the minimum).
MINIMAL_FIELDS = ("vendor", "external_id", "status", "vendor_status", "decision_state", "created_at", "expires_at")
PII_ONLY_FIELDS = ("identity", "link_display", "qr_display", "person_display", "reasons", "raw_display")


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("position", "type", "subtype", "side", "country", "number", "issue_date", "expiry_date")
    readonly_fields = fields


class ControlInline(ReadOnlyInline):
    model = Control
    fields = ("document", "group", "name", "passed", "confidence", "score", "detail")
    readonly_fields = fields


class MediaInline(ReadOnlyInline):
    model = Media
    fields = ("preview", "kind", "state", "content_type", "size", "sha256", "fetched_at", "last_error")
    readonly_fields = fields

    @admin.display(description="File")
    def preview(self, obj: Media) -> str:
        return thumbnail_html(obj) or "—"


class DecisionInline(ReadOnlyInline):
    model = ReviewDecision
    fields = ("decided_at", "decided_by", "kind", "outcome", "reason_code", "comment")
    readonly_fields = fields


class NoteInline(ReadOnlyInline):
    model = CaseNote
    fields = ("created_at", "author", "text")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = SessionEvent
    fields = ("at", "kind", "summary", "actor")
    readonly_fields = fields


@admin.register(VerificationSession)
class VerificationSessionAdmin(KycdeskStyles, EraseActionsMixin, ReadOnlyAdmin):
    list_display = ("external_id", "vendor", "status", "vendor_status", "decision_state", "identity", "created_at")
    list_filter = ("vendor", "status", "decision_state")
    search_fields = ("=external_id", "=identity__reference")
    list_select_related = ("identity",)
    ordering = ("-created_at", "-id")
    sortable_by = ("created_at",)
    change_list_template = "admin/kycdesk/session_changelist.html"
    # The record (link, QR, raw result) leads to the case page, where the case is read and decided.
    change_form_template = "admin/kycdesk/session_change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("launch/", wrap(lambda r: launch_view(self, r)), name="kycdesk_launch"),
            path(
                "launch/<str:vendor>/",
                wrap(lambda r, vendor: launch_view(self, r, vendor)),
                name="kycdesk_launch_vendor",
            ),
            *super().get_urls(),
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type]:
        if not can_view_pii(request):
            return []
        return [
            DocumentInline,
            ControlInline,
            MediaInline,
            DecisionInline,
            NoteInline,
            EventInline,
            VendorErasureInline,
        ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(MINIMAL_FIELDS)
        if obj is not None and obj.vendor in scheduling_vendors() and request.user.has_perm("kycdesk.view_appointment"):
            fields.append("appointment_link" if can_schedule(request) else "appointment_text")
        if can_view_pii(request):
            fields += [
                "identity",
                "template",
                "launched_by",
                "link_display",
                "qr_display",
                "liveness",
                "similarity",
                "score",
                "reasons",
                "person_display",
                "started_at",
                "completed_at",
                "last_synced_at",
                "raw_display",
            ]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="Appointment")
    def appointment_link(self, obj: VerificationSession) -> str:
        return appointment_summary(obj, with_link=True)

    @admin.display(description="Appointment")
    def appointment_text(self, obj: VerificationSession) -> str:
        return appointment_summary(obj, with_link=False)

    @admin.display(description="Person's link")
    def link_display(self, obj: VerificationSession) -> str:
        return format_html("<a href='{0}' target='_blank' rel='noopener'>{0}</a>", obj.link) if obj.link else "—"

    @admin.display(description="QR code")
    def qr_display(self, obj: VerificationSession) -> str:
        png = bytes(obj.qr_png or b"")
        if not png:
            return "—"
        return format_html(
            "<img alt='QR code of the link' width='160' src='data:image/png;base64,{}'>", base64.b64encode(png).decode()
        )

    @admin.display(description="Person as the vendor found them")
    def person_display(self, obj: VerificationSession) -> str:
        return pretty_json(obj.person)

    @admin.display(description="Vendor result (raw)")
    def raw_display(self, obj: VerificationSession) -> str:
        return pretty_json(obj.raw)


@admin.register(ExtractedField)
class ExtractedFieldAdmin(ReadOnlyAdmin):
    list_display = ("name", "value", "confidence", "source", "document")
    list_select_related = ("document",)
    search_fields = ("=document__session__external_id",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and can_view_pii(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached from the case, not listed on its own

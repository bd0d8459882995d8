from __future__ import annotations

import base64
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.html import format_html

from kycdesk.media import thumbnail_html
from kycdesk.models import (
    CaseNote,
    Control,
    DecisionState,
    Document,
    ExtractedField,
    Media,
    ReviewDecision,
    SessionEvent,
    SessionStatus,
    Vendor,
    VerificationSession,
)
from kycdesk.services.appointments import scheduling_vendors

from .agenda import appointment_summary, can_schedule
from .base import KycdeskStyles, ReadOnlyAdmin, ReadOnlyInline, can_view_pii, pretty_json
from .changelist import LeanListMixin
from .columns import choice_column, time_column
from .erase import EraseActionsMixin, VendorErasureInline
from .launch import launch_view
from .paginator import EstimatedCountPaginator
from .search import search_sessions

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
    select_related_fields = ("document",)


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
    select_related_fields = ("decided_by",)


class NoteInline(ReadOnlyInline):
    model = CaseNote
    fields = ("created_at", "author", "text")
    readonly_fields = fields
    select_related_fields = ("author",)


class EventInline(ReadOnlyInline):
    model = SessionEvent
    fields = ("at", "kind", "summary", "actor")
    readonly_fields = fields
    select_related_fields = ("actor",)


@admin.register(VerificationSession)
class VerificationSessionAdmin(KycdeskStyles, LeanListMixin, EraseActionsMixin, ReadOnlyAdmin):
    list_display = (
        "external_id",
        "vendor_label",
        "status_label",
        "vendor_status",
        "decision_label",
        "identity",
        "created",
    )
    list_columns = (
        "external_id",
        "vendor",
        "status",
        "vendor_status",
        "decision_state",
        "created_at",
        "identity__reference",
    )
    list_filter = ("vendor", "status", "decision_state")  # fields with choices: no SELECT DISTINCT
    # Declared for the search box; get_search_results runs them as indexed subqueries.
    search_fields = ("=external_id", "=identity__reference", "identity__last_name", "identity__first_name")
    search_help_text = "The vendor's session id, our reference, or (with access to personal data) a name."
    list_select_related = ("identity",)
    ordering = ("-created_at", "-id")
    sortable_by = ("created",)  # the one ordering the indexes serve
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER
    change_list_template = "admin/kycdesk/session_changelist.html"
    # The record (link, QR, raw result) leads to the case page, where the case is read and decided.
    change_form_template = "admin/kycdesk/session_change_form.html"

    vendor_label = choice_column("vendor", Vendor.choices, "vendor")
    status_label = choice_column("status", SessionStatus.choices, "status")
    decision_label = choice_column("decision_state", DecisionState.choices, "decision")
    created = time_column("created_at", "created")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        return search_sessions(queryset, search_term, names=can_view_pii(request)), False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The case page's own foreign keys, in the query that loads the case.
        return super().get_queryset(request).select_related("identity", "template", "launched_by")

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

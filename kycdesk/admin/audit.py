from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from kycdesk.models import AuditEntry, Media, VerificationSession

from .base import ReadOnlyAdmin
from .changelist import indexed_values_filter
from .queue_filters import InputFilter


class CaseTrailFilter(InputFilter):
    """The audit trail of one case: entries on the session and on each of its media files
    (both found through the (target_type, target_id) index)."""

    title = "case"
    parameter_name = "case"
    placeholder = "case id"

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        raw = self.cleaned()
        if not raw:
            return queryset
        if not raw.isdigit():
            return queryset.none()
        media_ids = [str(pk) for pk in Media.objects.filter(session_id=int(raw)).values_list("pk", flat=True)]
        return queryset.filter(
            Q(target_type=VerificationSession._meta.label_lower, target_id=raw)
            | Q(target_type=Media._meta.label_lower, target_id__in=media_ids)
        )


class ActorTrailFilter(InputFilter):
    """The audit trail of one user, by username (exact)."""

    title = "user"
    parameter_name = "actor"
    placeholder = "username"

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        username = self.cleaned()
        return queryset.filter(actor__username=username) if username else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Managers read the trail; nobody, superusers included, changes or deletes it."""

    list_display = ("at", "actor_link", "action", "target_type", "target_link", "ip")
    # action and target_type lead an index (action; audit_target_idx): their values are walked,
    # not SELECT DISTINCT-ed over the whole trail.
    list_filter = (
        CaseTrailFilter,
        ActorTrailFilter,
        indexed_values_filter("action", "action"),
        indexed_values_filter("target_type", "target type"),
    )
    search_fields = ("=actor_name", "=target_id", "=action")  # declared for the box; run by get_search_results
    search_help_text = "A record's id, a username or an action, exact."
    date_hierarchy = None
    readonly_fields = ("at", "actor", "actor_name", "action", "target_type", "target_id", "ip", "detail")
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.has_perm("kycdesk.view_auditentry")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """Exact matches, each on its own index (audit_target_id_idx, audit_actor_name_idx, action):
        Django's ``=`` compares UPPER() values, which no index serves, across a million entries."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(target_id=term) | Q(actor_name=term) | Q(action=term)), False

    @admin.display(description="Actor")
    def actor_link(self, obj: AuditEntry) -> str:
        if obj.actor_id is None:
            return obj.actor_name
        return format_html("<a href='?actor={0}' title='Audit trail of {0}'>{0}</a>", obj.actor_name)

    @admin.display(description="Target")
    def target_link(self, obj: AuditEntry) -> str:
        if obj.target_type == VerificationSession._meta.label_lower and obj.target_id.isdigit():
            return format_html(
                "<a href='?case={0}' title='Audit trail of this case'>{0}</a> · <a href='{1}'>open</a>",
                obj.target_id,
                reverse("admin:kycdesk_case", args=[obj.target_id]),
            )
        return obj.target_id

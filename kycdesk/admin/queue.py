"""The review queue (/admin/kycdesk/case/) and the case pages' URLs (/admin/kycdesk/case/<id>/...).

Every needs_review case without a final decision, across vendors, oldest first. Tuned for a big
table (shared/notes/admin-at-scale.md): fixed-value filters, no facets, no full COUNT(*), related
rows joined or prefetched, a fixed number of queries whatever the page size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from kycdesk.models import Case, DecisionState, Document, VerificationSession
from kycdesk.services import review
from kycdesk.services.audit import client_ip

from . import case as case_views
from . import queue_filters as filters
from .base import ReadOnlyAdmin, can_view_pii
from .changelist import LeanListMixin
from .results import pk_url

TOP_REASONS = 3


def age_text(seconds: float) -> str:
    hours = int(seconds // 3600)
    if hours >= 48:
        return f"{hours // 24} d {hours % 24} h"
    return f"{hours} h {int(seconds % 3600 // 60):02d} min"


def age_css(case: VerificationSession, now: dt.datetime) -> str:
    amber, red = filters.sla_cutoffs(now)
    if case.created_at <= red:
        return "kd-age kd-age-red"
    if case.created_at <= amber:
        return "kd-age kd-age-amber"
    return "kd-age"


def _column(name: str, description: str, function: Callable[[Any], str]) -> Callable[[Any], str]:
    function.__name__ = name  # the column's CSS class (column-<name>)
    return admin.display(description=description)(function)


def case_link_column(obj: VerificationSession, case_url: Callable[[int], str]) -> str:
    return format_html("<a href='{}'>{}</a>", case_url(obj.pk), obj.external_id or obj.pk)


def age_column(obj: VerificationSession, now: dt.datetime) -> str:
    return format_html(
        "<span class='{}' title='since {}'>{}</span>",
        age_css(obj, now),
        timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M"),
        age_text((now - obj.created_at).total_seconds()),
    )


def assignee_column(obj: VerificationSession, now: dt.datetime) -> str:
    if review.live_assignee_id(obj, now) is None:  # an expired claim reads as released
        return format_html("<span class='kd-muted'>{}</span>", "unassigned")
    return obj.assigned_to.get_username()


def actions_column(
    obj: VerificationSession, now: dt.datetime, user_id: int, here: str, urls: dict[str, Callable[[int], str]]
) -> str:
    """Claim (or release one's own claim). The button posts the changelist form to the action's
    URL (formaction): no nested form, no JS."""
    holder = review.live_assignee_id(obj, now)
    if holder is not None and holder != user_id:
        return format_html("<span class='kd-muted'>{}</span>", "claimed")
    name, label = ("release", "Release") if holder == user_id else ("claim", "Claim")
    return format_html(
        "<button type='submit' class='button kd-row-button' formaction='{}' name='next' value='{}'>{}</button>",
        urls[name](obj.pk),
        here,
        label,
    )


@admin.register(Case)
class CaseAdmin(LeanListMixin, ReadOnlyAdmin):
    list_display = (
        "case_link",
        "age",
        "vendor",
        "verdict",
        "person_column",
        "documents_display",
        "assignee",
        "row_actions",
    )
    list_display_links = None
    list_filter = (
        filters.StageFilter,
        "vendor",
        filters.AssigneeFilter,
        filters.AgeFilter,
        filters.DocumentTypeFilter,
        filters.ReasonCodeFilter,
        filters.CountryFilter,
    )
    search_fields = ("=external_id", "=identity__reference", "identity__last_name", "identity__first_name")
    search_help_text = "A last or first name, our reference, or the vendor's id (exact)."
    list_select_related = ("identity", "assigned_to")
    # What the columns read (LeanListMixin): not the vendor's raw result or sections.
    list_columns = (
        "external_id",
        "created_at",
        "vendor",
        "status",
        "vendor_status",
        "decision_state",
        "reasons",
        "person",
        "claimed_at",
        "identity__first_name",
        "identity__last_name",
        "identity__reference",
        "assigned_to__username",
    )
    list_per_page = 50
    ordering = ("created_at", "pk")
    sortable_by = ()
    show_facets = admin.ShowFacets.NEVER
    actions = ["claim_selected", "reassign_selected"]
    change_list_template = "admin/kycdesk/case/queue.html"

    # --- who sees what: the queue is for reviewers (view_pii); nothing is added or changed here.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("kycdesk.view_verificationsession") and can_view_pii(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_claim_permission(self, request: HttpRequest) -> bool:
        return review.is_reviewer(request.user)

    def has_reassign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("kycdesk.reassign_case")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Ordered by the column: Document's default ordering ("session", ...) joins the sessions table.
        documents = Document.objects.only("pk", "session_id", "type", "country", "position").order_by(
            "session_id", "position"
        )
        return (
            Case.objects.review_queue()
            .select_related(*self.list_select_related)
            .prefetch_related(Prefetch("documents", queryset=documents))
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra = {
            "title": "Review queue",
            "sla_amber": settings.KYCDESK_SLA_AMBER_HOURS,
            "sla_red": settings.KYCDESK_SLA_RED_HOURS,
            "claim_minutes": settings.KYCDESK_CLAIM_MINUTES,
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_list_display(self, request: HttpRequest) -> list:
        """Columns that depend on the request (the time, who is looking) are built per request:
        a ModelAdmin is shared by every thread, so it must not keep request state."""
        now, user_id, here = timezone.now(), request.user.pk, request.get_full_path()
        urls = {name: pk_url(f"admin:kycdesk_case_{name}") for name in ("claim", "release")}
        case_url = pk_url("admin:kycdesk_case")
        per_request = {
            "case_link": _column("case_link", "Case", lambda obj: case_link_column(obj, case_url)),
            "age": _column("age", "Age", lambda obj: age_column(obj, now)),
            "assignee": _column("assignee", "Assignee", lambda obj: assignee_column(obj, now)),
            "row_actions": _column("row_actions", "", lambda obj: actions_column(obj, now, user_id, here, urls)),
        }
        return [per_request.get(name, name) for name in self.list_display]

    # --- columns (case_link, age, assignee and row_actions are replaced per request, see above) ---
    @admin.display(description="Case")
    def case_link(self, obj: Case) -> str:
        return case_link_column(obj, case_views.case_url)

    @admin.display(description="Age")
    def age(self, obj: Case) -> str:
        return age_column(obj, timezone.now())

    @admin.display(description="Vendor verdict")
    def verdict(self, obj: Case) -> str:
        reasons = [r for r in (obj.reasons or []) if isinstance(r, dict) and r.get("code")]
        chips = format_html_join(
            " ",
            "<a class='kd-chip' href='?{}' title='{}'>{}</a>",
            (
                (urlencode({"reason": r["code"]}), r.get("text") or r.get("kind") or "", r["code"])
                for r in reasons[:TOP_REASONS]
            ),
        )
        more = (
            format_html(" <span class='kd-more'>+{}</span>", len(reasons) - TOP_REASONS)
            if len(reasons) > TOP_REASONS
            else ""
        )
        stage = (
            format_html(" <span class='kd-badge kd-badge-second'>{}</span>", "awaiting second approval")
            if obj.decision_state == DecisionState.PENDING_SECOND
            else ""
        )
        return format_html("<strong>{}</strong>{} {}{}", obj.vendor_status or obj.status, stage, chips, more)

    @admin.display(description="Person")
    def person_column(self, obj: Case) -> str:
        identity = obj.identity
        found = obj.person or {}
        name = identity.full_name or " ".join(str(found[k]) for k in ("first_name", "last_name") if found.get(k))
        return format_html("{}<br><span class='kd-muted'>{}</span>", name or "—", identity.reference)

    @admin.display(description="Document")
    def documents_display(self, obj: Case) -> str:
        docs = list(obj.documents.all())  # prefetched: no query per row
        return format_html_join(
            mark_safe("<br>"), "{}", ((" · ".join(p for p in (d.type, d.country) if p) or "—",) for d in docs[:2])
        )

    @admin.display(description="Assignee")
    def assignee(self, obj: Case) -> str:
        return assignee_column(obj, timezone.now())

    @admin.display(description="")
    def row_actions(self, obj: Case) -> str:
        return ""

    # --- bulk actions ------------------------------------------------------------------------------
    @admin.action(description="Claim the selected cases", permissions=["claim"])
    def claim_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        outcome = review.bulk_claim(
            session_ids=list(queryset.values_list("pk", flat=True)), user=request.user, ip=client_ip(request)
        )
        self._report(request, outcome, "claimed")

    @admin.action(description="Reassign the selected cases…", permissions=["reassign"])
    def reassign_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        ids = list(queryset.values_list("pk", flat=True))
        if request.POST.get("apply"):
            try:
                to_user = case_views._reviewer_from(request)
            except review.ReviewRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            outcome = review.bulk_reassign(session_ids=ids, to_user=to_user, by=request.user, ip=client_ip(request))
            self._report(request, outcome, "reassigned")
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Reassign cases",
            "ids": ids,
            "reviewers": list(review.reviewers()),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/kycdesk/case/reassign.html", context)

    def _report(self, request: HttpRequest, outcome: review.BulkOutcome, verb: str) -> None:
        if outcome.done:
            self.message_user(request, f"{len(outcome.done)} case(s) {verb}.", messages.SUCCESS)
        for pk, why in outcome.refused.items():
            self.message_user(request, f"Case {pk}: {why}", messages.WARNING)

    # --- URLs: the case page and its actions live beside the queue --------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        actions = {
            "claim": case_views.claim_view,
            "release": case_views.release_view,
            "reassign": case_views.reassign_view,
            "decide": case_views.decide_view,
            "second": case_views.second_approve_view,
            "note": case_views.note_view,
            "renew": case_views.renew_view,
        }
        return [
            path("<int:pk>/", wrap(lambda r, pk: case_views.case_page(self, r, pk)), name="kycdesk_case"),
            *(path(f"<int:pk>/{name}/", wrap(view), name=f"kycdesk_case_{name}") for name, view in actions.items()),
            path("<int:pk>/change/", wrap(lambda r, pk: HttpResponseRedirect(case_views.case_url(pk)))),
            *super().get_urls(),
        ]

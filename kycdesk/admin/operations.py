"""Templates, webhook subscriptions and deliveries (agents and appointments: agenda.py)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from kycdesk.models import Template, WebhookDelivery, WebhookSubscription
from kycdesk.services import audit, subscriptions, templates, webhooks
from kycdesk.services.vendors import enabled_codes, supports
from providers.base import Capability, ProviderError

from .base import KycdeskStyles, ReadOnlyAdmin
from .vult import VultWebhookAdminMixin


@admin.register(Template)
class TemplateAdmin(KycdeskStyles, admin.ModelAdmin):
    list_display = ("name", "vendor", "kind", "external_id", "is_default", "active", "synced_at")
    list_filter = ("vendor", "kind", "active")
    search_fields = ("name", "=external_id")
    readonly_fields = ("raw", "synced_at", "created_at")
    change_list_template = "admin/kycdesk/template_changelist.html"

    def get_urls(self):
        sync = self.admin_site.admin_view(require_POST(self.sync_view))
        return [path("sync/", sync, name="kycdesk_template_sync"), *super().get_urls()]

    def sync_view(self, request: HttpRequest) -> HttpResponse:
        """The "Sync from vendors" button: one sync per vendor that lists templates. A button, not
        an action, because an action needs a selected row and there is none before the first sync."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        for code in enabled_codes():
            if not supports(code, Capability.LIST_TEMPLATES):
                continue
            try:
                count = templates.sync_templates(vendor=code, actor=request.user)
            except ProviderError as exc:
                self.message_user(request, f"{code}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{code}: {count} templates synced.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:kycdesk_template_changelist"))


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(KycdeskStyles, VultWebhookAdminMixin, ReadOnlyAdmin):
    """The vendors' own webhook lists (VULT webhook list; Identify24 webhook/getAll, status 1-4)."""

    list_display = ("vendor", "name", "external_id", "url", "vendor_status", "synced_at")
    list_filter = ("vendor",)
    readonly_fields = ("vendor", "external_id", "name", "url", "vendor_status", "raw", "synced_at")
    # The VULT mixin's template extends admin/kycdesk/webhooksubscription_changelist.html (the mirror button).

    def get_urls(self):
        return [
            path(
                "mirror/",
                self.admin_site.admin_view(require_POST(self.mirror_view)),
                name="kycdesk_webhooksubscription_mirror",
            ),
            *super().get_urls(),
        ]

    def mirror_view(self, request: HttpRequest) -> HttpResponse:
        """The button: read each vendor's webhook list (a read call; nothing changes at the vendor)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        for code in subscriptions.listing_vendors():
            try:
                count = subscriptions.sync_webhook_subscriptions(
                    vendor=code, actor=request.user, ip=audit.client_ip(request)
                )
            except ProviderError as exc:
                self.message_user(request, f"{code}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{code}: {count} webhooks listed by the vendor.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:kycdesk_webhooksubscription_changelist"))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "vendor", "verdict", "state", "event_type", "external_id", "attempts", "source_ip")
    list_filter = ("vendor", "verdict", "state")
    search_fields = ("=external_id", "=body_sha256")  # declared for the box; run by get_search_results
    search_help_text = "The vendor's session id or the body's SHA-256, exact."
    list_select_related = ("session",)
    exclude = ("body",)  # may carry personal data; shown only through the case page
    readonly_fields = (
        "vendor",
        "received_at",
        "source_ip",
        "headers",
        "body_sha256",
        "body_size",
        "verdict",
        "state",
        "event_type",
        "external_id",
        "dedupe_key",
        "session",
        "attempts",
        "next_attempt_at",
        "last_error",
        "processed_at",
    )
    actions = ["reprocess"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """Exact matches on the two indexed columns (Django's ``=`` compares UPPER(), which no
        index serves: a scan of every delivery)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(external_id=term) | Q(body_sha256=term.lower())), False

    @admin.action(description="Reprocess the selected deliveries", permissions=["reprocess"])
    def reprocess(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = 0
        for delivery in queryset.filter(verdict=WebhookDelivery.Verdict.ACCEPTED).only("pk"):
            webhooks.reprocess(delivery_id=delivery.pk)
            count += 1
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)

    def has_reprocess_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("kycdesk.change_webhookdelivery")

"""Templates, webhook subscriptions and deliveries, video agents and appointments."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from kycdesk.models import Appointment, Template, VideoAgent, WebhookDelivery, WebhookSubscription
from kycdesk.services import templates, webhooks
from kycdesk.services.vendors import enabled_codes, supports
from providers.base import Capability, ProviderError

from .base import ReadOnlyAdmin
from .vult import VultWebhookAdminMixin


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
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
class WebhookSubscriptionAdmin(VultWebhookAdminMixin, ReadOnlyAdmin):
    list_display = ("vendor", "name", "url", "vendor_status", "synced_at")
    list_filter = ("vendor",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "vendor", "verdict", "state", "event_type", "external_id", "attempts", "source_ip")
    list_filter = ("vendor", "verdict", "state")
    search_fields = ("=external_id", "=body_sha256")
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

    @admin.action(description="Reprocess the selected deliveries", permissions=["reprocess"])
    def reprocess(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = 0
        for delivery in queryset.filter(verdict=WebhookDelivery.Verdict.ACCEPTED).only("pk"):
            webhooks.reprocess(delivery_id=delivery.pk)
            count += 1
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)

    def has_reprocess_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("kycdesk.change_webhookdelivery")


@admin.register(VideoAgent)
class VideoAgentAdmin(admin.ModelAdmin):
    list_display = ("name", "termin_user_id", "active")
    list_filter = ("active",)
    search_fields = ("name", "=termin_user_id")


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "agent", "session", "time_zone", "cancelled")
    list_filter = ("agent", "cancelled")
    list_select_related = ("agent", "session")
    raw_id_fields = ("session",)
    readonly_fields = ("vendor_insert_id", "created_by", "created_at")
    show_full_result_count = False

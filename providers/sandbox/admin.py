"""The simulators' state in the admin, so a demo can flip fault switches by hand."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from providers.sandbox.models import SimFault, SimSession, SimWebhook


class SandboxOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "KYCDESK_SANDBOX", False)) and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)


@admin.register(SimFault)
class SimFaultAdmin(SandboxOnly):
    list_display = ("vendor", "kind", "remaining", "retry_after", "delay", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)


@admin.register(SimSession)
class SimSessionAdmin(SandboxOnly):
    list_display = ("vendor", "external_id", "status", "outcome", "created_at", "finished_at")
    list_filter = ("vendor", "status")
    readonly_fields = [f.name for f in SimSession._meta.fields]


@admin.register(SimWebhook)
class SimWebhookAdmin(SandboxOnly):
    list_display = ("vendor", "url", "attempts", "last_status", "delivered_at", "dropped", "created_at")
    list_filter = ("vendor", "dropped")
    exclude = ("body",)
    readonly_fields = ("session", "vendor", "url", "headers", "attempts", "last_status", "delivered_at", "dropped")

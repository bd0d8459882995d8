"""A second admin site with plain ModelAdmins over the same tables: the same columns, filters and
search a developer would first write, everything else left at Django's defaults (exact counts,
no select_related hints, icontains search, no extra indexes used on purpose). The bench times
it beside kycdesk's tuned admin in the same run. Mounted only by bench.urls."""

from django.contrib import admin

from kycdesk.models import Identity, VerificationSession

site = admin.AdminSite(name="plain")


@admin.register(VerificationSession, site=site)
class PlainSessionAdmin(admin.ModelAdmin):
    list_display = ("external_id", "vendor", "status", "vendor_status", "decision_state", "identity", "created_at")
    list_filter = ("vendor", "status", "decision_state")
    search_fields = ("external_id", "identity__reference", "identity__last_name", "identity__first_name")


@admin.register(Identity, site=site)
class PlainIdentityAdmin(admin.ModelAdmin):
    list_display = ("reference", "last_name", "first_name", "nationality", "created_at", "legal_hold")
    list_filter = ("legal_hold",)
    search_fields = ("reference", "last_name", "first_name", "email")

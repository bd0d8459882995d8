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


try:  # the review queue (issue 9): the Case proxy
    from kycdesk.models import Case
except ImportError:  # not in this build yet
    Case = None

if Case is not None:

    @admin.register(Case, site=site)
    class PlainQueueAdmin(admin.ModelAdmin):
        """The queue's rows (its definition, Case.objects.review_queue()), with its filters written
        plainly: related-field filters for documents and assignee, which Django builds from the table."""

        list_display = ("external_id", "created_at", "vendor", "status", "decision_state", "identity", "assigned_to")
        list_filter = ("decision_state", "vendor", "assigned_to", "documents__type", "documents__country")
        search_fields = ("external_id", "identity__reference", "identity__last_name", "identity__first_name")
        list_per_page = 50
        ordering = ("created_at", "pk")

        def get_queryset(self, request):
            return Case.objects.review_queue()

        # The proxy has no permissions of its own: access follows the sessions' (as kycdesk's queue).
        def has_view_permission(self, request, obj=None):
            return request.user.has_perm("kycdesk.view_verificationsession")

        def has_module_permission(self, request):
            return self.has_view_permission(request)

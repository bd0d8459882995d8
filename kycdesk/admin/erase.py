"""Erase from the admin: anonymise/delete actions with a confirmation page (cases and identities),
the vendor calls owed, and the retention dry run. Every path calls kycdesk.services.erase."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from kycdesk.models import Identity, VendorErasure, VerificationSession
from kycdesk.services import erase, retention
from kycdesk.services.audit import client_ip

from .base import ReadOnlyAdmin, ReadOnlyInline

ERASE_PERMISSION = "kycdesk.erase_case"


class EraseForm(forms.Form):
    reason = forms.ChoiceField(choices=[("", "—"), *erase.REASONS.items()], label="Why")


def _sessions_of(queryset: QuerySet) -> QuerySet[VerificationSession]:
    if queryset.model is Identity:
        return VerificationSession.objects.filter(identity__in=queryset)
    return queryset


def _rows(sessions: QuerySet[VerificationSession], mode: str) -> list[dict[str, Any]]:
    rows = []
    for session in sessions.select_related("identity").order_by("pk"):
        rows.append(
            {
                "session": session,
                "plan": erase.vendor_plan(session.vendor, mode),
                "held": erase.hold_reason(session),
                "files": len(erase.case_files(session)),
            }
        )
    return rows


def _confirm(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, mode: str) -> HttpResponse | None:
    if not request.user.has_perm(ERASE_PERMISSION):
        raise PermissionDenied
    form = EraseForm(request.POST if request.POST.get("confirm") == "yes" else None)
    if form.is_bound and form.is_valid():
        _perform(modeladmin, request, queryset, mode, form.cleaned_data["reason"])
        return None  # back to the list
    action = "anonymise_selected" if mode == erase.ANONYMISE else "delete_selected_cases"
    identities = list(queryset.order_by("pk")) if queryset.model is Identity else []
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Anonymise" if mode == erase.ANONYMISE else "Delete",
        "opts": modeladmin.model._meta,
        "mode": mode,
        "action": action,
        "objects": queryset.order_by("pk"),
        "identities": identities,
        "held_identities": [i for i in identities if i.legal_hold],
        "rows": _rows(_sessions_of(queryset), mode),
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/kycdesk/erase_confirm.html", context)


def _perform(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, mode: str, reason: str) -> None:
    ip = client_ip(request)
    erased, refused = 0, []
    if queryset.model is Identity:
        for identity in queryset.order_by("pk"):
            try:
                erased += len(erase.erase_identity(identity.pk, mode=mode, actor=request.user, reason=reason, ip=ip))
            except (erase.EraseRefused, erase.EraseFailed) as exc:
                refused.append(str(exc))
    else:
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        batch = erase.erase_cases(pks, mode=mode, actor=request.user, reason=reason, ip=ip)
        erased, refused = len(batch.erased), [message for _pk, message in batch.refused]
    done = "anonymised" if mode == erase.ANONYMISE else "deleted"
    modeladmin.message_user(
        request,
        f"{erased} case(s) {done}. Vendor calls, where the vendor offers one, run in the background: "
        "their answers appear on each case (Vendor erase calls).",
        messages.SUCCESS,
    )
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


def anonymise_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    return _confirm(modeladmin, request, queryset, erase.ANONYMISE)


def delete_selected_cases(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    return _confirm(modeladmin, request, queryset, erase.DELETE)


anonymise_selected.short_description = "Anonymise the selected… (confirm first)"  # type: ignore[attr-defined]
delete_selected_cases.short_description = "Delete the selected… and their files (confirm first)"  # type: ignore[attr-defined]


class EraseActionsMixin:
    """Adds the erase actions, for holders of erase_case only, on top of the admin's own actions."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if request.user.has_perm(ERASE_PERMISSION):
            for func in (anonymise_selected, delete_selected_cases):
                actions[func.__name__] = (func, func.__name__, func.short_description)  # type: ignore[attr-defined]
        return actions


class VendorErasureInline(ReadOnlyInline):
    """The vendor's answer to the erase, on the case."""

    model = VendorErasure
    fields = ("operation", "state", "attempts", "last_message", "next_attempt_at", "requested_at", "finished_at")
    readonly_fields = fields
    verbose_name_plural = "Vendor erase calls"


@admin.register(VendorErasure)
class VendorErasureAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "vendor", "operation", "state", "attempts", "session", "finished_at")
    list_filter = ("state", "vendor", "operation")
    search_fields = ("=external_id_sha256",)
    readonly_fields = (
        "session",
        "vendor",
        "external_id_sha256",
        "operation",
        "state",
        "attempts",
        "next_attempt_at",
        "last_message",
        "requested_by",
        "requested_at",
        "finished_at",
    )
    exclude = ("external_id",)
    actions = ["try_again"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.has_perm(ERASE_PERMISSION)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ERASE_PERMISSION)

    @admin.action(description="Try the vendor call again (given-up ones)", permissions=["erase"])
    def try_again(self, request: HttpRequest, queryset: QuerySet[VendorErasure]) -> None:
        failed = queryset.filter(state=VendorErasure.State.FAILED).values_list("pk", flat=True)
        for pk in failed:
            erase.try_again(erasure_id=pk, actor=request.user, ip=client_ip(request))
        self.message_user(request, f"{len(failed)} vendor call(s) queued again.", messages.SUCCESS)


def retention_preview(request: HttpRequest) -> HttpResponse:
    """Dry run: exactly what the next retention run will erase (kycdesk.services.retention.plan)."""
    if not request.user.has_perm(ERASE_PERMISSION):
        raise PermissionDenied
    todo = retention.plan()
    context = {
        **admin.site.each_context(request),
        "title": "Retention: what the next run will erase",
        "opts": VerificationSession._meta,
        "plan": todo,
        "batch": retention.settings.KYCDESK_RETENTION_BATCH,
    }
    return TemplateResponse(request, "admin/kycdesk/retention_preview.html", context)

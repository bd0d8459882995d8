"""The review queue's filters. None of them lists values by querying the table (no SELECT
DISTINCT, see shared/notes/admin-at-scale.md): each offers a fixed set of values, or a small
text box where the set is open (reason codes, countries)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models.functions import Cast, Lower, Replace, Upper
from django.http import HttpRequest
from django.utils import timezone

from kycdesk.models import DecisionState, Document
from kycdesk.services import review

# Vendors name document types their own way (id-card, ID_CARD, id, Personalausweis...). The
# families a reviewer filters by, and the lower-cased vendor values each covers, in one place.
DOCUMENT_FAMILIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "passport": (
        "Passport",
        ("passport", "national_passport", "passport_card", "reisepass", "pass"),
    ),
    "id_card": (
        "Identity card",
        (
            "id",
            "id-card",
            "id_card",
            "idcard",
            "identity_card",
            "national_id",
            "national_id_card",
            "old_id_card",
            "state_id_card",
            "personalausweis",
        ),
    ),
    "driving_licence": (
        "Driving licence",
        (
            "driver_license",
            "driver-license",
            "drivers_license",
            "driving_licence",
            "driving_license",
            "provisional_driver_license",
        ),
    ),
    "residence_permit": (
        "Residence permit",
        ("residence_permit", "residence-permit", "residence_license", "residence_card"),
    ),
}


class InputFilter(admin.SimpleListFilter):
    """A filter whose value is typed in (a GET form in the sidebar) rather than picked from a
    list built by querying the table."""

    template = "admin/kycdesk/input_filter.html"
    placeholder = ""

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return []

    def has_output(self) -> bool:
        return True

    def cleaned(self) -> str:
        return (self.value() or "").strip()

    def choices(self, changelist: Any):
        kept = [
            (name, value)
            for name, values in self.request.GET.lists()
            if name not in (self.parameter_name, "p", "e")
            for value in values
        ]
        yield {
            "parameter_name": self.parameter_name,
            "value": self.cleaned(),
            "placeholder": self.placeholder,
            "kept": kept,
            "clear_query_string": changelist.get_query_string(remove=[self.parameter_name]),
        }


class ReasonCodeFilter(InputFilter):
    """Sessions whose vendor reasons include this code, matched on the JSON text of ``reasons``
    (``{"code": "..."}`` with the closing quote, so DOC does not match DOC_FAKE). The same on
    SQLite and PostgreSQL, case-insensitive, and cheap: it only runs over the queue's rows."""

    title = "vendor reason code"
    parameter_name = "reason"
    placeholder = "e.g. DOC_FAKE"

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        code = self.cleaned()
        if not code:
            return queryset
        compact = Replace(
            Cast("reasons", models.TextField()),
            models.Value('": "'),
            models.Value('":"'),
            output_field=models.TextField(),
        )
        return queryset.alias(reasons_text=compact).filter(reasons_text__icontains=f'"code":"{code}"')


class CountryFilter(InputFilter):
    title = "document country"
    parameter_name = "country"
    placeholder = "ISO code, e.g. FR or FRA"

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        country = self.cleaned().upper()
        if not country:
            return queryset
        documents = Document.objects.filter(session=models.OuterRef("pk")).annotate(code=Upper("country"))
        return queryset.filter(models.Exists(documents.filter(code=country)))


class DocumentTypeFilter(admin.SimpleListFilter):
    title = "document type"
    parameter_name = "doctype"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _) in DOCUMENT_FAMILIES.items()] + [("other", "Other or unknown")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        value = self.value()
        if not value:
            return queryset
        documents = Document.objects.filter(session=models.OuterRef("pk")).annotate(kind=Lower("type"))
        if value == "other":
            known = [name for _, names in DOCUMENT_FAMILIES.values() for name in names]
            return queryset.exclude(models.Exists(documents.filter(kind__in=known)))
        if value not in DOCUMENT_FAMILIES:
            return queryset
        return queryset.filter(models.Exists(documents.filter(kind__in=DOCUMENT_FAMILIES[value][1])))


class AssigneeFilter(admin.SimpleListFilter):
    """Live claims only: a claim past KYCDESK_CLAIM_MINUTES counts as released (lazily)."""

    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("me", "Me"), ("unassigned", "Unassigned"), ("anyone", "Claimed by anyone")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        live = review.live_claim_q(timezone.now())
        match self.value():
            case "me":
                return queryset.filter(live, assigned_to=request.user.pk)
            case "unassigned":
                return queryset.exclude(live)
            case "anyone":
                return queryset.filter(live)
        return queryset


def sla_cutoffs(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Cases created before the first moment are amber, before the second red."""
    return (
        now - dt.timedelta(hours=settings.KYCDESK_SLA_AMBER_HOURS),
        now - dt.timedelta(hours=settings.KYCDESK_SLA_RED_HOURS),
    )


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        amber, red = settings.KYCDESK_SLA_AMBER_HOURS, settings.KYCDESK_SLA_RED_HOURS
        return [
            ("ok", f"Under {amber:g} h"),
            ("amber", f"{amber:g} to {red:g} h (amber)"),
            ("red", f"Over {red:g} h (red)"),
        ]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        amber, red = sla_cutoffs(timezone.now())
        match self.value():
            case "ok":
                return queryset.filter(created_at__gt=amber)
            case "amber":
                return queryset.filter(created_at__lte=amber, created_at__gt=red)
            case "red":
                return queryset.filter(created_at__lte=red)
        return queryset


class StageFilter(admin.SimpleListFilter):
    title = "stage"
    parameter_name = "stage"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("first", "Awaiting a decision"), ("second", "Awaiting a second approval")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        match self.value():
            case "first":
                return queryset.filter(decision_state=DecisionState.NONE)
            case "second":
                return queryset.filter(decision_state=DecisionState.PENDING_SECOND)
        return queryset

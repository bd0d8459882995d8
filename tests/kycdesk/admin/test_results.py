"""kycdesk.admin.results renders every kycdesk changelist's rows exactly as Django does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_list import results
from django.test import RequestFactory
from django.utils import timezone

from kycdesk.admin.results import lean_results
from kycdesk.models import (
    Appointment,
    AuditEntry,
    Document,
    ExtractedField,
    Identity,
    Template,
    VendorErasure,
    VerificationSession,
    VideoAgent,
    WebhookDelivery,
    WebhookSubscription,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def rows(make_user):
    """A few rows in every table with a changelist, with the awkward values: markup in text,
    blanks, missing foreign keys, booleans, dates."""
    manager = make_user("mgr", "Compliance manager")
    person = Identity.objects.create(reference="R<1>", first_name="<b>Ann</b>", last_name="O'Neil & Co")
    flagged = VerificationSession.objects.create(
        vendor="idenfy", external_id="scan&1", identity=person, status="needs_review", created_at=NOW
    )
    plain = VerificationSession.objects.create(
        vendor="datakeen", external_id=" ", identity=Identity.objects.create(reference=""), status="approved"
    )
    document = Document.objects.create(session=flagged, type="passport", country="LTU")
    ExtractedField.objects.create(document=document, confidence=0.5, name="last_name", value="<i>x</i>")
    agent = VideoAgent.objects.create(termin_user_id="7", name="Agent <7>", active=False)
    Appointment.objects.create(session=flagged, agent=agent, starts_at=NOW, ends_at=NOW + dt.timedelta(minutes=30))
    AuditEntry.objects.create(
        at=NOW, actor=manager, actor_name="mgr", action="case_view", target_type="kycdesk.verificationsession"
    )
    AuditEntry.objects.create(at=NOW, actor_name="system", action="x", target_type="other", target_id="a&b")
    WebhookDelivery.objects.create(
        vendor="idenfy", received_at=NOW, body=b"{}", body_sha256="0" * 64, body_size=2, session=flagged
    )
    WebhookSubscription.objects.create(vendor="vult", external_id="w1", name="<kycdesk>", url="https://x/?a=1&b=2")
    Template.objects.create(vendor="idenfy", name="Default & more", is_default=True)
    VendorErasure.objects.create(
        session=plain, vendor="datakeen", external_id_sha256="1" * 64, operation="delete", requested_at=NOW
    )
    return manager, flagged, plain


def kycdesk_admins() -> list[admin.ModelAdmin]:
    return [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label == "kycdesk"]


def changelist_for(model_admin: admin.ModelAdmin, request):
    changelist = model_admin.get_changelist_instance(request)
    changelist.formset = None  # as changelist_view sets it for a list that is not editable
    return changelist


def rendered(rows_of) -> list[str]:
    return ["".join(str(cell) for cell in row) for row in rows_of]


@pytest.mark.parametrize(("query", "lists"), [("", 10), ("o=1", 10), ("vendor__exact=idenfy", 4)])
def test_every_kycdesk_changelist_renders_the_same_rows_as_django(rows, query, lists):
    manager, *_ = rows
    manager.is_superuser = True  # every changelist, every column (personal data included)
    compared = 0

    for model_admin in kycdesk_admins():
        request = RequestFactory().get(f"/admin/x/?{query}" if query else "/admin/x/")
        request.user = manager
        try:
            changelist = changelist_for(model_admin, request)
        except IncorrectLookupParameters:  # a filter this admin does not have
            continue

        expected = rendered(results(changelist))
        assert rendered(lean_results(changelist)) == expected, type(model_admin).__name__
        compared += bool(expected)

    assert compared >= lists


def test_the_sessions_page_links_each_row_to_its_page_with_the_lists_filters_preserved(rows, client):
    manager, flagged, _ = rows
    client.force_login(manager)

    page = client.get("/admin/kycdesk/verificationsession/?status__exact=needs_review").content.decode()

    link = f"/admin/kycdesk/verificationsession/{flagged.pk}/change/?_changelist_filters=status__exact%3Dneeds_review"
    assert f'<th class="field-external_id"><a href="{link}">scan&amp;1</a></th>' in page


def test_the_time_columns_follow_the_display_time_zone(rows, settings):
    manager, *_ = rows
    manager.is_superuser = True
    settings.TIME_ZONE = "Europe/Vilnius"
    request = RequestFactory().get("/admin/kycdesk/verificationsession/")
    request.user = manager

    with timezone.override("Europe/Vilnius"):
        changelist = changelist_for(admin.site._registry[VerificationSession], request)
        lean, django = rendered(lean_results(changelist)), rendered(results(changelist))

    assert lean == django
    assert "2026-11-22 11:30" in lean[0] or "2026-11-22 11:30" in lean[1]  # 09:30 UTC in Vilnius

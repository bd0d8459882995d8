"""Datakeen in the admin: templates synced by the button, launched by the generic form, and the
session page showing the link and the QR code."""

from __future__ import annotations

import base64
import copy
import json

import pytest
import responses
from django.urls import reverse

from kycdesk.models import Template, VerificationSession

from .conftest import BASE, SESSION_ID, fixture_json

pytestmark = pytest.mark.django_db

SYNC = reverse("admin:kycdesk_template_sync")
TEMPLATES = reverse("admin:kycdesk_template_changelist")
LAUNCH = reverse("admin:kycdesk_launch_vendor", args=["datakeen"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def only_datakeen(settings):
    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    for code, block in vendors.items():
        block["enabled"] = code == "datakeen"
    vendors["datakeen"].update(base_url=BASE, webhook_token="tok")
    settings.KYCDESK_VENDORS = vendors


@pytest.fixture
def vendor_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(f"{BASE}backend/auth", json={"status": 200, "data": {"token": "t"}})
        mock.get(f"{BASE}backend/admin/templates", json=fixture_json("templates.json"))
        answer = fixture_json("create_session.json")
        answer["data"]["QRCode"] = base64.b64encode(PNG).decode()
        mock.post(f"{BASE}backend/api/v1/session", json=answer)
        yield mock


@pytest.fixture
def manager(client, make_user):
    client.force_login(make_user("manager", "Compliance manager"))
    return client


def test_the_empty_template_list_offers_the_sync_button(manager):
    page = manager.get(TEMPLATES).content.decode()

    assert "Sync from vendors" in page and f'action="{SYNC}"' in page


def test_the_button_syncs_each_vendor_once_and_says_so(manager, only_datakeen, vendor_api):
    response = manager.post(SYNC, follow=True)

    assert list(Template.objects.order_by("-is_default").values_list("external_id", "kind", "is_default")) == [
        ("6747253f954e810012b37zer", "template", True),
        ("6745fcdf34177200112cc345", "template", False),
    ]
    assert "Datakeen: 2 templates synced." in response.content.decode()
    assert len([c for c in vendor_api.calls if c.request.url.endswith("templates")]) == 1


def test_a_vendor_refusal_is_shown_in_its_own_words(manager, only_datakeen, vendor_api):
    vendor_api.replace(responses.GET, f"{BASE}backend/admin/templates", status=403, json={"message": "Forbidden"})

    response = manager.post(SYNC, follow=True)

    assert "Datakeen: Forbidden" in response.content.decode()


def test_the_sync_is_a_post(manager):
    assert manager.get(SYNC).status_code == 405


def test_an_officer_cannot_sync_and_sees_no_button(client, make_user, only_datakeen, vendor_api):
    client.force_login(make_user("officer", "Compliance officer"))

    assert "Sync from vendors" not in client.get(TEMPLATES).content.decode()
    assert client.post(SYNC).status_code == 403
    assert not Template.objects.exists()


def test_a_launch_offers_the_synced_templates_and_shows_link_and_qr(client, make_user, only_datakeen, vendor_api):
    client.force_login(make_user("officer", "Compliance officer"))
    Template.objects.create(vendor="datakeen", external_id="6745fcdf34177200112cc345", name="ID + address")
    default = Template.objects.create(
        vendor="datakeen", external_id="6747253f954e810012b37zer", name="ID", is_default=True
    )
    form_page = client.get(LAUNCH).content.decode()
    assert "ID + address" in form_page and "email" not in form_page

    response = client.post(
        LAUNCH,
        {
            "reference": "cust-1",
            "first_name": "Jean",
            "last_name": "Dupont",
            "birth_date": "1984-07-11",
            "template": str(default.pk),
        },
        follow=True,
    )

    session = VerificationSession.objects.get()
    sent = json.loads(vendor_api.calls[-1].request.body)
    assert (sent["templateId"], sent["birthDate"]) == ("6747253f954e810012b37zer", "11/07/1984")
    assert (session.external_id, session.template, bytes(session.qr_png)) == (SESSION_ID, default, PNG)
    page = response.content.decode()
    assert f"https://app.datakeen.co/client/test?sessionId={SESSION_ID}" in page
    assert base64.b64encode(PNG).decode() in page


def test_a_bad_birth_date_is_refused_before_any_call(client, make_user, only_datakeen, vendor_api):
    client.force_login(make_user("officer", "Compliance officer"))

    response = client.post(LAUNCH, {"reference": "cust-1", "birth_date": "2999-01-01"})

    assert "dd/mm/yyyy" in response.content.decode()
    assert len(vendor_api.calls) == 0

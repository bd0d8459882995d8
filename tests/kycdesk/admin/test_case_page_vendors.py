"""Every built vendor's saved results (the fixtures its contract test names) render on the case
page and, when flagged, in the queue: the review pages read only the normalized models."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

from kycdesk.models import Vendor, VerificationSession
from kycdesk.services.imports import import_result
from providers.base import Status
from tests.providers.contract import FIXTURES, ProviderContract

pytestmark = pytest.mark.django_db


def contract_fixtures() -> list:
    cases = []
    for code in Vendor.values:
        try:
            module = importlib.import_module(f"tests.providers.{code}.test_contract")
        except ModuleNotFoundError:
            continue  # this vendor is not built yet
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ProviderContract) and cls is not ProviderContract and cls.vendor == code:
                cases += [
                    pytest.param(code, name, status, cls.fixture_external_id, id=f"{code}-{name}")
                    for name, status in cls.fixtures.items()
                ]
    return cases


@pytest.mark.parametrize(("vendor", "name", "status", "external_id"), contract_fixtures())
def test_a_saved_vendor_result_renders_on_the_case_page(client, manager, vendor, name, status, external_id):
    import_result(vendor=vendor, payload=(Path(FIXTURES) / vendor / name).read_bytes(), external_id=external_id)
    case = VerificationSession.objects.get(vendor=vendor)
    client.force_login(manager)

    response = client.get(f"/admin/kycdesk/case/{case.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert case.external_id in html
    if status is Status.NEEDS_REVIEW:
        assert f"/admin/kycdesk/case/{case.pk}/decide/" in html
        queue = client.get("/admin/kycdesk/case/").content.decode()
        assert f'name="_selected_action" value="{case.pk}"' in queue

"""The provider contract (django-allauth style): one shared test class every vendor inherits.

A vendor's tests do::

    class TestDatakeenContract(ProviderContract):
        vendor = "datakeen"
        fixtures = {"session_result.json": "approved", ...}   # tests/fixtures/<vendor>/ -> unified status
        forged_webhooks = [({"content-type": "application/json"}, b"{...}", "wrong-token")]

and gets these tests for free. Vendor-specific behaviour is tested beside it in the vendor's
own test modules.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path
from typing import ClassVar

import pytest
from django.utils.module_loading import import_string

from providers.base import Capability, Provider, Status, VerificationResult, WebhookRejected
from providers.forms import LaunchForm
from providers.registry import config_for, load_class

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

HOOKS = {
    Capability.CREATE_SESSION: "create_session",
    Capability.FETCH_RESULT: "fetch_result",
    Capability.FETCH_MEDIA: "fetch_media",
    Capability.LIST_TEMPLATES: "list_templates",
    Capability.LIST_WEBHOOKS: "list_webhooks",
    Capability.SCHEDULE: "schedule",
    Capability.WEBHOOKS: "parse_webhook",
    Capability.ANONYMIZE: "anonymize",
    Capability.ANONYMIZE_PERSON: "anonymize_person",
    Capability.DELETE: "delete",
    Capability.HEALTH: "health",
}


class ProviderContract:
    vendor: ClassVar[str] = ""
    #: fixture file name under tests/fixtures/<vendor>/ -> the unified status it must map to
    fixtures: ClassVar[dict[str, Status]] = {}
    #: (headers, body, path_token) deliveries that verify_webhook must refuse
    forged_webhooks: ClassVar[list[tuple[dict[str, str], bytes, str]]] = []
    #: external id to pass to normalize() for fixtures that do not name their session
    fixture_external_id: ClassVar[str] = ""

    @pytest.fixture
    def provider(self, settings) -> Provider:
        block = settings.KYCDESK_VENDORS[self.vendor]
        return load_class(block["class"])(config_for(self.vendor, block, public_url="https://kyc.example.com"))

    def load(self, name: str) -> dict:
        return json.loads((FIXTURES / self.vendor / name).read_text(encoding="utf-8"))

    def test_the_provider_is_registered_under_its_code(self, provider):
        assert provider.code == self.vendor
        assert provider.name

    def test_every_declared_capability_is_implemented(self, provider):
        for capability, hook in HOOKS.items():
            overridden = getattr(type(provider), hook) is not getattr(Provider, hook)
            if provider.supports(capability):
                assert overridden, f"{self.vendor} declares {capability} but does not implement {hook}()"

    def test_undeclared_capabilities_are_not_half_implemented(self, provider):
        for capability, hook in HOOKS.items():
            if not provider.supports(capability):
                assert getattr(type(provider), hook) is getattr(Provider, hook), (
                    f"{self.vendor} implements {hook}() but does not declare {capability}"
                )

    def test_a_webhook_vendor_verifies_and_a_polling_vendor_polls(self, provider):
        assert provider.supports(Capability.WEBHOOKS) != provider.supports(Capability.POLLING)

    def test_the_launch_form_is_a_launch_form(self, provider):
        assert issubclass(import_string(provider.launch_form), LaunchForm)

    def test_the_recorded_vendor_results_normalize_to_their_status(self, provider):
        assert self.fixtures, "record at least one vendor result under tests/fixtures/<vendor>/"
        for name, status in self.fixtures.items():
            result = provider.normalize(self.load(name), external_id=self.fixture_external_id)
            assert isinstance(result, VerificationResult)
            assert result.vendor == self.vendor
            assert result.status == status, name
            assert result.external_id
            assert result.raw, "the raw vendor JSON is kept"

    def test_normalized_results_are_plain_data(self, provider):
        for name in self.fixtures:
            result = provider.normalize(self.load(name), external_id=self.fixture_external_id)
            for document in result.documents:
                for field in document.fields:
                    assert isinstance(field.value, str), (name, field.name)
                    if field.confidence is not None:
                        assert 0 <= field.confidence <= 1, (name, field.name)
                    if field.bbox is not None:
                        box = dataclasses.astuple(field.bbox)[1:]
                        assert all(0 <= v <= 1 for v in box), (name, field.name)

    def test_forged_webhooks_are_refused(self, provider):
        if not provider.supports(Capability.WEBHOOKS):
            pytest.skip("this vendor sends no result webhook")
        assert self.forged_webhooks, "list the deliveries this vendor must refuse"
        for headers, body, token in self.forged_webhooks:
            with pytest.raises(WebhookRejected):
                provider.verify_webhook(headers, body, token)

    def test_verify_webhook_does_not_parse_the_body(self, provider):
        if not provider.supports(Capability.WEBHOOKS):
            pytest.skip("this vendor sends no result webhook")
        source = inspect.getsource(type(provider).verify_webhook)
        assert "json.loads" not in source and ".json()" not in source

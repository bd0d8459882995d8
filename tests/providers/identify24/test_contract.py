from providers.base import Status
from tests.providers.contract import ProviderContract

from .helpers import raw_fixture


class TestIdentify24Contract(ProviderContract):
    vendor = "identify24"
    fixtures = {"ident_get.json": Status.APPROVED, "ident_data.json": Status.APPROVED}
    forged_webhooks = [
        ({"content-type": "application/json"}, raw_fixture("webhook_successful.txt"), "wrong-token"),
        ({"content-type": "application/json"}, raw_fixture("webhook_successful.txt"), ""),
        ({}, b"{}", "sandbox-identify24-webhook_token-but-longer"),
    ]

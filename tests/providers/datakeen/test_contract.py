import json

from providers.base import Capability, Status
from tests.providers.contract import ProviderContract


class TestDatakeenContract(ProviderContract):
    vendor = "datakeen"
    fixtures = {"session_result.json": Status.APPROVED}
    fixture_external_id = "662f5f9c9c18e30012c2f021"
    body = json.dumps({"sessionId": "662f5f9c9c18e30012c2f021", "newStatus": "ai_approved"}).encode()
    forged_webhooks = [
        ({"content-type": "application/json"}, body, "wrong-token"),
        ({"content-type": "application/json"}, body, ""),
        ({"content-type": "application/json"}, body, "sandbox-datakeen-webhook_token-but-longer"),
    ]

    def test_datakeen_documents_no_erase_call_so_erasing_is_local_only(self, provider):
        assert not provider.supports(Capability.ANONYMIZE)
        assert not provider.supports(Capability.DELETE)

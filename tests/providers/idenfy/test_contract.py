from providers.base import Status
from providers.idenfy.webhooks import sign
from tests.providers.contract import ProviderContract

from .conftest import SIGNING_KEY, raw

BODY = raw("approved.json")


class TestIdenfyContract(ProviderContract):
    vendor = "idenfy"
    # Read without their event header, as import_result reads a saved body (the cancellation
    # and the document-expiration notice need their header: see test_webhooks).
    fixtures = {
        "approved.json": Status.APPROVED,
        "denied.json": Status.REJECTED,
        "suspected.json": Status.NEEDS_REVIEW,
        "auto_then_manual_auto.json": Status.REJECTED,
        "auto_then_manual_manual.json": Status.APPROVED,
        "expired.json": Status.EXPIRED,
        "legacy.json": Status.NEEDS_REVIEW,
    }
    forged_webhooks = [
        ({"content-type": "application/json"}, BODY, ""),  # no signature
        ({"idenfy-signature": ""}, BODY, ""),
        ({"idenfy-signature": "0" * 64}, BODY, ""),
        ({"idenfy-signature": sign(BODY, "another-key")}, BODY, ""),
        ({"idenfy-signature": sign(BODY, SIGNING_KEY)}, BODY + b" ", ""),  # one byte more
        ({"idenfy-signature": sign(BODY, SIGNING_KEY)[:-1]}, BODY, ""),
        ({"idenfy-signature": "é" * 64}, BODY, ""),
    ]

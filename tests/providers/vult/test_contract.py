from providers.base import Status
from tests.providers.contract import ProviderContract


class TestVultContract(ProviderContract):
    vendor = "vult"
    fixtures = {
        "approved.json": Status.APPROVED,
        "rejected.json": Status.REJECTED,
        "temporarily_blocked.json": Status.NEEDS_REVIEW,
        "temporarily_complete.json": Status.IN_PROGRESS,
        "in_progress.json": Status.IN_PROGRESS,
        "expired.json": Status.EXPIRED,
        "session_read_approved.json": Status.APPROVED,
    }
    forged_webhooks = [
        ({"content-type": "application/json"}, b'{"session_id": "s1"}', "wrong-token"),
        ({"content-type": "application/json"}, b'{"session_id": "s1"}', ""),
        ({"content-type": "application/json"}, b'{"session_id": "s1"}', "sandbox-vult-webhook_token-but-longer"),
    ]

from providers.base import Status
from tests.providers.contract import ProviderContract


class TestIdentomatContract(ProviderContract):
    vendor = "identomat"
    fixtures = {
        "approved_lowercase.json": Status.APPROVED,
        "rejected_face_mismatch.json": Status.REJECTED,
        "manual_check_screening.json": Status.NEEDS_REVIEW,
        "disagreed_with_terms.json": Status.CANCELLED,
        "in_progress.json": Status.IN_PROGRESS,
    }
    # The result document does not name its session: import_result takes --external-id.
    fixture_external_id = "tok-fixture"

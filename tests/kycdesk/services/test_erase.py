"""Erase: one service; no personal value left in any table, no file left, vendor calls owed and retried."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from kycdesk.models import (
    AuditEntry,
    CaseNote,
    Document,
    ExtractedField,
    Identity,
    Media,
    ReviewDecision,
    SessionEvent,
    VendorErasure,
    VerificationSession,
    WebhookDelivery,
)
from kycdesk.services import erase, launch, results
from providers.base import EraseOutcome, LaunchRequest
from tests.fakes import FakeProvider, refusal, sign
from tests.pii import files_under, find_in_database, scanned_columns

pytestmark = pytest.mark.django_db(transaction=True)

PERSON = {
    "first_name": "Zebulon",
    "last_name": "Quixworth",
    "address": "17 Rue des Lilas, Lyon",
    "document_number": "P4X9Q2Z7W",
}
BIRTH = dt.date(1984, 7, 11)  # what the fake vendor reports for anyone with a first name
NEEDLES = [
    *PERSON.values(),
    "QUIXWORTH<<ZEBULON",
    "zebulon.q@example.org",
    "+33612345678",
    "CUST-ZQ-1",
    "vendor.invalid/go",
    "1984-07-11",
]


def jpeg(size=(64, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def manager(make_user):
    return make_user("manager", "Compliance manager")


def build_case(client, fake_vendor, *, reference="CUST-ZQ-1", manager=None) -> VerificationSession:
    """A case as the real flows leave it: launched, webhook applied, files downloaded, decided, noted."""
    session = launch.launch_session(
        vendor="datakeen",
        request=LaunchRequest(
            reference=reference,
            first_name="Zebulon",
            last_name="Quixworth",
            birth_date=BIRTH,
            email="zebulon.q@example.org",
            phone="+33612345678",
            options={"name_on_link": "Zebulon Quixworth"},
        ),
        user=None,
    )
    Identity.objects.filter(pk=session.identity_id).update(address=PERSON["address"])
    fake_vendor.files = {"front": jpeg(), "back": jpeg()}
    body = json.dumps(
        {
            "id": session.external_id,
            "state": "check",
            "final": True,
            "media": ["front", "back"],
            "fields": [{"name": "mrz", "value": "QUIXWORTH<<ZEBULON", "confidence": 0.9}],
            **PERSON,
        }
    ).encode()
    client.post("/webhooks/datakeen/", data=body, content_type="application/json", HTTP_X_FAKE_SIGNATURE=sign(body))
    session.refresh_from_db()
    assert session.status == "needs_review"
    assert Media.objects.filter(session=session, state="stored").count() == 2
    if manager is not None:
        ReviewDecision.objects.create(
            session=session,
            outcome="approve",
            reason_code="ok",
            comment="Zebulon looks like his photo",
            decided_by=manager,
            decided_at=timezone.now(),
        )
        CaseNote.objects.create(session=session, author=manager, text="Called Mr Quixworth")
    # A cached thumbnail lives in the case's folder too.
    media = Media.objects.filter(session=session).first()
    media.file.storage.save(f"{erase.session_folder(session)}/thumbs/{media.pk}-320.jpg", io.BytesIO(jpeg()))
    return session


def test_anonymising_leaves_no_personal_value_in_any_table_and_no_file(client, erasing_vendor, private_media, manager):
    session = build_case(client, erasing_vendor, manager=manager)
    assert find_in_database(NEEDLES, [BIRTH])  # the scan sees them before
    assert len(files_under(private_media)) == 3

    done = erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")

    assert find_in_database(NEEDLES, [BIRTH]) == []
    assert files_under(private_media) == []
    assert done.files_deleted == 3
    assert (done.identity, done.vendor_operation) == ("anonymised", "anonymize")


def test_anonymising_keeps_the_case_skeleton(client, erasing_vendor, private_media, manager):
    session = build_case(client, erasing_vendor, manager=manager)

    erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")

    session.refresh_from_db()
    decision = ReviewDecision.objects.get(session=session)
    assert (session.vendor, session.external_id, session.status, session.vendor_status) == (
        "datakeen",
        "fake-1",
        "needs_review",
        "check",
    )
    assert session.anonymized_at is not None and session.created_at is not None
    assert (decision.outcome, decision.reason_code, decision.decided_by) == ("approve", "ok", manager)
    assert set(Media.objects.filter(session=session).values_list("state", flat=True)) == {"erased"}
    assert Document.objects.filter(session=session).get().type == "id-card"
    assert ExtractedField.objects.get().name == "mrz"
    assert SessionEvent.objects.filter(session=session, kind="anonymised").exists()
    entry = AuditEntry.objects.get(action="case_anonymised")
    assert (entry.actor, entry.target_id, entry.detail["reason"], entry.detail["files_deleted"]) == (
        manager,
        str(session.pk),
        "subject_request",
        3,
    )


def test_deleting_removes_every_row_and_file_and_leaves_a_hashed_tombstone(
    client, erasing_vendor, private_media, manager
):
    session = build_case(client, erasing_vendor, manager=manager)
    pk, external_id = session.pk, session.external_id

    erase.erase_case(pk, mode=erase.DELETE, actor=manager, reason="launched_in_error")

    assert not VerificationSession.objects.filter(pk=pk).exists()
    assert not Identity.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert find_in_database([*NEEDLES, external_id], [BIRTH]) == []
    assert files_under(private_media) == []
    tombstone = AuditEntry.objects.get(action="case_deleted")
    assert tombstone.actor == manager and tombstone.at is not None
    assert tombstone.detail["vendor"] == "datakeen"
    assert tombstone.detail["reason"] == "launched_in_error"
    assert tombstone.detail["external_id_sha256"] == erase.external_id_hash("datakeen", external_id)
    assert external_id not in json.dumps(tombstone.detail)


def test_the_vendor_call_is_made_where_offered_and_its_answer_recorded(client, erasing_vendor, private_media, manager):
    session = build_case(client, erasing_vendor)

    erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")

    erasure = VendorErasure.objects.get()
    assert erasing_vendor.erase_calls == [("anonymize", session.external_id)]
    assert (erasure.state, erasure.attempts, erasure.last_message, erasure.external_id) == ("done", 1, "Erased.", "")
    assert SessionEvent.objects.filter(session=session, kind="vendor_erase", summary__contains="done").exists()
    entry = AuditEntry.objects.get(action="vendor_erase")
    assert (entry.detail["done"], entry.detail["operation"]) == (True, "anonymize")


def test_deleting_a_case_prefers_the_vendors_delete_call(client, erasing_vendor, private_media, manager):
    session = build_case(client, erasing_vendor)

    erase.erase_case(session.pk, mode=erase.DELETE, actor=manager, reason="subject_request")

    assert erasing_vendor.erase_calls == [("delete", session.external_id)]
    assert VendorErasure.objects.get().session is None  # the case is gone; the call's record stays


def test_a_vendor_without_an_erase_call_gets_none_and_the_audit_says_so(client, fake_vendor, private_media, manager):
    session = build_case(client, fake_vendor)

    erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")

    entry = AuditEntry.objects.get(action="case_anonymised")
    assert fake_vendor.erase_calls == []
    assert not VendorErasure.objects.exists()
    assert entry.detail["vendor_call"] == "none"
    assert "offers no erase call" in entry.detail["vendor_note"]


def test_a_vendor_refusal_does_not_stop_the_local_erase_and_is_retried_until_done(
    client, erasing_vendor, private_media, manager
):
    session = build_case(client, erasing_vendor)
    erasing_vendor.erase_script = [refusal(), EraseOutcome(done=False, message="Try later")]

    with time_machine.travel(dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")
        erasure = VendorErasure.objects.get()
        assert (erasure.state, erasure.attempts) == ("pending", 1)
        assert "Token has not expired yet." in erasure.last_message
        assert files_under(private_media) == []  # the local erase is complete all the same

        assert erase.retry_vendor_calls() == 0  # not due yet
        clock.shift(erase.retry_delay(1))
        assert erase.retry_vendor_calls() == 1
        erasure.refresh_from_db()
        assert (erasure.state, erasure.attempts, erasure.last_message) == ("pending", 2, "Try later")

        clock.shift(erase.retry_delay(2))
        erase.retry_vendor_calls()

    erasure.refresh_from_db()
    assert (erasure.state, erasure.attempts) == ("done", 3)
    assert len(erasing_vendor.erase_calls) == 3
    assert AuditEntry.objects.filter(action="vendor_erase").count() == 3
    assert SessionEvent.objects.filter(session=session, kind="vendor_erase").count() == 3


def test_a_call_the_vendor_keeps_refusing_is_given_up_after_the_last_attempt(
    client, erasing_vendor, private_media, manager
):
    session = build_case(client, erasing_vendor)
    erasing_vendor.erase_script = [refusal()] * erase.MAX_VENDOR_ATTEMPTS

    with time_machine.travel(dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")
        for attempt in range(1, erase.MAX_VENDOR_ATTEMPTS):
            clock.shift(erase.retry_delay(attempt))
            erase.retry_vendor_calls()

    erasure = VendorErasure.objects.get()
    assert (erasure.state, erasure.attempts) == ("failed", erase.MAX_VENDOR_ATTEMPTS)
    assert erasure.external_id == session.external_id  # kept so it can be erased by hand or retried

    erase.try_again(erasure_id=erasure.pk, actor=manager)
    erasure.refresh_from_db()
    assert erasure.state == "done"


def test_a_case_under_legal_hold_is_refused_and_nothing_changes(client, erasing_vendor, private_media, manager):
    session = build_case(client, erasing_vendor)
    VerificationSession.objects.filter(pk=session.pk).update(legal_hold=True)

    with pytest.raises(erase.EraseRefused, match="legal hold"):
        erase.erase_case(session.pk, mode=erase.DELETE, actor=manager, reason="subject_request")

    assert len(files_under(private_media)) == 3
    assert VerificationSession.objects.get(pk=session.pk).person["first_name"] == "Zebulon"


def test_the_person_is_kept_while_another_of_their_cases_is_live(client, erasing_vendor, private_media, manager):
    first = build_case(client, erasing_vendor)
    second = build_case(client, erasing_vendor)
    assert first.identity_id == second.identity_id

    kept = erase.erase_case(first.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")
    last = erase.erase_case(second.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")

    assert (kept.identity, last.identity) == ("kept", "anonymised")
    assert find_in_database(NEEDLES, [BIRTH]) == []


def test_erasing_a_person_erases_all_their_cases(client, erasing_vendor, private_media, manager):
    first = build_case(client, erasing_vendor)
    build_case(client, erasing_vendor)

    erase.erase_identity(first.identity_id, mode=erase.DELETE, actor=manager, reason="subject_request")

    assert not VerificationSession.objects.exists() and not Identity.objects.exists()
    assert find_in_database(NEEDLES, [BIRTH]) == []
    assert AuditEntry.objects.filter(action="case_deleted").count() == 2
    assert AuditEntry.objects.filter(action="identity_deleted").count() == 1


def test_a_late_result_or_delivery_brings_no_personal_data_back(client, fake_vendor, private_media, manager):
    session = build_case(client, fake_vendor)
    erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")

    body = json.dumps({"id": session.external_id, "state": "ok", "final": True, "media": ["front"], **PERSON}).encode()
    client.post("/webhooks/datakeen/", data=body, content_type="application/json", HTTP_X_FAKE_SIGNATURE=sign(body))
    outcome = results.apply_result(result=FakeProvider(None).normalize(json.loads(body)), source="pull")

    assert outcome.applied is False
    assert find_in_database(NEEDLES, [BIRTH]) == []
    assert files_under(private_media) == []


def _case_models():
    """The session's model and every model that points at it or at one of those (via _meta)."""
    seen, todo = {VerificationSession, Identity}, [VerificationSession]
    while todo:
        model = todo.pop()
        for relation in model._meta.related_objects:
            if relation.related_model not in seen and relation.related_model._meta.app_label == "kycdesk":
                seen.add(relation.related_model)
                todo.append(relation.related_model)
    return seen


@pytest.mark.parametrize("model", sorted(_case_models(), key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_every_text_json_and_binary_column_of_a_case_is_either_wiped_or_declared_harmless(model):
    wiped = set(erase.PERSONAL_FIELDS.get(model, {}))
    kept = erase.SKELETON_FIELDS.get(model._meta.model_name, set())
    unclassified = {f.name for f in scanned_columns(model)} - wiped - kept

    assert unclassified == set(), f"classify {model.__name__}.{sorted(unclassified)} in kycdesk/services/erase/plan.py"


def test_a_late_delivery_for_a_deleted_case_keeps_no_body(client, fake_vendor, private_media, manager):
    session = build_case(client, fake_vendor)
    erase.erase_case(session.pk, mode=erase.DELETE, actor=manager, reason="subject_request")

    body = json.dumps({"id": session.external_id, "state": "ok", "final": True, **PERSON}).encode()
    client.post("/webhooks/datakeen/", data=body, content_type="application/json", HTTP_X_FAKE_SIGNATURE=sign(body))

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, bytes(delivery.body)) == ("ignored", b"")
    assert find_in_database(NEEDLES, [BIRTH]) == []


def test_erasing_a_person_also_anonymises_their_record_at_vendors_that_keep_one(manager, monkeypatch):
    from kycdesk.models import Identity, VendorErasure
    from providers.vult.provider import VultProvider

    calls: list[str] = []

    def anonymize_person(self, vendor_person_id):
        calls.append(vendor_person_id)
        return EraseOutcome(done=True, message="VULT anonymized the identity.")

    monkeypatch.setattr(VultProvider, "anonymize_person", anonymize_person)
    identity = Identity.objects.create(reference="p-1", last_name="Martin", vendor_ids={"vult": "idn_7", "idenfy": "c"})

    erase.erase_identity(identity.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")

    owed = VendorErasure.objects.get()
    assert calls == ["idn_7"]  # VULT keeps a person record; iDenfy has no person-level call
    assert (owed.vendor, owed.operation, owed.state, owed.external_id) == ("vult", "anonymize_person", "done", "")
    identity.refresh_from_db()
    assert identity.vendor_ids == {} and identity.last_name == ""

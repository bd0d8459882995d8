"""apply_result: idempotent, and never lets an older or non-final result replace a newer final one."""

import dataclasses
import datetime as dt

import pytest

from kycdesk.models import Control, Document, ExtractedField, Identity, Media, VerificationSession
from kycdesk.services.results import apply_result
from tests.fakes import FakeProvider

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def result(state="ok", final=True, at=T0, **extra):
    payload = {
        "id": "s1",
        "state": state,
        "final": final,
        "at": at.isoformat(),
        "first_name": "Jean",
        "fields": [{"name": "lastName", "value": "DUPONT", "confidence": 0.92, "box": True}],
        "media": ["front"],
        **extra,
    }
    return FakeProvider.__new__(FakeProvider).normalize(payload)


@pytest.fixture
def session():
    identity = Identity.objects.create(reference="ref-1")
    return VerificationSession.objects.create(vendor="datakeen", external_id="s1", identity=identity)


def snapshot(session):
    session.refresh_from_db()
    return (
        session.status,
        session.vendor_status,
        session.result_fingerprint,
        list(Document.objects.filter(session=session).values_list("pk", "type", "number")),
        list(ExtractedField.objects.filter(document__session=session).values_list("pk", "name", "value", "bbox_x")),
        list(Control.objects.filter(session=session).values_list("pk", "name", "passed")),
        list(Media.objects.filter(session=session).values_list("pk", "kind", "source_key")),
    )


def test_a_result_is_mapped_onto_the_models(session):
    outcome = apply_result(result=result(), source="test")

    session.refresh_from_db()
    assert outcome.applied
    assert session.status == "approved"
    assert session.person == {"first_name": "Jean", "birth_date": "1984-07-11"}
    field = ExtractedField.objects.get(document__session=session)
    assert (field.name, field.value, field.confidence, field.source, field.bbox_width) == (
        "lastName",
        "DUPONT",
        0.92,
        "ocr",
        0.2,
    )
    assert sorted(Control.objects.filter(session=session).values_list("name", "document_id")) == [
        ("matchName", None),
        ("mrzValidity", Document.objects.get(session=session).pk),
    ]
    assert outcome.media_to_fetch == list(Media.objects.filter(session=session).values_list("pk", flat=True))


def test_the_same_result_twice_leaves_the_same_rows(session):
    apply_result(result=result(), source="test")
    before = snapshot(session)

    outcome = apply_result(result=result(), source="test")

    assert outcome.applied is False
    assert outcome.reason == "unchanged"
    assert snapshot(session) == before


def test_a_non_final_result_after_a_final_one_is_ignored(session):
    apply_result(result=result("ok", final=True), source="test")

    outcome = apply_result(result=result("check", final=False, at=T0 + dt.timedelta(minutes=5)), source="test")

    session.refresh_from_db()
    assert outcome.applied is False
    assert session.status == "approved"


def test_an_older_result_does_not_replace_a_newer_one(session):
    apply_result(result=result("ko", final=True, at=T0), source="test")

    outcome = apply_result(result=result("ok", final=True, at=T0 - dt.timedelta(hours=1)), source="test")

    session.refresh_from_db()
    assert outcome.reason == "older than the stored result"
    assert session.status == "rejected"


def test_a_result_never_moves_a_case_backwards_to_in_progress(session):
    apply_result(result=result("check", final=False), source="test")

    outcome = apply_result(result=result("open", final=False, at=T0 + dt.timedelta(hours=1)), source="test")

    session.refresh_from_db()
    assert outcome.applied is False
    assert session.status == "needs_review"


def test_a_manual_final_result_replaces_an_automatic_non_final_one(session):
    apply_result(result=result("check", final=False, at=T0), source="auto")

    outcome = apply_result(result=result("ok", final=True, at=T0 + dt.timedelta(hours=2)), source="manual")

    session.refresh_from_db()
    assert outcome.applied
    assert session.status == "approved"
    assert session.vendor_final is True
    assert list(session.events.values_list("kind", flat=True)) == ["result", "result"]


def test_a_stored_file_is_not_downloaded_again_when_the_result_changes(session):
    apply_result(result=result("check", final=False), source="test")
    Media.objects.filter(session=session).update(state=Media.State.STORED)

    outcome = apply_result(result=result("ok", final=True, at=T0 + dt.timedelta(hours=1)), source="test")

    assert outcome.media_to_fetch == []
    assert Media.objects.filter(session=session).count() == 1


def test_an_unknown_session_is_an_error_unless_asked_to_create_it():
    with pytest.raises(VerificationSession.DoesNotExist):
        apply_result(result=result(), source="test")

    outcome = apply_result(result=result(), source="import", create_missing=True)

    assert outcome.session.identity.reference == "import:datakeen:s1"


def test_a_fresh_pre_signed_link_alone_is_not_a_new_result(session):
    first = result()
    apply_result(result=first, source="pull")
    before = snapshot(session)
    relinked = dataclasses.replace(
        first, media=tuple(dataclasses.replace(m, url="https://files.example/front?Signature=new") for m in first.media)
    )

    outcome = apply_result(result=relinked, source="pull")

    assert (outcome.applied, outcome.reason) == (False, "unchanged")
    assert snapshot(session) == before


def test_the_vendors_id_for_the_person_is_kept_on_the_identity(session):
    session.identity.vendor_ids = {"idenfy": "client-9"}
    session.identity.save()

    apply_result(result=dataclasses.replace(result(), vendor_identity_id="idn_1"), source="test")

    session.identity.refresh_from_db()
    assert session.identity.vendor_ids == {"idenfy": "client-9", "datakeen": "idn_1"}


def test_a_result_without_a_vendor_id_for_the_person_leaves_the_identity_alone(session):
    apply_result(result=result(), source="test")

    session.identity.refresh_from_db()
    assert session.identity.vendor_ids == {}

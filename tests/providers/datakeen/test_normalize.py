"""The vendor's own example result (vendor doc section 4) through normalize, value by value."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from providers.base import BoundingBox, FieldSource, MalformedPayload, MediaKind, Status
from providers.datakeen import normalize

from .conftest import SESSION_ID, fixture_json


@pytest.fixture
def example() -> dict:
    return fixture_json("session_result.json")


def results_of(payload: dict) -> dict:
    return payload["data"]["job_status"]["predictions"][0]["results"]


def test_every_field_of_the_example_is_kept_with_its_confidence(example):
    result = normalize.result(example, external_id=SESSION_ID)

    card, other = result.documents
    assert len(card.fields) == 22
    fields = {f.name: f for f in card.fields}
    assert (fields["birthDate"].value, fields["birthDate"].confidence) == ("11.07.1984", 0.8965237202750131)
    assert (fields["fullName"].value, fields["fullName"].confidence) == ("Jean Jean", 0)
    assert (fields["spouseName"].value, fields["spouseName"].confidence, fields["spouseName"].bbox) == ("", None, None)
    assert fields["mrz"].value == "IDJEAN<<<<<<<<<<<<<<<<<<<<<21ASKD"
    assert other.fields == ()


def test_boxes_are_page_fractions_and_an_empty_box_is_none(example):
    fields = {f.name: f for f in normalize.result(example, external_id=SESSION_ID).documents[0].fields}

    assert fields["address"].bbox == BoundingBox(
        page=1, x=0.5683991917675899, y=0.14604948642527874, width=0.11743640092436902, height=0.045536440396186206
    )
    assert fields["firstName"].bbox == BoundingBox(
        page=0, x=0.7269859821361094, y=0.14201411252160834, width=0.2369282917359432, height=0.039630294459557236
    )
    assert fields["birthCountry"].bbox is None
    assert sum(f.bbox is not None for f in fields.values()) == 11


def test_mrz_twins_are_kept_beside_the_page_reading_with_source_mrz(example):
    fields = {f.name: f for f in normalize.result(example, external_id=SESSION_ID).documents[0].fields}

    assert (fields["lastName"].value, fields["lastName"].source) == ("JEAN", FieldSource.OCR)
    assert (fields["lastNameMRZ"].value, fields["lastNameMRZ"].source, fields["lastNameMRZ"].confidence) == (
        "JEAN",
        FieldSource.MRZ,
        1,
    )
    assert fields["mrz"].source is FieldSource.MRZ
    assert fields["nationality"].source is FieldSource.VENDOR  # no box: Datakeen's deduction
    assert sorted(n for n, f in fields.items() if f.source is FieldSource.MRZ) == [
        "birthDateMRZ",
        "expiryDateMRZ",
        "firstNameMRZ",
        "genderMRZ",
        "idNumberMRZ",
        "lastNameMRZ",
        "mrz",
    ]


def test_every_control_is_kept_at_result_and_document_level(example):
    result = normalize.result(example, external_id=SESSION_ID)

    assert [(c.name, c.passed, c.confidence) for c in result.controls] == [("matchNameInAllDocuments", True, 1)]
    controls = {c.name: c for c in result.documents[0].controls}
    assert len(controls) == 13
    assert (controls["globalStatus"].passed, controls["globalStatus"].confidence, controls["globalStatus"].score) == (
        True,
        1,
        1,
    )
    assert (controls["rfSymbolIsPresent"].passed, controls["rfSymbolIsPresent"].confidence) == (False, 0.8)
    assert controls["dateValidity"].confidence == 0.9410978288185845
    assert result.documents[1].controls == ()


def test_an_unknown_control_or_a_value_that_is_not_yes_or_no_is_still_shown(example):
    results_of(example)["controls"]["faceMatch"] = {"value": "partial", "confidence": 0.4, "score": 0.61}

    control = normalize.result(example, external_id=SESSION_ID).controls[-1]

    assert (control.name, control.passed, control.detail, control.score) == ("faceMatch", None, "partial", 0.61)


def test_the_document_card_type_side_pages_and_dates(example):
    card, other = normalize.result(example, external_id=SESSION_ID).documents

    assert (card.type, card.subtype, card.side, card.country, card.number) == (
        "id-card",
        "national_id_card_fr_2003",
        "front-back",
        "FR",
        "000000000000",
    )
    assert (card.issue_date, card.expiry_date) == (dt.date(2019, 10, 7), dt.date(2034, 10, 6))
    assert card.pages == (
        {"num": 0, "path": "CNI.pdf", "type": "national-id-card-fr-recto"},
        {"num": 1, "path": "CNI.pdf", "type": "national-id-card-fr-verso"},
    )
    assert card.source_name == "CNI.pdf"
    assert (other.type, other.source_name) == ("other", "Screenshot 2024-04-29 at 09.29.59.png")


def test_the_person_is_read_from_the_identity_document(example):
    person = normalize.result(example, external_id=SESSION_ID).person

    assert (person.first_name, person.last_name, person.birth_date, person.birth_place) == (
        "Jean",
        "JEAN",
        dt.date(1984, 7, 11),
        "NEVERS",
    )
    assert (person.gender, person.nationality, person.document_number, person.address) == (
        "M",
        "FR",
        "000000000000",
        "rue test",
    )


def test_entities_are_kept_with_the_documents_that_name_them(example):
    sections = {s.title: dict(s.rows) for s in normalize.result(example, external_id=SESSION_ID).sections}

    assert sections["Datakeen entity 1"] == {
        "firstName": "Jean",
        "fullName": "Jean Jean",
        "id": "b39076f8-c136-4a1f-ac71-c53684dae890",
        "lastName": "Jean",
        "documents": "CNI.pdf",
    }
    assert sections["Datakeen analysis"] == {
        "analysis id": "662f60359c8e30012c2f026",
        "message": "Analysis Completed Successfully",
    }


def test_each_uploaded_file_is_a_media_reference(example):
    media = normalize.result(example, external_id=SESSION_ID).media

    assert [(m.kind, m.key, m.document_index) for m in media] == [
        (MediaKind.DOCUMENT_PAGE, "CNI.pdf", 0),  # one PDF holding recto and verso
        (MediaKind.OTHER, "Screenshot 2024-04-29 at 09.29.59.png", 1),
    ]


def test_one_image_per_side_is_a_front_and_a_back(example):
    pages = results_of(example)["documents"][0]["pages"]
    pages[0]["path"], pages[1]["path"] = "recto.jpg", "verso.jpg"

    media = normalize.result(example, external_id=SESSION_ID).media

    assert [(m.kind, m.key) for m in media[:2]] == [
        (MediaKind.DOCUMENT_FRONT, "recto.jpg"),
        (MediaKind.DOCUMENT_BACK, "verso.jpg"),
    ]


def test_the_raw_document_is_kept_whole(example):
    assert normalize.result(example, external_id=SESSION_ID).raw == fixture_json("session_result.json")


@pytest.mark.parametrize(
    ("verdict", "status", "final"),
    [
        ("ai_approved", Status.APPROVED, False),
        ("ai_rejected", Status.REJECTED, False),
        ("verify", Status.NEEDS_REVIEW, False),
        ("user_approved", Status.APPROVED, True),
        ("user_rejected", Status.REJECTED, True),
        ("USER_REJECTED", Status.REJECTED, True),
    ],
)
def test_the_webhook_verdict_sets_the_status(example, verdict, status, final):
    result = normalize.result(example, external_id=SESSION_ID, verdict=verdict)

    assert (result.status, result.final, result.vendor_status) == (status, final, verdict)


def test_an_unknown_verdict_asks_for_a_person_and_says_why(example):
    result = normalize.result(example, external_id=SESSION_ID, verdict="escalated")

    assert result.status is Status.NEEDS_REVIEW
    assert [(r.code, r.kind) for r in result.reasons] == [("escalated", "unknown_status")]


def test_without_a_verdict_a_failed_global_status_is_a_rejection(example):
    results_of(example)["documents"][0]["controls"]["globalStatus"]["value"] = False

    result = normalize.result(example, external_id=SESSION_ID)

    assert (result.status, result.vendor_status, result.final) == (Status.REJECTED, "", False)


def test_without_a_verdict_or_any_analysis_the_session_is_in_progress():
    payload = {"status": 200, "message": "", "data": {"analysid_id": "", "job_status": {"predictions": []}}}

    result = normalize.result(payload, external_id=SESSION_ID)

    assert (result.status, result.documents, result.media) == (Status.IN_PROGRESS, (), ())


def test_a_failed_analysis_is_an_error_with_the_vendor_message():
    payload = {"status": 200, "data": {"job_status": {"predictions": [{"status": 500, "message": "OCR failed"}]}}}

    result = normalize.result(payload, external_id=SESSION_ID)

    assert result.status is Status.ERROR
    assert [(r.code, r.text) for r in result.reasons] == [("500", "OCR failed")]


def test_a_date_the_ocr_misread_gives_no_date_but_keeps_its_text(example):
    fields = results_of(example)["documents"][0]["extractedInformation"]
    fields["birthDate"]["value"] = "31.02.1984"
    fields["birthDateMRZ"]["value"] = ""

    result = normalize.result(example, external_id=SESSION_ID)

    assert result.person.birth_date is None
    assert {f.name: f.value for f in result.documents[0].fields}["birthDate"] == "31.02.1984"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.pop("data"), "envelope"),
        (lambda p: p.update(status=401, message="Unauthorized"), "the vendor answered an error: Unauthorized"),
        (lambda p: p["data"].update(job_status=[]), "data.job_status is not a JSON object"),
        (lambda p: results_of(p).update(documents={}), "documents is not a list"),
        (
            lambda p: results_of(p)["documents"][0]["extractedInformation"]["address"].update(bbox={"page_num": 1}),
            "extractedInformation.address.bbox is not",
        ),
        (lambda p: results_of(p)["controls"].update(x=True), "controls.x is not a JSON object"),
    ],
)
def test_a_malformed_result_is_a_clear_error(example, mutate, message):
    payload = copy.deepcopy(example)
    mutate(payload)

    with pytest.raises(MalformedPayload, match=message):
        normalize.result(payload, external_id=SESSION_ID)


def test_the_parsers_read_dd_mm_yyyy_only():
    assert normalize.parse_date("11.07.1984") == dt.date(1984, 7, 11)
    assert normalize.parse_date("") is None
    assert normalize.parse_date("1984-07-11") is None
    assert normalize.parse_date("11/07/1984") is None

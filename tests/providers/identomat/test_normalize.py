"""Identomat's result document, normalized."""

import datetime as dt
import json
from pathlib import Path

import pytest

from providers.base import FieldSource, MalformedPayload, MediaKind, Status
from providers.identomat.normalize import (
    normalize_result,
    parse_iso_date,
    parse_month_day_year,
    status_key,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "identomat"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def normalized(name: str):
    return normalize_result(load(name), external_id="tok-1")


def section(result, title: str) -> dict[str, str]:
    return dict(next(s for s in result.sections if s.title == title).rows)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("APPROVED", Status.APPROVED),
        ("approved", Status.APPROVED),
        ("Rejected", Status.REJECTED),
        ("MANUAL_CHECK", Status.NEEDS_REVIEW),
        ("manual-check", Status.NEEDS_REVIEW),
        ("DISAGREED_WITH_TERMS", Status.CANCELLED),
        ("disagreed-with-terms", Status.CANCELLED),
        ("in_progress", Status.IN_PROGRESS),
        (" IN-PROGRESS ", Status.IN_PROGRESS),
    ],
)
def test_result_values_are_matched_whatever_their_case_and_separator(value, status):
    result = normalize_result({"result": value}, external_id="tok-1")

    assert result.status == status
    assert result.vendor_status == value.strip()


def test_only_outcomes_identomat_will_not_change_are_final():
    finals = {
        v: normalize_result({"result": v}, external_id="t").final for v in ("approved", "manual_check", "rejected")
    }

    assert finals == {"approved": True, "manual_check": False, "rejected": True}


def test_an_unknown_result_value_is_refused_rather_than_guessed():
    with pytest.raises(MalformedPayload, match="unknown Identomat result 'on_hold'"):
        normalize_result({"result": "on_hold"}, external_id="t")


def test_a_document_without_result_is_not_an_identomat_result():
    with pytest.raises(MalformedPayload, match="no 'result'"):
        normalize_result({"live": True}, external_id="t")


def test_the_session_is_named_by_the_caller():
    assert normalized("in_progress.json").external_id == "tok-1"
    assert normalize_result(load("in_progress.json"), external_id="").external_id == ""


def test_an_approved_lower_case_result_carries_the_person_document_and_face_checks():
    result = normalized("approved_lowercase.json")

    assert (result.status, result.vendor_status, result.final) == (Status.APPROVED, "approved", True)
    assert (result.liveness, result.similarity) == (True, 0.9412)
    assert result.reasons == ()  # the empty reject_reason of an approved session is no reason
    person = result.person
    assert (person.first_name, person.last_name, person.birth_date) == ("IVANA", "SPECIMEN", dt.date(1979, 11, 25))
    assert (person.nationality, person.gender, person.document_number) == ("HRV", "F", "100200300")
    [document] = result.documents
    assert (document.type, document.country, document.number) == ("id", "HRV", "100200300")
    assert (document.issue_date, document.expiry_date) == (dt.date(2021, 3, 14), dt.date(2026, 8, 2))
    assert {c.name: (c.passed, c.score) for c in result.controls} == {
        "liveness": (True, None),
        "face_similarity": (None, 0.9412),
    }


def test_raw_ocr_maps_become_fields_named_by_side_without_the_face_images():
    fields = {f.name: f for f in normalized("approved_lowercase.json").documents[0].fields}

    assert fields["front.Given_Names_en_US"].value == "IVANA"
    assert fields["front.Date_of_Birth_ISO"].source == FieldSource.OCR
    assert fields["front.suggested.Nationality"].value == "HRV"
    assert fields["back.mrz"].source == FieldSource.MRZ
    assert fields["first_name"].source == FieldSource.VENDOR
    assert not [name for name in fields if "face_images" in name]


def test_an_id_card_session_offers_both_card_sides_the_face_and_its_video():
    media = {(m.kind, m.key, m.document_index) for m in normalized("approved_lowercase.json").media}

    assert media == {
        (MediaKind.DOCUMENT_FRONT, "result/card-front/", 0),
        (MediaKind.DOCUMENT_BACK, "result/card-back/", 0),
        (MediaKind.SELFIE, "result/face/", None),
        (MediaKind.FACE_VIDEO, "result/face-video/", None),
    }


def test_a_face_mismatch_rejection_names_its_reason_and_fails_the_similarity_check():
    result = normalized("rejected_face_mismatch.json")

    assert result.status == Status.REJECTED
    [reason] = result.reasons
    assert (reason.code, reason.kind) == ("face_mismatch", "reject_reason")
    assert reason.text == "The face does not match the face on the document."
    similarity = next(c for c in result.controls if c.name == "face_similarity")
    assert (similarity.passed, similarity.score) == (False, 0.214)
    assert {m.key for m in result.media} >= {"result/passport/", "result/face/"}
    assert section(result, "Identomat verdict")["Reject reason"].startswith("face_mismatch — ")


def test_month_day_year_dates_are_read_when_there_is_no_iso_twin():
    person = normalized("rejected_face_mismatch.json").person
    document = normalized("rejected_face_mismatch.json").documents[0]

    assert person.birth_date == dt.date(1990, 8, 2)  # "8/2/1990": August, not February
    assert document.expiry_date == dt.date(2030, 12, 31)


def test_a_manual_check_shows_the_fields_mismatch_screening_matches_and_answers():
    result = normalized("manual_check_screening.json")

    assert (result.status, result.final) == (Status.NEEDS_REVIEW, False)
    assert {(r.code, r.kind) for r in result.reasons} == {
        ("FIELDS_MISMATCH", "person_status"),
        ("SCREENING_MATCH", "screening"),
    }
    assert result.person.nationality == "HRV"
    assert result.person.birth_date == dt.date(1988, 2, 29)
    assert section(result, "Screening matches") == {
        "Ana Primjer": "score 0.92 · review status NOT_REVIEWED · person id scr-5521",
        "Anna Primer": "score 0.64 · review status FALSE_POSITIVE · person id scr-7710",
    }
    assert section(result, "Questionnaire: employment") == {
        "are-you-employed": "yes",
        "employer": "Example d.o.o.",
        "income-sources": "salary, rent",
    }
    verdict = section(result, "Identomat verdict")
    assert verdict["Operator comment"] == "Name on licence differs from the bill; sent to compliance."
    assert (verdict["Person status"], verdict["Configuration id"]) == ("FIELDS_MISMATCH", "cfg-onboarding-eu")
    assert section(result, "Technical details")["Country code"] == "HR"
    assert section(result, "General document 1: utility_bill")["pages[1].address"] == "VUKOVARSKA 5, ZAGREB"
    assert section(result, "Trusted database record") == {"source": "registry-sample", "match": "no"}


def test_a_failed_liveness_is_a_failed_check_and_its_video_is_still_fetched():
    result = normalized("manual_check_screening.json")

    assert result.liveness is False
    assert next(c for c in result.controls if c.name == "liveness").passed is False
    assert MediaKind.FACE_VIDEO in {m.kind for m in result.media}


@pytest.mark.parametrize("name", ["disagreed_with_terms.json", "in_progress.json"])
def test_a_person_who_refused_the_terms_or_is_not_done_has_no_media_and_no_document(name):
    result = normalized(name)

    assert (result.media, result.documents, result.liveness, result.similarity) == ((), (), None, None)


def test_the_raw_document_is_kept():
    payload = load("manual_check_screening.json")

    assert normalize_result(payload, external_id="t").raw == payload


@pytest.mark.parametrize("value", [1.5, -0.1, "0.9", True])
def test_a_similarity_outside_zero_to_one_is_not_shown_as_one(value):
    assert normalize_result({"result": "approved", "similarity": value}, external_id="t").similarity is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1979-11-25T00:00:00.000Z", dt.date(1979, 11, 25)),
        ("1979-11-25", dt.date(1979, 11, 25)),
        ("1979-11-25T23:30:00-05:00", dt.date(1979, 11, 25)),  # the written date, never shifted
        ("1979-02-30", None),
        ("25.11.1979", None),
        (None, None),
    ],
)
def test_iso_dates_are_read_as_written(value, expected):
    assert parse_iso_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("11/25/1979", dt.date(1979, 11, 25)), ("8/2/2026", dt.date(2026, 8, 2)), ("25/11/1979", None), ("", None)],
)
def test_month_day_year_is_never_read_day_first(value, expected):
    assert parse_month_day_year(value) == expected


def test_status_keys_are_spelled_as_the_guide_spells_them():
    assert status_key("manual-check") == "MANUAL_CHECK"
    assert status_key(None) == ""

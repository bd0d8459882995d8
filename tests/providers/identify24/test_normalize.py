"""ident and ident data -> VerificationResult: the status dict, each date format, media, sections."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.base import FieldSource, MalformedPayload, MediaKind, Status
from providers.identify24 import normalize
from providers.identify24.normalize import STATUSES, ident_result, parse_json, read_status

from .helpers import IDENT, fixture


def ident(**values) -> dict:
    return {"id": IDENT, "status": "Successful", "status_code": "5", **values}


def section(result, title: str) -> dict[str, str]:
    return dict(next(s for s in result.sections if s.title == title).rows)


# --- status -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code", "status"),
    [
        ("Successful", "5", Status.APPROVED),
        ("anything", "5", Status.APPROVED),  # the one documented code wins over the text
        ("SUCCESSFUL", "", Status.APPROVED),
        ("Unsuccessful", "9", Status.REJECTED),
        ("Not successful", "9", Status.REJECTED),
        ("Failed", "6", Status.REJECTED),
        ("Ident aborted", "7", Status.REJECTED),
        ("Rejected", "8", Status.REJECTED),
        ("Cancelled", "10", Status.CANCELLED),
        ("canceled by user", "10", Status.CANCELLED),
        ("Expired", "11", Status.EXPIRED),
        ("Manual review", "12", Status.NEEDS_REVIEW),
        ("Quality check", "13", Status.NEEDS_REVIEW),
        ("Open", "1", Status.IN_PROGRESS),
        ("Appointment scheduled", "2", Status.IN_PROGRESS),
        ("", "", Status.IN_PROGRESS),
    ],
)
def test_status_text_and_code_map_through_the_one_dict(text, code, status):
    assert read_status(text, code).status == status


def test_only_the_documented_pair_is_confirmed():
    confirmed = {key for key, (_, sure) in STATUSES.items() if sure}
    assert confirmed == {"code:5", "text:successful"}
    assert read_status("Failed", "6").confirmed is False
    assert read_status("Successful", 5).confirmed is True  # a number as well as a string


def test_an_unconfirmed_reading_is_marked_on_the_case():
    result = ident_result(ident(status="Failed", status_code="6"))

    assert result.status == Status.REJECTED
    assert section(result, "Identify24")["Read as"] == "rejected (our reading, unconfirmed)"


def test_review_is_not_final_and_outcomes_are():
    assert ident_result(ident(status="Review", status_code="12")).final is False
    assert ident_result(ident()).final is True
    assert ident_result(ident(status="Open", status_code="1")).final is False


# --- the documented samples --------------------------------------------------------------------
def test_the_ident_get_sample_reads_fully():
    result = ident_result(fixture("ident_get.json"))

    assert (result.external_id, result.status, result.vendor_status) == (
        "ece4f137-31ea-11ee-849e-005056bb3f3f",
        Status.APPROVED,
        "Successful",
    )
    person = result.person
    assert (person.first_name, person.last_name, person.birth_date) == ("Jane", "Doe", dt.date(1978, 1, 1))
    assert person.address == "Parkstr 45, 90763 Fürth, DE"
    assert (person.email, person.phone, person.document_number) == (
        "jane.doe@identify24.de",
        "+491747643106",
        "45546456456",
    )
    (document,) = result.documents
    assert (document.issue_date, document.expiry_date) == (dt.date(2021, 1, 1), dt.date(2025, 6, 17))
    assert (document.type, document.subtype, document.country) == ("", "ghjhggh", "DE")
    assert result.media == ()  # ident/get carries no files


def test_each_date_format_of_the_payload_is_read_as_documented():
    result = ident_result(fixture("ident_get.json"))
    info = section(result, "Identify24")

    # created_at dd-mm-yyyy hh:mm:ss, vendor local time (Berlin, summer: UTC+2)
    assert result.started_at == dt.datetime(2023, 8, 3, 10, 45, 56, tzinfo=dt.UTC)
    # appointment_date ISO with Z
    assert info["Appointment"] == "2023-08-03 15:00 UTC"
    # appointment_date "YYYY-MM-DD hh:mm", vendor local time (Berlin, winter: UTC+1)
    data_result = ident_result(fixture("ident_data.json"))
    assert section(data_result, "Identify24")["Appointment"] == "2024-11-11 10:11 UTC"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birthday", "17.12.1973"),  # dd.mm.yyyy is not this field's format
        ("birthday", "12/17/1973"),
        ("id_issue_date", "2021-05-10"),  # ISO is not id_issue_date's format (dd-mm-yyyy)
        ("id_expire_date", "31-02-2031"),
        ("created_at", "2024-09-13 10:25:26"),
        ("appointment_date", "11.11.2024 11:11"),
    ],
)
def test_a_date_in_another_format_is_left_empty_and_named_never_guessed(field, value):
    payload = ident(id_type="Reisepass", id_number="C01X00T47", **{field: value})

    result = ident_result(payload)

    assert field in section(result, "Identify24")["Unreadable dates"]
    assert result.person.birth_date is None or field != "birthday"
    document = result.documents[0]
    if field == "id_issue_date":
        assert document.issue_date is None
        assert {f.name: f.value for f in document.fields}["issue_date"] == value


def test_the_ident_data_sample_gives_the_document_the_custom_fields_and_every_file():
    result = ident_result(fixture("ident_data.json"))

    (document,) = result.documents
    assert (document.type, document.number, document.country) == ("id_card", "LJFE8J32NDM", "DE")
    assert (document.issue_date, document.expiry_date) == (dt.date(2021, 5, 10), dt.date(2031, 5, 9))
    assert all(f.source == FieldSource.AGENT for f in document.fields)
    assert section(result, "Custom fields") == {
        "custom_id": "My custom ID",
        "custom1": "custom1",
        "custom2": "custom2",
        "custom3": "custom3",
        "custom4": "custom4",
    }
    kinds = [(m.kind, m.key, m.content_type) for m in result.media]
    assert kinds == [
        (MediaKind.REPORT_PDF, "identification_pdf", "application/pdf"),
        (MediaKind.SIGNED_PDF, "signed_pdf", "application/pdf"),
        (MediaKind.RECORDING, "recordings/65e5a013502a2.webm", "video/webm"),
        (MediaKind.SCREENSHOT, "screenshots/28804.png", "image/png"),
        (MediaKind.SCREENSHOT, "screenshots/54071.png", "image/png"),
    ]


def test_pdfs_carry_their_file_hash_and_screenshots_their_download_link():
    media = {m.key: m for m in ident_result(fixture("ident_data.json")).media}

    assert media["signed_pdf"].sha256 == "ad00dc69f4f145342e74baccb9986987566849b8bd213b5920a8f2a238006e37"
    assert media["signed_pdf"].url == "https://api.identify24.de/download/xxx/signed.pdf"
    assert media["screenshots/28804.png"].url == "https://api.identify24.de/download/29078/28804.png"
    assert media["recordings/65e5a013502a2.webm"].sha256 == ""


def test_a_file_hash_that_is_not_a_sha256_is_refused_rather_than_trusted():
    payload = fixture("ident_data.json")
    payload["data"]["signed_pdf"]["file_hash"] = "md5:abc"

    with pytest.raises(MalformedPayload, match="signed_pdf"):
        ident_result(payload)


def test_the_bare_data_and_the_envelope_read_the_same():
    envelope = fixture("ident_data.json")

    assert ident_result(envelope["data"]).media == ident_result(envelope).media


@pytest.mark.parametrize(
    "payload",
    [[], "x", {"result": False, "messages": ["nope"]}, {"data": []}, {"data": {"ident": "x"}}, {"status": "Open"}],
)
def test_what_is_not_an_ident_is_a_malformed_payload(payload):
    with pytest.raises(MalformedPayload):
        ident_result(payload)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6),
        max_leaves=30,
    )
)
def test_any_json_either_normalizes_or_is_a_malformed_payload(payload):
    try:
        ident_result(payload, external_id="x")
    except MalformedPayload:
        pass


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(fixture("ident_data.json")["data"]["ident"])), st.text(max_size=25)))
def test_any_text_in_the_ident_fields_normalizes(values):
    result = ident_result({"id": "x", "status": "Open", **values}, external_id="fallback")

    assert result.external_id in ("fallback", values.get("id", "x").strip())


# --- lenient JSON ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": 1,}', {"a": 1}),
        (b'{"a": [1, 2 , ] ,\n}', {"a": [1, 2]}),
        (b'{"a": "keeps ,} inside strings",}', {"a": "keeps ,} inside strings"}),
        (b'{"a": "escaped \\" quote,]",}', {"a": 'escaped " quote,]'}),
    ],
)
def test_trailing_commas_are_forgiven(raw, expected):
    assert parse_json(raw) == expected


@pytest.mark.parametrize(
    "raw", [b"{,}", b"[,]", b"[1,,]", b'{"a":1,,}', b'{"a": 1} junk', b"{'a': 1}", b'{"a": 1', b"\xff\xfe", b""]
)
def test_nothing_but_trailing_commas_is_forgiven(raw):
    with pytest.raises(MalformedPayload):
        parse_json(raw)


def test_deep_nesting_is_a_malformed_payload_not_a_crash():
    with pytest.raises(MalformedPayload):
        parse_json(b"[" * 100_000 + b"]" * 100_000)


def test_the_vendor_time_zone_is_one_constant():
    assert str(normalize.VENDOR_TZ) == "Europe/Berlin"

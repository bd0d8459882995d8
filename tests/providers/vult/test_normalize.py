"""normalize: session read + document read + test read + locations -> one VerificationResult."""

from __future__ import annotations

import datetime as dt

import pytest

from providers.base import MalformedPayload, MediaKind, Status
from providers.vult import normalize
from providers.vult.normalize import DMV_MATCHES, STATUS, result, unified_status

from .conftest import load


def rows(section) -> dict[str, str]:
    return dict(section.rows)


def section(res, title_start: str):
    return next(s for s in res.sections if s.title.startswith(title_start))


@pytest.mark.parametrize(
    ("status_e", "verified", "expected"),
    [
        ("complete", True, Status.APPROVED),
        ("complete", False, Status.REJECTED),
        ("complete", None, Status.NEEDS_REVIEW),
        ("COMPLETE", True, Status.APPROVED),
        ("temporarily_blocked", False, Status.NEEDS_REVIEW),
        ("temporarily_blocked", True, Status.NEEDS_REVIEW),
        ("temporarily_complete", True, Status.IN_PROGRESS),
        ("in_progress", False, Status.IN_PROGRESS),
        ("expired", False, Status.EXPIRED),
        ("unknown", None, Status.CREATED),
    ],
)
def test_status_e_and_verified_map_to_the_unified_status(status_e, verified, expected):
    assert unified_status(status_e, verified) == (expected, True)


def test_verified_must_be_a_real_boolean_to_decide():
    assert unified_status("complete", "true") == (Status.NEEDS_REVIEW, True)


def test_an_unknown_status_e_goes_to_a_person_with_a_reason_and_is_not_final():
    payload = load("approved.json")
    payload["session"]["status_e"] = "on_hold"

    res = result(payload)

    assert res.status is Status.NEEDS_REVIEW
    assert res.final is False
    assert res.reasons[0].code == "status_e:on_hold"


def test_every_documented_status_e_is_in_the_one_mapping():
    assert {key for key, _ in STATUS} == {
        "unknown",
        "in_progress",
        "complete",
        "temporarily_blocked",
        "temporarily_complete",
        "expired",
    }


def test_an_approved_session_carries_person_score_liveness_and_times():
    res = result(load("approved.json"))

    assert (res.status, res.vendor_status, res.final) == (Status.APPROVED, "complete", True)
    assert res.external_id == "c0a8012e-7f3b-4d2a-9a55-2f1d9e8b7a10"
    assert (res.person.first_name, res.person.middle_name, res.person.last_name) == ("JANE", "Q", "SAMPLE")
    assert res.person.birth_date == dt.date(1988, 7, 4)
    assert res.person.address == "2570 24TH STREET, SACRAMENTO, CA 95818"
    assert res.person.document_number == "D1234567"
    assert (res.score, res.liveness, res.similarity) == (0.93, True, None)
    assert res.started_at == dt.datetime(2025, 3, 14, 9, 12, 5, 120000, tzinfo=dt.UTC)
    assert res.completed_at == dt.datetime(2025, 3, 14, 9, 16, 41, 877000, tzinfo=dt.UTC)
    assert res.observed_at == res.completed_at
    assert res.vendor_identity_id == "idn_7d41c2e0"
    assert res.reasons == ()


def test_the_document_keeps_every_field_including_address_height_weight_colours_class_restrictions():
    res = result(load("approved.json"))

    (doc,) = res.documents
    fields = {f.name: f.value for f in doc.fields}
    assert (doc.type, doc.country, doc.subtype, doc.number) == ("driver_license", "USA", "CA", "D1234567")
    assert (doc.issue_date, doc.expiry_date) == (dt.date(2021, 7, 4), dt.date(2029, 7, 4))
    assert fields["street"] == "2570 24TH STREET"
    assert (fields["city"], fields["state"], fields["postal_code"]) == ("SACRAMENTO", "CA", "95818")
    assert (fields["height"], fields["weight"]) == ("5-05", "125")
    assert (fields["eye_color"], fields["hair_color"]) == ("BRN", "BLK")
    assert (fields["class"], fields["restrictions"]) == ("C", "CORR LENS")
    assert fields["data_source_e"] == "barcode"
    assert "name_suffix" not in fields  # empty values are not fields


def test_every_test_read_check_is_a_control():
    res = result(load("approved.json"))

    doc_controls = {c.name: c for c in res.documents[0].controls}
    session_controls = {c.name: c for c in res.controls}
    for side in ("front", "back"):
        for check in ("image_manipulation", "is_identity_document", "online_duplication", "suspicious_words"):
            control = doc_controls[f"doc_{side}_{check}"]
            assert (control.passed, control.group) == (True, f"document {side}")
    assert set(DMV_MATCHES) <= set(session_controls)
    assert all(session_controls[name].group == "DMV" for name in DMV_MATCHES)
    for name in ("document_number_crosscheck", "name_crosscheck", "address_crosscheck"):
        assert (session_controls[name].passed, session_controls[name].group) == (True, "crosscheck")
    assert len(doc_controls) + len(session_controls) == 8 + 17 + 3


def test_a_rejected_session_names_its_failed_checks_as_reasons():
    res = result(load("rejected.json"))

    assert res.status is Status.REJECTED
    failed = {r.code for r in res.reasons if r.kind == "failed_check"}
    assert failed == {"doc_front_image_manipulation", "dmv_birth_date_match", "dmv_document_number_match"}
    online = next(c for c in res.documents[0].controls if c.name == "doc_front_online_duplication")
    assert online.passed is True  # "not_detected" answers "found online?" with no


@pytest.mark.parametrize(
    ("check", "value", "passed"),
    [
        ("image_manipulation", "detected", False),
        ("image_manipulation", "false", True),
        ("image_manipulation", True, False),
        ("is_identity_document", "true", True),
        ("is_identity_document", "no", False),
        ("is_identity_document", False, False),
        ("suspicious_words", "fail", False),
        ("online_duplication", "pass", True),
        ("suspicious_words", "inconclusive", None),
    ],
)
def test_a_side_check_word_is_read_against_the_checks_own_question(check, value, passed):
    label, yes_passes = normalize.SIDE_CHECKS[check]

    control = normalize.side_check(f"doc_front_{check}", value, label=label, passes_when_yes=yes_passes, group="g")

    assert control.passed is passed
    assert control.detail.endswith(str(value) if not isinstance(value, bool) else ("yes" if value else "no"))


def test_a_numeric_side_check_is_kept_as_a_score_not_a_verdict():
    control = normalize.side_check("doc_front_image_manipulation", "0.12", label="x", passes_when_yes=False, group="")

    assert (control.passed, control.score) == (None, 0.12)


def test_dmv_and_ofac_statuses_are_shown_with_their_times():
    res = result(load("temporarily_blocked.json"))

    screening = rows(section(res, "VULT: DMV and OFAC"))
    assert res.status is Status.NEEDS_REVIEW
    assert screening["DMV status"] == "verified"
    assert screening["DMV checked at"] == "2025-03-14 09:16:20 UTC"
    assert screening["OFAC status"] == "potential_match"
    assert screening["OFAC checked at"] == "2025-03-14 09:16:25 UTC"
    assert screening["Weights used (idv_weights_id)"] == "wgt_0193"
    assert {r.code for r in res.reasons} == {"doc_back_suspicious_words", "name_crosscheck"}


def test_capture_steps_show_their_timestamps():
    capture = rows(section(result(load("approved.json")), "VULT: capture"))

    assert capture["Consented"] == "yes (2025-03-14 09:12:30 UTC)"
    assert capture["Selfie given"] == "yes (2025-03-14 09:15:02 UTC)"
    assert capture["Liveness mode"] == "passive"


def test_each_capture_location_is_a_section():
    res = result(load("approved.json"))

    titles = [s.title for s in res.sections if "location" in s.title]
    front = rows(section(res, "VULT: location of the document front"))
    assert len(titles) == 3
    assert front["IP address"] == "198.51.100.23"
    assert front["IP location"] == "Sacramento, California, US"
    assert front["Device place"] == "Sacramento, Sacramento County, California, United States, US"
    assert front["Device coordinates"] == "38.5916, -121.5044"


def test_the_history_is_a_section_in_the_vendors_order():
    history = section(result(load("approved.json")), "VULT: history")

    assert history.rows == (
        ("2025-03-14 09:12:05 UTC", "status_e: in_progress"),
        ("2025-03-14 09:16:41 UTC", "status_e: complete"),
    )


def test_media_follow_the_document_type_and_the_capture_flags():
    res = result(load("approved.json"))

    assert [(m.key, m.kind, m.document_index) for m in res.media] == [
        ("driver_license_front", MediaKind.DOCUMENT_FRONT, 0),
        ("driver_license_back", MediaKind.DOCUMENT_BACK, 0),
        ("selfie", MediaKind.SELFIE, None),
        ("liveness_passive", MediaKind.LIVENESS, None),
    ]


def test_an_active_liveness_session_also_has_its_four_steps():
    keys = [m.key for m in result(load("rejected.json")).media]

    assert keys[-4:] == [f"liveness_active_step_{n}" for n in range(1, 5)]


@pytest.mark.parametrize(
    ("document_type", "files"),
    [
        ("identification_card", ["state_id_card_front", "state_id_card_back"]),
        ("passport", ["passport_front"]),
        ("passport_card", ["passport_card_front", "passport_card_back"]),
    ],
)
def test_each_document_type_has_its_own_file_types(document_type, files):
    payload = load("approved.json")
    payload["document"]["type_e"] = document_type

    keys = [m.key for m in result(payload).media]

    assert keys[: len(files)] == files
    assert "selfie" in keys


def test_a_session_in_progress_has_no_document_and_no_checks_yet():
    res = result(load("in_progress.json"))

    assert (res.status, res.final) == (Status.IN_PROGRESS, False)
    assert res.documents == ()
    assert res.controls == ()
    assert res.vendor_identity_id == ""
    # The front is captured: its image can be fetched already, with no document to attach it to.
    assert [(m.key, m.document_index) for m in res.media] == [("driver_license_front", None)]


def test_a_bare_session_read_is_accepted_for_import():
    res = result(load("session_read_approved.json"))

    assert (res.status, res.documents, res.controls) == (Status.APPROVED, (), ())


def test_a_session_read_without_its_id_takes_the_external_id_given():
    payload = load("session_read_approved.json")
    del payload["session_id"]

    assert result(payload, external_id="given").external_id == "given"


@pytest.mark.parametrize(
    "payload",
    [{"hello": "world"}, {"session": "nope"}, {"session": {"session_id": "x"}}, {"session": {}, "tests": []}],
)
def test_what_is_not_a_vult_session_is_malformed(payload):
    with pytest.raises(MalformedPayload):
        result(payload)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14T09:12:05Z", dt.datetime(2025, 3, 14, 9, 12, 5, tzinfo=dt.UTC)),
        ("2025-03-14T10:12:05+01:00", dt.datetime(2025, 3, 14, 9, 12, 5, tzinfo=dt.UTC)),
        ("2025-03-14T09:12:05", dt.datetime(2025, 3, 14, 9, 12, 5, tzinfo=dt.UTC)),
        ("14/03/2025", None),
        ("", None),
        (None, None),
    ],
)
def test_timestamps_are_iso_8601_read_in_utc(value, expected):
    assert normalize.parse_timestamp(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1988-07-04", dt.date(1988, 7, 4)),
        ("1988-07-04T00:00:00.000Z", dt.date(1988, 7, 4)),
        ("07/04/1988", None),  # never guessed: mm/dd or dd/mm?
        ("04.07.1988", None),
    ],
)
def test_dates_are_parsed_only_in_the_listed_formats(value, expected):
    assert normalize.parse_date(value) == expected


def test_an_unparsed_date_stays_as_the_vendors_text_in_the_fields():
    payload = load("approved.json")
    payload["document"]["expires_at"] = "07/04/2029"

    (doc,) = result(payload).documents

    assert doc.expiry_date is None
    assert {f.name: f.value for f in doc.fields}["expires_at"] == "07/04/2029"


def test_identities_read_one_or_several():
    one = {"identity_id": "idn_1", "first_name": "JANE", "verified": True, "ofac_status_e": "clear", "score": 0.9}

    assert [i.identity_id for i in normalize.identities(one)] == ["idn_1"]
    listed = normalize.identities({"identities": [one, {**one, "identity_id": "idn_2"}], "meta_counts": {}})
    assert [(i.identity_id, i.verified, i.ofac_status) for i in listed] == [
        ("idn_1", True, "clear"),
        ("idn_2", True, "clear"),
    ]
    assert normalize.identities({"identities": []}) == []


def test_an_ida_session_maps_authenticated_like_verified():
    ida = normalize.ida_session({"session_id": "a1", "status_e": "complete", "authenticated": False})

    assert (ida.status, ida.authenticated) == (Status.REJECTED, False)


def test_webhooks_listed_keep_id_name_url_and_status():
    listed = normalize.webhooks({"webhooks": [{"id": "wh1", "name": "kycdesk", "url": "https://x/", "active": True}]})

    assert [(w.external_id, w.name, w.url, w.status) for w in listed] == [("wh1", "kycdesk", "https://x/", "yes")]
    with pytest.raises(MalformedPayload):
        normalize.webhooks({"webhooks": [{"name": "no id"}]})


def test_weights_keep_every_documented_name():
    values = normalize.weights({"age_weight": 2, "gender_weight": True, "unknown_weight": 9})

    assert set(values) == set(normalize.WEIGHT_NAMES)
    assert (values["age_weight"], values["gender_weight"]) == (2.0, None)

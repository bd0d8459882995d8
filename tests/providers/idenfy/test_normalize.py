import datetime as dt

import pytest

from providers.base import MalformedPayload, MediaKind, Reason, Status
from providers.idenfy import normalize as n
from providers.idenfy.vocabulary import UNKNOWN_CODE

from .conftest import REVIEWED_STATUS as STATUS_ANSWER
from .conftest import load

UTC = dt.UTC


@pytest.mark.parametrize(
    ("overall", "status"),
    [
        ("APPROVED", Status.APPROVED),
        ("DENIED", Status.REJECTED),
        ("SUSPECTED", Status.NEEDS_REVIEW),
        ("REVIEWING", Status.IN_PROGRESS),
        ("ACTIVE", Status.IN_PROGRESS),
        ("EXPIRED", Status.EXPIRED),
        ("EXPIRED-DELETED", Status.EXPIRED),
        ("suspected", Status.NEEDS_REVIEW),
    ],
)
def test_each_overall_status_maps_to_its_unified_status_whatever_its_case(overall, status):
    result = n.normalize({"scanRef": "s1", "status": {"overall": overall}})

    assert (result.status, result.vendor_status) == (status, overall.upper())


def test_an_unknown_overall_status_is_a_malformed_payload_not_a_guess():
    with pytest.raises(MalformedPayload, match="unknown iDenfy overall status 'MAYBE'"):
        n.normalize({"scanRef": "s1", "status": {"overall": "MAYBE"}})


def test_a_cancellation_is_read_from_its_event_not_from_the_overall_status():
    result = n.normalize(load("cancelled.json"), event_type="IDENTIFICATION_CANCELLED")

    assert (result.status, result.vendor_status) == (Status.CANCELLED, "DENIED")


def test_an_expiry_event_without_an_overall_status_is_expired():
    assert n.normalize({"scanRef": "s1"}, event_type="IDENTIFICATION_EXPIRED").status == Status.EXPIRED


def test_a_body_without_scan_ref_is_malformed():
    with pytest.raises(MalformedPayload, match="no scanRef"):
        n.normalize({"status": {"overall": "APPROVED"}})


def test_the_person_is_read_from_the_document_data_with_dates_parsed_as_yyyy_mm_dd():
    result = n.normalize(load("approved.json"))

    person = result.person
    assert (person.first_name, person.last_name, person.birth_date) == ("JONAS", "JONAITIS", dt.date(1980, 1, 1))
    assert (person.nationality, person.gender, person.birth_place) == ("LT", "MALE", "VILNIUS")
    assert (person.document_number, person.personal_number, person.address) == ("LT1234567", "38001010000", "")
    document = result.documents[0]
    assert (document.type, document.country, document.number) == ("ID_CARD", "LT", "LT1234567")
    assert (document.issue_date, document.expiry_date) == (dt.date(2021, 5, 14), dt.date(2031, 5, 14))


def test_every_non_null_data_field_is_kept_under_its_vendor_name_and_nulls_are_left_out():
    payload = load("approved.json")
    payload["data"]["duplicateFaces"] = ["scan-a", "scan-b"]
    payload["data"]["additionalData"] = {"ssn": "123"}

    fields = {f.name: f.value for f in n.normalize(payload).documents[0].fields}

    expected = {k for k, v in payload["data"].items() if v not in (None, [], {})}
    assert set(fields) == expected
    assert fields["manuallyDataChanged"] == "false"
    assert fields["duplicateFaces"] == "scan-a, scan-b"
    assert fields["additionalData"] == '{"ssn": "123"}'
    assert "address" not in fields


def test_a_date_in_another_form_is_not_guessed_but_stays_visible_as_a_field():
    payload = load("approved.json")
    payload["data"]["docExpiry"] = "14.05.2031"

    document = n.normalize(payload).documents[0]

    assert document.expiry_date is None
    assert {f.name: f.value for f in document.fields}["docExpiry"] == "14.05.2031"


def test_an_unused_token_has_no_document_and_an_empty_person():
    result = n.normalize(load("expired.json"), event_type="IDENTIFICATION_EXPIRED")

    assert result.documents == ()
    assert result.person.first_name == "" and result.person.birth_date is None
    assert result.media == ()


def test_automatic_and_manual_verdicts_are_controls_with_their_meaning():
    result = n.normalize(load("auto_then_manual_manual.json"))

    controls = {c.name: c for c in result.controls}
    assert set(controls) == {
        "Document (automatic)",
        "Face (automatic)",
        "Document (manual review)",
        "Face (manual review)",
    }
    assert controls["Face (automatic)"].passed is False
    assert controls["Face (automatic)"].detail == "FACE_UNCERTAIN: The face comparison was inconclusive."
    assert controls["Face (manual review)"].passed is True
    assert (controls["Face (manual review)"].group, controls["Face (automatic)"].group) == ("manual", "automatic")


def test_a_verdict_not_reviewed_yet_is_no_control():
    result = n.normalize(load("auto_then_manual_auto.json"))

    assert {c.group for c in result.controls} == {"automatic"}


def test_fraud_and_mismatch_tags_are_reasons_with_their_meaning():
    result = n.normalize(load("suspected.json"))

    assert result.reasons == (
        Reason("DUPLICATE_FACE", "fraud_tag", "The selfie matches the selfie of an earlier verification."),
        Reason("AML_SUSPECTION", "fraud_tag", "The person was found on a PEP or sanctions list."),
        Reason("NAME", "mismatch_tag", "The first name on the document differs from the one given at launch."),
        Reason("DATE_OF_BIRTH", "mismatch_tag", "The date of birth differs from the one given at launch."),
    )


def test_legacy_suspicion_reasons_are_reasons_with_their_meaning():
    result = n.normalize(load("legacy.json"))

    assert [(r.code, r.kind) for r in result.reasons] == [
        ("FACE_SUSPECTED", "suspicion_reason"),
        ("DOC_MOBILE_PHOTO", "suspicion_reason"),
    ]
    assert result.reasons[1].text == "The document was shown on a mobile phone's screen."


def test_a_tag_added_by_idenfy_after_our_list_is_kept_and_marked_unknown():
    payload = {"scanRef": "s1", "status": {"overall": "SUSPECTED", "fraudTags": ["BRAND_NEW_TAG"]}}

    assert n.normalize(payload).reasons == (Reason("BRAND_NEW_TAG", "fraud_tag", UNKNOWN_CODE),)


def test_a_denial_carries_the_failing_verdict_of_the_review_as_its_reason():
    result = n.normalize(load("denied.json"))

    assert result.reasons == (Reason("DOC_EXPIRED", "document_verdict", "The document has expired."),)


def test_aml_and_lid_lists_become_sections_with_each_hit():
    sections = {s.title: dict(s.rows) for s in n.normalize(load("suspected.json")).sections}

    aml = sections["AML: PilotApiAmlV2"]
    assert (aml["Overall"], aml["Suspected"], aml["Check successful"]) == ("SUSPECTED", "true", "true")
    assert "suspicion: PEP" in aml["Hit 1"] and "reason: Member of the Seimas" in aml["Hit 1"]
    assert "valid: true" in sections["LID: IrdInvalidPapers"]["Hit 1"]


def test_old_lower_case_aml_and_lid_objects_become_sections_too():
    titles = [s.title for s in n.normalize(load("legacy.json")).sections]

    assert titles == ["iDenfy session", "AML: PilotApiAml", "LID: IrdInvalidPapers"]


def test_times_ip_and_location_are_a_section_and_the_times_are_utc():
    result = n.normalize(load("approved.json"))

    rows = dict(result.sections[0].rows)
    assert result.sections[0].title == "iDenfy session"
    assert rows["Started"] == "2024-03-12 10:20:00 UTC"
    assert rows["Finished"] == "2024-03-12 10:21:09 UTC"
    assert (rows["Client IP"], rows["Client IP country"], rows["Client location"]) == (
        "85.206.12.34",
        "LT",
        "Vilnius, Lithuania",
    )
    assert result.started_at == dt.datetime(2024, 3, 12, 10, 20, tzinfo=UTC)
    assert result.completed_at == dt.datetime(2024, 3, 12, 10, 21, 9, tzinfo=UTC)


def test_observed_at_is_the_finish_time_unless_the_caller_read_the_state_later():
    read_at = dt.datetime(2024, 3, 12, 11, 0, tzinfo=UTC)

    assert n.normalize(load("approved.json")).observed_at == dt.datetime(2024, 3, 12, 10, 21, 9, tzinfo=UTC)
    assert n.normalize(load("approved.json"), observed_at=read_at).observed_at == read_at


def test_final_is_the_vendors_flag():
    assert n.normalize(load("auto_then_manual_auto.json")).final is False
    assert n.normalize(load("auto_then_manual_manual.json")).final is True


def test_file_links_become_media_and_a_final_verdict_adds_the_report_pdf():
    media = {m.key: m for m in n.normalize(load("approved.json")).media}

    assert {k: (m.kind, m.document_index) for k, m in media.items()} == {
        "FRONT": (MediaKind.DOCUMENT_FRONT, 0),
        "BACK": (MediaKind.DOCUMENT_BACK, 0),
        "FACE": (MediaKind.SELFIE, None),
        "FACE_VIDEO": (MediaKind.FACE_VIDEO, None),
        "REPORT_PDF": (MediaKind.REPORT_PDF, None),
    }
    assert media["FRONT"].url.startswith("https://s3.eu-west-1.amazonaws.com/")


def test_an_interim_result_gets_no_report_pdf_yet():
    keys = {m.key for m in n.normalize(load("auto_then_manual_auto.json")).media}

    assert keys == {"FRONT", "BACK", "FACE"}


def test_the_raw_vendor_json_is_kept():
    payload = load("suspected.json")

    assert n.normalize(payload).raw == payload


# --- pulls -----------------------------------------------------------------------------------
FILES_ANSWER = {"FRONT": "https://files.example/FRONT.png?fresh", "FACE": "https://files.example/FACE.png?fresh"}


@pytest.mark.parametrize(
    ("block", "final"),
    [
        ({"overall": "APPROVED", "manualFace": "FACE_MATCH"}, True),
        ({"overall": "DENIED", "manualDocument": "DOC_EXPIRED"}, True),
        ({"overall": "APPROVED", "manualFace": None, "manualDocument": None}, False),
        ({"overall": "REVIEWING", "manualFace": "FACE_MATCH"}, False),
        ({"overall": "EXPIRED"}, True),
        ({"overall": "ACTIVE"}, False),
    ],
)
def test_a_pulled_state_is_final_once_reviewed_or_expired(block, final):
    assert n.pull_is_final(block) is final


def test_a_pull_is_read_like_a_webhook():
    document = n.pulled_document(STATUS_ANSWER, load("approved.json")["data"], FILES_ANSWER)

    result = n.normalize(document)
    assert (result.status, result.final, result.person.first_name) == (Status.APPROVED, True, "JONAS")
    assert {m.key: m.url for m in result.media if m.url} == FILES_ANSWER


def test_a_saved_status_answer_normalizes_on_its_own():
    result = n.normalize(STATUS_ANSWER)

    assert (result.external_id, result.status, len(result.controls)) == (STATUS_ANSWER["scanRef"], Status.APPROVED, 4)


def test_a_files_answer_may_nest_its_links_under_file_urls():
    assert n.file_urls({"fileUrls": FILES_ANSWER}) == FILES_ANSWER
    assert n.file_urls({"FRONT": None, "BACK": "not a link"}) == {}


def test_a_confirmed_webhook_keeps_the_pulled_truth_and_adds_what_only_the_webhook_has():
    webhook = load("auto_then_manual_auto.json")
    pulled = n.pulled_document(STATUS_ANSWER, webhook["data"], FILES_ANSWER)

    document, event = n.confirmed_document(webhook, pulled, "IDENTIFICATION_AUTO_FINISHED")
    result = n.normalize(document, event_type=event)

    assert (result.status, result.final, event) == (Status.APPROVED, True, "")  # the review's verdict, final
    assert {m.key: m.url for m in result.media if m.url} == FILES_ANSWER  # fresh links
    assert "AML: PilotApiAmlV2" in [s.title for s in result.sections]  # only the webhook has it
    assert result.started_at == dt.datetime(2024, 3, 12, 10, 20, tzinfo=UTC)


def test_a_webhooks_final_counts_only_when_it_describes_the_pulled_state():
    webhook = load("suspected.json")  # final: true, SUSPECTED
    same = n.pulled_document(
        {**STATUS_ANSWER, "status": "SUSPECTED", "manualFace": None, "manualDocument": None}, {}, {}
    )
    moved_on = n.pulled_document(
        {**STATUS_ANSWER, "status": "REVIEWING", "manualFace": None, "manualDocument": None}, {}, {}
    )

    assert n.confirmed_document(webhook, same, "X")[0]["final"] is True
    assert n.confirmed_document(webhook, moved_on, "X")[0]["final"] is False

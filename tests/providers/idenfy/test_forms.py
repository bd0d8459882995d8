"""The launch form refuses each input iDenfy would refuse, with iDenfy's rule in the message."""

import datetime as dt

import pytest

from providers.idenfy.forms import IdenfyLaunchForm

VALID = {"reference": "KYC-000123"}


def errors(**data) -> dict[str, list[str]]:
    form = IdenfyLaunchForm(data={**VALID, **data})
    assert not form.is_valid()
    return form.errors


def test_only_the_reference_is_required():
    form = IdenfyLaunchForm(data=VALID)

    assert form.is_valid(), form.errors
    assert form.to_request().options == {}


def test_a_full_launch_becomes_idenfys_json():
    form = IdenfyLaunchForm(
        data={
            **VALID,
            "first_name": "Jonas Tomas",
            "last_name": "O'Brien-Jonaitis",
            "birth_date": "1990-12-20",
            "nationality": "lt",
            "successUrl": "https://www.example.com/idenfy/success",
            "callbackUrl": "https://kyc.example.com/webhooks/idenfy/",
            "locale": "lt",
            "showInstructions": "false",
            "expiryTime": "600",
            "sessionLength": "600",
            "country": "LT",
            "documents": ["PASSPORT", "ID_CARD"],
            "dateOfExpiry": "2031-05-14",
            "personalNumber": "38001010000",
            "sex": "M",
            "address": "Gedimino pr. 1, Vilnius",
            "tokenType": "IDENTIFICATION",
            "externalRef": "case-77",
            "checkLiveness": "true",
            "reviewFailed": "true",
            "fraudServices": ["AML_NAMES_CHECK", "LID"],
            "levenshteinTextMatchRatio": "0.8",
            "detectionTypes": "eyes, face",
        }
    )

    assert form.is_valid(), form.errors
    request = form.to_request()
    assert (request.reference, request.first_name, request.birth_date, request.nationality) == (
        "KYC-000123",
        "Jonas Tomas",
        dt.date(1990, 12, 20),
        "LT",
    )
    assert request.options == {
        "successUrl": "https://www.example.com/idenfy/success",
        "callbackUrl": "https://kyc.example.com/webhooks/idenfy/",
        "locale": "lt",
        "showInstructions": False,
        "expiryTime": 600,
        "sessionLength": 600,
        "country": "lt",
        "documents": ["PASSPORT", "ID_CARD"],
        "dateOfExpiry": "2031-05-14",
        "personalNumber": "38001010000",
        "sex": "M",
        "address": "Gedimino pr. 1, Vilnius",
        "tokenType": "IDENTIFICATION",
        "externalRef": "case-77",
        "checkLiveness": True,
        "reviewFailed": True,
        "fraudServices": ["AML_NAMES_CHECK", "LID"],
        "levenshteinTextMatchRatio": 0.8,
        "detectionTypes": ["EYES", "FACE"],
    }


def test_a_setting_left_on_idenfy_default_is_not_sent_but_an_explicit_no_is():
    form = IdenfyLaunchForm(data={**VALID, "checkLiveness": "unknown", "nfcRequired": "false"})

    assert form.is_valid(), form.errors
    assert form.options() == {"nfcRequired": False}


def test_the_form_has_every_custom_setting_of_the_vendor_doc():
    fields = set(IdenfyLaunchForm().fields)

    assert {
        "checkLiveness", "reviewSuccessful", "reviewFailed", "driverLicenseBack", "autoAmlMonitoring",
        "fraudServices", "checkIpProxy", "checkFaceBlacklist", "checkDocFaceBlacklist", "checkDuplicateFaces",
        "checkDuplicateDocFaces", "nfcRequired", "levenshteinTextMatchRatio", "levenshteinMrzMatchRatio",
        "detectionTypes",
    } <= fields  # fmt: skip
    assert not {"email", "phone"} & fields  # iDenfy takes neither


INVALID = [
    # field, value, the rule the message must state
    ("reference", "Jūratė-1", "clientId takes ASCII characters only, 1 to 100"),
    ("reference", "x" * 101, "clientId takes ASCII characters only, 1 to 100"),
    ("first_name", "Jonas2", "firstName must be 1 to 100 characters, with no digits"),
    ("first_name", "Jonas_Tomas", 'none of ~!@#$%^*()_+={}[]|:;",<>/?'),
    ("first_name", "J" * 101, "firstName must be 1 to 100 characters"),
    ("last_name", "Smith/Jones", "lastName must be 1 to 100 characters, with no digits and none of"),
    ("last_name", "Smith (Jr)", "lastName must be 1 to 100 characters"),
    ("birth_date", "20.12.1990", "dateOfBirth must be a date written YYYY-MM-DD"),
    ("birth_date", "12/20/1990", "dateOfBirth must be a date written YYYY-MM-DD"),
    ("nationality", "LTU", "nationality must be a country's alpha-2 code"),
    ("successUrl", "h://", "successUrl must be 5 to 2048 characters long"),
    ("errorUrl", "https://example.com/" + "a" * 2030, "errorUrl must be 5 to 2048 characters long"),
    ("unverifiedUrl", "example.com/unverified", "unverifiedUrl must be a URL"),
    ("callbackUrl", "http://kyc.example.com/webhooks/idenfy/", "callbackUrl must be an HTTPS URL"),
    ("locale", "xx", "locale must be one of lt, en, ru"),
    ("expiryTime", "0", "expiryTime must be more than 0 and not exceed 2592000"),
    ("expiryTime", "2592001", "expiryTime must be more than 0 and not exceed 2592000"),
    ("expiryTime", "ten", "expiryTime is a whole number of seconds, from 1 to 2592000"),
    ("sessionLength", "60", "sessionLength must be more than 60 and less than 3600"),
    ("sessionLength", "3600", "sessionLength must be more than 60 and less than 3600"),
    ("country", "Lithuania", "country must be a country's alpha-2 code"),
    ("documents", ["PASSPORT", "LIBRARY_CARD"], "documents takes only these values: ID_CARD, PASSPORT"),
    ("dateOfExpiry", "2031-14-05", "dateOfExpiry must be a date written YYYY-MM-DD"),
    ("dateOfIssue", "14/05/2021", "dateOfIssue must be a date written YYYY-MM-DD"),
    ("personalNumber", "3800101000ž", "personalNumber takes ASCII characters only, 1 to 50"),
    ("documentNumber", "X" * 51, "documentNumber takes ASCII characters only, 1 to 50"),
    ("sex", "X", "sex must be one of M, F"),
    ("address", "a" * 256, "address must be at most 255 characters"),
    ("tokenType", "SELFIE", "tokenType must be one of DOCUMENT, IDENTIFICATION, VIDEO_CALL"),
    ("externalRef", "r" * 41, "externalRef takes ASCII characters only, 1 to 40"),
    ("externalRef", "réf", "externalRef takes ASCII characters only"),
    ("additionalSteps", "[1, 2]", "additionalSteps must be a JSON object"),
    ("additionalSteps", "{not json", "additionalSteps must be valid JSON"),
    (
        "fraudServices",
        ["AML_NAMES_CHECK", "CREDIT"],
        "fraudServices takes only these values: AML_NAMES_CHECK, LID, AML_NEWS",
    ),
    ("levenshteinTextMatchRatio", "1.5", "levenshteinTextMatchRatio is a matching ratio from 0 to 1"),
    ("levenshteinMrzMatchRatio", "-0.1", "levenshteinMrzMatchRatio is a matching ratio from 0 to 1"),
    ("detectionTypes", "FACE, NOSE", "detectionTypes is a priority list of FACE and EYES"),
    ("detectionTypes", "FACE,FACE", "each at most once"),
]


@pytest.mark.parametrize(("field", "value", "rule"), INVALID, ids=[f"{f}={str(v)[:20]}" for f, v, _ in INVALID])
def test_each_invalid_input_is_refused_with_idenfys_rule(field, value, rule):
    found = errors(**{field: value})

    assert field in found
    assert any(rule in message and message.startswith("iDenfy: ") for message in found[field]), found[field]


def test_the_reference_is_required():
    form = IdenfyLaunchForm(data={})

    assert not form.is_valid() and "reference" in form.errors


def test_utility_bill_and_additional_steps_are_mutually_exclusive():
    found = errors(utilityBill="true", additionalSteps='{"ALL": {"UTILITY_BILL": {"type": "DOCUMENT"}}}')

    assert found["utilityBill"] == ["iDenfy: utilityBill can't be used together with additionalSteps."]


def test_an_explicit_no_utility_bill_is_simply_not_sent_with_additional_steps():
    form = IdenfyLaunchForm(data={**VALID, "utilityBill": "false", "additionalSteps": '{"ALL": {}}'})

    assert form.is_valid(), form.errors
    assert form.options() == {"additionalSteps": {"ALL": {}}}


def test_additional_data_needs_additional_steps():
    found = errors(additionalData='{"UTILITY_BILL": {"ssn": "123"}}')

    assert found["additionalData"] == ["iDenfy: additionalData must be used with additionalSteps."]


def test_a_digit_string_keeps_the_default_expiry():
    found = errors(generateDigitString="true", expiryTime="600")

    assert "expiryTime cannot be longer than the digit string's default expiry" in found["expiryTime"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("sessionLength", "61"), ("sessionLength", "3599"), ("expiryTime", "1"), ("expiryTime", "2592000")],
)
def test_the_bounds_idenfy_accepts_are_accepted(field, value):
    assert IdenfyLaunchForm(data={**VALID, field: value}).is_valid()


def test_names_may_hold_the_characters_idenfy_allows():
    form = IdenfyLaunchForm(data={**VALID, "first_name": "Anne-Marie", "last_name": "D'Arcy Smith."})

    assert form.is_valid(), form.errors

"""The launch form enforces ident/create's attribute table before any call."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from providers.identify24.forms import Identify24LaunchForm

from .helpers import LAUNCH_FORM

VALID = {**LAUNCH_FORM, "template": "7"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def form(files=None, **changes) -> Identify24LaunchForm:
    data = {**VALID, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    built = Identify24LaunchForm(data=data, files=files)
    built.fields["template"].choices = [("", "—"), ("7", "911 Internet GmbH")]
    return built


def test_a_complete_form_is_valid_and_upper_cases_what_the_vendor_wants_upper_case():
    valid = form()

    assert valid.is_valid(), valid.errors
    data = valid.cleaned_data
    assert (data["first_name"], data["last_name"], data["street"], data["city"]) == (
        "ERIKA",
        "MUSTERMANN",
        "MARKGRAFENSTRASSE",
        "NÜRNBERG",
    )
    assert (data["nationality"], data["phone"]) == ("DE", "+4915111111111")


@pytest.mark.parametrize(
    ("field", "vendor_name"),
    [
        ("first_name", "person_first_name"),
        ("last_name", "person_last_name"),
        ("birth_date", "birthday"),
        ("nationality", "nationality"),
        ("email", "email"),
        ("phone", "mobile_phone"),
    ],
)
def test_each_required_person_field_is_required_with_the_vendors_name(field, vendor_name):
    invalid = form(**{field: None})

    assert not invalid.is_valid()
    assert invalid.errors[field] == [f"Identify24 requires {vendor_name}."]


@pytest.mark.parametrize("field", ["street", "house_no", "zip_code", "city", "country"])
def test_each_required_address_field_is_required(field):
    assert field in form(**{field: None}).errors


def test_a_project_from_the_synced_list_is_required():
    invalid = form(template=None)

    assert "Identify24 requires a project (project_id)" in invalid.errors["template"][0]


@pytest.mark.parametrize("value", ["05.09.1981", "09/05/1981", "1981-9-5x", "5 Sep 1981"])
def test_the_birthday_is_iso_8601_only(value):
    assert "birth_date" in form(birth_date=value).errors


def test_the_birthday_is_in_the_past():
    assert form(birth_date="2026-03-02").errors["birth_date"] == ["The birthday must be in the past."]


@pytest.mark.parametrize(("field", "value"), [("nationality", "DEU"), ("country", "XK"), ("id_country", "EU")])
def test_country_codes_are_iso_3166_alpha_2(field, value):
    assert form(**{field: value}).errors[field] == [
        f"Identify24 wants an ISO 3166 alpha-2 code in upper case (e.g. DE), not {value!r}."
    ]


def test_a_lower_case_code_is_upper_cased_not_refused():
    valid = form(country="at", id_country="at", international_code="at")

    assert valid.is_valid(), valid.errors
    assert [valid.cleaned_data[k] for k in ("country", "id_country", "international_code")] == ["AT", "AT", "AT"]


@pytest.mark.parametrize(("field", "value"), [("language", "fr"), ("type_of_id", "Führerschein"), ("gender", "male")])
def test_the_vendors_value_lists_are_enforced(field, value):
    assert field in form(**{field: value}).errors


@pytest.mark.parametrize("language", ["de", "en", "pl", "cs", "sk"])
def test_every_documented_language_is_accepted(language):
    assert form(language=language).is_valid()


def test_id_dates_are_iso_and_in_order_and_the_document_is_still_valid():
    assert "id_issue_date" in form(id_issue_date="10-05-2021").errors
    assert "id_end_date" in form(id_issue_date="2021-05-10", id_end_date="2021-05-09").errors
    assert form(id_end_date="2026-02-28").errors["id_end_date"] == [
        "Identify24 needs a valid ID document: this one has expired."
    ]
    assert form(id_issue_date="2021-05-10", id_end_date="2031-05-09", type_of_id="Personalausweis").is_valid()


def test_a_number_without_country_code_is_refused_outside_germany():
    assert "0049" in form(phone="0601 234 567", country="PL").errors["phone"][0]
    assert form(phone="01511111111", country="DE").is_valid()
    assert form(phone="+48601234567", country="PL").is_valid()
    assert "phone" in form(phone="call me").errors


def test_an_uploaded_pdf_becomes_bytes_in_the_options():
    pdf = SimpleUploadedFile("contract.pdf", b"%PDF-1.4 contract", content_type="application/pdf")

    valid = form(files={"pdf": pdf})

    assert valid.is_valid(), valid.errors
    assert valid.to_request(template_id="6").options["pdf"] == b"%PDF-1.4 contract"


def test_an_upload_that_is_not_a_pdf_is_refused():
    fake = SimpleUploadedFile("contract.pdf", b"MZ\x90\x00", content_type="application/pdf")

    assert form(files={"pdf": fake}).errors["pdf"] == ["This file is not a PDF."]


def test_a_pdf_and_a_pdf_url_together_are_refused_and_the_url_is_https():
    pdf = SimpleUploadedFile("c.pdf", b"%PDF-1.4", content_type="application/pdf")

    assert "pdf_url" in form(files={"pdf": pdf}, pdf_url="https://example.org/c.pdf").errors
    assert "https://" in form(pdf_url="http://example.org/c.pdf").errors["pdf_url"][0]


def test_the_request_carries_the_person_and_every_option():
    valid = form(custom_id="", custom1="c1", type_of_id="Reisepass", id_end_date="2031-05-09")
    assert valid.is_valid(), valid.errors

    request = valid.to_request(template_id="6")

    assert (request.template_id, request.first_name, request.birth_date) == ("6", "ERIKA", dt.date(1981, 9, 5))
    assert request.options["custom1"] == "c1"
    assert request.options["type_of_id"] == "Reisepass"
    assert request.options["id_end_date"] == dt.date(2031, 5, 9)

"""The Identify24 launch form: every rule of ident/create's attribute table (vendor doc v1.0.3,
"Ident Attributes") is checked here, before any call, with the vendor's rule in the message."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from providers.countries import is_alpha2
from providers.forms import LaunchForm

from .client import OPTIONAL_ATTRIBUTES

ISO_DATE = ["%Y-%m-%d"]  # "ISO 8601 format: YYYY-MM-DD", nothing else
LANGUAGES = [
    ("de", "German (de)"),
    ("en", "English (en)"),
    ("pl", "Polish (pl)"),
    ("cs", "Czech (cs)"),
    ("sk", "Slovak (sk)"),
]
TYPES_OF_ID = [("", "—"), ("Personalausweis", "Personalausweis (ID card)"), ("Reisepass", "Reisepass (passport)")]
GENDERS = [("", "—"), ("MALE", "MALE"), ("FEMALE", "FEMALE")]
#: Fields the vendor wants "All uppercase"; we send them upper-cased.
UPPERCASE = ("first_name", "last_name", "birth_place", "street", "city")
#: Fields that take an "Uppercase two-letter code as defined in ISO 3166".
ALPHA2_FIELDS = ("nationality", "country", "id_country", "international_code")
PHONE = re.compile(r"\+?[0-9]{6,20}")
PHONE_SEPARATORS = re.compile(r"[\s/().-]")
#: Our limit for a PDF to sign, sent base64 in the JSON body (the vendor states none).
MAX_PDF_BYTES = 10 * 1024 * 1024


def _text(max_length: int, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(max_length=max_length, required=required, help_text=help_text)


class Identify24LaunchForm(LaunchForm):
    gender = forms.ChoiceField(choices=GENDERS, required=False, help_text="Either MALE or FEMALE.")
    person_title = _text(50, help_text="Academic title, only if it is part of the name on the ID document.")
    person_position = _text(100)
    birth_place = _text(100, help_text="Sent in upper case, as Identify24 requires.")
    street = _text(150, required=True, help_text="Sent in upper case, as Identify24 requires.")
    house_no = _text(20, required=True)
    zip_code = _text(20, required=True)
    city = _text(100, required=True, help_text="Sent in upper case, as Identify24 requires.")
    country = _text(2, required=True, help_text="ISO 3166 alpha-2, upper case (e.g. DE).")
    language = forms.ChoiceField(
        choices=LANGUAGES, initial="de", required=False, help_text="Language of the video identification."
    )
    international_code = _text(2, help_text="ISO 3166 alpha-2 of the phone number's country (e.g. DE).")
    type_of_id = forms.ChoiceField(choices=TYPES_OF_ID, required=False)
    id_number = _text(50)
    id_country = _text(2, help_text="Issuing country of the ID document, ISO 3166 alpha-2 (e.g. DE).")
    id_issue_date = forms.DateField(required=False, input_formats=ISO_DATE, help_text="YYYY-MM-DD.")
    id_end_date = forms.DateField(required=False, input_formats=ISO_DATE, help_text="YYYY-MM-DD.")
    issuing_authority = _text(150)
    pdf = forms.FileField(required=False, label="PDF to sign", help_text="Optional; sent as pdf_content.")
    pdf_url = forms.URLField(
        required=False, assume_scheme="https", label="or URL of a PDF to sign", help_text="Fetched by Identify24."
    )
    custom_id = _text(255, help_text="Your reference at Identify24; our reference when left empty.")
    custom1 = _text(255)
    custom2 = _text(255)
    custom3 = _text(255)
    custom4 = _text(255)

    #: The PDF upload goes out as pdf_content (base64), built by the provider.
    option_fields = (*OPTIONAL_ATTRIBUTES, "pdf")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = {
            "first_name": "person_first_name",
            "last_name": "person_last_name",
            "birth_date": "birthday",
            "nationality": "nationality",
            "email": "email",
            "phone": "mobile_phone",
        }
        for name, vendor_name in required.items():
            field = self.fields[name]
            field.required = True
            field.error_messages["required"] = f"Identify24 requires {vendor_name}."
        self.fields["birth_date"].input_formats = ISO_DATE
        self.fields["birth_date"].help_text = "YYYY-MM-DD."
        self.fields["first_name"].help_text = self.fields["last_name"].help_text = "Sent in upper case."
        self.fields["nationality"].help_text = "ISO 3166 alpha-2, upper case (e.g. DE)."
        self.fields["phone"].label = "Mobile phone"
        self.fields["phone"].help_text = "With its country code (+49...); without one Identify24 assumes 0049."
        template = self.fields["template"]
        template.required = True
        template.label = "Project"
        template.error_messages["required"] = (
            "Identify24 requires a project (project_id): pick one, or sync the projects first."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in UPPERCASE:
            if data.get(name):
                data[name] = data[name].upper()
        for name in ALPHA2_FIELDS:
            value = (data.get(name) or "").strip()
            if value and not is_alpha2(value.upper()):
                self.add_error(
                    name, f"Identify24 wants an ISO 3166 alpha-2 code in upper case (e.g. DE), not {value!r}."
                )
            elif value:
                data[name] = value.upper()
        self._check_dates(data)
        self._check_phone(data)
        if data.get("pdf") and data.get("pdf_url"):
            self.add_error("pdf_url", "Give either a PDF to sign or its URL, not both.")
        return data

    def _check_dates(self, data: dict[str, Any]) -> None:
        today = timezone.localdate()
        born = data.get("birth_date")
        if born and born >= today:
            self.add_error("birth_date", "The birthday must be in the past.")
        issued, ends = data.get("id_issue_date"), data.get("id_end_date")
        if issued and issued > today:
            self.add_error("id_issue_date", "The ID document cannot be issued in the future.")
        if ends and ends < today:
            self.add_error("id_end_date", "Identify24 needs a valid ID document: this one has expired.")
        if issued and ends and ends <= issued:
            self.add_error("id_end_date", "The end of validity must come after the issue date.")

    def _check_phone(self, data: dict[str, Any]) -> None:
        phone = PHONE_SEPARATORS.sub("", data.get("phone") or "")
        if not phone:
            return
        if not PHONE.fullmatch(phone):
            self.add_error("phone", "A mobile number is digits, optionally starting with + (e.g. +491511111111).")
            return
        has_country_code = phone.startswith(("+", "00"))
        if not has_country_code and data.get("country") not in (None, "", "DE"):
            self.add_error(
                "phone",
                "Identify24 assumes 0049 (Germany) when a number has no country code: write it with its country code.",
            )
            return
        data["phone"] = phone

    def clean_pdf_url(self) -> str:
        url = self.cleaned_data.get("pdf_url") or ""
        if url and not url.startswith("https://"):
            raise ValidationError("Identify24 fetches the PDF itself: give an https:// URL.")
        return url

    def clean_pdf(self) -> bytes | None:
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return None
        if upload.size > MAX_PDF_BYTES:
            raise ValidationError(f"The PDF is over {MAX_PDF_BYTES // (1024 * 1024)} MB.")
        content = upload.read()
        if not content.startswith(b"%PDF-"):
            raise ValidationError("This file is not a PDF.")
        return content

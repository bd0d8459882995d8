"""The iDenfy launch form: every constraint of POST /api/v2/token (vendor doc, the parameter table
and "Sending a request with custom settings") is checked here, before any call, and each error
states iDenfy's rule. Option fields carry iDenfy's own parameter names.

Settings left empty are not sent, so iDenfy applies the environment's configuration (the doc:
"they will be active for all of the generated tokens, unless you specify otherwise").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from providers.forms import LaunchForm

from .normalize import DATE_FORMAT

NAME_FORBIDDEN = '~!@#$%^*()_+={}[]|:;",<>/?'
LOCALES = (
    ("lt", "Lithuanian"), ("en", "English"), ("ru", "Russian"), ("pl", "Polish"), ("lv", "Latvian"),
    ("et", "Estonian"), ("ro", "Romanian"), ("it", "Italian"), ("de", "German"), ("fr", "French"),
    ("sv", "Swedish"), ("es", "Spanish"), ("hu", "Hungarian"), ("ja", "Japanese"), ("bg", "Bulgarian"),
    ("cs", "Czech"), ("nl", "Dutch"), ("pt", "Portuguese"), ("uk", "Ukrainian"), ("vi", "Vietnamese"),
    ("sk", "Slovak"), ("th", "Thai"), ("hi", "Hindi"), ("id", "Indonesian"),
)  # fmt: skip
DOCUMENTS = (
    "ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE", "AADHAAR", "PAN_CARD", "VISA",
    "BORDER_CROSSING", "ASYLUM", "NATIONAL_PASSPORT", "VOTER_CARD", "OLD_ID_CARD", "TRAVEL_CARD",
    "PHOTO_CARD", "MILITARY_CARD", "PROOF_OF_AGE_CARD", "DIPLOMATIC_ID",
)  # fmt: skip
TOKEN_TYPES = ("DOCUMENT", "IDENTIFICATION", "VIDEO_CALL", "VIDEO_CALL_PHOTOS", "VIDEO_CALL_IDENTIFICATION")
SEXES = (("M", "M"), ("F", "F"))
FRAUD_SERVICES = ("AML_NAMES_CHECK", "LID", "AML_NEWS")
DETECTION_TYPES = ("FACE", "EYES")
EXPIRY_TIME = (1, 2592000)  # "More than 0", "Not exceeding 2592000 (30 days)"
# "More than 60", "Less than 3600": both bounds are exclusive in the vendor doc.
SESSION_LENGTH_ABOVE, SESSION_LENGTH_BELOW = 60, 3600
URL_LENGTH = (5, 2048)

BOOLEAN_SETTINGS = {
    "showInstructions": "Show instructions (iDenfy's default: yes).",
    "generateDigitString": "Generate an 8-digit code for iDenfy's mobile app (the contract must allow it).",
    "utilityBill": "Ask for a utility bill as an additional step (iDenfy recommends preset additional steps instead).",
    "checkLiveness": "Add liveness face detection.",
    "reviewSuccessful": "Have iDenfy's reviewers review successful verifications after the automatic checks.",
    "reviewFailed": "Have iDenfy's reviewers review failed verifications after the automatic checks.",
    "driverLicenseBack": "Allow uploading the back side of a driving licence.",
    "autoAmlMonitoring": "Add the verified person to AML monitoring automatically.",
    "checkIpProxy": "Check whether an IP proxy was used.",
    "checkFaceBlacklist": "Check the selfie against your environment's face blacklist (a match: SUSPECTED).",
    "checkDocFaceBlacklist": "Check the document portrait against your environment's face blacklist.",
    "checkDuplicateFaces": "Check for an earlier verification with the same selfie face.",
    "checkDuplicateDocFaces": "Check for an earlier verification with the same document face.",
    "nfcRequired": "Require NFC reading of the document.",
}


class DefaultBooleanSelect(forms.NullBooleanSelect):
    """Yes / No / not sent (the environment's setting applies)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "iDenfy default"), ("true", "Yes"), ("false", "No")]


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=[DATE_FORMAT],
        error_messages={"invalid": f"iDenfy: {label} must be a date written YYYY-MM-DD."},
        widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}, format=DATE_FORMAT),
    )


def _url_field(name: str, help_text: str) -> forms.CharField:
    return forms.CharField(label=name, required=False, help_text=help_text, strip=True)


def _json_field(name: str, help_text: str) -> forms.JSONField:
    return forms.JSONField(
        label=name,
        required=False,
        help_text=help_text,
        error_messages={"invalid": f"iDenfy: {name} must be valid JSON (an object)."},
    )


def _ascii(value: str, name: str, max_length: int, min_length: int = 1) -> str:
    if not value.isascii() or not (min_length <= len(value) <= max_length):
        raise ValidationError(
            f"iDenfy: {name} takes ASCII characters only, {min_length} to {max_length} of them.", code="idenfy"
        )
    return value


def _alpha2(value: str, name: str) -> str:
    if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise ValidationError(f"iDenfy: {name} must be a country's alpha-2 code (two letters, e.g. LT).", code="idenfy")
    return value.lower()


def _name(value: str, name: str) -> str:
    if not value:
        return value
    if len(value) > 100 or any(c.isdigit() for c in value) or any(c in NAME_FORBIDDEN for c in value):
        raise ValidationError(
            f"iDenfy: {name} must be 1 to 100 characters, with no digits and none of {NAME_FORBIDDEN}",
            code="idenfy",
        )
    return value


class IdenfyLaunchForm(LaunchForm):
    reference = forms.CharField(
        label="Reference (iDenfy clientId)",
        max_length=200,  # checked below, with iDenfy's rule in the message
        help_text="Our reference for the person, sent as clientId: ASCII, at most 100 characters.",
    )
    first_name = forms.CharField(label="First name (firstName)", required=False, max_length=200)
    last_name = forms.CharField(label="Last name (lastName)", required=False, max_length=200)
    birth_date = _date_field("dateOfBirth")
    nationality = forms.CharField(label="Nationality (alpha-2)", required=False, max_length=10)
    email = None  # iDenfy takes neither
    phone = None

    successUrl = _url_field("successUrl", "Where the person goes after a successful verification (5 to 2048 chars).")
    errorUrl = _url_field("errorUrl", "Where the person goes after a failed verification (5 to 2048 chars).")
    unverifiedUrl = _url_field("unverifiedUrl", "Where the person goes when nothing was analysed (5 to 2048 chars).")
    callbackUrl = _url_field(
        "callbackUrl", "An HTTPS webhook URL for this session only (iDenfy must have enabled it for your account)."
    )
    locale = forms.ChoiceField(label="locale", required=False, choices=[("", "iDenfy default (en)"), *LOCALES])
    expiryTime = forms.IntegerField(
        label="expiryTime",
        required=False,
        help_text="Seconds the token stays valid: 1 to 2592000 (default 86400).",
        error_messages={"invalid": "iDenfy: expiryTime is a whole number of seconds, from 1 to 2592000."},
    )
    sessionLength = forms.IntegerField(
        label="sessionLength",
        required=False,
        help_text="Seconds the person has in the UI: more than 60, less than 3600.",
        error_messages={"invalid": "iDenfy: sessionLength is a whole number of seconds, more than 60, less than 3600."},
    )
    country = forms.CharField(label="country (alpha-2)", required=False, max_length=10)
    documents = forms.MultipleChoiceField(
        label="documents", required=False, choices=[(d, d) for d in DOCUMENTS], widget=forms.CheckboxSelectMultiple
    )
    dateOfExpiry = _date_field("dateOfExpiry")
    dateOfIssue = _date_field("dateOfIssue")
    personalNumber = forms.CharField(label="personalNumber", required=False, max_length=200)
    documentNumber = forms.CharField(label="documentNumber", required=False, max_length=200)
    sex = forms.ChoiceField(label="sex", required=False, choices=[("", "—"), *SEXES])
    address = forms.CharField(label="address", required=False, max_length=1000, widget=forms.Textarea({"rows": 2}))
    tokenType = forms.ChoiceField(
        label="tokenType",
        required=False,
        choices=[("", "iDenfy default (IDENTIFICATION)")] + [(t, t) for t in TOKEN_TYPES],
    )
    externalRef = forms.CharField(label="externalRef", required=False, max_length=200)
    additionalSteps = _json_field("additionalSteps", "A JSON object.")
    additionalData = _json_field("additionalData", "A JSON object; only with additionalSteps.")
    questionnaire = forms.CharField(label="questionnaire", required=False, max_length=200)
    riskAssessmentProfile = forms.CharField(label="riskAssessmentProfile", required=False, max_length=200)
    fraudServices = forms.MultipleChoiceField(
        label="fraudServices",
        required=False,
        choices=[(s, s) for s in FRAUD_SERVICES],
        widget=forms.CheckboxSelectMultiple,
    )
    levenshteinTextMatchRatio = forms.FloatField(
        label="levenshteinTextMatchRatio",
        required=False,
        help_text="A ratio from 0 to 1 (iDenfy's tested default 0.8).",
        error_messages={"invalid": "iDenfy: levenshteinTextMatchRatio is a matching ratio from 0 to 1."},
    )
    levenshteinMrzMatchRatio = forms.FloatField(
        label="levenshteinMrzMatchRatio",
        required=False,
        help_text="A ratio from 0 to 1 (iDenfy's tested default 0.7).",
        error_messages={"invalid": "iDenfy: levenshteinMrzMatchRatio is a matching ratio from 0 to 1."},
    )
    detectionTypes = forms.CharField(
        label="detectionTypes", required=False, help_text="FACE and/or EYES, comma-separated, in priority order."
    )

    option_fields = (
        "successUrl", "errorUrl", "unverifiedUrl", "callbackUrl", "locale", "expiryTime", "sessionLength",
        "country", "documents", "dateOfExpiry", "dateOfIssue", "personalNumber", "documentNumber", "sex",
        "address", "tokenType", "externalRef", "additionalSteps", "additionalData", "questionnaire",
        "riskAssessmentProfile", "fraudServices", "levenshteinTextMatchRatio", "levenshteinMrzMatchRatio",
        "detectionTypes", *BOOLEAN_SETTINGS,
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, help_text in BOOLEAN_SETTINGS.items():
            self.fields[name] = forms.NullBooleanField(
                label=name, required=False, help_text=help_text, widget=DefaultBooleanSelect
            )
        for name in ("documents", "fraudServices"):
            self.fields[name].error_messages["invalid_choice"] = (
                f"iDenfy: {name} takes only these values: {', '.join(c for c, _ in self.fields[name].choices)}."
            )
        for name, values in (("locale", [c for c, _ in LOCALES]), ("tokenType", TOKEN_TYPES), ("sex", ["M", "F"])):
            self.fields[name].error_messages["invalid_choice"] = f"iDenfy: {name} must be one of {', '.join(values)}."

    # --- one field at a time -------------------------------------------------------------
    def clean_reference(self) -> str:
        return _ascii(self.cleaned_data["reference"], "clientId", 100)

    def clean_first_name(self) -> str:
        return _name(self.cleaned_data["first_name"], "firstName")

    def clean_last_name(self) -> str:
        return _name(self.cleaned_data["last_name"], "lastName")

    def clean_nationality(self) -> str:
        return _alpha2(self.cleaned_data["nationality"], "nationality").upper()

    def clean_country(self) -> str:
        return _alpha2(self.cleaned_data["country"], "country")

    def _clean_url(self, name: str) -> str:
        value = self.cleaned_data[name]
        low, high = URL_LENGTH
        if value and not (low <= len(value) <= high):
            raise ValidationError(f"iDenfy: {name} must be {low} to {high} characters long.", code="idenfy")
        if value and not value.startswith(("https://", "http://")):
            raise ValidationError(f"iDenfy: {name} must be a URL (http:// or https://).", code="idenfy")
        return value

    def clean_successUrl(self) -> str:
        return self._clean_url("successUrl")

    def clean_errorUrl(self) -> str:
        return self._clean_url("errorUrl")

    def clean_unverifiedUrl(self) -> str:
        return self._clean_url("unverifiedUrl")

    def clean_callbackUrl(self) -> str:
        value = self._clean_url("callbackUrl")
        if value and not value.startswith("https://"):
            raise ValidationError("iDenfy: callbackUrl must be an HTTPS URL.", code="idenfy")
        return value

    def clean_expiryTime(self) -> int | None:
        value = self.cleaned_data["expiryTime"]
        low, high = EXPIRY_TIME
        if value is not None and not (low <= value <= high):
            raise ValidationError(
                f"iDenfy: expiryTime must be more than 0 and not exceed {high} seconds (30 days).", code="idenfy"
            )
        return value

    def clean_sessionLength(self) -> int | None:
        value = self.cleaned_data["sessionLength"]
        if value is not None and not (SESSION_LENGTH_ABOVE < value < SESSION_LENGTH_BELOW):
            raise ValidationError(
                f"iDenfy: sessionLength must be more than {SESSION_LENGTH_ABOVE} and less than "
                f"{SESSION_LENGTH_BELOW} seconds.",
                code="idenfy",
            )
        return value

    def clean_personalNumber(self) -> str:
        value = self.cleaned_data["personalNumber"]
        return _ascii(value, "personalNumber", 50) if value else value

    def clean_documentNumber(self) -> str:
        value = self.cleaned_data["documentNumber"]
        return _ascii(value, "documentNumber", 50) if value else value

    def clean_externalRef(self) -> str:
        value = self.cleaned_data["externalRef"]
        return _ascii(value, "externalRef", 40) if value else value

    def clean_address(self) -> str:
        value = self.cleaned_data["address"]
        if len(value) > 255:
            raise ValidationError("iDenfy: address must be at most 255 characters.", code="idenfy")
        return value

    def _clean_object(self, name: str) -> dict[str, Any] | None:
        value = self.cleaned_data[name]
        if value in (None, "", {}):
            return None
        if not isinstance(value, dict):
            raise ValidationError(f"iDenfy: {name} must be a JSON object.", code="idenfy")
        return value

    def clean_additionalSteps(self) -> dict[str, Any] | None:
        return self._clean_object("additionalSteps")

    def clean_additionalData(self) -> dict[str, Any] | None:
        return self._clean_object("additionalData")

    def _clean_ratio(self, name: str) -> float | None:
        value = self.cleaned_data[name]
        if value is not None and not (0 <= value <= 1):
            raise ValidationError(f"iDenfy: {name} is a matching ratio from 0 to 1.", code="idenfy")
        return value

    def clean_levenshteinTextMatchRatio(self) -> float | None:
        return self._clean_ratio("levenshteinTextMatchRatio")

    def clean_levenshteinMrzMatchRatio(self) -> float | None:
        return self._clean_ratio("levenshteinMrzMatchRatio")

    def clean_detectionTypes(self) -> list[str]:
        values = [v.strip().upper() for v in self.cleaned_data["detectionTypes"].split(",") if v.strip()]
        if any(v not in DETECTION_TYPES for v in values) or len(set(values)) != len(values):
            raise ValidationError(
                "iDenfy: detectionTypes is a priority list of FACE and EYES, each at most once.", code="idenfy"
            )
        return values

    # --- rules between fields ----------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("additionalSteps") is not None and data.get("utilityBill"):
            self.add_error("utilityBill", "iDenfy: utilityBill can't be used together with additionalSteps.")
        if data.get("additionalData") is not None and data.get("additionalSteps") is None:
            self.add_error("additionalData", "iDenfy: additionalData must be used with additionalSteps.")
        if data.get("generateDigitString") and data.get("expiryTime") is not None:
            self.add_error(
                "expiryTime",
                "iDenfy: with generateDigitString, expiryTime cannot be longer than the digit string's default "
                "expiry: leave expiryTime empty.",
            )
        return data

    def options(self) -> dict[str, Any]:
        """The cleaned options as iDenfy's JSON: empty values are left out (iDenfy's default)."""
        options: dict[str, Any] = {}
        for name in self.option_fields:
            value = self.cleaned_data.get(name)
            if value in (None, "", [], {}):
                continue
            if isinstance(value, dt.date):
                value = value.strftime(DATE_FORMAT)
            options[name] = value
        if "additionalSteps" in options:
            options.pop("utilityBill", None)  # "Can't be used together with additionalSteps"
        return options

"""The Identomat launch form: every documented flag, optional questionnaire steps, or a config_id.

Flags and their values are those of the developer guide ("The flags parameter is an object...");
a session is started either from flags (and steps) or from a configuration id registered as a
template (identomat.md, "Templates"), never both.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms

from providers.forms import LaunchForm

LANGUAGES = [
    # The guide lists "en", "es", "ru", "uk", "gr", "etc."; its own example adds Georgian ("ka").
    ("en", "English (en)"),
    ("ka", "Georgian (ka)"),
    ("es", "Spanish (es)"),
    ("ru", "Russian (ru)"),
    ("uk", "Ukrainian (uk)"),
    ("gr", "Greek (gr)"),
]
DOCUMENT_TYPES = [
    ("id", "Identity card (id)"),
    ("passport", "Passport (passport)"),
    ("driver_license", "Driving licence (driver_license)"),
    ("residence_license", "Residence permit (residence_license)"),
]
GENERAL_DOCUMENT_TYPES = [
    ("bank_statement", "Bank statement (bank_statement)"),
    ("utility_bill", "Utility bill (utility_bill)"),
    ("drivers_license", "Driving licence (drivers_license)"),
]
#: Boolean flags, all "Default: false" in the guide, with the guide's own description.
SWITCHES: dict[str, str] = {
    "liveness": "Check the liveness of the person.",
    "allow_general_document_capture": "Allow capture of a general document.",
    "allow_general_document_upload": "Allow upload of a general document.",
    "skip_agreement": "Skip the agreement step completely.",
    "skip_document": "Skip the document scanning step completely.",
    "skip_face": "Skip the face scanning step completely.",
    "allow_document_upload": "Allow upload of an image as a document.",
    "allow_face_upload": "Allow the person to upload a selfie.",
    "allow_face_doc_upload": "Allow an uploaded image of the person holding a document in hand.",
    "require_face_document": "Require the person to hold a document in a hand.",
    "disable_document_capture": "Disable document capture with the camera.",
    "skip_desktop": "On a computer, show a QR code to continue on a mobile device.",
    "capture_double_page_passport": "Capture a passport's double page instead of a single page.",
    "require_email_check": "Enable the email verification step.",
    "require_email": "Enable the email collection step.",
    "require_phone_number_check": "Enable the phone number verification step.",
    "require_phone_number": "Enable the phone number collection step.",
    "restrict_url_sharing": (
        "Restrict sharing of the session URL to continue from another browser. If the camera is "
        "denied, no QR code appears unless a switch-device URL is given."
    ),
    "optional_continue_on_another_device": "Enable the device switch tab.",
    "multiple_participants": "Let video call sessions receive several participants instead of one.",
    "cascading_identity_verification": "Enable cascading identity verification for SDKs.",
}
#: Step types the guide names ("operator-questionnaire or client-questionnaire", and its example's
#: "user-questionnaire", which its step pages call the user questionnaire).
STEP_TYPES = ("user-questionnaire", "operator-questionnaire", "client-questionnaire")
ALPHA3 = re.compile(r"[A-Z]{3}")


class IdentomatLaunchForm(LaunchForm):
    return_url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=2048,
        help_text="Where to return after the identification. Empty: the widget is embedded in an iframe.",
    )
    language = forms.ChoiceField(
        choices=LANGUAGES, initial="en", required=False, help_text="User interface language (default en)."
    )
    document_types = forms.MultipleChoiceField(
        choices=DOCUMENT_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Allowed documents. None ticked: everything.",
    )
    document_countries = forms.CharField(
        required=False,
        max_length=500,
        help_text="Limit document scanning to these alpha-3 country codes, comma-separated (USA, DEU, ITA).",
    )
    general_document_types = forms.MultipleChoiceField(
        choices=GENERAL_DOCUMENT_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Allowed general documents (needs general document capture or upload).",
    )
    switch_device_url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=2048,
        help_text="Custom URL in the QR code when the camera is missing or denied.",
    )
    steps = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            'Optional questionnaire steps, a JSON array: [{"type": "user-questionnaire", "key": "employment", '
            '"title": "...", "questions": [{"type": "boolean", "key": "are-you-employed", "mandatory": true, '
            '"title": {"en": "..."}}]}].'
        ),
    )
    parent_session_id = forms.CharField(
        required=False, max_length=200, help_text="Optional: the session this one continues."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].label = "Configuration id"
        self.fields["template"].help_text = (
            "A configuration registered by hand (Identomat dashboard config_id). When chosen, the "
            "flags and steps below are not sent: the configuration defines them."
        )
        for name, help_text in SWITCHES.items():
            self.fields[name] = forms.BooleanField(required=False, help_text=help_text)

    # --- field rules ---------------------------------------------------------------------
    def clean_document_countries(self) -> list[str]:
        raw = self.cleaned_data.get("document_countries") or ""
        codes = [code.strip().upper() for code in raw.split(",") if code.strip()]
        wrong = [code for code in codes if not ALPHA3.fullmatch(code)]
        if wrong:
            raise forms.ValidationError(
                f"Identomat limits document scanning by alpha-3 country codes such as USA, DEU, ITA; "
                f"not {', '.join(wrong)}."
            )
        return list(dict.fromkeys(codes))

    def clean_steps(self) -> list[dict[str, Any]]:
        raw = (self.cleaned_data.get("steps") or "").strip()
        if not raw:
            return []
        try:
            steps = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"Steps must be a JSON array: {exc.msg} at line {exc.lineno}.") from None
        if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
            raise forms.ValidationError("Identomat's steps are an array of step objects.")
        keys: list[str] = []
        for position, step in enumerate(steps, start=1):
            if step.get("type") not in STEP_TYPES:
                raise forms.ValidationError(
                    f"Step {position}: Identomat step types are {', '.join(STEP_TYPES)}; not {step.get('type')!r}."
                )
            if not isinstance(step.get("key"), str) or not step["key"]:
                raise forms.ValidationError(f"Step {position}: every Identomat step needs a text 'key'.")
            keys.append(step["key"])
            self._check_questions(position, step.get("questions"))
        if len(set(keys)) != len(keys):
            raise forms.ValidationError("Step keys must be unique: the answers come back under them.")
        return steps

    @staticmethod
    def _check_questions(position: int, questions: Any) -> None:
        if questions is None:
            return
        if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
            raise forms.ValidationError(f"Step {position}: 'questions' is an array of question objects.")
        for number, question in enumerate(questions, start=1):
            if not isinstance(question.get("key"), str) or not question["key"]:
                raise forms.ValidationError(f"Step {position}, question {number}: a question needs a text 'key'.")
            if "mandatory" in question and not isinstance(question["mandatory"], bool):
                raise forms.ValidationError(f"Step {position}, question {number}: 'mandatory' is true or false.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        flags = self.flags()
        general_types = data.get("general_document_types")
        if general_types and not (
            data.get("allow_general_document_capture") or data.get("allow_general_document_upload")
        ):
            self.add_error(
                "general_document_types",
                "Identomat: general_document_types works only if allow_general_document_capture or "
                "allow_general_document_upload is set.",
            )
        if data.get("template"):
            chosen = list(flags) + (["steps"] if data.get("steps") else [])
            if chosen:
                self.add_error(
                    None,
                    "Identomat starts a session from flags and steps, or from a config_id, not both: "
                    f"clear {', '.join(chosen)} or the configuration.",
                )
        if data.get("skip_face") and (data.get("require_face_document") or data.get("allow_face_doc_upload")):
            # Our reading of the guide: holding a document is part of the face step.
            self.add_error("skip_face", "Identomat's document-in-hand options need the face step: do not skip it.")
        if data.get("skip_document") and (data.get("document_types") or data.get("document_countries")):
            self.add_error(
                "skip_document", "Document types and countries limit the document step: do not skip it, or clear them."
            )
        return data

    # --- what the client sends -----------------------------------------------------------
    def flags(self) -> dict[str, Any]:
        """The flags object with only what differs from Identomat's defaults."""
        data = getattr(self, "cleaned_data", {})
        flags: dict[str, Any] = {}
        for name in ("return_url", "switch_device_url"):
            if data.get(name):
                flags[name] = data[name]
        if data.get("language") and data["language"] != "en":
            flags["language"] = data["language"]
        for name in ("document_types", "document_countries", "general_document_types"):
            if data.get(name):
                flags[name] = list(data[name])
        flags.update({name: True for name in SWITCHES if data.get(name)})
        return flags

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        options: dict[str, Any] = {}
        if not data.get("template"):
            options["flags"] = self.flags()
            if data.get("steps"):
                options["steps"] = data["steps"]
        if data.get("parent_session_id"):
            options["parent_session_id"] = data["parent_session_id"].strip()
        return options

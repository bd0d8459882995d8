"""The Datakeen launch form: what the create call takes (vendor doc section 3), checked first."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django import forms

from providers.base import LaunchRequest
from providers.forms import LaunchForm

NAME_PUNCTUATION = frozenset(" -'.\u2019")  # \u2019: the typographic apostrophe
OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)


def check_name(value: str) -> str:
    # Datakeen matches these against the document (matchFirstName, matchLastName controls), so
    # they must be written as printed there: letters of any alphabet, spaces, hyphens, apostrophes.
    if value and not all(c.isalpha() or c in NAME_PUNCTUATION for c in value):
        raise forms.ValidationError(
            "Datakeen compares this name with the one on the document: use letters, spaces, "
            "hyphens and apostrophes only, as printed there."
        )
    return value


class DatakeenLaunchForm(LaunchForm):
    # Datakeen takes no nationality, e-mail or phone: not asked for.
    nationality = None
    email = None
    phone = None
    first_name = forms.CharField(max_length=100, required=False, help_text="As printed on the document.")
    last_name = forms.CharField(max_length=100, required=False, help_text="As printed on the document.")
    callback_url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=2048,
        label="Return URL",
        help_text="Where Datakeen sends the person when the session is over (callbackURL). Optional.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].help_text = "Empty: the default template of your Datakeen account."

    def clean_first_name(self) -> str:
        return check_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return check_name(self.cleaned_data["last_name"])

    def clean_birth_date(self) -> dt.date | None:
        value = self.cleaned_data.get("birth_date")
        if value is not None and not OLDEST_BIRTH_DATE <= value <= dt.date.today():
            raise forms.ValidationError(
                "Datakeen takes the birth date as dd/mm/yyyy: it must be a past date, after 1900."
            )
        return value

    def to_request(self, *, template_id: str = "") -> LaunchRequest:
        request = super().to_request(template_id=template_id)
        return dataclasses.replace(request, callback_url=self.cleaned_data.get("callback_url") or "")

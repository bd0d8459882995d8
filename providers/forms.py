"""The launch form every vendor's form extends. Vendor forms (providers/<code>/forms.py) enforce
the vendor's documented constraints, with the vendor's rule in each error message, before any
call is made. Django forms only: nothing here touches the database."""

from __future__ import annotations

from typing import Any

from django import forms

from providers.base import LaunchRequest


class LaunchForm(forms.Form):
    reference = forms.CharField(
        max_length=100, help_text="Our own reference for the person (one identity per reference)."
    )
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    birth_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    nationality = forms.CharField(max_length=3, required=False, help_text="ISO 3166 country code.")
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    # Choices are the synced or registered templates of this vendor, filled in by kycdesk.
    template = forms.ChoiceField(required=False, choices=[("", "—")])

    #: Fields of the form that are vendor options rather than person fields.
    option_fields: tuple[str, ...] = ()

    def options(self) -> dict[str, Any]:
        """The vendor options as cleaned; override to reshape them for the client."""
        return {name: self.cleaned_data[name] for name in self.option_fields if name in self.cleaned_data}

    def to_request(self, *, template_id: str = "") -> LaunchRequest:
        data = self.cleaned_data
        return LaunchRequest(
            reference=data["reference"],
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            birth_date=data.get("birth_date"),
            nationality=(data.get("nationality") or "").upper(),
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            template_id=template_id,
            options=self.options(),
        )

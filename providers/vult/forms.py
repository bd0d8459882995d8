"""The VULT launch form: the only option session create takes from staff is the liveness mode."""

from __future__ import annotations

from django import forms

from providers.forms import LaunchForm
from providers.vult.client import DOCUMENT_TYPES, LIVENESS_MODES
from providers.vult.normalize import REQUIREMENT_FLAGS, WEIGHT_NAMES


class VultLaunchForm(LaunchForm):
    liveness_mode = forms.ChoiceField(
        choices=[(mode, mode.replace("_", " + ")) for mode in LIVENESS_MODES],
        initial="passive",
        help_text="VULT liveness_mode (session create): passive, or passive + active challenge steps.",
        error_messages={"invalid_choice": "VULT accepts liveness_mode passive or passive_active only."},
    )

    option_fields = ("liveness_mode",)


class WeightsForm(forms.Form):
    """update weights: every weight and tolerance is required by the document (a number each)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in WEIGHT_NAMES:
            self.fields[name] = forms.FloatField(
                label=name.replace("_", " "),
                error_messages={"required": f"VULT requires {name} in every weights update."},
            )


class RequirementsForm(forms.Form):
    """update requirements: type_e and data_source_e name the set; every *_required flag is sent."""

    type_e = forms.ChoiceField(
        choices=[(t, t) for t in DOCUMENT_TYPES],
        error_messages={"invalid_choice": f"VULT type_e is one of {', '.join(DOCUMENT_TYPES)}."},
    )
    data_source_e = forms.CharField(
        max_length=100,
        help_text="VULT's data source value, as its requirements list shows it (the document gives no list).",
        error_messages={"required": "VULT requires data_source_e in a requirements update."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in REQUIREMENT_FLAGS:
            # A checkbox: unticked is sent as false, so every required flag is always in the body.
            self.fields[name] = forms.BooleanField(label=name.replace("_", " "), required=False)

    def body(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("type_e", "data_source_e", *REQUIREMENT_FLAGS)}

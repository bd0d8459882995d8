"""VULT's settings as the client reads them: document requirements and IDV weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from providers.base import MalformedPayload

from .values import _flag, _text

# --- requirements and weights (document sections "get/update requirements", "get/update weights") ---
REQUIREMENT_FLAGS = (
    "document_number_required",
    "ref_number_required",
    "issue_at_required",
    "expires_at_required",
    "issuing_country_required",
    "issuing_state_required",
    "first_name_required",
    "middle_name_required",
    "last_name_required",
    "name_suffix_required",
    "street_required",
    "city_required",
    "state_required",
    "postal_code_required",
    "birth_date_required",
    "gender_required",
    "height_required",
    "weight_required",
    "eye_color_required",
    "hair_color_required",
    "class_required",
    "mentions_required",
    "restrictions_required",
    "raw_barcode_required",
    "face_encoding_required",
)
WEIGHT_NAMES = (
    "onboarding_face_encoding_tolerance",
    "verified_account_face_encoding_tolerance",
    "driver_license_fuzzy_match_tolerance",
    "driver_license_fuzzy_match_weight",
    "state_id_fuzzy_match_tolerance",
    "state_id_fuzzy_match_weight",
    "passport_fuzzy_match_tolerance",
    "passport_fuzzy_match_weight",
    "passport_card_fuzzy_match_tolerance",
    "passport_card_fuzzy_match_weight",
    "ofac_fuzzy_match_tolerance",
    "ofac_fuzzy_match_weight",
    "suspicious_words_weight",
    "image_manipulation_weight",
    "online_duplication_weight",
    "is_identity_document_weight",
    "aamva_match_tolerance",
    "aamva_match_weight",
    "idv_session_tolerance",
    "minimum_liveness_tolerance",
    "passive_active_skip_tolerance",
    "gender_probability_tolerance",
    "gender_weight",
    "expression_tolerance",
    "age_tolerance",
    "age_weight",
    "direction_tolerance",
)


@dataclass(frozen=True, slots=True)
class RequirementSet:
    """Which document fields VULT requires for one document type and data source."""

    type_e: str
    data_source_e: str
    required: Mapping[str, bool | None] = field(default_factory=dict)


def requirement_sets(answer: Mapping[str, Any]) -> list[RequirementSet]:
    listed = answer.get("requirements")
    if not isinstance(listed, list):
        raise MalformedPayload("the requirements answer has no 'requirements' list")
    return [
        RequirementSet(
            type_e=_text(item.get("type_e")),
            data_source_e=_text(item.get("data_source_e")),
            required={flag: _flag(item.get(flag)) for flag in REQUIREMENT_FLAGS},
        )
        for item in listed
        if isinstance(item, Mapping)
    ]


def weights(answer: Mapping[str, Any]) -> dict[str, float | None]:
    """Every documented weight and tolerance, None where VULT gave none."""
    values: dict[str, float | None] = {}
    for name in WEIGHT_NAMES:
        value = answer.get(name)
        values[name] = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return values

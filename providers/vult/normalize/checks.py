"""The session test read -> controls: the doc_<side>_<check> values, the DMV matches and the
crosschecks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.base import Control

from .values import _flag, _shown

# --- the test read (document section "session test read") -----------------------------------
# The doc_* values are strings the document does not enumerate. A verdict word means what it
# says; a yes/no word answers the check's own question, so its meaning depends on the check.
VERDICTS = {"pass": True, "passed": True, "ok": True, "clear": True, "fail": False, "failed": False}
ANSWERS = {
    "true": True,
    "yes": True,
    "detected": True,
    "found": True,
    "false": False,
    "no": False,
    "not_detected": False,
    "not detected": False,
    "not_found": False,
    "none": False,
}
# check suffix -> (label, passes when the answer is yes)
SIDE_CHECKS: dict[str, tuple[str, bool]] = {
    "image_manipulation": ("Image manipulation", False),
    "is_identity_document": ("Is an identity document", True),
    "online_duplication": ("Found online (duplication)", False),
    "suspicious_words": ("Suspicious words", False),
}
SIDES = {"front": "document front", "back": "document back"}
DMV_MATCHES: dict[str, str] = {
    "dmv_document_number_match": "document number",
    "dmv_document_expiration_match": "expiration date",
    "dmv_document_issue_match": "issue date",
    "dmv_document_category_match": "document category",
    "dmv_birth_date_match": "birth date",
    "dmv_sex_match": "sex",
    "dmv_eye_color_match": "eye colour",
    "dmv_height_match": "height",
    "dmv_weight_match": "weight",
    "dmv_first_name_match": "first name",
    "dmv_middle_name_match": "middle name",
    "dmv_last_name_match": "last name",
    "dmv_suffix_name_match": "name suffix",
    "dmv_street_match": "street",
    "dmv_city_match": "city",
    "dmv_state_match": "state",
    "dmv_postal_code_match": "postal code",
}
CROSSCHECKS: dict[str, str] = {
    "document_number_crosscheck": "Document number agrees across the captures",
    "name_crosscheck": "Name agrees across the captures",
    "address_crosscheck": "Address agrees across the captures",
}


def side_check(name: str, value: Any, *, label: str, passes_when_yes: bool, group: str) -> Control:
    """One doc_<side>_<check> value as a control; an unknown word is shown, not interpreted."""
    detail = f"{label}: {_shown(value)}"
    passed: bool | None = None
    score: float | None = None
    if isinstance(value, bool):
        passed = value if passes_when_yes else not value
    elif isinstance(value, int | float):
        score = float(value)
    elif isinstance(value, str):
        word = value.strip().lower()
        if word in VERDICTS:
            passed = VERDICTS[word]
        elif word in ANSWERS:
            passed = ANSWERS[word] if passes_when_yes else not ANSWERS[word]
        else:
            try:
                score = float(word)
            except ValueError:
                pass
    return Control(name=name, passed=passed, score=score, detail=detail, group=group)


def side_controls(tests: Mapping[str, Any], side: str) -> tuple[Control, ...]:
    return tuple(
        side_check(
            f"doc_{side}_{suffix}",
            tests.get(f"doc_{side}_{suffix}"),
            label=label,
            passes_when_yes=yes_passes,
            group=SIDES[side],
        )
        for suffix, (label, yes_passes) in SIDE_CHECKS.items()
        if f"doc_{side}_{suffix}" in tests
    )


def session_controls(tests: Mapping[str, Any]) -> tuple[Control, ...]:
    """Each dmv_*_match (the DMV/AAMVA record against the document) and each crosscheck."""
    dmv = tuple(
        Control(name=key, passed=_flag(tests.get(key)), detail=f"DMV record matches the {label}", group="DMV")
        for key, label in DMV_MATCHES.items()
        if key in tests
    )
    cross = tuple(
        Control(name=key, passed=_flag(tests.get(key)), detail=label, group="crosscheck")
        for key, label in CROSSCHECKS.items()
        if key in tests
    )
    return dmv + cross

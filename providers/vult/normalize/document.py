"""The document read -> Document with its extracted fields, and the media a session should have
(what document download can serve for its document type and capture flags)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.base import Document, ExtractedField, FieldSource, MediaKind, MediaRef

from .checks import side_controls
from .values import _text, parse_date

# --- the document read ----------------------------------------------------------------------
# document read field -> our label. Every one is kept as an extracted field when given.
DOCUMENT_FIELDS = (
    "document_number",
    "ref_number",
    "issued_at",
    "expires_at",
    "issuing_country",
    "issuing_state",
    "first_name",
    "middle_name",
    "last_name",
    "name_suffix",
    "street",
    "city",
    "state",
    "postal_code",
    "birth_date",
    "gender_e",
    "height",
    "weight",
    "eye_color",
    "hair_color",
    "class",
    "restrictions",
    "data_source_e",
)


def address_of(data: Mapping[str, Any]) -> str:
    locality = " ".join(part for part in (_text(data.get("state")), _text(data.get("postal_code"))) if part)
    parts = (_text(data.get("street")), _text(data.get("city")), locality)
    return ", ".join(part for part in parts if part)


def document_of(data: Mapping[str, Any], tests: Mapping[str, Any], document_type: str) -> Document:
    fields = tuple(
        ExtractedField(name=name, value=_text(data.get(name)), source=FieldSource.VENDOR)
        for name in DOCUMENT_FIELDS
        if _text(data.get(name))
    )
    return Document(
        type=_text(data.get("type_e")) or document_type,
        country=_text(data.get("issuing_country")),
        number=_text(data.get("document_number")),
        issue_date=parse_date(data.get("issued_at")),
        expiry_date=parse_date(data.get("expires_at")),
        subtype=_text(data.get("issuing_state")),
        fields=fields,
        controls=side_controls(tests, "front") + side_controls(tests, "back"),
        source_name="VULT document read",
    )


# --- media: what document download can serve, per document type (storage_file_type_e) ---------
DOCUMENT_FILES: dict[str, tuple[str, ...]] = {
    "driver_license": ("driver_license_front", "driver_license_back"),
    "identification_card": ("state_id_card_front", "state_id_card_back"),
    "passport": ("passport_front",),
    "passport_card": ("passport_card_front", "passport_card_back"),
}
ACTIVE_LIVENESS_FILES = tuple(f"liveness_active_step_{n}" for n in range(1, 5))


def media_kind(storage_file_type: str) -> MediaKind:
    if storage_file_type == "selfie":
        return MediaKind.SELFIE
    if storage_file_type.startswith("liveness_"):
        return MediaKind.LIVENESS
    if storage_file_type.endswith("_back"):
        return MediaKind.DOCUMENT_BACK
    return MediaKind.DOCUMENT_FRONT


def liveness_mode_of(session: Mapping[str, Any]) -> str:
    """The session read does not echo liveness_mode; we send it in our metadata as well."""
    for holder in (session, session.get("metadata") or {}, session.get("settings") or {}):
        if isinstance(holder, Mapping) and holder.get("liveness_mode"):
            return str(holder["liveness_mode"])
    return ""


def media_of(session: Mapping[str, Any], document_type: str, has_document: bool) -> tuple[MediaRef, ...]:
    """The files this session should have, from its capture flags. The key is the file type."""
    wanted: list[str] = []
    files = DOCUMENT_FILES.get(document_type, ())
    if session.get("document_front_given"):
        wanted += [f for f in files if not f.endswith("_back")]
    if session.get("document_back_given"):
        wanted += [f for f in files if f.endswith("_back")]
    if session.get("selfie_given"):
        wanted.append("selfie")
    if session.get("liveness_detected") is not None and session.get("liveness_detected_at"):
        wanted.append("liveness_passive")
        if liveness_mode_of(session) == "passive_active":
            wanted += ACTIVE_LIVENESS_FILES
    return tuple(
        MediaRef(
            kind=media_kind(name),
            key=name,
            name=name,
            document_index=0 if has_document and name in files else None,
        )
        for name in wanted
    )

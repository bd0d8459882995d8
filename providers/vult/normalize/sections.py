"""What has no place in the unified fields, shown as titled tables: screening (DMV, OFAC), the
capture steps, the capture locations and the session's history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.base import Section

from .document import liveness_mode_of
from .values import _shown, _text, _time


# --- sections: what has no place in the unified fields, shown as titled tables -----------------
def screening_section(session: Mapping[str, Any]) -> Section:
    """DMV (AAMVA) and OFAC statuses with their times; values beyond "unknown" are VULT's own."""
    return Section(
        title="VULT: DMV and OFAC",
        rows=(
            ("DMV status", _shown(session.get("dmv_status_e"))),
            ("DMV checked at", _time(session.get("dmv_detected_at"))),
            ("OFAC status", _shown(session.get("ofac_status_e"))),
            ("OFAC checked at", _time(session.get("ofac_detected_at"))),
            ("Verified", _shown(session.get("verified"))),
            ("Verified at", _time(session.get("verified_at"))),
            ("Score", _shown(session.get("score"))),
            ("Weights used (idv_weights_id)", _shown(session.get("idv_weights_id"))),
        ),
    )


CAPTURE_STEPS = (
    ("Consented", "consented", "consented_at"),
    ("Document front given", "document_front_given", "document_front_given_at"),
    ("Document back given", "document_back_given", "document_back_given_at"),
    ("Liveness detected", "liveness_detected", "liveness_detected_at"),
    ("Selfie given", "selfie_given", "selfie_given_at"),
)


def capture_section(session: Mapping[str, Any]) -> Section:
    rows: list[tuple[str, str]] = [
        ("Document type", _shown(session.get("document_type_e"))),
        ("Liveness mode", _shown(liveness_mode_of(session))),
        ("Created at", _time(session.get("created_at"))),
        ("Completed at", _time(session.get("completed_at"))),
    ]
    for label, flag, at in CAPTURE_STEPS:
        rows.append((label, f"{_shown(session.get(flag))} ({_time(session.get(at))})"))
    return Section(title="VULT: capture", rows=tuple(rows))


CAPTURE_LOCATIONS = {
    "front_doc_image_capture": "document front",
    "back_doc_image_capture": "document back",
    "selfie_image_capture": "selfie",
}
#: the location capture type each capture flag of the session read stands for
LOCATION_FLAGS = {
    "front_doc_image_capture": "document_front_given",
    "back_doc_image_capture": "document_back_given",
    "selfie_image_capture": "selfie_given",
}


def _place(*parts: Any) -> str:
    return ", ".join(_text(p) for p in parts if _text(p)) or "—"


def _coordinates(lat: Any, lon: Any) -> str:
    return f"{lat}, {lon}" if isinstance(lat, int | float) and isinstance(lon, int | float) else "—"


def location_section(capture_type: str, location: Mapping[str, Any]) -> Section:
    """IDV session location read: where the IP and the device said the capture happened."""
    return Section(
        title=f"VULT: location of the {CAPTURE_LOCATIONS.get(capture_type, capture_type)} capture",
        rows=(
            ("IP address", _shown(location.get("ip_address"))),
            ("IP location", _place(location.get("ip_city"), location.get("ip_region"), location.get("ip_country"))),
            ("IP coordinates", _coordinates(location.get("ip_latitude"), location.get("ip_longitude"))),
            ("Device location", _shown(location.get("device_location"))),
            (
                "Device place",
                _place(
                    location.get("device_locality"),
                    location.get("device_sub_admin_area"),
                    location.get("device_admin_area"),
                    location.get("device_country_name"),
                    location.get("device_country_code"),
                ),
            ),
            ("Device coordinates", _coordinates(location.get("device_latitude"), location.get("device_longitude"))),
        ),
    )


HISTORY_TIME_KEYS = ("created_at", "at", "timestamp", "date", "time")


def history_section(history: Any) -> Section | None:
    """The session's history. Its entries' shape is not in the document: each is shown whole."""
    if not isinstance(history, list) or not history:
        return None
    rows = []
    for position, entry in enumerate(history, start=1):
        if isinstance(entry, Mapping):
            when_key = next((k for k in HISTORY_TIME_KEYS if entry.get(k)), None)
            label = _time(entry[when_key]) if when_key else f"#{position}"
            rest = "; ".join(f"{k}: {_text(v)}" for k, v in entry.items() if k != when_key)
        else:
            label, rest = f"#{position}", _text(entry)
        rows.append((label, rest or "—"))
    return Section(title="VULT: history", rows=tuple(rows))

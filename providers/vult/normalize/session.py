"""The whole result: a VULT envelope (or a bare session read) -> VerificationResult."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.base import MalformedPayload, Person, Reason, VerificationResult

from .checks import session_controls, side_controls
from .document import address_of, document_of, media_of
from .sections import CAPTURE_LOCATIONS, capture_section, history_section, location_section, screening_section
from .values import FINAL_STATUSES, _flag, _text, parse_date, parse_timestamp, unified_status

VENDOR = "vult"


# --- the whole result -----------------------------------------------------------------------
SESSION_TIMES = (
    "created_at",
    "consented_at",
    "document_front_given_at",
    "document_back_given_at",
    "liveness_detected_at",
    "selfie_given_at",
    "dmv_detected_at",
    "ofac_detected_at",
    "verified_at",
    "completed_at",
)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise MalformedPayload(f"{what} must be a JSON object")
    return value


def split_envelope(payload: Mapping[str, Any]) -> tuple[Mapping, Mapping, Mapping, Mapping]:
    if "session" in payload:
        session = _mapping(payload.get("session"), "session")
        return (
            session,
            _mapping(payload.get("document"), "document"),
            _mapping(payload.get("tests"), "tests"),
            _mapping(payload.get("locations"), "locations"),
        )
    if "status_e" in payload:
        return payload, {}, {}, {}
    raise MalformedPayload("not a VULT session: expected a session read (status_e) or an envelope with 'session'")


def result(payload: Mapping[str, Any], external_id: str = "") -> VerificationResult:
    session, document, tests, locations = split_envelope(payload)
    session_id = _text(session.get("session_id")) or external_id
    if "status_e" not in session:
        raise MalformedPayload("the session read has no status_e")
    status_e = _text(session.get("status_e"))
    status, known = unified_status(status_e, session.get("verified"))

    document_type = _text(document.get("type_e")) or _text(session.get("document_type_e"))
    documents = (document_of(document, tests, document_type),) if document else ()
    controls = session_controls(tests)
    if not document:
        controls = side_controls(tests, "front") + side_controls(tests, "back") + controls

    reasons: list[Reason] = []
    if not known:
        reasons.append(Reason(code=f"status_e:{status_e}", kind="unmapped", text="A status_e we do not know."))
    for control in controls + tuple(c for d in documents for c in d.controls):
        if control.passed is False:
            reasons.append(Reason(code=control.name, kind="failed_check", text=control.detail))

    sections = [screening_section(session), capture_section(session)]
    for capture_type in CAPTURE_LOCATIONS:
        location = locations.get(capture_type)
        if isinstance(location, Mapping) and location:
            sections.append(location_section(capture_type, location))
    history = history_section(session.get("history"))
    if history is not None:
        sections.append(history)

    birth = _text(session.get("birth_date")) or _text(document.get("birth_date"))
    person = Person(
        first_name=_text(session.get("first_name")) or _text(document.get("first_name")),
        middle_name=_text(session.get("middle_name")) or _text(document.get("middle_name")),
        last_name=_text(session.get("last_name")) or _text(document.get("last_name")),
        birth_date=parse_date(birth),
        gender=_text(session.get("gender_e")) or _text(document.get("gender_e")),
        document_number=_text(document.get("document_number")),
        address=address_of(document),
    )
    times = [t for t in (parse_timestamp(session.get(k)) for k in SESSION_TIMES) if t is not None]
    score = session.get("score")
    return VerificationResult(
        vendor=VENDOR,
        external_id=session_id,
        status=status,
        vendor_status=status_e,
        final=status_e.lower() in FINAL_STATUSES and known,
        reasons=tuple(reasons),
        person=person,
        documents=documents,
        controls=controls,
        media=media_of(session, document_type, bool(document)),
        liveness=_flag(session.get("liveness_detected")),
        score=float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None,
        started_at=parse_timestamp(session.get("created_at")),
        completed_at=parse_timestamp(session.get("completed_at")),
        observed_at=max(times) if times else None,
        sections=tuple(sections),
        vendor_identity_id=_text(session.get("identity_id")),
        raw=dict(payload),
    )

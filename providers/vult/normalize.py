"""VULT JSON -> normalized dataclasses. Pure functions: no HTTP, no database.

VULT has no single result document: the provider reads the session, its document, its test
read (the checks) and the capture locations, and hands them here as one envelope::

    {"session": <session read>, "document": <document read> | null,
     "tests": <session test read> | null, "locations": {<location_capture_type_e>: <location read>}}

(a bare session read is accepted too, for import_result). Everything below cites the section
of shared/vendor-docs/kyc-api-2.10.15.txt it reads; where the document gives no vocabulary
(status values beyond "unknown", test-read strings, date formats) the reading is ours and
lives in one constant here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from providers.base import (
    Control,
    Document,
    ExtractedField,
    FieldSource,
    MalformedPayload,
    MediaKind,
    MediaRef,
    Person,
    Reason,
    Section,
    Status,
    VerificationResult,
    WebhookInfo,
)

VENDOR = "vult"

# --- status: status_e + verified -> unified status, in ONE dict (DESIGN.md, "Unified status") ---
# Key (status_e, verified); None matches any `verified`. "temporarily_complete" -> in_progress and
# "complete" with no `verified` -> needs_review are our reading (shared/providers/vult.md).
STATUS: dict[tuple[str, bool | None], Status] = {
    ("unknown", None): Status.CREATED,
    ("in_progress", None): Status.IN_PROGRESS,
    ("temporarily_complete", None): Status.IN_PROGRESS,
    ("temporarily_blocked", None): Status.NEEDS_REVIEW,
    ("complete", True): Status.APPROVED,
    ("complete", False): Status.REJECTED,
    ("complete", None): Status.NEEDS_REVIEW,
    ("expired", None): Status.EXPIRED,
}
#: status_e values after which VULT changes nothing more (temporarily_* are, by name, not final).
FINAL_STATUSES = frozenset({"complete", "expired"})


def unified_status(status_e: str, verified: Any) -> tuple[Status, bool]:
    """(unified status, known): an unknown status_e goes to a person, never silently anywhere."""
    key = str(status_e or "").strip().lower()
    flag = verified if isinstance(verified, bool) else None
    found = STATUS.get((key, flag)) or STATUS.get((key, None))
    return (found, True) if found is not None else (Status.NEEDS_REVIEW, False)


# --- dates: the document shows "string" for every date; these are the formats we accept -------
DATE_FORMATS = ("%Y-%m-%d",)  # ISO dates; a full ISO timestamp is accepted as a date too


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp ("2019-08-24T14:15:22Z", the document's date-time samples), in UTC.

    A timestamp without an offset is read as UTC (our reading). Anything else is None: the raw
    string stays in the result."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    stamp = parse_timestamp(text) if "T" in text else None
    return stamp.date() if stamp else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _shown(value: Any) -> str:
    """A value for a Section row: the vendor's value, or a dash when it gave none."""
    return _text(value) or "—"


def _time(value: Any) -> str:
    stamp = parse_timestamp(value)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC") if stamp else _shown(value)


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


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


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


# --- identities, IDA sessions and webhooks: VULT-only records kycdesk mirrors or shows ----------
@dataclass(frozen=True, slots=True)
class VultIdentity:
    """A VULT identity (document section "read identities")."""

    identity_id: str
    person: Person = field(default_factory=Person)
    created_at: dt.datetime | None = None
    verified: bool | None = None
    verified_at: dt.datetime | None = None
    liveness_detected: bool | None = None
    dmv_status: str = ""
    dmv_detected_at: dt.datetime | None = None
    ofac_status: str = ""
    ofac_detected_at: dt.datetime | None = None
    score: float | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IdaSession:
    """An identity authentication session (document section "IDA", session read)."""

    session_id: str
    identity_id: str = ""
    status_e: str = ""
    status: Status = Status.CREATED
    authenticated: bool | None = None
    liveness_detected: bool | None = None
    selfie_given: bool | None = None
    created_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


# A webhook VULT holds for us (document section "Webhook", webhook list): the shared shape.
VendorWebhook = WebhookInfo


def identity(data: Mapping[str, Any]) -> VultIdentity:
    identity_id = _text(data.get("identity_id"))
    if not identity_id:
        raise MalformedPayload("a VULT identity without identity_id")
    score = data.get("score")
    return VultIdentity(
        identity_id=identity_id,
        person=Person(
            first_name=_text(data.get("first_name")),
            middle_name=_text(data.get("middle_name")),
            last_name=_text(data.get("last_name")),
            birth_date=parse_date(data.get("birth_date")),
            gender=_text(data.get("gender_e")),
            address=address_of(data),
        ),
        created_at=parse_timestamp(data.get("created_at")),
        verified=_flag(data.get("verified")),
        verified_at=parse_timestamp(data.get("verified_at")),
        liveness_detected=_flag(data.get("liveness_detected")),
        dmv_status=_text(data.get("dmv_status_e")),
        dmv_detected_at=parse_timestamp(data.get("dmv_detected_at")),
        ofac_status=_text(data.get("ofac_status_e")),
        ofac_detected_at=parse_timestamp(data.get("ofac_detected_at")),
        score=float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None,
        raw=dict(data),
    )


def identities(answer: Mapping[str, Any]) -> list[VultIdentity]:
    """list identities -> {"identities": [...]}; read identities answers with the fields at the
    top level for one identity_id, or in "identities" for several."""
    listed = answer.get("identities")
    if isinstance(listed, list) and listed:
        return [identity(item) for item in listed if isinstance(item, Mapping)]
    return [identity(answer)] if answer.get("identity_id") else []


def ida_session(data: Mapping[str, Any]) -> IdaSession:
    session_id = _text(data.get("session_id"))
    if not session_id:
        raise MalformedPayload("an IDA session without session_id")
    status_e = _text(data.get("status_e"))
    # An IDA session "authenticates" rather than "verifies": same mapping, its own flag.
    status, _ = unified_status(status_e, data.get("authenticated"))
    return IdaSession(
        session_id=session_id,
        identity_id=_text(data.get("identity_id")),
        status_e=status_e,
        status=status,
        authenticated=_flag(data.get("authenticated")),
        liveness_detected=_flag(data.get("liveness_detected")),
        selfie_given=_flag(data.get("selfie_given")),
        created_at=parse_timestamp(data.get("created_at")),
        completed_at=parse_timestamp(data.get("completed_at")),
    )


def ida_sessions(answer: Mapping[str, Any]) -> list[IdaSession]:
    listed = answer.get("sessions")
    if not isinstance(listed, list):
        raise MalformedPayload("the IDA session list has no 'sessions' list")
    return [ida_session(item) for item in listed if isinstance(item, Mapping)]


#: The webhook list's entries are not described in the document ("webhooks": [ ]): the keys we
#: accept for each part, in order.
WEBHOOK_ID_KEYS = ("id", "webhook_id", "_id")
WEBHOOK_STATUS_KEYS = ("status", "status_e", "active", "enabled")


def webhooks(answer: Mapping[str, Any]) -> list[VendorWebhook]:
    listed = answer.get("webhooks")
    if not isinstance(listed, list):
        raise MalformedPayload("the webhook list has no 'webhooks' list")
    found = []
    for item in listed:
        if not isinstance(item, Mapping):
            continue
        external_id = next((_text(item[k]) for k in WEBHOOK_ID_KEYS if _text(item.get(k))), "")
        if not external_id:
            raise MalformedPayload("a listed webhook has no id")
        status = next((_text(item[k]) for k in WEBHOOK_STATUS_KEYS if k in item), "")
        found.append(
            VendorWebhook(
                external_id=external_id,
                name=_text(item.get("name")),
                url=_text(item.get("url")),
                status=status,
                raw=dict(item),
            )
        )
    return found


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

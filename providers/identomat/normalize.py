"""Identomat's result document -> VerificationResult (pure functions, no I/O).

The document is described in the developer guide ("check for a result") and in
shared/providers/identomat.md ("Result document"). It does not name its own session: the caller
passes the session token as ``external_id``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
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
)

VENDOR = "identomat"

#: The guide's result values (upper case). The live service sends them lower-case
#: ("approved"), so values are compared after :func:`status_key`.
STATUSES: dict[str, Status] = {
    "APPROVED": Status.APPROVED,
    "REJECTED": Status.REJECTED,
    "MANUAL_CHECK": Status.NEEDS_REVIEW,
    "DISAGREED_WITH_TERMS": Status.CANCELLED,
    # "undergoing check or has quit the process before completion" (guide): never final.
    "IN_PROGRESS": Status.IN_PROGRESS,
}
#: Results Identomat will not change any more. MANUAL_CHECK is not among them: an operator may
#: still approve or reject it in Identomat's dashboard (guide, ``result_comment``).
FINAL = frozenset({"APPROVED", "REJECTED", "DISAGREED_WITH_TERMS"})
#: Results after which the person produced no images (they refused the terms or are not done).
NO_MEDIA = frozenset({"IN_PROGRESS", "DISAGREED_WITH_TERMS"})

#: document_type (guide) -> the media calls that serve its images (identomat.md, "Calls").
DOCUMENT_MEDIA: dict[str, tuple[tuple[str, MediaKind], ...]] = {
    "passport": (("result/passport/", MediaKind.DOCUMENT_PAGE),),
    "id": (("result/card-front/", MediaKind.DOCUMENT_FRONT), ("result/card-back/", MediaKind.DOCUMENT_BACK)),
    "driver_license": (
        ("result/card-front/", MediaKind.DOCUMENT_FRONT),
        ("result/card-back/", MediaKind.DOCUMENT_BACK),
    ),
    "residence_license": (
        ("result/card-front/", MediaKind.DOCUMENT_FRONT),
        ("result/card-back/", MediaKind.DOCUMENT_BACK),
    ),
}

# Dates (identomat.md, "Dates"): ISO twins (``birthday_time``: "1979-11-25T00:00:00.000Z") are
# preferred; the plain fields are month/day/year without padding ("8/2/2026" is 2 August).
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
MONTH_DAY_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

#: Raw OCR maps real responses carry beside ``person`` (identomat.md, "Result document").
OCR_MAPS = (("id_card_front", "front"), ("id_card_back", "back"))
#: OCR keys that hold pictures rather than text: never copied into field values.
OCR_SKIPPED = frozenset({"face_images"})
MAX_FIELD_CHARS = 2000

#: Person keys mapped onto Person/Document; the rest is shown in the "Person (Identomat)" section.
PERSON_EXTRA = (
    ("local_first_name", "Local first name"),
    ("local_middle_name", "Local middle name"),
    ("local_last_name", "Local last name"),
    ("age", "Age"),
    ("citizenship", "Citizenship"),
    ("authority", "Issuing authority"),
    ("issuing_state", "Issuing state"),
    ("document_issued", "Document issued"),
    ("status", "Person status"),
    ("mrz", "MRZ"),
)


def status_key(value: Any) -> str:
    """'approved', 'Manual-Check', ' IN_PROGRESS ' -> the guide's spelling."""
    return re.sub(r"[\s-]+", "_", str(value or "").strip()).upper()


def parse_iso_date(value: Any) -> dt.date | None:
    """The calendar date as written at the start of an ISO string (never shifted by its zone)."""
    match = ISO_DATE.match(str(value or "").strip())
    if not match:
        return None
    return _date(int(match[1]), int(match[2]), int(match[3]))


def parse_month_day_year(value: Any) -> dt.date | None:
    match = MONTH_DAY_YEAR.fullmatch(str(value or "").strip())
    if not match:
        return None
    return _date(int(match[3]), int(match[1]), int(match[2]))


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def person_date(person: Mapping[str, Any], name: str) -> dt.date | None:
    """``<name>_time`` (ISO) when present, else ``<name>`` as month/day/year."""
    return parse_iso_date(person.get(f"{name}_time")) or parse_month_day_year(person.get(name))


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    return str(value).strip()


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested vendor JSON as (dotted name, text) rows, for blocks whose inner shape is not documented."""
    if isinstance(value, Mapping):
        rows: list[tuple[str, str]] = []
        for key, inner in value.items():
            rows += flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
        rows = []
        for index, inner in enumerate(value, start=1):
            rows += flatten(inner, f"{prefix}[{index}]")
        return rows
    rendered = text(value)
    return [(prefix or "value", rendered)] if rendered else []


# --- the parts -------------------------------------------------------------------------------
def reasons(payload: Mapping[str, Any]) -> tuple[Reason, ...]:
    found: list[Reason] = []
    reject = _mapping(payload.get("reject_reason"))
    # An approved session carries {"value": "", "description": ""} (identomat.md).
    if text(reject.get("value")):
        found.append(Reason(code=text(reject["value"]), kind="reject_reason", text=text(reject.get("description"))))
    person_status = text(_mapping(payload.get("person")).get("status"))
    if person_status:
        found.append(Reason(code=person_status, kind="person_status", text="Identomat's status of the person's data."))
    matches = _list(payload.get("screeningMatches"))
    if matches:
        found.append(
            Reason(code="SCREENING_MATCH", kind="screening", text=f"{len(matches)} screening match(es) to review.")
        )
    return tuple(found)


def person(payload: Mapping[str, Any]) -> Person:
    data = _mapping(payload.get("person"))
    return Person(
        # The Latin-script names when given, else the local-script ones.
        first_name=text(data.get("first_name")) or text(data.get("local_first_name")),
        last_name=text(data.get("last_name")) or text(data.get("local_last_name")),
        middle_name=text(data.get("local_middle_name")),
        birth_date=person_date(data, "birthday"),
        birth_place=text(data.get("birth_place")),
        nationality=text(data.get("nationality")).upper(),  # alpha-3, e.g. HRV
        gender=text(data.get("sex")),
        document_number=text(data.get("document_number")),
        personal_number=text(data.get("personal_number")),
        address=text(data.get("address")),
        email=text(data.get("email")),
        phone=text(data.get("phone")),
    )


def ocr_fields(payload: Mapping[str, Any]) -> list[ExtractedField]:
    """The raw OCR maps, named ``front.<key>`` / ``back.<key>`` as the vendor keyed them."""
    fields: list[ExtractedField] = []
    for map_name, side in OCR_MAPS:
        for key, value in _mapping(payload.get(map_name)).items():
            if key in OCR_SKIPPED:
                continue
            for name, rendered in flatten(value, f"{side}.{key}"):
                source = FieldSource.MRZ if key.lower() == "mrz" else FieldSource.OCR
                fields.append(ExtractedField(name=name, value=rendered[:MAX_FIELD_CHARS], source=source))
    return fields


def document(payload: Mapping[str, Any]) -> Document | None:
    data = _mapping(payload.get("person"))
    fields = [
        ExtractedField(name=key, value=text(data.get(key)), source=FieldSource.VENDOR)
        for key in (
            "first_name",
            "last_name",
            "local_first_name",
            "local_last_name",
            "birthday",
            "birth_place",
            "nationality",
            "sex",
            "document_number",
            "personal_number",
            "document_issued",
            "document_expires",
            "authority",
            "issuing_state",
            "address",
        )
        if text(data.get(key))
    ]
    if text(data.get("mrz")):
        fields.append(ExtractedField(name="mrz", value=text(data["mrz"]), source=FieldSource.MRZ))
    fields += ocr_fields(payload)
    doc_type = text(payload.get("document_type"))
    if not doc_type and not fields:
        return None
    return Document(
        type=doc_type,
        country=text(data.get("issuing_state")).upper(),
        number=text(data.get("document_number")),
        issue_date=person_date(data, "document_issued"),
        expiry_date=person_date(data, "document_expires"),
        fields=tuple(fields),
        source_name="person",
    )


def controls(payload: Mapping[str, Any], similarity: float | None) -> tuple[Control, ...]:
    found: list[Control] = []
    live = payload.get("live")
    if isinstance(live, bool):
        found.append(Control(name="liveness", passed=live, group="face"))
    if similarity is not None:
        mismatch = text(_mapping(payload.get("reject_reason")).get("value")).lower() == "face_mismatch"
        found.append(
            Control(
                name="face_similarity",
                passed=False if mismatch else None,  # Identomat states no threshold
                score=similarity,
                group="face",
                detail="Identomat rejected the face as a mismatch." if mismatch else "",
            )
        )
    return tuple(found)


def similarity_of(payload: Mapping[str, Any]) -> float | None:
    """0..1 as the guide states; anything else is not a similarity we can show."""
    value = payload.get("similarity")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 <= value <= 1 else None


def media(payload: Mapping[str, Any], key: str, has_document: bool) -> tuple[MediaRef, ...]:
    """What the media calls can serve once the person is done (the key is the call's path)."""
    if key in NO_MEDIA:
        return ()
    refs = [
        MediaRef(
            kind=kind, key=path, name=path.strip("/").rsplit("/", 1)[-1], document_index=0 if has_document else None
        )
        for path, kind in DOCUMENT_MEDIA.get(text(payload.get("document_type")).lower(), ())
    ]
    refs.append(MediaRef(kind=MediaKind.SELFIE, key="result/face/", name="face"))
    if isinstance(payload.get("live"), bool):
        # A liveness result means the face was filmed (our reading: the guide names no other signal).
        refs.append(MediaRef(kind=MediaKind.FACE_VIDEO, key="result/face-video/", name="face-video"))
    return tuple(refs)


def sections(payload: Mapping[str, Any]) -> tuple[Section, ...]:
    found: list[Section] = []
    reject = _mapping(payload.get("reject_reason"))
    data = _mapping(payload.get("person"))
    verdict = [
        ("Result", text(payload.get("result"))),
        ("Reject reason", " — ".join(v for v in (text(reject.get("value")), text(reject.get("description"))) if v)),
        ("Operator comment", text(payload.get("result_comment"))),
        ("Person status", text(data.get("status"))),
        ("Document type", text(payload.get("document_type"))),
        ("Configuration id", text(payload.get("configId"))),
    ]
    found.append(Section("Identomat verdict", tuple((k, v) for k, v in verdict if v)))
    extra = tuple((label, text(data.get(key))) for key, label in PERSON_EXTRA if text(data.get(key)))
    if extra:
        found.append(Section("Person (Identomat)", extra))
    matches = _list(payload.get("screeningMatches"))
    if matches:
        rows = []
        for match in matches:
            m = _mapping(match)
            score = m.get("score")
            detail = [
                f"score {score}" if score is not None else "",
                f"review status {text(m.get('reviewStatus'))}" if text(m.get("reviewStatus")) else "",
                f"person id {text(m.get('personId'))}" if text(m.get("personId")) else "",
            ]
            rows.append((text(m.get("name")) or "(no name)", " · ".join(d for d in detail if d)))
        found.append(Section("Screening matches", tuple(rows)))
    for questionnaire in _list(payload.get("questionnaires")):
        q = _mapping(questionnaire)
        answers = tuple(
            (text(_mapping(item).get("key")), text(_mapping(item).get("answer"))) for item in _list(q.get("questions"))
        )
        found.append(Section(f"Questionnaire: {text(q.get('key')) or 'untitled'}", answers))
    technical = _mapping(payload.get("technicalDetails"))
    labels = (("remoteAddress", "Remote address"), ("userAgent", "User agent"), ("countryCode", "Country code"))
    rows = tuple((label, text(technical.get(key))) for key, label in labels if text(technical.get(key)))
    if rows:
        found.append(Section("Technical details", rows))
    for index, general in enumerate(_list(payload.get("generalDocuments")), start=1):
        g = _mapping(general)
        title = f"General document {index}: {text(g.get('documentType')) or 'unknown type'}"
        head = [("Type id", text(g.get("typeId")))] if text(g.get("typeId")) else []
        found.append(Section(title, tuple(head + flatten(_list(g.get("pages")), "pages"))))
    trusted = payload.get("trustedDatabaseRecord")
    if trusted:
        found.append(Section("Trusted database record", tuple(flatten(trusted))))
    return tuple(found)


def normalize_result(payload: Mapping[str, Any], *, external_id: str) -> VerificationResult:
    if not isinstance(payload, Mapping):
        raise MalformedPayload("an Identomat result is a JSON object")
    if "result" not in payload:
        raise MalformedPayload("no 'result' value: this is not an Identomat result document")
    key = status_key(payload["result"])
    if key not in STATUSES:
        raise MalformedPayload(f"unknown Identomat result {payload['result']!r}; known: {', '.join(STATUSES)}")
    doc = document(payload)
    similarity = similarity_of(payload)
    live = payload.get("live")
    return VerificationResult(
        vendor=VENDOR,
        external_id=external_id,
        status=STATUSES[key],
        vendor_status=text(payload["result"]),
        final=key in FINAL,
        reasons=reasons(payload),
        person=person(payload),
        documents=(doc,) if doc else (),
        controls=controls(payload, similarity),
        media=media(payload, key, doc is not None),
        liveness=live if isinstance(live, bool) else None,
        similarity=similarity,
        sections=sections(payload),
        raw=dict(payload),
    )

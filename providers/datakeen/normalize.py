"""Datakeen JSON -> normalized dataclasses. Pure functions, no I/O.

The result document (vendor doc section 4) is the envelope ``{status, message, data}`` with
``data.job_status.predictions[].results = {controls, documents[], entities[], report}``.

**Where the verdict comes from.** The result document carries no verdict: Datakeen sends it
only in the webhook, as ``newStatus`` (providers/datakeen.md, "Webhooks"). So the unified status
is taken from the webhook's verdict when kycdesk has one (the provider's ``fetch_result_after``
passes the notice's ``newStatus`` in) and, without one, from the documents' ``globalStatus``
controls. Everything else (fields, boxes, controls, media) always comes from the API document.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from typing import Any

from providers.base import (
    BoundingBox,
    Control,
    Document,
    ExtractedField,
    FieldSource,
    LaunchResult,
    MalformedPayload,
    MediaKind,
    MediaRef,
    Person,
    Reason,
    Section,
    Status,
    TemplateInfo,
    VerificationResult,
)

VENDOR = "datakeen"

#: The webhook's ``newStatus`` -> (unified status, final). ``ai_*`` is Datakeen's automatic
#: verdict, which an analyst may still overturn in its back office; ``user_*`` is that analyst's
#: decision, and nothing automatic may replace it. ``verify``: a person must look.
VERDICTS: dict[str, tuple[Status, bool]] = {
    "ai_approved": (Status.APPROVED, False),
    "ai_rejected": (Status.REJECTED, False),
    "verify": (Status.NEEDS_REVIEW, False),
    "user_approved": (Status.APPROVED, True),
    "user_rejected": (Status.REJECTED, True),
}

#: A page ``type`` ends with the side it shows (example: national-id-card-fr-recto / -verso).
PAGE_SIDES = {"recto": MediaKind.DOCUMENT_FRONT, "verso": MediaKind.DOCUMENT_BACK}

PERSON_FIELDS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "birth_place": "birthPlace",
    "nationality": "nationality",
    "gender": "gender",
    "document_number": "idNumber",
    "address": "address",
}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- small readers -------------------------------------------------------------------------
def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise MalformedPayload(f"{where} is not a JSON object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedPayload(f"{where} is not a list")
    return value


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def parse_date(value: str) -> dt.date | None:
    """Result dates are dd.mm.yyyy ("11.07.1984"); "" means absent. A value the OCR misread
    gives no date here and stays, as read, in its extracted field."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError:
        return None


# --- controls and fields -------------------------------------------------------------------
def controls(raw: Any, where: str) -> tuple[Control, ...]:
    """Every control, known or not: {name: {value, confidence, score?}}."""
    found = []
    for name, item in _mapping(raw, where).items():
        item = _mapping(item, f"{where}.{name}")
        value = item.get("value")
        found.append(
            Control(
                name=str(name),
                passed=value if isinstance(value, bool) else None,
                confidence=_number(item.get("confidence")),
                score=_number(item.get("score")),
                detail="" if value is None or isinstance(value, bool) else str(value),
            )
        )
    return tuple(found)


def bounding_box(raw: Any, where: str) -> BoundingBox | None:
    """{page_num, topleft: [x, y], width, height}, fractions of the page; {} means no box."""
    raw = _mapping(raw, where)
    if not raw:
        return None
    try:
        x, y = raw["topleft"]
        return BoundingBox(
            page=int(raw["page_num"]), x=float(x), y=float(y), width=float(raw["width"]), height=float(raw["height"])
        )
    except (KeyError, TypeError, ValueError):
        raise MalformedPayload(f"{where} is not {{page_num, topleft: [x, y], width, height}}") from None


def field_source(name: str, box: BoundingBox | None) -> FieldSource:
    """``...MRZ`` twins (and the ``mrz`` line itself) are read from the MRZ; a field with a box was
    read on the page; one without (birthCountry, nationality...) is Datakeen's own deduction."""
    if name == "mrz" or name.endswith("MRZ"):
        return FieldSource.MRZ
    return FieldSource.OCR if box else FieldSource.VENDOR


def extracted_fields(raw: Any, where: str) -> tuple[ExtractedField, ...]:
    found = []
    for name, item in _mapping(raw, where).items():
        item = _mapping(item, f"{where}.{name}")
        box = bounding_box(item.get("bbox"), f"{where}.{name}.bbox")
        found.append(
            ExtractedField(
                name=str(name),
                value=_text(item.get("value")),
                confidence=_number(item.get("confidence")),
                source=field_source(str(name), box),
                bbox=box,
            )
        )
    return tuple(found)


def _value(fields: tuple[ExtractedField, ...], name: str) -> str:
    """The page's reading, else its MRZ twin's (expiryDate is read, expiryDateMRZ may be "")."""
    values = {f.name: f.value for f in fields}
    return values.get(name) or values.get(f"{name}MRZ") or ""


# --- documents, media, person ----------------------------------------------------------------
def document(raw: Any, where: str) -> Document:
    raw = _mapping(raw, where)
    fields = extracted_fields(raw.get("extractedInformation"), f"{where}.extractedInformation")
    country = _value(fields, "countryCode").upper()
    return Document(
        type=_text(raw.get("type")),
        country=country if len(country) in (2, 3) else "",
        number=_value(fields, "idNumber"),
        issue_date=parse_date(_value(fields, "deliveryDate")),
        expiry_date=parse_date(_value(fields, "expiryDate")),
        subtype=_text(raw.get("cardType")),
        side=_text(raw.get("cardSide")),
        pages=tuple(dict(_mapping(page, f"{where}.pages[]")) for page in _list(raw.get("pages"), f"{where}.pages")),
        fields=fields,
        controls=controls(raw.get("controls"), f"{where}.controls"),
        source_name=_text(raw.get("origin") or raw.get("path")),
    )


def media_refs(doc: Document, index: int) -> list[MediaRef]:
    """One file per distinct page ``path``. A file holding several pages (the example's CNI.pdf)
    is a document page set; an image of one recto/verso page is that side."""
    paths: dict[str, list[Mapping[str, Any]]] = {}
    for page in doc.pages:
        if page.get("path"):
            paths.setdefault(str(page["path"]), []).append(page)
    if not paths and doc.source_name:
        paths[doc.source_name] = []
    refs = []
    for path, pages in paths.items():
        if doc.type == "other":
            kind = MediaKind.OTHER
        elif len(pages) == 1:
            side = str(pages[0].get("type", "")).rsplit("-", 1)[-1]
            kind = PAGE_SIDES.get(side, MediaKind.DOCUMENT_PAGE)
        else:
            kind = MediaKind.DOCUMENT_PAGE
        refs.append(MediaRef(kind=kind, key=path, name=path.rsplit("/", 1)[-1], document_index=index))
    return refs


def person(documents: tuple[Document, ...]) -> Person:
    """The person as read on the first document that names someone."""
    for doc in documents:
        if _value(doc.fields, "lastName") or _value(doc.fields, "firstName"):
            values = {key: _value(doc.fields, name) for key, name in PERSON_FIELDS.items()}
            return Person(**values, birth_date=parse_date(_value(doc.fields, "birthDate")))
    return Person()


def entity_sections(entities: list[Any], raw_documents: list[Mapping[str, Any]]) -> tuple[Section, ...]:
    """Each entity (a person Datakeen matched across documents) with the documents naming it."""
    sections = []
    for number, entity in enumerate(entities, start=1):
        entity = _mapping(entity, "entities[]")
        named_in = [
            _text(doc.get("origin") or doc.get("path"))
            for doc in raw_documents
            if entity.get("id") in _list(doc.get("entities"), "documents[].entities")
        ]
        rows = (*((str(k), _text(v)) for k, v in entity.items()), ("documents", ", ".join(named_in)))
        sections.append(Section(title=f"Datakeen entity {number}", rows=rows))
    return tuple(sections)


# --- status ------------------------------------------------------------------------------------
def verdict_status(verdict: str) -> tuple[Status, bool] | None:
    """(status, final) for a webhook ``newStatus``; None when there is none. Case-insensitive."""
    if not verdict:
        return None
    return VERDICTS.get(verdict.strip().lower(), (Status.NEEDS_REVIEW, False))


def status_from_documents(documents: tuple[Document, ...]) -> Status:
    """Without a verdict: every document's globalStatus true -> approved, any false -> rejected,
    one that is not a yes/no -> needs review, none at all -> no result yet."""
    verdicts = [c.passed for doc in documents for c in doc.controls if c.name == "globalStatus"]
    if not verdicts:
        return Status.IN_PROGRESS
    if None in verdicts:
        return Status.NEEDS_REVIEW
    return Status.APPROVED if all(verdicts) else Status.REJECTED


# --- the result document -----------------------------------------------------------------------
def result(payload: Mapping[str, Any], *, external_id: str, verdict: str = "") -> VerificationResult:
    """The session result envelope (+ the webhook's verdict, if any) -> VerificationResult."""
    payload = _mapping(payload, "the result")
    if "data" not in payload:
        raise MalformedPayload("expected Datakeen's envelope {status, message, data}")
    if isinstance(payload.get("status"), int) and payload["status"] >= 400:
        raise MalformedPayload(f"the vendor answered an error: {payload.get('message') or payload['status']}")
    data = _mapping(payload["data"], "data")
    predictions = _list(_mapping(data.get("job_status"), "data.job_status").get("predictions"), "predictions")

    raw_documents: list[Mapping[str, Any]] = []
    documents: list[Document] = []
    session_controls: list[Control] = []
    entities: list[Any] = []
    reasons: list[Reason] = []  # a failed analysis, an unknown verdict
    for p, prediction in enumerate(predictions):
        prediction = _mapping(prediction, f"predictions[{p}]")
        if isinstance(prediction.get("status"), int) and prediction["status"] >= 400:
            code, text = str(prediction["status"]), _text(prediction.get("message"))
            reasons.append(Reason(code=code, kind="analysis_error", text=text))
        results = _mapping(prediction.get("results"), f"predictions[{p}].results")
        session_controls.extend(controls(results.get("controls"), f"predictions[{p}].results.controls"))
        for d, raw in enumerate(_list(results.get("documents"), f"predictions[{p}].results.documents")):
            raw_documents.append(_mapping(raw, f"documents[{d}]"))
            documents.append(document(raw, f"predictions[{p}].results.documents[{d}]"))
        entities.extend(_list(results.get("entities"), f"predictions[{p}].results.entities"))

    docs = tuple(documents)
    failed = bool(reasons) and not docs  # the analysis failed and read nothing
    status, final = verdict_status(verdict) or (Status.ERROR if failed else status_from_documents(docs), False)
    if verdict and verdict.strip().lower() not in VERDICTS:
        reasons.append(Reason(code=verdict, kind="unknown_status", text="A Datakeen status kycdesk does not know."))
    analysis = Section(
        title="Datakeen analysis",
        rows=(("analysis id", _text(data.get("analysid_id"))), ("message", _text(payload.get("message")))),
    )
    return VerificationResult(
        vendor=VENDOR,
        external_id=external_id,
        status=status,
        vendor_status=verdict,
        final=final,
        reasons=tuple(reasons),
        person=person(docs),
        documents=docs,
        controls=tuple(session_controls),
        media=tuple(ref for index, doc in enumerate(docs) for ref in media_refs(doc, index)),
        sections=(analysis, *entity_sections(entities, raw_documents)),
        raw=dict(payload),
    )


# --- other answers -----------------------------------------------------------------------------
def qr_png(encoded: Any) -> bytes:
    """The QR code, base64 PNG (a data: URL prefix is tolerated). A broken one gives b"": the link
    is what matters and the session already exists."""
    if not isinstance(encoded, str) or not encoded:
        return b""
    encoded = encoded.split(",", 1)[1] if encoded.startswith("data:") else encoded
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return b""
    return png if png.startswith(PNG_SIGNATURE) else b""


def launch_result(body: Mapping[str, Any], *, now: dt.datetime, lifetime: dt.timedelta) -> LaunchResult:
    """The create answer {status, message, data: {link, sessionId, QRCode}}."""
    data = _mapping(_mapping(body, "the answer").get("data"), "data")
    session_id, link = _text(data.get("sessionId")), _text(data.get("link"))
    if not session_id or not link:
        raise MalformedPayload("the create answer has no sessionId or link")
    kept = {k: v for k, v in data.items() if k != "QRCode"}  # the image is kept as bytes, not twice
    return LaunchResult(
        external_id=session_id,
        link=link,
        qr_png=qr_png(data.get("QRCode")),
        expires_at=now + lifetime,  # "single-use and comes with an expiration time of 1 hour"
        raw={"status": body.get("status"), "message": body.get("message"), "data": kept},
    )


def templates(items: list[Mapping[str, Any]]) -> list[TemplateInfo]:
    """[{name, default, status, _id, createdAt}] -> TemplateInfo. Only active templates are
    listed (kycdesk then stops offering the others)."""
    found = []
    for item in items:
        if not item.get("_id") or _text(item.get("status")) not in ("", "active"):
            continue
        found.append(
            TemplateInfo(
                external_id=_text(item["_id"]),
                name=_text(item.get("name")) or _text(item["_id"]),
                is_default=item.get("default") is True,
                status=_text(item.get("status")),
                raw=dict(item),
            )
        )
    return found

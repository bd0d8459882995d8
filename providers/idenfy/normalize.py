"""iDenfy JSON -> normalized dataclasses. Pure functions: no HTTP, no database, no clock.

One document shape is read: the webhook body (shared/providers/idenfy.md, "Webhooks"). What
the API returns when we pull (/status, /data, /files) is first put into that shape by
:func:`pulled_document`, and a signed webhook is combined with the pull by
:func:`confirmed_document`, so every path ends in :func:`normalize`.
"""

from __future__ import annotations

import datetime as dt
import json
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

from .vocabulary import DOCUMENT_VERDICTS, FACE_VERDICTS, FRAUD_TAGS, MISMATCH_TAGS, meaning, verdict

VENDOR = "idenfy"

# status.overall -> unified status (DESIGN.md, "Unified status"). Matched case-insensitively.
# DELETED and ARCHIVED are our reading: the data is gone or archived and no result will come,
# so an open case closes as expired.
STATUS_MAP: dict[str, Status] = {
    "ACTIVE": Status.IN_PROGRESS,  # token created, not used yet
    "REVIEWING": Status.IN_PROGRESS,  # iDenfy's own reviewers are at work
    "APPROVED": Status.APPROVED,
    "DENIED": Status.REJECTED,
    "SUSPECTED": Status.NEEDS_REVIEW,  # discrepancies found: the client decides
    "EXPIRED": Status.EXPIRED,
    "EXPIRED-DELETED": Status.EXPIRED,
    "DELETED": Status.EXPIRED,
    "ARCHIVED": Status.EXPIRED,
}

# Event types (header Idenfy-Event-Type). A cancellation exists only as its event: the overall
# status in its body is not a verdict.
AUTO_FINISHED = "IDENTIFICATION_AUTO_FINISHED"
MANUAL_FINISHED = "IDENTIFICATION_MANUAL_FINISHED"
EXPIRED = "IDENTIFICATION_EXPIRED"
CANCELLED = "IDENTIFICATION_CANCELLED"
RESUBMITTED = "IDENTIFICATION_RESUBMITTED"
VIDEO_CALL_FINISHED = "VIDEO_CALL_FINISHED"
LEGACY = "IDENTIFICATION"  # the legacy event that carries every outcome
DOCUMENT_EXPIRATION = "DOCUMENT_EXPIRATION"  # a different body: not a verification result
RESULT_EVENTS = frozenset(
    {AUTO_FINISHED, MANUAL_FINISHED, EXPIRED, CANCELLED, RESUBMITTED, VIDEO_CALL_FINISHED, LEGACY}
)
EVENT_STATUS: dict[str, Status] = {CANCELLED: Status.CANCELLED}

# Statuses after which nothing changes without a manual review having happened.
CLOSED_WITHOUT_REVIEW = frozenset({"EXPIRED", "EXPIRED-DELETED", "DELETED", "ARCHIVED"})
VERDICTS = frozenset({"APPROVED", "DENIED", "SUSPECTED"})

# Dates in ``data`` (idenfy.md: "Dates in data are YYYY-MM-DD strings; any field may be null").
DATE_FORMAT = "%Y-%m-%d"

# fileUrls key -> (kind, document index). Other keys (UTILITY_BILL, custom steps) are kept as OTHER.
FILE_KINDS: dict[str, tuple[MediaKind, int | None]] = {
    "FRONT": (MediaKind.DOCUMENT_FRONT, 0),
    "BACK": (MediaKind.DOCUMENT_BACK, 0),
    "FACE": (MediaKind.SELFIE, None),
    "FRONT_VIDEO": (MediaKind.DOCUMENT_VIDEO, 0),
    "BACK_VIDEO": (MediaKind.DOCUMENT_VIDEO, 0),
    "FACE_VIDEO": (MediaKind.FACE_VIDEO, None),
}
ADDITIONAL_STEP_PDF = "ADDITIONAL_STEP_PDF:"  # key prefix of additionalStepPdfUrls entries
REPORT_PDF_KEY = "REPORT_PDF"  # fetched with POST /api/v2/generate-pdf, once the result is final

# What a pull can tell, and what only the webhook carries (AML/LID, times, IP, platform...).
PULLED_KEYS = ("scanRef", "clientId", "status", "data", "fileUrls", "final")
STATUS_FIELDS = (
    "autoFace",
    "manualFace",
    "autoDocument",
    "manualDocument",
    "fraudTags",
    "mismatchTags",
    "additionalSteps",
)

# Top-level webhook fields shown in the "iDenfy session" section, with their labels.
SESSION_ROWS = (
    ("platform", "Platform"),
    ("startTime", "Started"),
    ("finishTime", "Finished"),
    ("clientIp", "Client IP"),
    ("clientIpCountry", "Client IP country"),
    ("clientLocation", "Client location"),
    ("clientId", "clientId (our reference)"),
    ("externalRef", "externalRef"),
    ("companyId", "companyId"),
    ("beneficiaryId", "beneficiaryId"),
)


# --- small parsers -------------------------------------------------------------------------
def parse_date(value: Any) -> dt.date | None:
    """A YYYY-MM-DD date, or None (a value in any other form stays visible as a field)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(value.strip(), DATE_FORMAT).date()
    except ValueError:
        return None


def from_unix(value: Any) -> dt.datetime | None:
    """startTime/finishTime are Unix seconds (an int; tolerated as a digit string)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):  # beyond what a datetime holds: not a time
        return None


def text(value: Any) -> str:
    """A data value as shown to staff; "" for null or empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(t for t in (text(v) for v in value) if t)
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, ensure_ascii=False) if value else ""
    return str(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [v.strip().upper() for v in value if isinstance(v, str) and v.strip()]


def overall_of(document: Mapping[str, Any]) -> str:
    status = document.get("status")
    if isinstance(status, str):  # a /status answer saved as it came
        return status.strip().upper()
    return str(_mapping(status).get("overall") or "").strip().upper()


# --- pulls and confirmation -----------------------------------------------------------------
def file_urls(answer: Mapping[str, Any]) -> dict[str, str]:
    """The file links of a webhook's ``fileUrls`` or of a /api/v2/files answer."""
    urls = answer.get("fileUrls") if isinstance(answer.get("fileUrls"), Mapping) else answer
    return {
        str(k): v.strip()
        for k, v in urls.items()
        if isinstance(v, str) and v.strip().startswith(("https://", "http://"))
    }


def pull_is_final(status_block: Mapping[str, Any]) -> bool:
    """Whether a pulled state is final. Our reading: a pull has no ``final`` flag, so a verdict is
    final once iDenfy's manual review has left its verdicts (manualFace/manualDocument), and an
    expired or deleted token is final. An automatic verdict alone may still be reviewed."""
    overall = str(status_block.get("overall") or "").upper()
    if overall in CLOSED_WITHOUT_REVIEW:
        return True
    return overall in VERDICTS and bool(status_block.get("manualFace") or status_block.get("manualDocument"))


def pulled_document(status: Mapping[str, Any], data: Mapping[str, Any], files: Mapping[str, Any]) -> dict[str, Any]:
    """/status + /data + /files answers as one webhook-shaped document."""
    block: dict[str, Any] = {key: status[key] for key in STATUS_FIELDS if key in status}
    block["overall"] = status.get("status")
    return {
        "scanRef": status.get("scanRef"),
        "clientId": status.get("clientId"),
        "final": pull_is_final(block),
        "status": block,
        "data": {k: v for k, v in _mapping(data).items() if k not in ("scanRef", "clientId")},
        "fileUrls": file_urls(files),
    }


def confirmed_document(webhook: Mapping[str, Any], pulled: Mapping[str, Any], event_type: str) -> tuple[dict, str]:
    """A signed webhook checked against the pull: the pull is the truth for the status, verdicts,
    tags, data and (fresh) file links; the webhook adds what no pull returns (AML/LID, times,
    IP, location). Its ``final`` and its event count only if it describes the state the pull
    shows: a late automatic webhook must not reopen a case a manual review has closed.

    Returns the document and the event type to read it with.
    """
    same_state = overall_of(webhook) == overall_of(pulled)
    document = {**webhook, **{key: pulled[key] for key in PULLED_KEYS if key in pulled}}
    document["final"] = bool(pulled.get("final")) or (same_state and webhook.get("final") is True)
    return document, event_type if same_state else ""


# --- the result ----------------------------------------------------------------------------
def unified_status(overall: str, event_type: str) -> Status:
    if event_type in EVENT_STATUS:
        return EVENT_STATUS[event_type]
    if not overall and event_type == EXPIRED:
        return Status.EXPIRED
    try:
        return STATUS_MAP[overall]
    except KeyError:
        raise MalformedPayload(f"unknown iDenfy overall status {overall!r}") from None


def _verdict_controls(status: Mapping[str, Any]) -> list[Control]:
    controls = []
    for key, label, table, group in (
        ("autoDocument", "Document (automatic)", DOCUMENT_VERDICTS, "automatic"),
        ("autoFace", "Face (automatic)", FACE_VERDICTS, "automatic"),
        ("manualDocument", "Document (manual review)", DOCUMENT_VERDICTS, "manual"),
        ("manualFace", "Face (manual review)", FACE_VERDICTS, "manual"),
    ):
        code = str(status.get(key) or "").strip().upper()
        if code:
            passed, what = verdict(table, code)
            controls.append(Control(name=label, passed=passed, detail=f"{code}: {what}", group=group))
    steps = str(status.get("additionalSteps") or "").strip().upper()
    if steps:
        controls.append(
            Control(name="Additional steps", passed={"VALID": True, "INVALID": False}.get(steps), detail=steps)
        )
    return controls


def _reasons(status: Mapping[str, Any]) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    reasons += [Reason(code, "fraud_tag", meaning(FRAUD_TAGS, code)) for code in _codes(status.get("fraudTags"))]
    reasons += [
        Reason(code, "mismatch_tag", meaning(MISMATCH_TAGS, code)) for code in _codes(status.get("mismatchTags"))
    ]
    # Older payloads: status.suspicionReasons, in the words the fraud tags use today.
    reasons += [
        Reason(code, "suspicion_reason", meaning(FRAUD_TAGS, code)) for code in _codes(status.get("suspicionReasons"))
    ]
    # Why a verdict failed: the manual review's verdict where there is one, else the automatic one.
    for kind, table, keys in (
        ("document_verdict", DOCUMENT_VERDICTS, ("manualDocument", "autoDocument")),
        ("face_verdict", FACE_VERDICTS, ("manualFace", "autoFace")),
    ):
        code = next((str(status[k]).strip().upper() for k in keys if status.get(k)), "")
        passed, what = verdict(table, code) if code else (None, "")
        if passed is False:
            reasons.append(Reason(code, kind, what))
    return tuple(dict.fromkeys(reasons))


def _fields(data: Mapping[str, Any]) -> tuple[ExtractedField, ...]:
    """Every non-null ``data`` value, under iDenfy's own name, as iDenfy consolidated it."""
    return tuple(
        ExtractedField(name=str(key), value=value, source=FieldSource.VENDOR)
        for key, value in ((k, text(v)) for k, v in data.items())
        if value
    )


def _person(data: Mapping[str, Any]) -> Person:
    sex = text(data.get("docSex")).upper()
    return Person(
        first_name=text(data.get("docFirstName")),
        last_name=text(data.get("docLastName")),
        birth_date=parse_date(data.get("docDob")),
        birth_place=text(data.get("birthPlace")),
        nationality=text(data.get("docNationality")).upper(),
        gender=sex if sex in ("MALE", "FEMALE") else "",
        document_number=text(data.get("docNumber")),
        personal_number=text(data.get("docPersonalCode")),
        address=text(data.get("address")),
    )


def _documents(data: Mapping[str, Any]) -> tuple[Document, ...]:
    fields = _fields(data)
    if not fields:
        return ()
    return (
        Document(
            type=text(data.get("docType")),
            country=text(data.get("docIssuingCountry")).upper(),
            number=text(data.get("docNumber")),
            issue_date=parse_date(data.get("docDateOfIssue")),
            expiry_date=parse_date(data.get("docExpiry")),
            fields=fields,
        ),
    )


def _media(document: Mapping[str, Any], status: Status, final: bool) -> tuple[MediaRef, ...]:
    refs = []
    for key, url in file_urls(_mapping(document.get("fileUrls"))).items():
        kind, index = FILE_KINDS.get(key.upper(), (MediaKind.OTHER, None))
        refs.append(MediaRef(kind=kind, key=key, name=key, url=url, document_index=index))
    for name, url in file_urls(_mapping(document.get("additionalStepPdfUrls"))).items():
        refs.append(MediaRef(kind=MediaKind.OTHER, key=f"{ADDITIONAL_STEP_PDF}{name}", name=name, url=url))
    if final and status in (Status.APPROVED, Status.REJECTED, Status.NEEDS_REVIEW):
        refs.append(MediaRef(kind=MediaKind.REPORT_PDF, key=REPORT_PDF_KEY, name="iDenfy verification report"))
    return tuple(refs)


def _session_section(document: Mapping[str, Any]) -> list[Section]:
    rows = []
    for key, label in SESSION_ROWS:
        value = document.get(key)
        when = from_unix(value) if key in ("startTime", "finishTime") else None
        shown = when.strftime("%Y-%m-%d %H:%M:%S UTC") if when else text(value)
        if shown:
            rows.append((label, shown))
    return [Section("iDenfy session", tuple(rows))] if rows else []


def _describe(hit: Mapping[str, Any]) -> str:
    return "; ".join(f"{key}: {value}" for key, value in ((k, text(v)) for k, v in hit.items()) if value)


def _check_sections(document: Mapping[str, Any], label: str) -> list[Section]:
    """AML or LID blocks: ``AML``/``LID`` lists today, lower-case ``aml``/``lid`` objects in older
    payloads. Each service's verdict and each of its hits become rows."""
    sections = []
    for key in (label, label.lower()):
        blocks = document.get(key)
        if isinstance(blocks, Mapping):
            blocks = [blocks]
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, Mapping):
                continue
            status = _mapping(block.get("status"))
            rows = [
                ("Service", text(block.get("serviceName"))),
                ("Service group", text(block.get("serviceGroupType"))),
                ("Overall", text(status.get("overallStatus"))),
                ("Check successful", text(status.get("checkSuccessful"))),
                ("Suspected", text(status.get("serviceSuspected"))),
                ("Found", text(status.get("serviceFound"))),
                ("Used", text(status.get("serviceUsed"))),
                ("Error", text(block.get("errorMessage"))),
            ]
            hits = block.get("data") if isinstance(block.get("data"), list) else []
            rows += [(f"Hit {n}", _describe(hit)) for n, hit in enumerate(hits, 1) if isinstance(hit, Mapping)]
            name = text(block.get("serviceName"))
            sections.append(Section(f"{label}: {name}" if name else label, tuple(r for r in rows if r[1])))
    return sections


def normalize(
    document: Mapping[str, Any],
    *,
    external_id: str = "",
    event_type: str = "",
    observed_at: dt.datetime | None = None,
) -> VerificationResult:
    """A webhook-shaped document (or a saved /status answer) -> VerificationResult.

    ``observed_at`` is when the state was read (a pull); without it, the webhook's finishTime.
    """
    if not isinstance(document, Mapping):
        raise MalformedPayload("an iDenfy result is a JSON object")
    if isinstance(document.get("status"), str):
        document = {**document, **pulled_document(document, {}, {})}
    scan_ref = text(document.get("scanRef")) or external_id
    if not scan_ref:
        raise MalformedPayload("no scanRef")
    status_block = _mapping(document.get("status"))
    overall = overall_of(document)
    status = unified_status(overall, event_type.upper())
    final = document.get("final") is True
    data = _mapping(document.get("data"))
    return VerificationResult(
        vendor=VENDOR,
        external_id=scan_ref,
        status=status,
        vendor_status=overall,
        final=final,
        reasons=_reasons(status_block),
        person=_person(data),
        documents=_documents(data),
        controls=tuple(_verdict_controls(status_block)),
        media=_media(document, status, final),
        started_at=from_unix(document.get("startTime")),
        completed_at=from_unix(document.get("finishTime")),
        observed_at=observed_at or from_unix(document.get("finishTime")),
        sections=tuple(
            _session_section(document) + _check_sections(document, "AML") + _check_sections(document, "LID")
        ),
        raw=dict(document),
    )

"""Identify24 JSON -> normalized dataclasses (pure functions; vendor doc v1.0.3).

One payload carries several date formats, each parsed explicitly here, never guessed:
``birthday`` YYYY-MM-DD; ``id_issue_date`` / ``id_expire_date`` dd-mm-yyyy; ``created_at`` and
``file_date`` dd-mm-yyyy hh:mm:ss; ``appointment_date`` ISO with Z or ``YYYY-MM-DD hh:mm``.
A value in none of its formats is left empty and named in the case's "Identify24" section.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from providers.base import (
    Document,
    ExtractedField,
    FieldSource,
    MalformedPayload,
    MediaKind,
    MediaRef,
    Person,
    Section,
    Status,
    VerificationResult,
)
from providers.countries import is_alpha2

VENDOR = "identify24"
UTC = dt.UTC
#: Our reading, not the vendor's word: times without a zone (created_at, "YYYY-MM-DD hh:mm"
#: appointments) are the vendor's local time in Germany. Change it here if the vendor says otherwise.
VENDOR_TZ = ZoneInfo("Europe/Berlin")

# --- status ---------------------------------------------------------------------------------
CONFIRMED, UNCONFIRMED = True, False

#: THE status mapping. "code:<status_code>" entries are matched exactly first; then "text:<stem>"
#: entries, in this order, at the start of a word of the lower-cased ``status`` text. The document
#: names one pair only (status_code "5" = "Successful"); every other entry is our reading of the
#: words (shared/providers/identify24.md) and is marked UNCONFIRMED, which the case page shows.
#: Rejections come before "successful" so that "Unsuccessful" is never read as a success.
STATUSES: dict[str, tuple[Status, bool]] = {
    "code:5": (Status.APPROVED, CONFIRMED),
    "text:cancel": (Status.CANCELLED, UNCONFIRMED),
    "text:expired": (Status.EXPIRED, UNCONFIRMED),
    "text:unsuccessful": (Status.REJECTED, UNCONFIRMED),
    "text:not successful": (Status.REJECTED, UNCONFIRMED),
    "text:failed": (Status.REJECTED, UNCONFIRMED),
    "text:abort": (Status.REJECTED, UNCONFIRMED),
    "text:reject": (Status.REJECTED, UNCONFIRMED),
    "text:review": (Status.NEEDS_REVIEW, UNCONFIRMED),
    "text:check": (Status.NEEDS_REVIEW, UNCONFIRMED),
    "text:successful": (Status.APPROVED, CONFIRMED),
}
#: Anything else (open, scheduled, in progress ...) is still running.
OTHERWISE = (Status.IN_PROGRESS, UNCONFIRMED)
#: Outcomes after which the vendor changes nothing; "review" may still turn either way.
FINAL = frozenset({Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.EXPIRED})


@dataclass(frozen=True, slots=True)
class StatusReading:
    status: Status
    confirmed: bool
    rule: str  # the STATUSES key that matched, "" for OTHERWISE

    @property
    def final(self) -> bool:
        return self.status in FINAL


def read_status(text: Any, code: Any) -> StatusReading:
    code_key = f"code:{as_text(code)}"
    if code_key in STATUSES:
        return StatusReading(*STATUSES[code_key], rule=code_key)
    lowered = as_text(text).lower()
    for key, (status, confirmed) in STATUSES.items():
        if key.startswith("text:") and re.search(rf"\b{re.escape(key[5:])}", lowered):
            return StatusReading(status, confirmed, rule=key)
    return StatusReading(*OTHERWISE, rule="")


# --- JSON as the vendor writes it -----------------------------------------------------------
def _drop_trailing_commas(text: str) -> str:
    """Drop a comma that follows a value and precedes ``}`` or ``]``, outside strings only."""
    out: list[str] = []
    in_string = escaped = False
    last = ""  # the last significant character outside strings
    for index, char in enumerate(text):
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string, last = False, '"'
            continue
        if char == '"':
            in_string = True
        elif char == "," and last not in ("", "{", "[", ","):
            ahead = index + 1
            while ahead < len(text) and text[ahead] in " \t\r\n":
                ahead += 1
            if ahead < len(text) and text[ahead] in "}]":
                last = ","
                continue  # the trailing comma: dropped
        if char not in " \t\r\n":
            last = char
        out.append(char)
    return "".join(out)


def parse_json(raw: bytes) -> Any:
    """Strict JSON, except for trailing commas before ``}`` / ``]``.

    The vendor's own samples (the webhook payload, ident/get, setOnboardifyAppointment) end an
    object with a trailing comma; nothing else is forgiven.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedPayload("the body is not UTF-8 text") from None
    try:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return json.loads(_drop_trailing_commas(text))
    except json.JSONDecodeError as exc:
        raise MalformedPayload(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise MalformedPayload("the JSON is nested too deeply") from None


# --- values and dates ------------------------------------------------------------------------
def as_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip()


def _parse(value: str, fmt: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, fmt)  # naive: each caller attaches its zone
    except ValueError:
        return None


def birthday(value: str) -> dt.date | None:
    """``birthday``: YYYY-MM-DD."""
    parsed = _parse(value, "%Y-%m-%d")
    return parsed.date() if parsed else None


def id_date(value: str) -> dt.date | None:
    """``id_issue_date`` / ``id_expire_date``: dd-mm-yyyy."""
    parsed = _parse(value, "%d-%m-%Y")
    return parsed.date() if parsed else None


def vendor_time(value: str) -> dt.datetime | None:
    """``created_at`` / ``file_date``: dd-mm-yyyy hh:mm:ss in the vendor's local time."""
    parsed = _parse(value, "%d-%m-%Y %H:%M:%S")
    return parsed.replace(tzinfo=VENDOR_TZ).astimezone(UTC) if parsed else None


#: ``appointment_date`` comes as ISO in UTC (ident/get) or as "YYYY-MM-DD hh:mm" (getIdentData).
APPOINTMENT_FORMATS = (("%Y-%m-%dT%H:%M:%SZ", UTC), ("%Y-%m-%d %H:%M", VENDOR_TZ))


def appointment_time(value: str) -> dt.datetime | None:
    for fmt, zone in APPOINTMENT_FORMATS:
        parsed = _parse(value, fmt)
        if parsed:
            return parsed.replace(tzinfo=zone).astimezone(UTC)
    return None


# --- the result --------------------------------------------------------------------------------
DOCUMENT_TYPES = {"personalausweis": "id_card", "reisepass": "passport"}
CUSTOM_FIELDS = ("custom_id", "custom1", "custom2", "custom3", "custom4")
SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _payload(payload: Any) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """(ident, files) from an envelope or its ``data``: ident/get or ident/getIdentData."""
    if not isinstance(payload, Mapping):
        raise MalformedPayload("expected a JSON object")
    data = payload.get("data", payload) if "result" in payload or "data" in payload else payload
    if not isinstance(data, Mapping):
        raise MalformedPayload("'data' is not an object")
    if "ident" in data:
        if not isinstance(data["ident"], Mapping):
            raise MalformedPayload("'ident' is not an object")
        return data["ident"], data
    return data, {}


def _file_hash(item: Mapping[str, Any], where: str) -> str:
    value = as_text(item.get("file_hash"))
    if value and not SHA256.fullmatch(value):
        raise MalformedPayload(f"the file_hash of {where} is not a sha256")
    return value.lower()


def media_refs(files: Mapping[str, Any]) -> tuple[MediaRef, ...]:
    """PDFs (with their sha256, checked after download), recordings (webm) and screenshots (png)."""
    refs: list[MediaRef] = []
    for key, kind in (("identification_pdf", MediaKind.REPORT_PDF), ("signed_pdf", MediaKind.SIGNED_PDF)):
        item = files.get(key)
        if isinstance(item, Mapping) and as_text(item.get("download_url")):
            refs.append(
                MediaRef(
                    kind=kind,
                    key=key,
                    name=as_text(item.get("file_name")),
                    content_type="application/pdf",
                    url=as_text(item.get("download_url")),
                    sha256=_file_hash(item, key),
                )
            )
    # Screenshots carry their link as ``download_link``, not ``download_url`` (doc sample).
    for group, kind, link_key, content_type in (
        ("recordings", MediaKind.RECORDING, "download_url", "video/webm"),
        ("screenshots", MediaKind.SCREENSHOT, "download_link", "image/png"),
    ):
        items = files.get(group)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, Mapping):
                continue
            url = as_text(item.get(link_key)) or as_text(item.get("download_url"))
            if not url:
                continue
            name = as_text(item.get("file_name"))
            refs.append(
                MediaRef(
                    kind=kind,
                    key=f"{group}/{name or index}",
                    name=name,
                    content_type=content_type,
                    url=url,
                    sha256=_file_hash(item, f"{group}/{name or index}"),
                )
            )
    return tuple(refs)


def _address(ident: Mapping[str, Any]) -> str:
    street = " ".join(p for p in (as_text(ident.get("street")), as_text(ident.get("house_no"))) if p)
    town = " ".join(p for p in (as_text(ident.get("postal_code")), as_text(ident.get("city"))) if p)
    return ", ".join(p for p in (street, town, as_text(ident.get("land"))) if p)


def _document(ident: Mapping[str, Any], unreadable: list[str]) -> Document | None:
    """The ID document as the ident specialist recorded it (fields typed in by the agent)."""
    values = {name: as_text(ident.get(name)) for name in ("id_type", "id_number", "id_issue_date", "id_expire_date")}
    authority, mrz = as_text(ident.get("id_issuing_authority")), as_text(ident.get("id_mrz"))
    if not any(values.values()) and not mrz:
        return None
    issued, expires = id_date(values["id_issue_date"]), id_date(values["id_expire_date"])
    for name, parsed in (("id_issue_date", issued), ("id_expire_date", expires)):
        if values[name] and parsed is None:
            unreadable.append(name)
    fields = [
        ExtractedField(name=name, value=value, source=FieldSource.AGENT)
        for name, value in (
            ("document_type", values["id_type"]),
            ("document_number", values["id_number"]),
            ("issue_date", issued.isoformat() if issued else values["id_issue_date"]),
            ("expiry_date", expires.isoformat() if expires else values["id_expire_date"]),
            ("issuing_authority", authority),
        )
        if value
    ]
    if mrz:
        fields.append(ExtractedField(name="mrz", value=mrz, source=FieldSource.MRZ))
    return Document(
        type=DOCUMENT_TYPES.get(values["id_type"].lower(), ""),
        subtype=values["id_type"],
        # The doc's samples put a country code ("DE") in id_issuing_authority; anything else is
        # an authority's name and says nothing sure about the country.
        country=authority if is_alpha2(authority) else "",
        number=values["id_number"],
        issue_date=issued,
        expiry_date=expires,
        fields=tuple(fields),
        source_name="Identify24 ident specialist",
    )


def ident_result(payload: Any, external_id: str = "") -> VerificationResult:
    """ident/get or ident/getIdentData (envelope or its data) -> VerificationResult."""
    ident, files = _payload(payload)
    ident_id = as_text(ident.get("id")) or external_id
    if not ident_id:
        raise MalformedPayload("the ident names no id")
    if "status" not in ident and "status_code" not in ident:
        raise MalformedPayload("the ident has no status")
    reading = read_status(ident.get("status"), ident.get("status_code"))
    unreadable: list[str] = []

    born_text = as_text(ident.get("birthday"))
    born = birthday(born_text)
    created_text, appointment_text = as_text(ident.get("created_at")), as_text(ident.get("appointment_date"))
    created, appointment = vendor_time(created_text), appointment_time(appointment_text)
    for name, text, parsed in (
        ("birthday", born_text, born),
        ("created_at", created_text, created),
        ("appointment_date", appointment_text, appointment),
    ):
        if text and parsed is None:
            unreadable.append(name)
    document = _document(ident, unreadable)

    rows = [
        ("Status", as_text(ident.get("status"))),
        ("Status code", as_text(ident.get("status_code"))),
        ("Read as", f"{reading.status} ({'vendor-documented' if reading.confirmed else 'our reading, unconfirmed'})"),
        ("Project", as_text(ident.get("project_id"))),
        ("Company", as_text(ident.get("company_name"))),
        ("Created", f"{created:%Y-%m-%d %H:%M} UTC" if created else created_text),
        ("Appointment", f"{appointment:%Y-%m-%d %H:%M} UTC" if appointment else appointment_text),
        ("Unreadable dates", ", ".join(unreadable)),
    ]
    sections = [Section(title="Identify24", rows=tuple((k, v) for k, v in rows if v))]
    custom = tuple((name, as_text(ident.get(name))) for name in CUSTOM_FIELDS if as_text(ident.get(name)))
    if custom:
        sections.append(Section(title="Custom fields", rows=custom))

    return VerificationResult(
        vendor=VENDOR,
        external_id=ident_id,
        status=reading.status,
        vendor_status=as_text(ident.get("status")) or as_text(ident.get("status_code")),
        final=reading.final,
        person=Person(
            first_name=as_text(ident.get("person_first_name")),
            last_name=as_text(ident.get("person_last_name")),
            birth_date=born,
            birth_place=as_text(ident.get("birth_place")),
            nationality=as_text(ident.get("nationality")),
            gender=as_text(ident.get("gender")),
            document_number=as_text(ident.get("id_number")),
            address=_address(ident),
            email=as_text(ident.get("email")),
            phone=as_text(ident.get("mobile_number")),
        ),
        documents=(document,) if document else (),
        media=media_refs(files),
        started_at=created,
        sections=tuple(sections),
        raw=dict(payload) if isinstance(payload, Mapping) else {},
    )

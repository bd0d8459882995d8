"""Shapes a case's rows for the case page: images with the vendor's boxes, fields marked low
confidence or MRZ/visual disagreement, checks grouped, the gauge, the timeline. Pure functions
over rows already loaded: nothing here queries the database."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from kycdesk.models import Control, Document, ExtractedField, Media

# Image kinds that are pictures of a document, and the page each shows (boxes carry a page number,
# 0-based as the vendors send it: Datakeen's page_num 0 is the front). Other pages follow in order.
DOCUMENT_IMAGE_KINDS = ("document_front", "document_back", "document_page")
FIXED_PAGES = {"document_front": 0, "document_back": 1}
PDF_KINDS = ("report_pdf", "signed_pdf")
VIDEO_KINDS = ("face_video", "document_video", "recording", "liveness")
MRZ_SUFFIX = re.compile(r"[\s_-]?mrz$", re.IGNORECASE)


def media_url(media: Media, *, download: bool = False) -> str:
    """The one way to link a file: the protected, audited media view. Thumbnails use the same
    view for now (the security work may add a size parameter here, in this one place)."""
    url = reverse("media", args=[media.pk])
    return f"{url}?download=1" if download else url


def media_kind(media: Media) -> str:
    """image, pdf, video or file: from the sniffed content type, else from the kind."""
    content_type = media.content_type or ""
    if content_type.startswith("image/"):
        return "image"
    if content_type == "application/pdf":
        return "pdf"
    if content_type.startswith("video/"):
        return "video"
    if content_type:
        return "file"
    if media.kind in PDF_KINDS:
        return "pdf"
    if media.kind in VIDEO_KINDS:
        return "video"
    return "image"


# --- fields ------------------------------------------------------------------------------------


def _plain(value: str) -> str:
    """Upper-case letters and digits only, accents dropped, MRZ fillers as spaces (then gone)."""
    decomposed = unicodedata.normalize("NFKD", value.replace("<", " "))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).upper()


DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"), ("m", "d", "y")),  # US order (Identomat)
    (re.compile(r"^(\d{2})(\d{2})(\d{2})$"), ("y", "m", "d")),  # MRZ YYMMDD
)


def _date_readings(value: str) -> set[tuple[int, int, int]]:
    """Every (year mod 100, month, day) the text can mean; MRZ years have no century."""
    readings = set()
    text = value.strip()
    for pattern, order in DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
        if 1 <= parts["m"] <= 12 and 1 <= parts["d"] <= 31:
            readings.add((parts["y"] % 100, parts["m"], parts["d"]))
    return readings


def values_agree(mrz: str, visual: str) -> bool:
    """Whether an MRZ value and its visual twin say the same thing, allowing for the MRZ's
    alphabet (no accents, < for spaces), its dates (YYMMDD) and one-letter codes (M/F)."""
    a, b = _plain(mrz), _plain(visual)
    if a == b:
        return True
    dates_a, dates_b = _date_readings(mrz), _date_readings(visual)
    if dates_a and dates_b:
        return bool(dates_a & dates_b)
    if a and b and (len(a) == 1 or len(b) == 1):
        return a[0] == b[0]
    return False


def _is_mrz(f: ExtractedField) -> bool:
    return f.source == ExtractedField.Source.MRZ or bool(MRZ_SUFFIX.search(f.name))


def _base_name(name: str) -> str:
    return MRZ_SUFFIX.sub("", name).lower()


def mrz_twins(fields: Sequence[ExtractedField]) -> dict[int, ExtractedField]:
    """For each MRZ field with a visual twin in the same document, field pk -> that twin.
    Twins: ``birthDateMRZ`` beside ``birthDate``, or one name read from both sources."""
    visual = {f.name.lower(): f for f in fields if not _is_mrz(f)}
    twins: dict[int, ExtractedField] = {}
    for f in fields:
        if not _is_mrz(f):
            continue
        base = _base_name(f.name)
        twin = visual.get(base) if base else None
        if twin is not None:
            twins[f.pk] = twin
            twins[twin.pk] = f
    return twins


@dataclass
class FieldRow:
    field: ExtractedField
    low_confidence: bool = False
    twin: ExtractedField | None = None
    disagrees: bool = False

    @property
    def twin_label(self) -> str:
        return "MRZ" if self.twin is not None and _is_mrz(self.twin) else "visual"

    @property
    def box_id(self) -> str:
        return f"box-{self.field.pk}" if self.field.has_box else ""

    @property
    def confidence_percent(self) -> str:
        c = self.field.confidence
        return "" if c is None else f"{c * 100:.0f} %" if c <= 1 else f"{c:g}"


def field_rows(fields: Sequence[ExtractedField], threshold: float) -> list[FieldRow]:
    twins = mrz_twins(fields)
    rows = []
    for f in fields:
        twin = twins.get(f.pk)
        disagrees = twin is not None and bool(f.value or twin.value) and not values_agree(f.value, twin.value)
        rows.append(FieldRow(f, f.is_low_confidence(threshold), twin, disagrees))
    return rows


# --- documents and images ----------------------------------------------------------------------


@dataclass
class Box:
    id: str
    x: float
    y: float
    width: float
    height: float
    label: str
    css: str


@dataclass
class PageImage:
    media: Media
    page: int
    boxes: list[Box] = field(default_factory=list)

    @property
    def url(self) -> str:
        return media_url(self.media)


@dataclass
class DocumentView:
    document: Document | None
    title: str
    images: list[PageImage] = field(default_factory=list)
    files: list[Media] = field(default_factory=list)  # PDFs, videos, files not (yet) stored
    fields: list[FieldRow] = field(default_factory=list)

    @property
    def has_boxes(self) -> bool:
        return any(image.boxes for image in self.images)

    @property
    def key(self) -> str:
        return str(self.document.pk) if self.document is not None else "other"

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.fields if row.low_confidence or row.disagrees)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _box(row: FieldRow) -> Box:
    f = row.field
    css = "kd-box-mismatch" if row.disagrees else "kd-box-low" if row.low_confidence else "kd-box"
    return Box(
        id=row.box_id,
        x=_clamp(f.bbox_x or 0),
        y=_clamp(f.bbox_y or 0),
        width=_clamp(f.bbox_width or 0),
        height=_clamp(f.bbox_height or 0),
        label=f"{f.name}: {f.value}",
        css=css,
    )


def _page_images(images: list[Media], rows: list[FieldRow]) -> list[PageImage]:
    order = {kind: i for i, kind in enumerate(DOCUMENT_IMAGE_KINDS)}
    images = sorted(images, key=lambda m: (order.get(m.kind, len(order)), m.pk))
    pages = []
    for position, media in enumerate(images):
        page = FIXED_PAGES.get(media.kind, position)
        boxes = [_box(row) for row in rows if row.field.has_box and (row.field.bbox_page or 0) == page]
        pages.append(PageImage(media, page, boxes))
    return pages


def _is_shown_inline(media: Media) -> bool:
    return media.state == Media.State.STORED and media_kind(media) == "image"


def document_views(
    documents: Sequence[Document],
    fields_by_document: dict[int, list[ExtractedField]],
    media: Iterable[Media],
    threshold: float,
) -> tuple[list[DocumentView], DocumentView]:
    """One view per document (its images with boxes, its files, its fields) and one for the
    session's other media (selfies, videos, reports). A document picture the vendor did not tie
    to a document goes to the only document when there is exactly one."""
    views = {
        d.pk: DocumentView(
            d,
            " · ".join(part for part in (f"Document {d.position + 1}", d.type, d.country, d.side) if part),
            fields=field_rows(fields_by_document.get(d.pk, []), threshold),
        )
        for d in documents
    }
    only = next(iter(views.values())) if len(views) == 1 else None
    others = DocumentView(None, "Other media")
    images: dict[int, list[Media]] = {pk: [] for pk in views}
    for m in media:
        m.url, m.view_kind, m.label = media_url(m), media_kind(m), humanize(m.kind)  # for the templates
        view = views.get(m.document_id) if m.document_id else None
        if view is None and only is not None and m.kind in DOCUMENT_IMAGE_KINDS:
            view = only
        if view is None:
            target = others
            if _is_shown_inline(m):
                others.images.append(PageImage(m, 0))
            else:
                target.files.append(m)
            continue
        if _is_shown_inline(m) and m.kind in DOCUMENT_IMAGE_KINDS:
            images[view.document.pk].append(m)
        elif _is_shown_inline(m):
            view.images.append(PageImage(m, -1))
        else:
            view.files.append(m)
    for pk, view in views.items():
        view.images = _page_images(images[pk], view.fields) + view.images
    return list(views.values()), others


# --- checks, gauge, reasons, sections ------------------------------------------------------------


@dataclass
class CheckGroup:
    key: str
    title: str
    controls: list[Control]


def check_groups(controls: Iterable[Control]) -> list[CheckGroup]:
    groups = [
        CheckGroup("fail", "Failed", []),
        CheckGroup("pass", "Passed", []),
        CheckGroup("none", "Not run or unknown", []),
    ]
    index = {True: 1, False: 0, None: 2}
    for control in controls:
        groups[index[control.passed]].controls.append(control)
    return groups


@dataclass
class Gauge:
    """A half-circle gauge drawn as SVG paths (radius 40 around 50,50 in a 100x56 box)."""

    value: float
    percent: int
    arc: str
    css: str


def gauge(value: float | None) -> Gauge | None:
    if value is None:
        return None
    v = _clamp(value if value <= 1 else value / 100)
    angle = math.pi * (1 - v)  # from the left (pi) to the right (0)
    x, y = 50 + 40 * math.cos(angle), 50 - 40 * math.sin(angle)
    arc = f"M10,50 A40,40 0 0 1 {x:.2f},{y:.2f}" if v > 0 else ""
    css = "kd-good" if v >= 0.8 else "kd-warn" if v >= 0.5 else "kd-bad"
    return Gauge(v, round(v * 100), arc, css)


def humanize(code: str) -> str:
    return code.replace("_", " ").replace("-", " ").strip().capitalize()


def reason_rows(reasons: Any) -> list[dict[str, str]]:
    rows = []
    for reason in reasons if isinstance(reasons, list) else []:
        if isinstance(reason, dict):
            code = str(reason.get("code", ""))
            rows.append(
                {
                    "code": code,
                    "kind": str(reason.get("kind", "")),
                    "text": str(reason.get("text") or humanize(code)),
                }
            )
    return rows


def section_tables(sections: Any) -> list[dict[str, Any]]:
    """The vendor's blocks [{title, rows: [[label, value], ...]}] as titled tables, tolerant of
    whatever shape a vendor used (a row may also be a mapping or a single value)."""
    tables = []
    for section in sections if isinstance(sections, list) else []:
        if not isinstance(section, dict):
            continue
        rows = []
        for row in section.get("rows") or []:
            if isinstance(row, list | tuple) and len(row) == 2:
                rows.append((str(row[0]), str(row[1])))
            elif isinstance(row, dict):
                rows.extend((str(k), str(v)) for k, v in row.items())
            else:
                rows.append(("", str(row)))
        tables.append({"title": str(section.get("title") or "Vendor data"), "rows": rows})
    return tables


PERSON_LABELS = {
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "birth_date": "Birth date",
    "birth_place": "Birth place",
    "nationality": "Nationality",
    "gender": "Gender",
    "document_number": "Document number",
    "personal_number": "Personal number",
    "address": "Address",
    "email": "Email",
    "phone": "Phone",
}


def person_rows(entered: dict[str, Any], found: dict[str, Any]) -> list[dict[str, Any]]:
    """What staff entered beside what the vendor found, with disagreements marked."""
    rows = []
    keys = list(PERSON_LABELS) + sorted(k for k in found if k not in PERSON_LABELS)
    for key in keys:
        mine = entered.get(key)
        mine = mine.isoformat() if isinstance(mine, dt.date) else (mine or "")
        theirs = str(found.get(key) or "")
        if not mine and not theirs:
            continue
        differs = bool(mine and theirs) and _plain(str(mine)) != _plain(theirs)
        if differs and _date_readings(str(mine)) & _date_readings(theirs):
            differs = False
        rows.append(
            {"label": PERSON_LABELS.get(key, humanize(key)), "entered": mine, "found": theirs, "differs": differs}
        )
    return rows


# --- timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    source: str  # event, delivery, decision, note, audit
    title: str
    text: str = ""
    actor: str = ""
    css: str = ""


def timeline(*groups: Iterable[Entry]) -> list[Entry]:
    """Every entry in time order (the source decides ties: a result before the decision on it)."""
    rank = {"event": 0, "delivery": 1, "decision": 2, "note": 3, "audit": 4}
    entries = [entry for group in groups for entry in group]
    return sorted(entries, key=lambda e: (e.at, rank.get(e.source, 9)))

"""Review cases for tests, built the way production builds them: an identity and a session in the
ORM, then a normalized VerificationResult through kycdesk.services.results.apply_result. No
vendor's JSON is involved, so the review workspace is tested vendor-agnostically."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.utils import timezone

from kycdesk.models import Identity, Media, VerificationSession
from kycdesk.services.results import apply_result
from providers.base import (
    BoundingBox,
    Control,
    Document,
    ExtractedField,
    FieldSource,
    MediaKind,
    MediaRef,
    Person,
    Reason,
    Section,
    Status,
    VerificationResult,
)

_numbers = itertools.count(1)

CONTENT_TYPES = {
    MediaKind.DOCUMENT_FRONT: "image/jpeg",
    MediaKind.DOCUMENT_BACK: "image/jpeg",
    MediaKind.SELFIE: "image/png",
    MediaKind.REPORT_PDF: "application/pdf",
    MediaKind.FACE_VIDEO: "video/webm",
}


def document(index: int, *, fields: int, doc_type: str, country: str, images: int) -> Document:
    """A document with ``fields`` fields (the first boxed on page 0, one MRZ twin disagreeing,
    one low-confidence value) and a passed, a failed and a not-run control."""
    extracted = [
        ExtractedField("firstName", "Jean", 0.97, FieldSource.OCR, BoundingBox(0, 0.1, 0.2, 0.3, 0.05)),
        ExtractedField("firstNameMRZ", "JEAN", 1.0, FieldSource.MRZ),
        ExtractedField("birthDate", "11.07.1984", 0.95, FieldSource.OCR, BoundingBox(0, 0.1, 0.3, 0.2, 0.05)),
        ExtractedField("birthDateMRZ", "840712", 1.0, FieldSource.MRZ),  # disagrees: 12 July
        ExtractedField("address", "1 rue de la Paix", 0.42, FieldSource.OCR, BoundingBox(1, 0.5, 0.1, 0.4, 0.05)),
    ]
    extracted += [
        ExtractedField(f"extra{n}", f"value {n}", 0.9, FieldSource.OCR, BoundingBox(0, 0.05, 0.05 * n, 0.1, 0.03))
        for n in range(max(0, fields - len(extracted)))
    ]
    return Document(
        type=doc_type,
        country=country,
        number=f"X{index}",
        side="front-back",
        fields=tuple(extracted[:fields]),
        controls=(
            Control("mrzValidity", True, 1.0, group="document"),
            Control("photoIsPresent", False, 0.3, detail="No photo found", group="document"),
            Control("rfSymbolIsPresent", None, group="document"),
        ),
    )


def make_case(
    *,
    vendor: str = "idenfy",
    status: Status = Status.NEEDS_REVIEW,
    age: dt.timedelta = dt.timedelta(hours=1),
    identity: Identity | None = None,
    reference: str | None = None,
    first_name: str = "Jean",
    last_name: str = "Dupont",
    documents: int = 1,
    fields: int = 5,
    images: int = 1,
    extra_media: bool = True,
    doc_type: str = "ID_CARD",
    country: str = "FR",
    reasons: tuple[Reason, ...] = (
        Reason("DOC_FAKE", "fraud", "The document looks forged"),
        Reason("NAME", "mismatch", "The name differs from the one given"),
    ),
    similarity: float | None = 0.72,
    liveness: bool | None = True,
    now: dt.datetime | None = None,
) -> VerificationSession:
    """A case as apply_result leaves it, with every media file marked stored."""
    number = next(_numbers)
    now = now or timezone.now()
    if identity is None:
        identity = Identity.objects.create(
            reference=reference or f"ref-{number}", first_name=first_name, last_name=last_name
        )
    session = VerificationSession.objects.create(
        vendor=vendor, external_id=f"ext-{number}", identity=identity, created_at=now - age
    )
    media = []
    for d in range(documents):
        kinds = [MediaKind.DOCUMENT_FRONT, MediaKind.DOCUMENT_BACK][: min(images, 2)]
        media += [MediaRef(kind, f"doc{d}-{kind}", document_index=d) for kind in kinds]
        media += [MediaRef(MediaKind.DOCUMENT_PAGE, f"doc{d}-page{p}", document_index=d) for p in range(images - 2)]
    if extra_media:
        media += [
            MediaRef(MediaKind.SELFIE, "selfie"),
            MediaRef(MediaKind.REPORT_PDF, "report"),
            MediaRef(MediaKind.FACE_VIDEO, "video"),
        ]
    result = VerificationResult(
        vendor=vendor,
        external_id=session.external_id,
        status=status,
        vendor_status={Status.NEEDS_REVIEW: "SUSPECTED", Status.APPROVED: "APPROVED"}.get(status, str(status)),
        final=True,
        reasons=reasons,
        person=Person(first_name=first_name, last_name=last_name, birth_date=dt.date(1984, 7, 11), nationality="FR"),
        documents=tuple(
            document(d, fields=fields, doc_type=doc_type, country=country, images=images) for d in range(documents)
        ),
        controls=(Control("faceMatch", True, 0.72, group="face"),),
        media=tuple(media),
        liveness=liveness,
        similarity=similarity,
        sections=(Section("AML screening", (("Sanctions lists", "no match"), ("PEP", "possible match"))),),
    )
    apply_result(result=result, source="test")
    for m in Media.objects.filter(session=session):
        m.state = Media.State.STORED
        m.content_type = CONTENT_TYPES.get(MediaKind(m.kind), "image/jpeg")
        m.save(update_fields=["state", "content_type"])
    session.refresh_from_db()
    return session


def png(width: int = 8, height: int = 8) -> bytes:
    """A real (tiny) PNG: the media view decides the type from the bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()

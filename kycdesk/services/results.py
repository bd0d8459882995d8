"""apply_result: map a normalized VerificationResult onto the models, in one transaction.

Idempotent (the same result twice leaves the same rows) and monotonic: a result never moves a
case backwards, a non-final result never replaces a final one, and an older one never replaces
a newer one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from kycdesk.models import (
    Control,
    Document,
    ExtractedField,
    Identity,
    Media,
    SessionEvent,
    SessionStatus,
    VerificationSession,
)
from providers.base import Status, VerificationResult


@dataclass(frozen=True)
class ApplyOutcome:
    session: VerificationSession
    applied: bool
    reason: str
    media_to_fetch: list[int] = field(default_factory=list)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def result_as_dict(result: VerificationResult) -> dict[str, Any]:
    """The normalized result as plain JSON types (used by import_result and fingerprints)."""
    return _jsonable(dataclasses.asdict(result))


def fingerprint(result: VerificationResult) -> str:
    """What the result says, without the vendor's wrapping: two deliveries of the same result match."""
    content = result_as_dict(result)
    content.pop("raw", None)
    content.pop("observed_at", None)
    # Pre-signed file links (iDenfy's fileUrls) change with every pull: the file does not.
    for ref in content.get("media", []):
        ref.pop("url", None)
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def stale_reason(session: VerificationSession, result: VerificationResult) -> str:
    """Why ``result`` must not replace what ``session`` holds, or "" when it may."""
    current, incoming = Status(session.status), Status(result.status)
    if incoming.rank < current.rank:
        return f"would move the case back from {current} to {incoming}"
    if incoming is Status.ERROR and current.is_outcome and current is not Status.ERROR:
        return f"an error after the outcome {current}"
    if session.vendor_final and not result.final:
        return "a non-final result after a final one"
    if session.result_observed_at and result.observed_at and result.observed_at < session.result_observed_at:
        return "older than the stored result"
    return ""


def _person_json(result: VerificationResult) -> dict[str, Any]:
    return {k: v for k, v in _jsonable(dataclasses.asdict(result.person)).items() if v not in ("", None)}


def _replace_documents(session: VerificationSession, result: VerificationResult) -> list[Document]:
    session.controls.all().delete()
    session.documents.all().delete()
    documents: list[Document] = []
    fields: list[ExtractedField] = []
    controls: list[Control] = [
        Control(
            session=session,
            name=c.name,
            group=c.group,
            passed=c.passed,
            confidence=c.confidence,
            score=c.score,
            detail=c.detail,
        )
        for c in result.controls
    ]
    for position, doc in enumerate(result.documents):
        document = Document.objects.create(
            session=session,
            position=position,
            type=doc.type,
            subtype=doc.subtype,
            side=doc.side,
            country=doc.country,
            number=doc.number,
            issue_date=doc.issue_date,
            expiry_date=doc.expiry_date,
            pages=_jsonable(list(doc.pages)),
            source_name=doc.source_name,
        )
        documents.append(document)
        for f in doc.fields:
            box = f.bbox
            fields.append(
                ExtractedField(
                    document=document,
                    name=f.name,
                    value=f.value,
                    confidence=f.confidence,
                    source=str(f.source),
                    bbox_page=box.page if box else None,
                    bbox_x=box.x if box else None,
                    bbox_y=box.y if box else None,
                    bbox_width=box.width if box else None,
                    bbox_height=box.height if box else None,
                )
            )
        controls.extend(
            Control(
                session=session,
                document=document,
                name=c.name,
                group=c.group,
                passed=c.passed,
                confidence=c.confidence,
                score=c.score,
                detail=c.detail,
            )
            for c in doc.controls
        )
    ExtractedField.objects.bulk_create(fields)
    Control.objects.bulk_create(controls)
    return documents


def _sync_media(session: VerificationSession, result: VerificationResult, documents: list[Document]) -> list[int]:
    """Create or refresh a Media row per reference; return the ids still to download."""
    pending: list[int] = []
    for ref in result.media:
        document = (
            documents[ref.document_index]
            if ref.document_index is not None and ref.document_index < len(documents)
            else None
        )
        media, _ = Media.objects.get_or_create(
            session=session,
            kind=str(ref.kind),
            source_key=ref.key,
            defaults={"name": ref.name, "content_type": ref.content_type},
        )
        updates = {"document": document, "source_url": ref.url, "expected_sha256": ref.sha256.lower()}
        for name, value in updates.items():
            setattr(media, name, value)
        media.save(update_fields=list(updates))
        if media.state in (Media.State.PENDING, Media.State.FAILED):
            pending.append(media.pk)
    return pending


def _link_vendor_identity(session: VerificationSession, result: VerificationResult) -> None:
    """Keep the vendor's id for the person (VULT identity_id) on our identity."""
    identity = session.identity
    if result.vendor_identity_id and identity.vendor_ids.get(result.vendor) != result.vendor_identity_id:
        identity.vendor_ids = {**identity.vendor_ids, result.vendor: result.vendor_identity_id}
        identity.save(update_fields=["vendor_ids", "updated_at"])


def _identity_for_import(vendor: str, external_id: str) -> Identity:
    identity, _ = Identity.objects.get_or_create(reference=f"import:{vendor}:{external_id}"[:100])
    return identity


@transaction.atomic
def apply_result(*, result: VerificationResult, source: str, create_missing: bool = False) -> ApplyOutcome:
    """Apply ``result`` to its session. ``source`` says where it came from (webhook, pull, import)."""
    now = timezone.now()
    queryset = VerificationSession.objects.select_for_update()
    try:
        session = queryset.get(vendor=result.vendor, external_id=result.external_id)
    except VerificationSession.DoesNotExist:
        if not create_missing:
            raise
        VerificationSession.objects.get_or_create(
            vendor=result.vendor,
            external_id=result.external_id,
            defaults={"identity": _identity_for_import(result.vendor, result.external_id)},
        )
        session = queryset.get(vendor=result.vendor, external_id=result.external_id)

    if session.anonymized_at is not None:
        # An erased case takes no personal data back, whatever the vendor still sends.
        return ApplyOutcome(session, applied=False, reason="the case was erased")
    digest = fingerprint(result)
    if digest == session.result_fingerprint:
        VerificationSession.objects.filter(pk=session.pk).update(last_synced_at=now)
        return ApplyOutcome(session, applied=False, reason="unchanged")
    reason = stale_reason(session, result)
    if reason:
        VerificationSession.objects.filter(pk=session.pk).update(last_synced_at=now)
        SessionEvent.objects.create(
            session=session,
            at=now,
            kind="result_ignored",
            summary=f"Ignored a {source} result ({result.vendor_status}): {reason}."[:300],
        )
        return ApplyOutcome(session, applied=False, reason=reason)

    previous = session.status
    session.status = SessionStatus(result.status.value)
    session.vendor_status = result.vendor_status[:100]
    session.vendor_final = result.final
    session.reasons = [dataclasses.asdict(r) for r in result.reasons]
    session.liveness = result.liveness
    session.similarity = result.similarity
    session.score = result.score
    session.person = _person_json(result)
    session.sections = _jsonable([dataclasses.asdict(s) for s in result.sections])
    session.raw = _jsonable(dict(result.raw))
    session.result_fingerprint = digest
    session.result_observed_at = result.observed_at or session.result_observed_at
    session.started_at = result.started_at or session.started_at
    session.completed_at = result.completed_at or session.completed_at or (now if result.status.is_outcome else None)
    session.last_synced_at = now
    session.save()
    _link_vendor_identity(session, result)
    documents = _replace_documents(session, result)
    pending = _sync_media(session, result, documents)
    change = f"{previous} → {session.status}" if previous != session.status else f"still {session.status}"
    SessionEvent.objects.create(
        session=session,
        at=now,
        kind="result",
        summary=f"Result from {source}: {change} (vendor: {result.vendor_status or '-'})."[:300],
    )
    return ApplyOutcome(session, applied=True, reason="applied", media_to_fetch=pending)

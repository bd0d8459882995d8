"""A case's rows: personal values wiped in place, deliveries scrubbed, rows deleted, the identity
settled, and the vendor calls owed recorded."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import Q

from kycdesk.models import (
    AuditEntry,
    CaseNote,
    Control,
    Document,
    ExtractedField,
    Identity,
    Media,
    ReviewDecision,
    VendorErasure,
    VerificationSession,
    WebhookDelivery,
)
from kycdesk.services.vendors import supports
from providers.base import Capability

from .plan import PERSONAL_FIELDS, SAFE_DELIVERY_HEADERS, User, VendorPlan, _real, external_id_hash
from .vendor import enqueue_vendor_call


def scrub_delivery(delivery: WebhookDelivery) -> None:
    """Wipe a delivery's personal content in place (the caller saves it)."""
    delivery.body = b""
    delivery.headers = {k: v for k, v in (delivery.headers or {}).items() if k.lower() in SAFE_DELIVERY_HEADERS}


def was_erased(vendor: str, external_id: str, session: VerificationSession | None) -> bool:
    """Whether a (late) delivery names a case erased here: anonymised, or deleted (its tombstone)."""
    if session is not None:
        return session.anonymized_at is not None
    return AuditEntry.objects.filter(
        action="case_deleted", detail__external_id_sha256=external_id_hash(vendor, external_id)
    ).exists()


def _deliveries_of(session: VerificationSession) -> models.QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        Q(session=session) | Q(vendor=session.vendor, external_id=session.external_id)
    )


def _scrub_case(session: VerificationSession, now: dt.datetime) -> None:
    def wipe(model: type[models.Model], queryset: models.QuerySet) -> None:
        queryset.update(**PERSONAL_FIELDS[model])

    wipe(ExtractedField, ExtractedField.objects.filter(document__session=session))
    wipe(Document, Document.objects.filter(session=session))
    wipe(Control, Control.objects.filter(session=session))
    wipe(Media, Media.objects.filter(session=session))
    Media.objects.filter(session=session).update(state=Media.State.ERASED)
    wipe(CaseNote, CaseNote.objects.filter(session=session))
    wipe(ReviewDecision, ReviewDecision.objects.filter(session=session))
    for delivery in _deliveries_of(session).only("pk", "headers"):
        scrub_delivery(delivery)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(body=b"", headers=delivery.headers)
    reasons = [{"code": r.get("code", ""), "kind": r.get("kind", "")} for r in session.reasons or [] if r]
    VerificationSession.objects.filter(pk=session.pk).update(
        **PERSONAL_FIELDS[VerificationSession], reasons=reasons, anonymized_at=session.anonymized_at or now
    )


def _anonymise_identity(identity: Identity, now: dt.datetime) -> None:
    Identity.objects.filter(pk=identity.pk).update(
        **PERSONAL_FIELDS[Identity], anonymized_at=identity.anonymized_at or now, updated_at=now
    )


def _owe_vendor(session: VerificationSession, plan: VendorPlan, actor: User, now: dt.datetime) -> int | None:
    """Record the vendor call to make (once per case and operation)."""
    if not plan.operation:
        return None
    existing = VendorErasure.objects.filter(
        session=session, operation=plan.operation, state__in=[VendorErasure.State.PENDING, VendorErasure.State.DONE]
    ).first()
    if existing is not None:
        return existing.pk
    erasure = VendorErasure.objects.create(
        session=session,
        vendor=session.vendor,
        external_id=session.external_id,
        external_id_sha256=external_id_hash(session.vendor, session.external_id),
        operation=plan.operation,
        requested_by=_real(actor),
        requested_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: enqueue_vendor_call(erasure.pk))
    return erasure.pk


def _owe_person_erasures(vendor_people: dict[str, str], *, actor: User, now: dt.datetime) -> list[int]:
    """One owed call per vendor that keeps its own record of the person (VULT identities)."""
    owed = []
    for vendor, person_id in sorted(vendor_people.items()):
        if not person_id or not supports(vendor, Capability.ANONYMIZE_PERSON):
            continue
        erasure = VendorErasure.objects.create(
            session=None,
            vendor=vendor,
            external_id=str(person_id),
            external_id_sha256=external_id_hash(vendor, str(person_id)),
            operation=VendorErasure.Operation.ANONYMIZE_PERSON,
            requested_by=_real(actor),
            requested_at=now,
            next_attempt_at=now,
        )
        transaction.on_commit(lambda pk=erasure.pk: enqueue_vendor_call(pk))
        owed.append(erasure.pk)
    return owed


def _delete_rows(session: VerificationSession) -> None:
    _deliveries_of(session).delete()
    VerificationSession.objects.filter(replaces=session).update(replaces=None)
    # Second approvals protect the decision they confirm: remove them first.
    ReviewDecision.objects.filter(session=session, seconds__isnull=False).delete()
    session.delete()


def _settle_identity(identity: Identity, now: dt.datetime) -> str:
    """Delete the identity once it has no case left; anonymise it once none of its cases is live."""
    cases = identity.sessions.all()
    if not cases.exists():
        identity.delete()
        return "deleted"
    if cases.filter(anonymized_at__isnull=True).exists():
        return "kept"
    _anonymise_identity(identity, now)
    return "anonymised"

"""What an erase touches and how: the modes and reasons, every personal column and what it
becomes (PERSONAL_FIELDS) against the kept skeleton (SKELETON_FIELDS), the vendor call an erase
makes, legal holds, and the outcomes the entry points return."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models.functions import Cast, Concat

from kycdesk.models import (
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

User = AbstractBaseUser | AnonymousUser | None

ANONYMISE, DELETE = "anonymise", "delete"

#: Why a case is erased: a fixed list, so the tombstone never carries free text about a person.
REASONS = {
    "subject_request": "The person asked for erasure",
    "retention": "Retention period ended",
    "launched_in_error": "Launched in error or a test case",
    "legal_instruction": "Instruction from legal or the DPO",
}


#: Headers of a webhook delivery that say nothing about a person; the rest go with the body.
SAFE_DELIVERY_HEADERS = frozenset({"content-type", "content-length", "user-agent"})

#: Every column that can hold a personal value, per model, and what it becomes. A test fails when
#: a text, JSON or binary column is added to a case's models without being listed here or in
#: SKELETON_FIELDS, so a new column is a decision, not an accident.
PERSONAL_FIELDS: dict[type[models.Model], dict[str, Any]] = {
    VerificationSession: {
        "link": "",
        "qr_png": b"",
        "launch_options": {},
        "person": {},
        "sections": [],
        "raw": {},
        "result_fingerprint": "",  # a hash of the personal result
    },
    Document: {"number": "", "issue_date": None, "expiry_date": None, "pages": [], "source_name": ""},
    ExtractedField: {"value": ""},
    Control: {"detail": ""},
    Media: {
        "file": "",
        "name": "",
        "source_url": "",
        "source_key": Concat(models.Value("erased-"), Cast("pk", models.CharField())),
        "sha256": "",
        "expected_sha256": "",
        "last_error": "",
        "size": None,
    },
    CaseNote: {"text": "(erased)"},
    ReviewDecision: {"comment": ""},  # outcome, reason code, who and when are kept
    WebhookDelivery: {"body": b""},  # headers: see SAFE_DELIVERY_HEADERS
    Identity: {
        "reference": Concat(models.Value("erased-"), Cast("pk", models.CharField())),
        "first_name": "",
        "last_name": "",
        "birth_date": None,
        "nationality": "",
        "email": "",
        "phone": "",
        "address": "",
        "vendor_ids": {},
    },
}

#: Text/JSON columns of a case's models that hold no personal value and are kept.
SKELETON_FIELDS: dict[str, set[str]] = {
    "verificationsession": {"vendor", "external_id", "status", "vendor_status", "reasons", "decision_state"},
    "document": {"type", "subtype", "side", "country"},
    "extractedfield": {"name", "source"},
    "control": {"name", "group"},
    "media": {"kind", "content_type", "state"},
    "reviewdecision": {"kind", "outcome", "reason_code"},
    "sessionevent": {"kind", "summary"},  # written by kycdesk itself, never a personal value
    "appointment": {"time_zone", "vendor_insert_id"},
    "webhookdelivery": {
        "vendor",
        "body_sha256",
        "verdict",
        "state",
        "event_type",
        "external_id",
        "dedupe_key",
        "last_error",
        "headers",
    },
    "vendorerasure": {"vendor", "external_id", "external_id_sha256", "operation", "state", "last_message"},
    "casenote": set(),
}


class EraseRefused(Exception):
    """The case (or its identity) is under legal hold: nothing was changed."""


class EraseFailed(Exception):
    """A file could not be removed from storage: the rows were left as they were."""


@dataclass(frozen=True)
class VendorPlan:
    vendor: str
    operation: str  # VendorErasure.Operation value, or "" when the vendor offers no erase call

    @property
    def note(self) -> str:
        if self.operation == VendorErasure.Operation.ANONYMIZE:
            return "The vendor's anonymise call will be made."
        if self.operation == VendorErasure.Operation.DELETE:
            return "The vendor's delete call will be made."
        return "This vendor offers no erase call: kycdesk erases its own copy only; ask the vendor to erase theirs."


@dataclass(frozen=True)
class CaseErased:
    session_id: int
    vendor: str
    mode: str
    files_deleted: int
    vendor_operation: str
    erasure_id: int | None
    identity: str  # "anonymised", "deleted" or "kept" (it still has live cases)


def external_id_hash(vendor: str, external_id: str) -> str:
    return hashlib.sha256(f"{vendor}:{external_id}".encode()).hexdigest()


def vendor_plan(vendor: str, mode: str) -> VendorPlan:
    """The vendor call an erase makes: its anonymise or delete, whichever it offers (delete first
    when the case is deleted here)."""
    order = [Capability.ANONYMIZE, Capability.DELETE]
    if mode == DELETE:
        order.reverse()
    for capability in order:
        if supports(vendor, capability):
            return VendorPlan(vendor, capability.value)
    return VendorPlan(vendor, "")


def hold_reason(session: VerificationSession) -> str:
    if session.legal_hold:
        return "the case is under legal hold"
    if session.identity.legal_hold:
        return "the person is under legal hold"
    return ""


def _real(actor: User) -> AbstractBaseUser | None:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None

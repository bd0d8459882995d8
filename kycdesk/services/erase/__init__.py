"""Erase: the one service behind every way personal data leaves kycdesk (admin actions on cases
and identities, the retention schedule, tests).

*Anonymise* keeps the case's skeleton (vendor, external id, dates, statuses, vendor verdict,
decisions with who/when/outcome/reason code, events and the audit trail) and wipes every
personal value: the fields listed in PERSONAL_FIELDS, the webhook bodies, and every media file
(thumbnails included), whose absence from storage is checked before the rows change.
*Delete* does the same, then removes the case's rows and leaves an audit tombstone (vendor,
external id hashed, who, when, why).

Both ask the vendor to erase its copy where it offers a call (Capability.ANONYMIZE/DELETE). The
call is made by a django-q2 task after commit and retried with our own attempt count
(VendorErasure); a vendor refusing or failing never undoes or blocks the local erase. Where the
vendor offers no call, the confirmation page and the audit entry say so.

An identity is anonymised with its last live case (deleted with its last case): it belongs to
the other cases as long as one of them is live.

The parts: ``plan`` (modes, reasons, which column is personal and which is skeleton, the vendor
plan, legal holds), ``files`` (a case's stored files), ``rows`` (wiping, deleting, settling the
identity, recording the vendor calls owed), ``cases`` (the entry points erase_case,
erase_identity, erase_cases), ``vendor`` (making and retrying the vendor calls). Every public
name is re-exported here: callers use ``from kycdesk.services import erase`` and ``erase.<name>``.
"""

from __future__ import annotations

from kycdesk.models import VendorErasure  # the owed vendor calls' model, as callers read it here

from .cases import BatchResult, erase_case, erase_cases, erase_identity
from .files import case_files, media_storage, session_folder
from .plan import (
    ANONYMISE,
    DELETE,
    PERSONAL_FIELDS,
    REASONS,
    SAFE_DELIVERY_HEADERS,
    SKELETON_FIELDS,
    CaseErased,
    EraseFailed,
    EraseRefused,
    User,
    VendorPlan,
    external_id_hash,
    hold_reason,
    vendor_plan,
)
from .rows import scrub_delivery, was_erased
from .vendor import (
    MAX_VENDOR_ATTEMPTS,
    VENDOR_CALL_LEASE,
    VENDOR_RETRY_FIRST,
    VENDOR_RETRY_MAX,
    call_vendor,
    enqueue_vendor_call,
    retry_delay,
    retry_vendor_calls,
    try_again,
)

__all__ = [
    "ANONYMISE",
    "DELETE",
    "MAX_VENDOR_ATTEMPTS",
    "PERSONAL_FIELDS",
    "REASONS",
    "SAFE_DELIVERY_HEADERS",
    "SKELETON_FIELDS",
    "VENDOR_CALL_LEASE",
    "VENDOR_RETRY_FIRST",
    "VENDOR_RETRY_MAX",
    "BatchResult",
    "CaseErased",
    "EraseFailed",
    "EraseRefused",
    "User",
    "VendorErasure",
    "VendorPlan",
    "call_vendor",
    "case_files",
    "enqueue_vendor_call",
    "erase_case",
    "erase_cases",
    "erase_identity",
    "external_id_hash",
    "hold_reason",
    "media_storage",
    "retry_delay",
    "retry_vendor_calls",
    "scrub_delivery",
    "session_folder",
    "try_again",
    "vendor_plan",
    "was_erased",
]

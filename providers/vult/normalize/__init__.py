"""VULT JSON -> normalized dataclasses. Pure functions: no HTTP, no database.

VULT has no single result document: the provider reads the session, its document, its test
read (the checks) and the capture locations, and hands them here as one envelope::

    {"session": <session read>, "document": <document read> | null,
     "tests": <session test read> | null, "locations": {<location_capture_type_e>: <location read>}}

(a bare session read is accepted too, for import_result). Everything in this package cites the
section of shared/vendor-docs/kyc-api-2.10.15.txt it reads; where the document gives no
vocabulary (status values beyond "unknown", test-read strings, date formats) the reading is ours
and lives in one constant.

The parts: ``values`` (the status mapping in ONE dict, dates, how a value is shown), ``checks``
(test read -> controls), ``document`` (document read, media), ``sections`` (titled tables),
``session`` (``result``: the whole VerificationResult), ``records`` (identities, IDA sessions,
webhooks), ``configuration`` (requirements, weights). Every public name is re-exported here.
"""

from __future__ import annotations

from .checks import (
    ANSWERS,
    CROSSCHECKS,
    DMV_MATCHES,
    SIDE_CHECKS,
    SIDES,
    VERDICTS,
    session_controls,
    side_check,
    side_controls,
)
from .configuration import REQUIREMENT_FLAGS, WEIGHT_NAMES, RequirementSet, requirement_sets, weights
from .document import (
    ACTIVE_LIVENESS_FILES,
    DOCUMENT_FIELDS,
    DOCUMENT_FILES,
    address_of,
    document_of,
    liveness_mode_of,
    media_kind,
    media_of,
)
from .records import (
    WEBHOOK_ID_KEYS,
    WEBHOOK_STATUS_KEYS,
    IdaSession,
    VendorWebhook,
    VultIdentity,
    ida_session,
    ida_sessions,
    identities,
    identity,
    webhooks,
)
from .sections import (
    CAPTURE_LOCATIONS,
    CAPTURE_STEPS,
    HISTORY_TIME_KEYS,
    LOCATION_FLAGS,
    capture_section,
    history_section,
    location_section,
    screening_section,
)
from .session import SESSION_TIMES, VENDOR, result, split_envelope
from .values import DATE_FORMATS, FINAL_STATUSES, STATUS, parse_date, parse_timestamp, unified_status

__all__ = [
    "ACTIVE_LIVENESS_FILES",
    "ANSWERS",
    "CAPTURE_LOCATIONS",
    "CAPTURE_STEPS",
    "CROSSCHECKS",
    "DATE_FORMATS",
    "DMV_MATCHES",
    "DOCUMENT_FIELDS",
    "DOCUMENT_FILES",
    "FINAL_STATUSES",
    "HISTORY_TIME_KEYS",
    "LOCATION_FLAGS",
    "REQUIREMENT_FLAGS",
    "SESSION_TIMES",
    "SIDES",
    "SIDE_CHECKS",
    "STATUS",
    "VENDOR",
    "VERDICTS",
    "WEBHOOK_ID_KEYS",
    "WEBHOOK_STATUS_KEYS",
    "WEIGHT_NAMES",
    "IdaSession",
    "RequirementSet",
    "VendorWebhook",
    "VultIdentity",
    "address_of",
    "capture_section",
    "document_of",
    "history_section",
    "ida_session",
    "ida_sessions",
    "identities",
    "identity",
    "liveness_mode_of",
    "location_section",
    "media_kind",
    "media_of",
    "parse_date",
    "parse_timestamp",
    "requirement_sets",
    "result",
    "screening_section",
    "session_controls",
    "side_check",
    "side_controls",
    "split_envelope",
    "unified_status",
    "webhooks",
    "weights",
]

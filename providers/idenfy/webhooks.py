"""iDenfy webhooks: verify the signature on the raw bytes, then parse (in a task).

shared/providers/idenfy.md, "Webhooks": header ``Idenfy-Signature`` is the hex HMAC-SHA256 of
the raw body keyed with the signing key set in iDenfy's dashboard (IDENFY_WEBHOOK_SIGNING_KEY);
header ``Idenfy-Event-Type`` names the event. There is no timestamp in what is signed, so
replays are caught by deduplication (shared/notes/webhooks.md, rule 4).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from providers.base import MalformedPayload, VerificationResult, WebhookNotice, WebhookRejected

from . import normalize as n

SIGNATURE_HEADER = "idenfy-signature"
EVENT_HEADER = "idenfy-event-type"


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, whatever its case (kycdesk stores them lower-case)."""
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return ""


def verify(headers: Mapping[str, str], body: bytes, signing_key: str) -> None:
    """Raise WebhookRejected (401) unless Idenfy-Signature is the body's HMAC. Reads no JSON."""
    if not signing_key:
        raise WebhookRejected("No iDenfy webhook signing key is configured: nothing can be verified.")
    given = header(headers, SIGNATURE_HEADER).strip().lower()
    if not given:
        raise WebhookRejected("The Idenfy-Signature header is missing.")
    expected = hmac.new(signing_key.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
        raise WebhookRejected("The Idenfy-Signature header does not match the body.")


def sign(body: bytes, signing_key: str) -> str:
    """The signature iDenfy sends (used by the simulator and the tests)."""
    return hmac.new(signing_key.encode(), body, hashlib.sha256).hexdigest()


def event_type_of(headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
    """The header's event type; without one, what the body is (legacy deliveries carry none)."""
    event = header(headers, EVENT_HEADER).strip().upper()
    if event:
        return event
    if "expirationThreshold" in payload or "documentExpiration" in payload:
        return n.DOCUMENT_EXPIRATION
    return n.LEGACY if isinstance(payload.get("status"), Mapping) else ""


def dedupe_key(scan_ref: str, event_type: str, final: bool, body: bytes) -> str:
    """scanRef + event + final + body hash: a retried delivery repeats all four, while the
    automatic and the manual result of one verification never collide."""
    return f"{scan_ref}|{event_type or '-'}|{'final' if final else 'interim'}|{hashlib.sha256(body).hexdigest()}"


def parse(headers: Mapping[str, str], body: bytes) -> list[WebhookNotice]:
    """One notice per delivery. Unknown event types are kept as notices without a result, so
    they are stored and answered; a delivery that names no scanRef gives no notice."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayload(f"not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise MalformedPayload("the body is not a JSON object")
    event = event_type_of(headers, payload)
    scan_ref = n.text(payload.get("scanRef"))
    if not scan_ref:
        if event in n.RESULT_EVENTS or event == n.DOCUMENT_EXPIRATION:
            raise MalformedPayload(f"a {event} delivery without scanRef")
        return []
    final = payload.get("final") is True
    result: VerificationResult | None = None
    if event in n.RESULT_EVENTS:
        result = n.normalize(payload, event_type=event)
    return [
        WebhookNotice(
            external_id=scan_ref,
            event_type=event,
            vendor_status=result.vendor_status if result else "",
            final=final,
            result=result,
            dedupe_key=dedupe_key(scan_ref, event, final, body),
        )
    ]

"""Datakeen webhooks: unsigned, so the secret in our URL is the only check, and what they say is
a hint that kycdesk confirms by reading the result through the API (providers/datakeen.md).

Three bodies reach us (all POST JSON):
- session end, from the back-office webhook: ``{sessionId, newStatus}``;
- an analyst's decision in Datakeen's back office: ``{analysisId, entityId, correlationId,
  sessionId, newStatus}``;
- the per-session ``webhookURL`` of the create call, as documented: ``{sessionId}``.
"""

from __future__ import annotations

import json
from typing import Any

from providers.base import MalformedPayload, WebhookNotice
from providers.datakeen.normalize import verdict_status

SESSION_END = "session_end"
DECISION = "decision"


def _string(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise MalformedPayload(f"{key} is not a string")
    return str(value)


def parse(body: bytes) -> list[WebhookNotice]:
    """One notice per delivery; raise MalformedPayload with what is wrong."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedPayload("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise MalformedPayload("expected a JSON object")
    session_id = _string(payload, "sessionId").strip()
    if not session_id:
        raise MalformedPayload("no sessionId")
    new_status = _string(payload, "newStatus").strip()
    analysis_id = _string(payload, "analysisId")
    event_type = DECISION if analysis_id else SESSION_END
    _, final = verdict_status(new_status) or (None, False)
    return [
        WebhookNotice(
            external_id=session_id,
            event_type=event_type,
            vendor_status=new_status,
            final=final,
            # The same verdict for the same session (and analysis) twice is one delivery.
            dedupe_key=f"{session_id}:{event_type}:{new_status.lower()}:{analysis_id}",
        )
    ]

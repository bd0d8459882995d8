"""Identify24 webhooks (vendor doc, "Webhook"): unsigned POSTs of
``{ident_id, status, status_code, project_id, custom_id, company_name, first_name, last_name,
custom1..4}``.

Nothing is signed, so our endpoint carries a secret in its URL
(``/webhooks/identify24/<IDENTIFY24_WEBHOOK_TOKEN>/``) checked in constant time, and a delivery
is only a hint: kycdesk reads the ident through the API before believing the status. The
vendor's own example body ends with a trailing comma; such bodies are parsed leniently (trailing
commas only) while kycdesk keeps the raw bytes as they came.
"""

from __future__ import annotations

from providers.base import MalformedPayload, WebhookNotice

from .normalize import as_text, parse_json, read_status

EVENT_TYPE = "ident_status"


def parse(body: bytes) -> list[WebhookNotice]:
    payload = parse_json(body)
    if not isinstance(payload, dict):
        raise MalformedPayload("expected a JSON object")
    ident_id = as_text(payload.get("ident_id"))
    if not ident_id:
        raise MalformedPayload("the delivery names no ident_id")
    status, code = as_text(payload.get("status")), as_text(payload.get("status_code"))
    reading = read_status(status, code)
    return [
        WebhookNotice(
            external_id=ident_id,
            event_type=EVENT_TYPE,
            vendor_status=status or code,
            final=reading.final,
            # Unsigned: no result here; the same status of the same ident twice is one event.
            dedupe_key=f"{ident_id}:{code}:{status}"[:200],
        )
    ]

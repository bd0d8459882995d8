"""VULT deliveries to /webhooks/vult/<VULT_WEBHOOK_TOKEN>/.

The webhook body is not in the document we have (shared/providers/vult.md): VULT does not sign
it as far as we know, so the secret token in our URL is the only check, and a delivery is only a
hint naming a session. The task then reads the session through the API (FETCH_RESULT); nothing
in the body is trusted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from providers.base import MalformedPayload, WebhookNotice

#: Envelopes we look one level into for the session id (our reading: common webhook shapes).
WRAPPERS = ("data", "session", "payload", "object")
EVENT_KEYS = ("event", "event_type", "type")


def _session_id(item: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    """The session id and the object that carries it, from a flat or one-level wrapped shape."""
    for holder in (item, *(item.get(k) for k in WRAPPERS)):
        if isinstance(holder, Mapping) and "session_id" in holder:
            value = holder["session_id"]
            if not isinstance(value, str) or not value.strip():
                raise MalformedPayload("session_id must be a non-empty string")
            return value.strip(), holder
    return None


def _notice(item: Any) -> WebhookNotice:
    if not isinstance(item, Mapping):
        raise MalformedPayload("expected a JSON object naming a session_id")
    found = _session_id(item)
    if found is None:
        raise MalformedPayload("the delivery names no session_id")
    session_id, holder = found
    event = next((str(item[k]) for k in EVENT_KEYS if isinstance(item.get(k), str)), "")
    status = holder.get("status_e") if isinstance(holder.get("status_e"), str) else ""
    # No dedupe key: the body may say the same thing ({"session_id": x}) for two different
    # states; pulling the session twice is harmless (apply_result is idempotent).
    return WebhookNotice(external_id=session_id, event_type=event, vendor_status=status)


def parse(body: bytes) -> list[WebhookNotice]:
    """One notice per session named: an object, or a list of objects, each with a session_id."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedPayload("the body is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise MalformedPayload(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise MalformedPayload("an empty list names no session")
    return [_notice(item) for item in items]

"""VULT-only records kycdesk mirrors or shows: identities, IDA sessions and registered webhooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from providers.base import MalformedPayload, Person, Status, WebhookInfo

from .document import address_of
from .values import _flag, _text, parse_date, parse_timestamp, unified_status


# --- identities, IDA sessions and webhooks: VULT-only records kycdesk mirrors or shows ----------
@dataclass(frozen=True, slots=True)
class VultIdentity:
    """A VULT identity (document section "read identities")."""

    identity_id: str
    person: Person = field(default_factory=Person)
    created_at: dt.datetime | None = None
    verified: bool | None = None
    verified_at: dt.datetime | None = None
    liveness_detected: bool | None = None
    dmv_status: str = ""
    dmv_detected_at: dt.datetime | None = None
    ofac_status: str = ""
    ofac_detected_at: dt.datetime | None = None
    score: float | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IdaSession:
    """An identity authentication session (document section "IDA", session read)."""

    session_id: str
    identity_id: str = ""
    status_e: str = ""
    status: Status = Status.CREATED
    authenticated: bool | None = None
    liveness_detected: bool | None = None
    selfie_given: bool | None = None
    created_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


# A webhook VULT holds for us (document section "Webhook", webhook list): the shared shape.
VendorWebhook = WebhookInfo


def identity(data: Mapping[str, Any]) -> VultIdentity:
    identity_id = _text(data.get("identity_id"))
    if not identity_id:
        raise MalformedPayload("a VULT identity without identity_id")
    score = data.get("score")
    return VultIdentity(
        identity_id=identity_id,
        person=Person(
            first_name=_text(data.get("first_name")),
            middle_name=_text(data.get("middle_name")),
            last_name=_text(data.get("last_name")),
            birth_date=parse_date(data.get("birth_date")),
            gender=_text(data.get("gender_e")),
            address=address_of(data),
        ),
        created_at=parse_timestamp(data.get("created_at")),
        verified=_flag(data.get("verified")),
        verified_at=parse_timestamp(data.get("verified_at")),
        liveness_detected=_flag(data.get("liveness_detected")),
        dmv_status=_text(data.get("dmv_status_e")),
        dmv_detected_at=parse_timestamp(data.get("dmv_detected_at")),
        ofac_status=_text(data.get("ofac_status_e")),
        ofac_detected_at=parse_timestamp(data.get("ofac_detected_at")),
        score=float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None,
        raw=dict(data),
    )


def identities(answer: Mapping[str, Any]) -> list[VultIdentity]:
    """list identities -> {"identities": [...]}; read identities answers with the fields at the
    top level for one identity_id, or in "identities" for several."""
    listed = answer.get("identities")
    if isinstance(listed, list) and listed:
        return [identity(item) for item in listed if isinstance(item, Mapping)]
    return [identity(answer)] if answer.get("identity_id") else []


def ida_session(data: Mapping[str, Any]) -> IdaSession:
    session_id = _text(data.get("session_id"))
    if not session_id:
        raise MalformedPayload("an IDA session without session_id")
    status_e = _text(data.get("status_e"))
    # An IDA session "authenticates" rather than "verifies": same mapping, its own flag.
    status, _ = unified_status(status_e, data.get("authenticated"))
    return IdaSession(
        session_id=session_id,
        identity_id=_text(data.get("identity_id")),
        status_e=status_e,
        status=status,
        authenticated=_flag(data.get("authenticated")),
        liveness_detected=_flag(data.get("liveness_detected")),
        selfie_given=_flag(data.get("selfie_given")),
        created_at=parse_timestamp(data.get("created_at")),
        completed_at=parse_timestamp(data.get("completed_at")),
    )


def ida_sessions(answer: Mapping[str, Any]) -> list[IdaSession]:
    listed = answer.get("sessions")
    if not isinstance(listed, list):
        raise MalformedPayload("the IDA session list has no 'sessions' list")
    return [ida_session(item) for item in listed if isinstance(item, Mapping)]


#: The webhook list's entries are not described in the document ("webhooks": [ ]): the keys we
#: accept for each part, in order.
WEBHOOK_ID_KEYS = ("id", "webhook_id", "_id")
WEBHOOK_STATUS_KEYS = ("status", "status_e", "active", "enabled")


def webhooks(answer: Mapping[str, Any]) -> list[VendorWebhook]:
    listed = answer.get("webhooks")
    if not isinstance(listed, list):
        raise MalformedPayload("the webhook list has no 'webhooks' list")
    found = []
    for item in listed:
        if not isinstance(item, Mapping):
            continue
        external_id = next((_text(item[k]) for k in WEBHOOK_ID_KEYS if _text(item.get(k))), "")
        if not external_id:
            raise MalformedPayload("a listed webhook has no id")
        status = next((_text(item[k]) for k in WEBHOOK_STATUS_KEYS if k in item), "")
        found.append(
            VendorWebhook(
                external_id=external_id,
                name=_text(item.get("name")),
                url=_text(item.get("url")),
                status=status,
                raw=dict(item),
            )
        )
    return found

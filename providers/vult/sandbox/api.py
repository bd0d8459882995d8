"""The operation table's handlers and the one catch-all view that serves them: method + path are
resolved against providers.vult.client.OPERATIONS at request time, so a path corrected there
moves the simulator with the client. ``HANDLERS`` has one function per operation."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from providers.sandbox import faults, tokens
from providers.vult import client as api

from .common import VENDOR, Handler, Refused, _part, _session, _utility, error, now_iso
from .configuration import (
    requirements_read,
    requirements_update,
    webhook_create,
    webhook_delete,
    webhook_list,
    weights_read,
    weights_read_by_id,
    weights_update,
)
from .identities import (
    ida_document_download,
    ida_session_create,
    identity_anonymize,
    identity_document_read,
    identity_image_read,
    identity_list,
    identity_read,
)
from .sessions import (
    _location,
    _session_delete,
    _session_list,
    _session_read,
    idv_document_download,
    idv_document_list,
    idv_session_anonymize,
    idv_session_create,
)

STARTED = timezone.now()


def _status() -> dict[str, Any]:
    return {"status": "ok", "timestamp": now_iso(), "uptime": (timezone.now() - STARTED).total_seconds()}


HANDLERS: dict[str, Handler] = {
    "root": _utility(
        lambda: {
            "service": "kyc-api",
            "description": "VULT KYC API (sandbox)",
            "version": "2.10.15",
            "environment": "sandbox",
            "timestamp": now_iso(),
            "documentation": "/docs",
            "health": "/health",
            "status": "ok",
        }
    ),
    "ping": _utility(lambda: {"pong": True, "timestamp": now_iso()}),
    "api_status": _utility(
        lambda: {
            **_status(),
            "service": "kyc-api",
            "version": "2.10.15",
            "environment": "sandbox",
            "endpoints": {n: f"{o.method} {o.path}" for n, o in api.OPERATIONS.items()},
        }
    ),
    "metrics": _utility(lambda: {"timestamp": now_iso(), "system": {}, "environment": {"name": "sandbox"}}),
    "liveness_probe": _utility(_status),
    "readiness_probe": _utility(lambda: {**_status(), "checks": {"database": "ok"}}),
    "health_simple": _utility(lambda: {"status": "ok", "timestamp": now_iso()}),
    "health": _utility(
        lambda: {
            **_status(),
            "version": "2.10.15",
            "environment": "sandbox",
            "checks": {"database": "ok"},
            "details": {},
        }
    ),
    "version": _utility(lambda: {"version": "2.10.15"}),
    "idv_session_create": idv_session_create,
    "idv_session_list": _session_list("idv"),
    "idv_session_read": _session_read("idv"),
    "idv_session_anonymize": idv_session_anonymize,
    "idv_session_delete": _session_delete("idv"),
    "idv_session_test_read": lambda request, body, params: _part(_session(body, "idv"), "tests"),
    "idv_session_location_read": _location("idv"),
    "idv_document_read": lambda request, body, params: _part(_session(body, "idv"), "document"),
    "idv_document_list": idv_document_list,
    "idv_document_download": idv_document_download,
    "requirements_read": requirements_read,
    "requirements_update": requirements_update,
    "weights_read": weights_read,
    "weights_read_by_id": weights_read_by_id,
    "weights_update": weights_update,
    "ida_session_create": ida_session_create,
    "ida_session_list": _session_list("ida"),
    "ida_session_read": _session_read("ida"),
    "ida_session_delete": _session_delete("ida"),
    "ida_session_location_read": _location("ida"),
    "ida_document_download": ida_document_download,
    "identity_list": identity_list,
    "identity_read": identity_read,
    "identity_anonymize": identity_anonymize,
    "identity_document_read": identity_document_read,
    "identity_image_read": identity_image_read,
    "webhook_create": webhook_create,
    "webhook_list": webhook_list,
    "webhook_delete": webhook_delete,
}


# --- the views ------------------------------------------------------------------------------
def _authorized(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and tokens.check(VENDOR, token.strip())


@faults.guarded(VENDOR, error)
def operation_view(request: HttpRequest, route: str) -> HttpResponse:
    """Every API call: the operation table says which handler answers method + path."""
    found = api.resolve(request.method or "GET", route)
    if found is None:
        return error(404, f"Cannot {request.method} /{route}")
    name, params = found
    if api.OPERATIONS[name].auth and not _authorized(request):
        response = error(401, "Unauthorized")
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    body: dict[str, Any] = {}
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return error(400, "Unexpected token in JSON")
        if not isinstance(body, dict):
            return error(400, "The body must be a JSON object")
    try:
        answer = HANDLERS[name](request, body, params)
    except Refused as refused:
        return error(refused.status, refused.message)
    return (
        answer
        if isinstance(answer, HttpResponse)
        else JsonResponse(answer, status=201 if name.endswith("_create") else 200)
    )

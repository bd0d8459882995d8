"""iDenfy's API as the client uses it: POST only, HTTP Basic with the configured key and secret,
a JSON object body; token, status, data, files, delete and generate-pdf."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hmac
import json
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

from providers.idenfy.forms import LOCALES, TOKEN_TYPES
from providers.sandbox import media, tokens
from providers.sandbox.faults import guarded
from providers.sandbox.models import SimSession

from .common import STATUS_FIELDS, VENDOR, error
from .files import file_links
from .simulators import simulator

DEFAULT_EXPIRY, DEFAULT_SESSION_LENGTH = 86400, 1800


# --- the API ----------------------------------------------------------------------------------
def _authorized(request: HttpRequest) -> bool:
    block = settings.KYCDESK_VENDORS[VENDOR]
    expected = base64.b64encode(f"{block.get('api_key', '')}:{block.get('api_secret', '')}".encode()).decode()
    given = request.headers.get("Authorization", "")
    return bool(block.get("api_key")) and hmac.compare_digest(given.encode(), f"Basic {expected}".encode())


def api(view: Callable[[HttpRequest, dict[str, Any]], HttpResponse]) -> Callable[..., HttpResponse]:
    """POST only, Basic auth, a JSON object body; fault switches first."""

    @guarded(VENDOR, error)
    @functools.wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return error(405, f'Method "{request.method}" not allowed.')
        if not _authorized(request):
            return error(401, "Invalid API key or API secret.")
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return error(400, "JSON parse error.", "JSON_ERROR")
        if not isinstance(body, dict):
            return error(400, "Expected a JSON object.", "JSON_ERROR")
        return view(request, body)

    return wrapper


def _session(body: dict[str, Any]) -> SimSession:
    scan_ref = body.get("scanRef")
    if not isinstance(scan_ref, str) or not scan_ref:
        raise Http404("scanRef: This field is required.")
    session = SimSession.objects.filter(vendor=VENDOR, external_id=scan_ref).first()
    if session is None:
        raise Http404("scanRef: No verification with this scanRef.")
    return session


def _with_session(view: Callable[[HttpRequest, SimSession], HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
        try:
            return view(request, _session(body))
        except Http404 as exc:
            missing = "required" in str(exc)
            return error(400 if missing else 404, str(exc), "MISSING_VALUE" if missing else "BAD_VALUE")

    return wrapper


def _token_problem(body: dict[str, Any]) -> tuple[str, str] | None:
    """(identifier, message) for a body iDenfy would refuse; the main rules of the vendor doc."""
    client_id = body.get("clientId")
    if client_id in (None, ""):
        return "MISSING_VALUE", "clientId: This field is required."
    if not isinstance(client_id, str) or not client_id.isascii() or len(client_id) > 100:
        return "BAD_VALUE", "clientId: ASCII characters only, at most 100."
    expiry = body.get("expiryTime", DEFAULT_EXPIRY)
    if not isinstance(expiry, int) or not 0 < expiry <= 2592000:
        return "BAD_VALUE", "expiryTime: Must be more than 0 and not exceed 2592000."
    length = body.get("sessionLength", DEFAULT_SESSION_LENGTH)
    if not isinstance(length, int) or not 60 < length < 3600:
        return "BAD_VALUE", "sessionLength: Must be more than 60 and less than 3600."
    if body.get("locale") not in (None, *[code for code, _ in LOCALES]):
        return "BAD_VALUE", "locale: Not a supported locale."
    if body.get("tokenType") not in (None, *TOKEN_TYPES):
        return "BAD_VALUE", "tokenType: Not a valid choice."
    if body.get("utilityBill") is True and body.get("additionalSteps"):
        return "VALIDATION_ERROR", "utilityBill can't be used together with additionalSteps."
    return None


@api
def token_view(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    problem = _token_problem(body)
    if problem:
        return error(400, problem[1], problem[0])
    expiry = int(body.get("expiryTime", DEFAULT_EXPIRY))
    scan_ref = str(uuid.uuid4())
    auth_token = tokens.issue(VENDOR, lifetime=dt.timedelta(seconds=expiry))
    SimSession.objects.create(
        vendor=VENDOR,
        external_id=scan_ref,
        status="ACTIVE",
        request=body,
        data={"authToken": auth_token},
        webhook_url=str(body.get("callbackUrl") or ""),
        expires_at=timezone.now() + dt.timedelta(seconds=expiry),
    )
    answer = {
        "locale": "en",
        "showInstructions": True,
        "sessionLength": DEFAULT_SESSION_LENGTH,
        "documents": ["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE"],
        "tokenType": "IDENTIFICATION",
        "utilityBill": False,
        "additionalSteps": None,
        "additionalData": None,
        **body,
        "message": "Token created successfully",
        "authToken": auth_token,
        "scanRef": scan_ref,
        "expiryTime": expiry,
        "digitString": f"{secrets.randbelow(10**8):08d}" if body.get("generateDigitString") else None,
    }
    for key in ("firstName", "lastName"):
        if isinstance(answer.get(key), str):
            answer[key] = answer[key].upper()
    return JsonResponse(answer, status=201)


@api
@_with_session
def status_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    if (
        not session.deleted
        and session.status == "ACTIVE"
        and session.expires_at
        and session.expires_at <= timezone.now()
    ):
        session.status = "EXPIRED"
        session.save(update_fields=["status"])
    return JsonResponse(simulator.status_answer(session))


@api
@_with_session
def data_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    state = simulator.current(session) or {}
    return JsonResponse(state.get("data") or {})


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sandbox-idenfy:root"))


@api
@_with_session
def files_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    return JsonResponse(file_links(session, _base_url(request)))


@api
@_with_session
def delete_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    token_live = session.finished_at is None and (session.expires_at is None or session.expires_at > timezone.now())
    if token_live:
        return error(400, "Token has not expired yet.", "PARTNER_ERROR")
    with transaction.atomic():
        session.files.all().delete()
        session.data = {}
        session.status = "DELETED"
        session.deleted = True
        session.save(update_fields=["data", "status", "deleted"])
    return HttpResponse(status=200)


@api
@_with_session
def pdf_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    state = simulator.current(session)
    if session.deleted or not state or session.status in ("ACTIVE", "REVIEWING"):
        return error(400, "The verification has no final result to report yet.", "PARTNER_ERROR")
    lines = [f"scanRef: {session.external_id}", f"Overall: {session.status}"]
    lines += [f"{key}: {state.get(key) or '-'}" for key in STATUS_FIELDS[:4]]
    document = media.pdf("iDenfy verification report (sandbox)", lines)
    return HttpResponse(base64.b64encode(document), content_type="text/plain")

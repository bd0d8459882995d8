"""The inbound endpoint shared by every vendor: store the delivery first, then queue it.

Each vendor only verifies (on the raw bytes, in its provider's ``verify_webhook``) and parses
(in a task); this view never parses a body.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kycdesk.models import Vendor
from kycdesk.services import webhooks
from kycdesk.services.audit import client_ip


def _read_body(request: HttpRequest, limit: int) -> tuple[bytes, int]:
    """The body, read at most one byte past ``limit``; and the size it claims or has."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return b"", declared  # not read at all: refused with 413
    body = request.read(limit + 1)
    return body, max(declared, len(body))


@csrf_exempt
@require_POST
def receive(request: HttpRequest, vendor: str, token: str = "") -> HttpResponse:
    if vendor not in Vendor.values:
        return JsonResponse({"error": "unknown vendor"}, status=404)
    body, size = _read_body(request, settings.KYCDESK_WEBHOOK_MAX_BYTES)
    try:
        intake = webhooks.receive_delivery(
            vendor=vendor,
            headers=webhooks.kept_headers(request.META),
            body=body,
            size=size,
            source_ip=client_ip(request),
            path_token=token,
        )
    except DatabaseError:
        # Nothing was committed, so nothing may be acknowledged: the vendor retries later.
        response = JsonResponse({"error": "temporarily unavailable"}, status=503)
        response["Retry-After"] = "30"
        return response
    if intake.http_status >= 400:
        response = JsonResponse({"error": intake.message}, status=intake.http_status)
        if intake.retry_after is not None:
            response["Retry-After"] = str(intake.retry_after)
        return response
    return JsonResponse({"received": intake.delivery.pk}, status=200)

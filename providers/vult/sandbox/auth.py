"""The OAuth2 token endpoint at ``oauth/token`` (VULT_TOKEN_URL defaults here in sandbox mode):
client credentials only; tokens expire after ``TOKEN_LIFETIME``."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from urllib.parse import parse_qs, unquote_plus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from providers.sandbox import tokens

from .common import VENDOR

TOKEN_LIFETIME = dt.timedelta(hours=1)


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """RFC 6749 §2.3.1: HTTP Basic (form-urlencoded parts), or client_id/client_secret in the form."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return unquote_plus(client_id), unquote_plus(secret)
    form = parse_qs(request.body.decode("utf-8", "replace"))
    return form.get("client_id", [""])[0], form.get("client_secret", [""])[0]


@csrf_exempt
def token_view(request: HttpRequest) -> HttpResponse:
    """The OAuth2 token endpoint (client credentials grant only)."""
    if request.method != "POST":
        return JsonResponse({"error": "invalid_request", "error_description": "POST only."}, status=405)
    form = parse_qs(request.body.decode("utf-8", "replace"))
    if form.get("grant_type", [""])[0] != "client_credentials":
        return JsonResponse(
            {"error": "unsupported_grant_type", "error_description": "Only client_credentials is supported."},
            status=400,
        )
    block = getattr(settings, "KYCDESK_VENDORS", {}).get(VENDOR, {})
    client_id, secret = _client_credentials(request)
    if not client_id or (client_id, secret) != (block.get("client_id"), block.get("client_secret")):
        return JsonResponse(
            {"error": "invalid_client", "error_description": "Client authentication failed."}, status=401
        )
    token = tokens.issue(VENDOR, lifetime=TOKEN_LIFETIME, prefix="vult_")
    response = JsonResponse(
        {"access_token": token, "token_type": "Bearer", "expires_in": int(TOKEN_LIFETIME.total_seconds())}
    )
    response["Cache-Control"] = "no-store"
    return response

"""IdenfyClient: one method per iDenfy endpoint we use, over providers.http.HttpClient.

Every call is HTTP Basic with the API key as user name and the API secret as password
(vendor doc, "Sending request"). Errors come back as ``{identifier, message}`` (sometimes
with ``documentation`` and ``severity``; shared/providers/idenfy.md, "Errors").
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import requests

from providers.base import ProviderConfig, ProviderError
from providers.http import CallKind, HttpClient, StaticAuth, default_error_parser

VENDOR = "idenfy"

# The identifier iDenfy uses when its rate limit (10,000 requests an hour by default) is hit.
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"


def error_parser(response: requests.Response) -> tuple[str, str]:
    """(identifier, message) from iDenfy's error shape; anything else as the default parser reads it."""
    try:
        body = response.json()
    except ValueError:
        return default_error_parser(response)
    if isinstance(body, Mapping) and ("identifier" in body or "message" in body):
        identifier = str(body.get("identifier") or "")
        message = str(body.get("message") or identifier or response.reason or f"HTTP {response.status_code}")
        return identifier, message
    return default_error_parser(response)


def basic_auth(api_key: str, api_secret: str) -> StaticAuth:
    token = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode("ascii")
    return StaticAuth({"Authorization": f"Basic {token}"})


class IdenfyClient:
    def __init__(self, config: ProviderConfig, *, http: HttpClient | None = None) -> None:
        self.http = http or HttpClient(
            vendor=VENDOR,
            base_url=config.base_url,
            auth=basic_auth(config.credentials.get("api_key", ""), config.credentials.get("api_secret", "")),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            max_retries=config.max_retries,
            error_parser=error_parser,
        )

    def _post(self, path: str, body: Mapping[str, Any], kind: CallKind) -> Any:
        response = self.http.request("POST", path, kind=kind, json=dict(body))
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise ProviderError(VENDOR, f"iDenfy answered {path} with a body that is not JSON.") from None

    def create_token(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST /api/v2/token: 201 with authToken, scanRef and the echo of the options.

        A token can be billed, so this call is never repeated automatically (CallKind.CREATE).
        """
        answer = self._post("api/v2/token", body, CallKind.CREATE)
        if not isinstance(answer, dict) or not answer.get("scanRef") or not answer.get("authToken"):
            raise ProviderError(VENDOR, "iDenfy created no token: the answer has no scanRef or authToken.")
        return answer

    def redirect_url(self, auth_token: str) -> str:
        """The person's link: GET /api/v2/redirect?authToken=... on the API host."""
        return self.http.url("api/v2/redirect") + "?" + urlencode({"authToken": auth_token})

    def status(self, scan_ref: str) -> dict[str, Any]:
        """POST /api/v2/status. Only for a webhook's confirmation or an overdue session: iDenfy
        may restrict accounts that poll it routinely (shared/providers/idenfy.md)."""
        return self._mapping("api/v2/status", scan_ref)

    def data(self, scan_ref: str) -> dict[str, Any]:
        """POST /api/v2/data: the same doc* fields as the webhook's ``data``."""
        return self._mapping("api/v2/data", scan_ref)

    def files(self, scan_ref: str) -> dict[str, Any]:
        """POST /api/v2/files: fresh links to the photos and videos (keys as in ``fileUrls``)."""
        return self._mapping("api/v2/files", scan_ref)

    def _mapping(self, path: str, scan_ref: str) -> dict[str, Any]:
        answer = self._post(path, {"scanRef": scan_ref}, CallKind.READ)
        if not isinstance(answer, dict):
            raise ProviderError(VENDOR, f"iDenfy answered {path} with something other than a JSON object.")
        return answer

    def delete(self, scan_ref: str) -> None:
        """POST /api/v2/delete: 200 and an empty body. Deleting twice is deleting once."""
        self._post("api/v2/delete", {"scanRef": scan_ref}, CallKind.IDEMPOTENT)

    def generate_pdf(self, scan_ref: str, language: str = "") -> bytes:
        """POST /api/v2/generate-pdf: the verification report, sent as Base64."""
        body = {"scanRef": scan_ref, **({"language": language} if language else {})}
        response = self.http.request("POST", "api/v2/generate-pdf", kind=CallKind.READ, json=body)
        return decode_pdf(response.content)

    def download(self, url: str) -> requests.Response:
        """GET a file link (``fileUrls``): pre-signed, so it is fetched without our credentials."""
        return self.http.request("GET", url, kind=CallKind.READ, use_auth=False, stream=True)


# Our reading (unconfirmed): "PDF as Base64" is either the bare Base64 text, a JSON string, or a
# JSON object holding it under one of these keys.
PDF_KEYS = ("pdf", "file", "content", "data")


def decode_pdf(content: bytes) -> bytes:
    text = content.strip()
    if text[:1] in (b"{", b'"'):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            parsed = next((parsed[k] for k in PDF_KEYS if isinstance(parsed.get(k), str)), None)
        text = parsed.encode("ascii", "ignore") if isinstance(parsed, str) else b""
    if text.startswith(b"data:"):
        text = text.partition(b",")[2]
    try:
        pdf = base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        pdf = b""
    if not pdf.startswith(b"%PDF-"):
        raise ProviderError(VENDOR, "iDenfy's report answer is not a Base64 PDF.")
    return pdf

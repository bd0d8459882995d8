"""Datakeen IDify v1: one method per endpoint we use, over the HTTP seam; returns vendor JSON.

Source: vendor-docs/datakeen-idify-sessions.txt ("I. Create sessions by API") and our notes in
shared/providers/datakeen.md. Every answer but the template list is wrapped in the envelope
``{"status", "message", "data"}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import requests

from providers.base import ProviderConfig, ProviderError
from providers.http import CallKind, HttpClient, tokens

VENDOR = "datakeen"

AUTH_PATH = "backend/auth"  # 1. Retrieve a new token (POST)
TEMPLATES_PATH = "backend/admin/templates"  # 2. Retrieve session templates (GET)
SESSIONS_PATH = "backend/api/v1/session"  # 3. Create a new session (POST)
SESSION_PATH = "backend/api/v1/session/{session_id}"  # 4. Get the result of a session (GET)
#: UNCONFIRMED. Datakeen offers document download but does not publish its path to us
#: (providers/datakeen.md); this is our reading, the one line to change once Datakeen confirms it.
#: ``name`` is a page's ``path`` from the result document.
DOCUMENT_PATH = "backend/api/v1/session/{session_id}/document/{name}"

#: "The token is valid 24h" (section 1). We stop using it an hour early so that a call never
#: leaves with a token that expires on the way.
TOKEN_LIFETIME = dt.timedelta(hours=24)
TOKEN_MARGIN = dt.timedelta(hours=1)
CHUNK = 64 * 1024


def unwrap(response: requests.Response) -> Any:
    """The JSON body; an envelope whose own ``status`` is an error raises with the vendor's message
    even when the HTTP status was 200."""
    try:
        body = response.json()
    except ValueError:
        raise ProviderError(VENDOR, "The answer is not JSON.", status=response.status_code, code="MALFORMED") from None
    if isinstance(body, dict) and isinstance(body.get("status"), int) and body["status"] >= 400:
        status = body["status"]
        raise ProviderError(
            VENDOR,
            str(body.get("message") or f"Error {status}"),
            status=status,
            code=str(status),
            retryable=status >= 500,
        )
    return body


def envelope_data(body: Any, what: str) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ProviderError(VENDOR, f"The {what} answer has no data object.", code="MALFORMED")
    return data


class DatakeenAuth:
    """``Authorization: Basic <token>``: the login token itself, not base64 of credentials
    (section 1). Cached in the process-wide token store; forgotten on a 401 so the seam logs in
    once more and retries."""

    refreshable = True

    def __init__(self, *, base_url: str, username: str, password: str) -> None:
        self.username = username
        self.password = password
        self.key = tokens.key(VENDOR, base_url, username, password)

    def headers(self, client: HttpClient, body: bytes) -> dict[str, str]:
        token = tokens.get(self.key) or self.login(client)
        return {"Authorization": f"Basic {token}"}

    def login(self, client: HttpClient) -> str:
        answer = client.request(
            "POST",
            AUTH_PATH,
            kind=CallKind.IDEMPOTENT,  # a second login only yields a second token
            json={"username": self.username, "password": self.password},
            use_auth=False,
        )
        token = envelope_data(unwrap(answer), "login").get("token")
        if not isinstance(token, str) or not token:
            raise ProviderError(VENDOR, "The login answer carries no token.", code="MALFORMED")
        tokens.put(self.key, token, lifetime=(TOKEN_LIFETIME - TOKEN_MARGIN).total_seconds())
        return token

    def invalidate(self) -> None:
        tokens.forget(self.key)


class DatakeenClient:
    def __init__(self, http: HttpClient) -> None:
        self.http = http

    @classmethod
    def from_config(cls, config: ProviderConfig) -> DatakeenClient:
        credentials = config.credentials
        auth = DatakeenAuth(
            base_url=config.base_url, username=credentials.get("username", ""), password=credentials.get("password", "")
        )
        return cls(
            HttpClient(
                vendor=VENDOR,
                base_url=config.base_url,
                auth=auth,
                connect_timeout=config.connect_timeout,
                read_timeout=config.read_timeout,
                max_retries=config.max_retries,
            )
        )

    def list_templates(self) -> list[dict[str, Any]]:
        """[{name, default, status, _id, createdAt}]. The doc shows a bare list; an envelope is
        accepted too."""
        body = unwrap(self.http.request("GET", TEMPLATES_PATH, kind=CallKind.READ))
        if isinstance(body, dict):
            body = body.get("data")
        if not isinstance(body, list):
            raise ProviderError(VENDOR, "The template list is not a list.", code="MALFORMED")
        return [item for item in body if isinstance(item, dict)]

    def create_session(
        self,
        *,
        webhook_url: str,
        template_id: str = "",
        first_name: str = "",
        last_name: str = "",
        birth_date: dt.date | None = None,
        callback_url: str = "",
    ) -> dict[str, Any]:
        """The envelope with data {link, sessionId, QRCode}. Never retried: each call is a new,
        single-use session (section 3)."""
        body: dict[str, Any] = {"QR": True, "webhookURL": webhook_url}
        optional = {
            "templateId": template_id,
            "firstName": first_name,
            "lastName": last_name,
            "birthDate": birth_date.strftime("%d/%m/%Y") if birth_date else "",  # 'dd/mm/yyyy' format
            "callbackURL": callback_url,
        }
        body.update({key: value for key, value in optional.items() if value})
        return unwrap(self.http.request("POST", SESSIONS_PATH, kind=CallKind.CREATE, json=body))

    def get_session(self, session_id: str) -> dict[str, Any]:
        """The result envelope, data {analysid_id, job_status: {predictions: [...]}} (section 4)."""
        path = SESSION_PATH.format(session_id=quote(session_id, safe=""))
        body = unwrap(self.http.request("GET", path, kind=CallKind.READ))
        if not isinstance(body, dict):
            raise ProviderError(VENDOR, "The session result is not a JSON object.", code="MALFORMED")
        return body

    def download_document(self, session_id: str, name: str) -> Iterator[bytes]:
        """The bytes of one uploaded file, in chunks (path UNCONFIRMED: see DOCUMENT_PATH)."""
        path = DOCUMENT_PATH.format(session_id=quote(session_id, safe=""), name=quote(name, safe=""))
        response = self.http.request("GET", path, kind=CallKind.READ, headers={"Accept": "*/*"}, stream=True)
        with response:
            yield from response.iter_content(CHUNK)

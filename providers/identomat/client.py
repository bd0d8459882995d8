"""Identomat's external API: one method per call we use, over providers.http.HttpClient.

Every call is a POST to ``<base_url><path>`` with ``company_key`` in the JSON body (developer
guide, "Procedure"; shared/providers/identomat.md, "Calls"). Answers:

- ``begin/`` answers a bare JSON string: the session token;
- ``result/`` and ``delete/`` answer a JSON document;
- the media calls answer raw bytes; a JSON answer from them is an error;
- an error may come as a bare JSON string such as ``"COMPANY_KEY_INVALID"``, with a 2xx or a 4xx.

Optional HMAC (identomat.md, "HMAC"): with a secret key, every request carries
``Authorization: signature="<base64(HMAC-SHA256(secret_key, request_body))>"`` and every
successful response carries the same header over its body, which we verify; a response that is
unsigned or mis-signed is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from providers.base import ProviderError
from providers.http import CallKind, HttpClient, default_error_parser

VENDOR = "identomat"
DEFAULT_BASE_URL = "https://widget.identomat.com/external-api/"

#: The media calls (identomat.md, "Calls"): path -> what it serves.
MEDIA_PATHS = (
    "result/card-front/",
    "result/card-back/",
    "result/passport/",
    "result/face/",
    "result/face-video/",
)

#: An error answered as a bare JSON string is an UPPER_SNAKE code (identomat.md, "Calls").
ERROR_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
#: What the codes we know mean, in words staff can act on; any other code is shown as it came.
KNOWN_ERRORS = {
    "COMPANY_KEY_INVALID": "Identomat refused the company key (IDENTOMAT_COMPANY_KEY).",
    "SESSION_NOT_FOUND": "Identomat has no session with this token.",
    "SESSION_INVALID": "Identomat says this session token is invalid.",
}
SIGNATURE = re.compile(r'\s*signature="([^"]*)"\s*')
#: A JSON error answered by a media call is small; never read more than this of one.
MAX_ERROR_BYTES = 64 * 1024
CHUNK = 64 * 1024


def error_code(value: Any) -> str:
    """The error code a bare-string answer carries, or "" when it is not one."""
    if isinstance(value, str) and ERROR_CODE.fullmatch(value.strip()):
        return value.strip()
    return ""


def code_error(code: str, *, status: int | None) -> ProviderError:
    # SESSION_* codes are about one token and COMPANY_KEY_INVALID is configuration: repeating the
    # same call cannot help.
    return ProviderError(VENDOR, KNOWN_ERRORS.get(code, f"Identomat answered {code}."), status=status, code=code)


def error_parser(response: requests.Response) -> tuple[str, str]:
    """Identomat's error shape: a bare JSON string code; anything else as the default parser reads it."""
    try:
        body = response.json()
    except ValueError:
        return default_error_parser(response)
    code = error_code(body)
    if code:
        return code, KNOWN_ERRORS.get(code, f"Identomat answered {code}.")
    return default_error_parser(response)


def sign(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret_key, body)), as Identomat signs requests and responses."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode("ascii")


def signature_header(secret: str, body: bytes) -> str:
    return f'signature="{sign(secret, body)}"'


def header_signature(value: str | None) -> str:
    """The base64 signature in an ``Authorization: signature="..."`` header, or ""."""
    match = SIGNATURE.fullmatch(value or "")
    return match.group(1) if match else ""


class HmacAuth:
    """Signs each request body; Identomat's HMAC has no login, so a 401 is final."""

    refreshable = False

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def headers(self, client: HttpClient, body: bytes) -> dict[str, str]:
        return {"Authorization": signature_header(self.secret, body)}

    def invalidate(self) -> None:
        """Nothing to refresh."""


class IdentomatClient:
    def __init__(
        self,
        *,
        company_key: str,
        secret_key: str = "",
        base_url: str = "",
        http: HttpClient | None = None,
        **http_options: Any,
    ) -> None:
        self.company_key = company_key
        self.secret_key = secret_key
        self.http = http or HttpClient(
            vendor=VENDOR,
            base_url=base_url or DEFAULT_BASE_URL,
            auth=HmacAuth(secret_key) if secret_key else None,
            error_parser=error_parser,
            **http_options,
        )

    # --- calls ---------------------------------------------------------------------------
    def begin(
        self,
        *,
        flags: Mapping[str, Any] | None = None,
        steps: list[Mapping[str, Any]] | None = None,
        config_id: str = "",
        parent_session_id: str = "",
    ) -> str:
        """Start a session; return its session_token (valid 15 minutes by default).

        Either ``flags`` (and optional ``steps``) or a dashboard ``config_id`` (identomat.md).
        Creating a session may be billed: never repeated automatically (CallKind.CREATE).
        """
        body: dict[str, Any] = {}
        if config_id:
            body["config_id"] = config_id
        else:
            body["flags"] = dict(flags or {})
            if steps:
                body["steps"] = list(steps)
        if parent_session_id:
            body["parent_session_id"] = parent_session_id
        answer = self._call("begin/", body, kind=CallKind.CREATE)
        if not isinstance(answer, str) or not answer.strip():
            raise ProviderError(VENDOR, "Identomat's begin/ did not answer a session token.", code="MALFORMED_ANSWER")
        return answer.strip()

    def result(self, session_token: str) -> dict[str, Any]:
        answer = self._call("result/", {"session_token": session_token}, kind=CallKind.READ)
        if not isinstance(answer, dict):
            raise ProviderError(VENDOR, "Identomat's result/ did not answer a JSON document.", code="MALFORMED_ANSWER")
        return answer

    def delete(self, session_token: str) -> Any:
        """Delete the session record; the answer is the deleted session's data."""
        return self._call("delete/", {"session_token": session_token}, kind=CallKind.IDEMPOTENT)

    def media(self, path: str, session_token: str) -> Iterator[bytes]:
        """Stream one file (image or video) in chunks.

        With HMAC, the signature covers the whole body, so it can only be checked after the last
        chunk: a mismatch raises there, and kycdesk's download never stores a file whose stream
        raised (kycdesk.services.media writes the file only after the loop ends).
        """
        if path not in MEDIA_PATHS:
            raise ProviderError(VENDOR, f"Unknown Identomat media call {path!r}.", code="UNKNOWN_MEDIA")
        response = self.http.request(
            "POST", path, kind=CallKind.READ, json=self._body({"session_token": session_token}), stream=True
        )
        with response:
            chunks = response.iter_content(CHUNK)
            first = next(chunks, b"")
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type == "application/json" or first.lstrip()[:1] in (b'"', b"{", b"["):
                raise self._media_error(response, first, chunks)
            digest = hmac.new(self.secret_key.encode(), digestmod=hashlib.sha256) if self.secret_key else None
            if first:
                if digest is not None:
                    digest.update(first)
                yield first
            for chunk in chunks:
                if digest is not None:
                    digest.update(chunk)
                yield chunk
            if digest is not None:
                self._check_signature(response, base64.b64encode(digest.digest()).decode("ascii"))

    # --- plumbing ------------------------------------------------------------------------
    def _body(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        return {"company_key": self.company_key, **fields}

    def _call(self, path: str, fields: Mapping[str, Any], *, kind: CallKind) -> Any:
        response = self.http.request("POST", path, kind=kind, json=self._body(fields))
        content = response.content
        try:
            answer = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            raise ProviderError(
                VENDOR, f"Identomat's {path} answered something that is not JSON.", code="MALFORMED_ANSWER"
            ) from None
        code = error_code(answer)
        if code:
            # An error answer is not signed (identomat.md, "HMAC"): report the vendor's code.
            raise code_error(code, status=response.status_code)
        if self.secret_key:
            self._check_signature(response, sign(self.secret_key, content))
        return answer

    def _check_signature(self, response: requests.Response, expected: str) -> None:
        given = header_signature(response.headers.get("Authorization"))
        if not given:
            raise ProviderError(
                VENDOR,
                "Identomat's answer carries no HMAC signature although a secret key is configured; refused.",
                status=response.status_code,
                code="SIGNATURE_MISSING",
            )
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise ProviderError(
                VENDOR,
                "Identomat's answer does not match its HMAC signature (tampered, or a different secret key); refused.",
                status=response.status_code,
                code="SIGNATURE_INVALID",
            )

    def _media_error(self, response: requests.Response, first: bytes, chunks: Iterator[bytes]) -> ProviderError:
        content = first
        for chunk in chunks:
            content += chunk
            if len(content) > MAX_ERROR_BYTES:
                break
        try:
            answer = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            answer = None
        code = error_code(answer)
        if code:
            return code_error(code, status=response.status_code)
        return ProviderError(
            VENDOR,
            "Identomat answered JSON instead of a file: there is no such file for this session.",
            status=response.status_code,
            code="NOT_A_FILE",
        )

"""VULT Security "KYC API" 2.10.15 over the HTTP seam: one method per operation we use.

The rendered reference we have (shared/vendor-docs/kyc-api-2.10.15.txt) lost every HTTP method
and path, and the OAuth2 token URL. So:

- every operation's method and path lives in :data:`OPERATIONS`, the ONE table the client and
  the simulator (providers/vult/sandbox/) both read, at call time: correcting a path against
  VULT's OpenAPI file is one edit here, and moves both;
- the paths are our reading: resource-style names derived from the operation titles
  (shared/providers/vult.md); every operation with a JSON body is a POST (the document shows a
  request body even for reads), the three with query/path parameters (get requirements, get
  weights, get weights by id) and the body-less utility calls are GETs;
- OAuth2 client credentials (RFC 6749 §4.4, client authenticated with HTTP Basic, §2.3.1, which
  every server must accept) against ``token_url``; the bearer token is cached in
  ``providers.http.tokens`` until its ``expires_in`` and fetched again after a 401.

Methods return the vendor's JSON (or the streaming response for files); normalize.py reads it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import requests

from providers.base import ProviderConfig, ProviderError
from providers.http import CallKind, HttpClient, tokens

VENDOR = "vult"


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str  # relative to the base URL; "{name}" marks a path parameter
    kind: CallKind
    auth: bool = True  # the utility calls show no "Authorizations" in the document


def _post(path: str, kind: CallKind = CallKind.READ) -> Operation:
    return Operation("POST", path, kind)


#: operation name -> (method, path). Our reading of the lost paths: see the module docstring.
OPERATIONS: dict[str, Operation] = {
    # Utility (no auth shown in the document)
    "root": Operation("GET", "/", CallKind.READ, auth=False),
    "ping": Operation("GET", "/ping", CallKind.READ, auth=False),
    "api_status": Operation("GET", "/status", CallKind.READ, auth=False),
    "metrics": Operation("GET", "/metrics", CallKind.READ, auth=False),
    "liveness_probe": Operation("GET", "/health/live", CallKind.READ, auth=False),
    "readiness_probe": Operation("GET", "/health/ready", CallKind.READ, auth=False),
    "health_simple": Operation("GET", "/health/simple", CallKind.READ, auth=False),
    "health": Operation("GET", "/health", CallKind.READ, auth=False),
    "version": Operation("GET", "/version", CallKind.READ, auth=False),
    # IDV: identity verification sessions
    "idv_session_create": _post("/idv/session/create", CallKind.CREATE),
    "idv_session_list": _post("/idv/session/list"),
    "idv_session_read": _post("/idv/session/read"),
    "idv_session_anonymize": _post("/idv/session/anonymize", CallKind.IDEMPOTENT),
    "idv_session_delete": _post("/idv/session/delete", CallKind.IDEMPOTENT),
    "idv_session_test_read": _post("/idv/session/test/read"),
    "idv_session_location_read": _post("/idv/session/location/read"),
    "idv_document_read": _post("/idv/document/read"),
    "idv_document_list": _post("/idv/document/list"),
    "idv_document_download": _post("/idv/document/download"),
    "requirements_read": Operation("GET", "/idv/requirements", CallKind.READ),
    "requirements_update": _post("/idv/requirements/update", CallKind.IDEMPOTENT),
    "weights_read": Operation("GET", "/idv/weights", CallKind.READ),
    "weights_read_by_id": Operation("GET", "/idv/weights/{id}", CallKind.READ),
    "weights_update": _post("/idv/weights/update", CallKind.IDEMPOTENT),
    # IDA: identity authentication (re-authentication of a verified identity)
    "ida_session_create": _post("/ida/session/create", CallKind.CREATE),
    "ida_session_list": _post("/ida/session/list"),
    "ida_session_read": _post("/ida/session/read"),
    "ida_session_delete": _post("/ida/session/delete", CallKind.IDEMPOTENT),
    "ida_session_location_read": _post("/ida/session/location/read"),
    "ida_document_download": _post("/ida/document/download"),
    # Identities
    "identity_list": _post("/identity/list"),
    "identity_read": _post("/identity/read"),
    "identity_anonymize": _post("/identity/anonymize", CallKind.IDEMPOTENT),
    "identity_document_read": _post("/identity/document/read"),
    "identity_image_read": _post("/identity/image/read"),
    # Webhooks
    "webhook_create": _post("/webhook/create", CallKind.CREATE),
    "webhook_list": _post("/webhook/list"),
    "webhook_delete": _post("/webhook/delete", CallKind.IDEMPOTENT),
}

_PARAM = re.compile(r"\{(\w+)\}")


def path_for(name: str, **params: str) -> str:
    """The operation's path with its path parameters filled in (URL-quoted)."""
    template = OPERATIONS[name].path
    return _PARAM.sub(lambda m: quote(str(params[m.group(1)]), safe=""), template)


def _pattern(template: str) -> str:
    parts, position = [], 0
    for found in _PARAM.finditer(template):
        parts += [re.escape(template[position : found.start()]), f"(?P<{found.group(1)}>[^/]+)"]
        position = found.end()
    parts.append(re.escape(template[position:]))
    return "".join(parts)


def resolve(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """Which operation serves ``method`` + ``path`` (the simulator's router), with its parameters.

    Reads the table at call time, so the simulator serves whatever path the client calls.
    """
    path = "/" + path.strip("/")
    for name, operation in OPERATIONS.items():
        if operation.method == method.upper():
            found = re.fullmatch(_pattern("/" + operation.path.strip("/")), path)
            if found:
                return name, found.groupdict()
    return None


# Enums from the document, validated before any call.
DOCUMENT_TYPES = ("unknown", "driver_license", "identification_card", "passport", "passport_card")
STORAGE_FILE_TYPES = (
    "unknown",
    "driver_license_front",
    "driver_license_back",
    "state_id_card_front",
    "state_id_card_back",
    "passport_front",
    "passport_card_front",
    "passport_card_back",
    "selfie",
    "liveness_passive",
    "liveness_active_step_1",
    "liveness_active_step_2",
    "liveness_active_step_3",
    "liveness_active_step_4",
)
CAPTURE_TYPES = ("unknown", "front_doc_image_capture", "back_doc_image_capture", "selfie_image_capture")
LIVENESS_MODES = ("passive", "passive_active")
SESSION_STATUSES = ("unknown", "in_progress", "complete", "temporarily_blocked", "temporarily_complete", "expired")

#: Seconds taken off ``expires_in`` so a token is never sent in its last moments.
TOKEN_EXPIRY_MARGIN = 30.0
#: When the token answer has no ``expires_in`` (RFC 6749 only recommends it).
DEFAULT_TOKEN_LIFETIME = 300.0
#: Timeouts of the health badge's ping (connect, read): the admin must not wait on a sick vendor.
HEALTH_TIMEOUT = (2.0, 3.0)
DOWNLOAD_CHUNK = 64 * 1024


def _one_of(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    return value


def _drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


class OAuth2ClientCredentials:
    """The auth hook: a bearer token from the client-credentials grant, cached until it expires.

    The cache is the process-wide ``providers.http.tokens`` keyed by vendor, token URL and a hash
    of the credentials, so each web or worker process logs in once per token lifetime.
    """

    refreshable = True

    def __init__(self, *, token_url: str, client_id: str, client_secret: str) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = tokens.key(VENDOR, token_url, client_id, client_secret)

    def headers(self, client: HttpClient, body: bytes) -> dict[str, str]:
        token = tokens.get(self.key) or self._fetch(client)
        return {"Authorization": f"Bearer {token}"}

    def invalidate(self) -> None:
        tokens.forget(self.key)

    def _fetch(self, client: HttpClient) -> str:
        if not self.token_url:
            raise ProviderError(VENDOR, "VULT_TOKEN_URL is not set.", code="CONFIGURATION")
        # RFC 6749 §2.3.1: both are form-urlencoded before the Basic encoding.
        pair = f"{quote_plus(self.client_id)}:{quote_plus(self.client_secret)}"
        basic = base64.b64encode(pair.encode()).decode()
        response = client.request(
            "POST",
            self.token_url,
            kind=CallKind.IDEMPOTENT,  # asking for a token twice is harmless
            data=urlencode({"grant_type": "client_credentials"}).encode(),
            headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
            use_auth=False,
        )
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, Mapping) or not answer.get("access_token"):
            raise ProviderError(VENDOR, "The token endpoint answered without an access_token.", code="BAD_TOKEN")
        if str(answer.get("token_type", "bearer")).lower() != "bearer":
            raise ProviderError(VENDOR, f"Unsupported token type {answer.get('token_type')!r}.", code="BAD_TOKEN")
        try:
            lifetime = float(answer.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
        except (TypeError, ValueError):
            lifetime = DEFAULT_TOKEN_LIFETIME
        token = str(answer["access_token"])
        tokens.put(self.key, token, lifetime=max(0.0, lifetime - TOKEN_EXPIRY_MARGIN))
        return token


class VultClient:
    """One method per VULT operation. Each returns the vendor's JSON (files: a streamed response)."""

    def __init__(self, config: ProviderConfig, **http_options: Any) -> None:
        """``http_options`` go to the HttpClient (tests pass ``sleep``)."""
        creds = config.credentials
        self.http = HttpClient(
            vendor=VENDOR,
            base_url=config.base_url,
            auth=OAuth2ClientCredentials(
                token_url=creds.get("token_url", ""),
                client_id=creds.get("client_id", ""),
                client_secret=creds.get("client_secret", ""),
            ),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            max_retries=config.max_retries,
            **http_options,
        )
        # The health badge's client: short timeouts and no retry, so a sick vendor answers fast.
        self.quick = HttpClient(
            vendor=VENDOR,
            base_url=config.base_url,
            connect_timeout=HEALTH_TIMEOUT[0],
            read_timeout=HEALTH_TIMEOUT[1],
            max_retries=0,
            **http_options,
        )

    # --- the one way to call an operation ------------------------------------------------
    def call(
        self,
        name: str,
        body: Mapping[str, Any] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        path_params: Mapping[str, str] | None = None,
        stream: bool = False,
        quick: bool = False,
    ) -> requests.Response:
        operation = OPERATIONS[name]  # read now, not at import: the table is the one source
        if quick and operation.auth:
            raise ValueError(f"{name} needs a token: it cannot take the quick, token-less path.")
        return (self.quick if quick else self.http).request(
            operation.method,
            path_for(name, **(path_params or {})),
            kind=operation.kind,
            json=dict(body) if body is not None else None,
            params=_drop_none(params) if params else None,
            use_auth=operation.auth,
            stream=stream,
        )

    def answer(self, name: str, body: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        response = self.call(name, body, **kwargs)
        if not response.content.strip():
            return {}  # the document's "{ }" answers: some servers send nothing at all
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):  # every JSON answer in the document is an object
            raise ProviderError(
                VENDOR, f"{name}: the answer is not a JSON object.", status=response.status_code, code="NOT_JSON"
            )
        return answer

    @staticmethod
    def chunks(response: requests.Response) -> Iterator[bytes]:
        with response:
            yield from response.iter_content(DOWNLOAD_CHUNK)

    # --- utility ---------------------------------------------------------------------------
    def root(self) -> dict[str, Any]:
        return self.answer("root")

    def ping(self, *, quick: bool = False) -> dict[str, Any]:
        return self.answer("ping", quick=quick)

    def api_status(self) -> dict[str, Any]:
        return self.answer("api_status")

    def metrics(self) -> dict[str, Any]:
        return self.answer("metrics")

    def liveness_probe(self) -> dict[str, Any]:
        return self.answer("liveness_probe")

    def readiness_probe(self) -> dict[str, Any]:
        return self.answer("readiness_probe")

    def health_simple(self) -> dict[str, Any]:
        return self.answer("health_simple")

    def health(self, *, quick: bool = False) -> dict[str, Any]:
        return self.answer("health", quick=quick)

    def version(self) -> dict[str, Any]:
        return self.answer("version")

    # --- IDV sessions --------------------------------------------------------------------
    def idv_session_create(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        liveness_mode: str | None = None,
        webhook_url: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        if liveness_mode is not None:
            _one_of(liveness_mode, LIVENESS_MODES, "liveness_mode")
        body = {"metadata": metadata, "liveness_mode": liveness_mode, "webhook_url": webhook_url, "settings": settings}
        return self.answer("idv_session_create", _drop_none(body))

    def idv_session_list(self, **filters: Any) -> dict[str, Any]:
        """Filters: take, skip, search_term, start_date, end_date, metadata, identity_id, status,
        client_id, user_id."""
        if filters.get("status") is not None:
            _one_of(filters["status"], SESSION_STATUSES, "status")
        return self.answer("idv_session_list", _drop_none(filters))

    def idv_session_read(self, session_id: str) -> dict[str, Any]:
        return self.answer("idv_session_read", {"session_id": session_id})

    def idv_session_anonymize(self, session_id: str) -> dict[str, Any]:
        return self.answer("idv_session_anonymize", {"session_id": session_id})

    def idv_session_delete(self, session_id: str) -> dict[str, Any]:
        return self.answer("idv_session_delete", {"session_id": session_id})

    def idv_session_test_read(self, session_id: str) -> dict[str, Any]:
        return self.answer("idv_session_test_read", {"session_id": session_id})

    def idv_session_location_read(self, session_id: str, capture_type: str) -> dict[str, Any]:
        _one_of(capture_type, CAPTURE_TYPES, "location_capture_type_e")
        return self.answer(
            "idv_session_location_read", {"session_id": session_id, "location_capture_type_e": capture_type}
        )

    def idv_document_read(self, session_id: str) -> dict[str, Any]:
        return self.answer("idv_document_read", {"session_id": session_id})

    def idv_document_list(self, session_id: str, *, take: int | None = None, skip: int | None = None) -> dict[str, Any]:
        return self.answer("idv_document_list", _drop_none({"session_id": session_id, "take": take, "skip": skip}))

    def idv_document_download(self, session_id: str, storage_file_type: str) -> requests.Response:
        _one_of(storage_file_type, STORAGE_FILE_TYPES, "storage_file_type_e")
        body = {"session_id": session_id, "storage_file_type_e": storage_file_type}
        return self.call("idv_document_download", body, stream=True)

    # --- requirements and weights ----------------------------------------------------------
    def requirements_read(
        self,
        *,
        type_e: str | None = None,
        data_source_e: str | None = None,
        client_id: str | None = None,
        user_id: str | None = None,
    ) -> dict[str, Any]:
        if type_e is not None:
            _one_of(type_e, DOCUMENT_TYPES, "type_e")
        params = {"client_id": client_id, "user_id": user_id, "type_e": type_e, "data_source_e": data_source_e}
        return self.answer("requirements_read", params=params)

    def requirements_update(self, body: Mapping[str, Any]) -> dict[str, Any]:
        _one_of(str(body.get("type_e")), DOCUMENT_TYPES, "type_e")
        return self.answer("requirements_update", _drop_none(body))

    def weights_read(self, *, client_id: str | None = None, user_id: str | None = None) -> dict[str, Any]:
        return self.answer("weights_read", params={"client_id": client_id, "user_id": user_id})

    def weights_read_by_id(self, weights_id: str) -> dict[str, Any]:
        return self.answer("weights_read_by_id", path_params={"id": weights_id})

    def weights_update(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return self.answer("weights_update", _drop_none(body))

    # --- IDA sessions ----------------------------------------------------------------------
    def ida_session_create(
        self,
        identity_id: str,
        *,
        webhook_url: str | None = None,
        liveness_mode: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        if liveness_mode is not None:
            _one_of(liveness_mode, LIVENESS_MODES, "liveness_mode")
        body = {
            "identity_id": identity_id,
            "webhook_url": webhook_url,
            "liveness_mode": liveness_mode,
            "metadata": metadata,
            "settings": settings,
        }
        return self.answer("ida_session_create", _drop_none(body))

    def ida_session_list(self, **filters: Any) -> dict[str, Any]:
        """Filters: take, skip, identity_id, client_id, user_id, search_term, verified, status,
        start_date, end_date, metadata."""
        if filters.get("status") is not None:
            _one_of(filters["status"], SESSION_STATUSES, "status")
        return self.answer("ida_session_list", _drop_none(filters))

    def ida_session_read(self, session_id: str) -> dict[str, Any]:
        return self.answer("ida_session_read", {"session_id": session_id})

    def ida_session_delete(self, session_id: str) -> dict[str, Any]:
        return self.answer("ida_session_delete", {"session_id": session_id})

    def ida_session_location_read(self, session_id: str, capture_type: str) -> dict[str, Any]:
        _one_of(capture_type, CAPTURE_TYPES, "location_capture_type_e")
        return self.answer(
            "ida_session_location_read", {"session_id": session_id, "location_capture_type_e": capture_type}
        )

    def ida_document_download(self, session_id: str) -> requests.Response:
        return self.call("ida_document_download", {"session_id": session_id}, stream=True)

    # --- identities ------------------------------------------------------------------------
    def identity_list(self, **filters: Any) -> dict[str, Any]:
        """Filters: client_id, user_id, search_term, take, skip, start_date, end_date, metadata."""
        return self.answer("identity_list", _drop_none(filters))

    def identity_read(self, identity_id: str) -> dict[str, Any]:
        return self.answer("identity_read", {"identity_id": identity_id})

    def identity_anonymize(self, identity_id: str) -> dict[str, Any]:
        return self.answer("identity_anonymize", {"identity_id": identity_id})

    def identity_document_read(self, identity_id: str, document_type: str) -> dict[str, Any]:
        _one_of(document_type, DOCUMENT_TYPES, "document_type_e")
        return self.answer("identity_document_read", {"identity_id": identity_id, "document_type_e": document_type})

    def identity_image_read(self, identity_id: str, storage_file_type: str) -> requests.Response:
        _one_of(storage_file_type, STORAGE_FILE_TYPES, "storage_file_type_e")
        body = {"identity_id": identity_id, "storage_file_type_e": storage_file_type}
        return self.call("identity_image_read", body, stream=True)

    # --- webhooks --------------------------------------------------------------------------
    def webhook_create(self, *, name: str, url: str, client_id: str | None = None) -> dict[str, Any]:
        return self.answer("webhook_create", _drop_none({"client_id": client_id, "name": name, "url": url}))

    def webhook_list(
        self, *, take: int | None = None, skip: int | None = None, search_term: str | None = None
    ) -> dict[str, Any]:
        return self.answer("webhook_list", _drop_none({"take": take, "skip": skip, "search_term": search_term}))

    def webhook_delete(self, webhook_id: str) -> dict[str, Any]:
        return self.answer("webhook_delete", {"id": webhook_id})

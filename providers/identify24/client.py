"""Identify24 VideoIdent API: one method per endpoint we use, over the one HTTP seam.

Vendor doc v1.0.3, "Authentication" and "Lifetime": POST /auth {PARTNER, APIKEY} answers a JWT;
every later call carries ``X-API-PARTNER`` and ``X-API-TOKEN``. The vendor invalidates the token
after 30 minutes **without use**, so it is kept in ``providers.http.tokens`` with an idle expiry
(each use restarts the clock), and a 401 logs in again once (HttpClient's refresh).

Every answer is an envelope ``{result, messages, data | ident_id | insert_id | token, ...}``: a
200 with ``result: false`` is still a failure, raised as ProviderError with the vendor's messages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from providers import http
from providers.base import MalformedPayload, ProviderError
from providers.http import CallKind, HttpClient, TokenStore, default_error_parser

from .normalize import parse_json

VENDOR = "identify24"
#: "The authentication token has an idle time of 30 minutes": we stop using it a minute early so
#: that a call never reaches the vendor on a token that died on the way.
IDLE_SECONDS = 29 * 60
#: The document states no absolute lifetime; a JWT past an unstated ``exp`` gets a 401 and one
#: fresh login, like an idle one.
TOKEN_LIFETIME = math.inf
CHUNK_BYTES = 64 * 1024
#: ident/create's optional attributes ("Ident Attributes"), sent as staff entered them (the launch
#: form enforces each one's rule); the required ones come from the LaunchRequest itself.
OPTIONAL_ATTRIBUTES = (
    "gender",
    "person_title",
    "person_position",
    "birth_place",
    "street",
    "house_no",
    "zip_code",
    "city",
    "country",
    "language",
    "international_code",
    "type_of_id",
    "id_number",
    "id_country",
    "id_issue_date",
    "id_end_date",
    "issuing_authority",
    "pdf_url",
    "custom_id",
    "custom1",
    "custom2",
    "custom3",
    "custom4",
)


def messages_text(body: Mapping[str, Any]) -> str:
    """The vendor's ``messages`` list as one line, as the vendor wrote it."""
    messages = body.get("messages")
    if isinstance(messages, list):
        return "; ".join(str(m) for m in messages if str(m).strip())
    return str(messages or "").strip()


def unwrap(response: requests.Response) -> dict[str, Any]:
    """The envelope of a 2xx answer; ``result`` other than true is the vendor saying no."""
    try:
        body = parse_json(response.content)
    except MalformedPayload as exc:
        raise ProviderError(
            VENDOR, f"The vendor's answer is not JSON ({exc}).", status=response.status_code, code="NOT_JSON"
        ) from None
    if not isinstance(body, dict):
        raise ProviderError(VENDOR, "The vendor's answer is not a JSON object.", status=response.status_code)
    if body.get("result") is not True:
        raise ProviderError(
            VENDOR,
            messages_text(body) or "The vendor answered result: false without a message.",
            status=response.status_code,
            code="RESULT_FALSE",
        )
    return body


def error_parser(response: requests.Response) -> tuple[str, str]:
    """4xx/5xx bodies are the same envelope (possibly with the vendor's trailing commas)."""
    try:
        body = parse_json(response.content)
    except MalformedPayload:
        return default_error_parser(response)
    if isinstance(body, dict):
        code = str(body.get("response_status") or "")
        return code, messages_text(body) or str(body.get("message") or "")
    return default_error_parser(response)


def termin_date(when: dt.datetime) -> str:
    """``YYYY-MM-DDThh:mmTZD`` as setOnboardifyAppointment wants it, e.g. 2024-06-30T15:20+01:00.

    The offset is the one of ``when`` (the person's time zone), written +hh:mm, never ``Z``; the
    format has no seconds, so a time with seconds is refused rather than silently cut.
    """
    offset = when.utcoffset()
    if offset is None:
        raise ValueError("An appointment time needs its time zone.")
    if when.second or when.microsecond:
        raise ValueError("Identify24 takes appointment times to the minute.")
    minutes, rest = divmod(int(offset.total_seconds()), 60)
    if rest:
        raise ValueError("The time zone's offset is not a whole number of minutes.")
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{when:%Y-%m-%dT%H:%M}{sign}{hours:02d}:{minutes:02d}"


class Identify24Auth:
    """The JWT hook: logs in through the same client, remembers the token with its last use."""

    refreshable = True

    def __init__(self, *, partner: str, api_key: str, base_url: str, store: TokenStore | None = None) -> None:
        self.partner = partner
        self.api_key = api_key
        self.store = store if store is not None else http.tokens
        self.key = TokenStore.key(VENDOR, base_url, partner, api_key)

    def headers(self, client: HttpClient, body: bytes) -> dict[str, str]:
        token = self.store.get(self.key, idle=IDLE_SECONDS)
        if token is None:
            token = self.login(client)
            self.store.put(self.key, token, lifetime=TOKEN_LIFETIME)
        return {"X-API-PARTNER": self.partner, "X-API-TOKEN": token}

    def login(self, client: HttpClient) -> str:
        if not self.partner or not self.api_key:
            raise ProviderError(VENDOR, "IDENTIFY24_PARTNER and IDENTIFY24_API_KEY must be set.", code="NO_CREDENTIALS")
        answer = client.request(
            "POST",
            "auth",
            kind=CallKind.IDEMPOTENT,
            use_auth=False,
            json={"PARTNER": self.partner, "APIKEY": self.api_key},
        )
        token = unwrap(answer).get("token")
        if not isinstance(token, str) or not token:
            raise ProviderError(VENDOR, "The vendor's login answer carried no token.", code="NO_TOKEN")
        return token

    def invalidate(self) -> None:
        self.store.forget(self.key)


class Identify24Client:
    def __init__(
        self,
        *,
        base_url: str,
        partner: str,
        api_key: str,
        store: TokenStore | None = None,
        **http_options: Any,
    ) -> None:
        self.auth = Identify24Auth(partner=partner, api_key=api_key, base_url=base_url, store=store)
        self.http = HttpClient(
            vendor=VENDOR, base_url=base_url, auth=self.auth, error_parser=error_parser, **http_options
        )

    def _call(self, method: str, path: str, *, kind: CallKind = CallKind.READ, json: Any = None) -> dict[str, Any]:
        return unwrap(self.http.request(method, path, kind=kind, json=json))

    @staticmethod
    def _data(body: Mapping[str, Any], shape: type) -> Any:
        data = body.get("data")
        if not isinstance(data, shape):
            raise ProviderError(VENDOR, f"The vendor's answer has no {shape.__name__} 'data'.", code="UNEXPECTED_SHAPE")
        return data

    # --- idents ------------------------------------------------------------------------------
    def create_ident(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        """POST ident/create -> {ident_id, conference_url}. Billable: never repeated automatically."""
        body = self._call("POST", "ident/create", kind=CallKind.CREATE, json=dict(attributes))
        if not isinstance(body.get("ident_id"), str) or not body["ident_id"]:
            raise ProviderError(VENDOR, "The vendor created no ident_id.", code="UNEXPECTED_SHAPE")
        return body

    def set_appointment(self, ident_id: str, when: dt.datetime, termin_user: str) -> str:
        """POST ident/setOnboardifyAppointment -> the id of the vendor's history record.

        Setting the same appointment twice leaves the same appointment, so it may be retried.
        """
        body = self._call(
            "POST",
            "ident/setOnboardifyAppointment",
            kind=CallKind.IDEMPOTENT,
            json={"ident_id": ident_id, "termin_date": termin_date(when), "termin_user": str(termin_user)},
        )
        return str(body.get("insert_id") or "")

    def get_ident(self, ident_id: str) -> dict[str, Any]:
        """GET ident/get/{ident_id} -> the ident (person, ID data, status, dates)."""
        return self._data(self._call("GET", f"ident/get/{quote(ident_id, safe='')}"), dict)

    def get_ident_data(self, ident_id: str) -> dict[str, Any]:
        """GET ident/getIdentData/{ident_id} -> {ident, identification_pdf, signed_pdf, recordings, screenshots}."""
        return self._data(self._call("GET", f"ident/getIdentData/{quote(ident_id, safe='')}"), dict)

    # --- projects and webhooks ---------------------------------------------------------------
    def get_projects(self) -> list[dict[str, Any]]:
        """GET project/getAll -> [{id, title, status}]."""
        return [p for p in self._data(self._call("GET", "project/getAll"), list) if isinstance(p, dict)]

    def get_project(self, project_id: str) -> dict[str, Any]:
        """GET project/get with a JSON body {project_id} (the vendor's own sample sends a number)."""
        value: Any = int(project_id) if str(project_id).isdigit() else project_id
        return self._data(self._call("GET", "project/get", json={"project_id": value}), dict)

    def get_webhooks(self) -> list[dict[str, Any]]:
        """GET webhook/getAll -> [{id, status 1..4, url, created_at, updated_at}]."""
        return [w for w in self._data(self._call("GET", "webhook/getAll"), list) if isinstance(w, dict)]

    # --- files -------------------------------------------------------------------------------
    def download(self, url: str) -> Iterator[bytes]:
        """Stream one file from a download link of getIdentData.

        Our token goes only to the API's own origin; a link elsewhere is fetched without it, and
        only over HTTPS.
        """
        base, target = urlsplit(self.http.base_url), urlsplit(url)
        same_origin = (base.scheme, base.netloc) == (target.scheme, target.netloc)
        if not same_origin and target.scheme != "https":
            raise ProviderError(VENDOR, "Refused a download link that is not HTTPS.", code="INSECURE_LINK")
        response = self.http.request(
            "GET", url, kind=CallKind.READ, stream=True, use_auth=same_origin, headers={"Accept": "*/*"}
        )
        try:
            if response.headers.get("Content-Type", "").startswith("application/json"):
                unwrap(response)  # a JSON answer instead of the file: the vendor's refusal
                raise ProviderError(VENDOR, "The vendor sent JSON instead of the file.", code="NOT_A_FILE")
            yield from response.iter_content(CHUNK_BYTES)
        except requests.RequestException:
            raise ProviderError(VENDOR, "The download was cut off.", code="CONNECTION_ERROR", retryable=True) from None
        finally:
            response.close()

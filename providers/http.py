"""The one HTTP path every vendor call takes.

- connect and read timeouts on every call;
- retries with exponential backoff and jitter on connection errors, 429 and 502/503/504, for
  calls that are safe to repeat (``CallKind.READ`` and ``CallKind.IDEMPOTENT``), honouring
  Retry-After; **a call that creates something billable (``CallKind.CREATE``) is never repeated
  automatically**;
- one re-authentication on 401 through the vendor's :class:`TokenAuth` hook;
- every failure becomes one :class:`~providers.base.ProviderError`;
- one log line per attempt with vendor, method, path (no query string), status and time:
  never a header, a body, a token or a personal value.
"""

from __future__ import annotations

import email.utils
import enum
import hashlib
import json as jsonlib
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import requests

from providers.base import ProviderError

logger = logging.getLogger("providers.http")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: A Retry-After longer than this is not slept through in a worker: the error says when to retry.
MAX_INLINE_WAIT = 30.0


class CallKind(enum.Enum):
    READ = "read"  # reads: safe to repeat
    IDEMPOTENT = "idempotent"  # changes state, but doing it twice is the same as once (delete)
    CREATE = "create"  # creates something billable: never repeated automatically


class TokenAuth(Protocol):
    """A vendor's auth hook. ``headers`` may log in (through the same client, with auth=None)."""

    def headers(self, client: HttpClient, body: bytes) -> dict[str, str]: ...

    def invalidate(self) -> None: ...


class StaticAuth:
    """Headers that never change (HTTP Basic with key and secret, a fixed API key)."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)

    def headers(self, client: HttpClient, body: bytes) -> dict[str, str]:
        return dict(self._headers)

    def invalidate(self) -> None:
        """Static credentials cannot be refreshed: a 401 is final."""

    refreshable = False


class TokenStore:
    """Process-wide cache of vendor tokens, keyed by vendor, host and a hash of the login.

    Each web or worker process logs in once and reuses its token until it expires or the vendor
    answers 401. ``clock`` is injectable so tests control expiry.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float, float]] = {}
        self.clock = clock

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def get(self, key: str, *, idle: float | None = None) -> str | None:
        """The token if it is neither past its expiry nor idle for longer than ``idle``."""
        now = self.clock()
        with self._lock:
            entry = self._tokens.get(key)
            if entry is None:
                return None
            token, expires, last_used = entry
            if now >= expires or (idle is not None and now - last_used >= idle):
                del self._tokens[key]
                return None
            self._tokens[key] = (token, expires, now)
            return token

    def put(self, key: str, token: str, *, lifetime: float) -> None:
        now = self.clock()
        with self._lock:
            self._tokens[key] = (token, now + lifetime, now)

    def forget(self, key: str) -> None:
        with self._lock:
            self._tokens.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


tokens = TokenStore()

ErrorParser = Callable[[requests.Response], tuple[str, str]]


def default_error_parser(response: requests.Response) -> tuple[str, str]:
    """(vendor code, vendor message) from a JSON error body, else the start of the text."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return "", text[:500] or response.reason or f"HTTP {response.status_code}"
    if isinstance(body, str):
        return body, body
    if isinstance(body, Mapping):
        code = body.get("identifier") or body.get("code") or body.get("error") or ""
        message = body.get("message") or body.get("error_description") or body.get("messages") or ""
        if isinstance(message, list):
            message = "; ".join(str(m) for m in message)
        return str(code), str(message or code or response.reason)
    return "", str(body)[:500]


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


class HttpClient:
    """One vendor's HTTP session. Vendor clients call :meth:`request` and nothing else."""

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        auth: TokenAuth | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        error_parser: ErrorParser = default_error_parser,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.auth = auth
        self.timeout = (connect_timeout, read_timeout)
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.error_parser = error_parser
        # Made on first use: a provider is built for every webhook it verifies, and most never call
        # out (a requests.Session and a freshly seeded Random cost more than the verification).
        self._session = session
        # Looked up at call time, so a test can patch providers.http.time.sleep for every client.
        self.sleep = sleep or (lambda seconds: time.sleep(seconds))
        self._rng = rng

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
        return self._session

    @property
    def rng(self) -> random.Random:
        if self._rng is None:
            self._rng = random.Random()
        return self._rng

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return urljoin(self.base_url, path.lstrip("/"))

    def delay(self, attempt: int) -> float:
        """Exponential backoff with equal jitter: half fixed, half random."""
        ceiling = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def request(
        self,
        method: str,
        path: str,
        *,
        kind: CallKind,
        json: Any = None,
        data: bytes | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        use_auth: bool = True,
        stream: bool = False,
        timeout: tuple[float, float] | None = None,
    ) -> requests.Response:
        """Send one call with the retry policy of its ``kind``; return a 2xx response."""
        body = data
        send_headers = {"Accept": "application/json"}
        if json is not None:
            body = jsonlib.dumps(json, separators=(",", ":"), ensure_ascii=False).encode()
            send_headers["Content-Type"] = "application/json"
        send_headers.update(headers or {})
        url = self.url(path)
        may_retry = kind is not CallKind.CREATE
        reauthenticated = False
        attempt = 0
        while True:
            attempt += 1
            call_headers = dict(send_headers)
            if use_auth and self.auth is not None:
                call_headers.update(self.auth.headers(self, body or b""))
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    url,
                    data=body,
                    params=params,
                    headers=call_headers,
                    timeout=timeout or self.timeout,
                    stream=stream,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                self._log(method, url, None, started, attempt, type(exc).__name__)
                if may_retry and attempt <= self.max_retries:
                    self.sleep(self.delay(attempt))
                    continue
                timed_out = isinstance(exc, requests.Timeout)
                raise ProviderError(
                    self.vendor,
                    "The vendor did not answer in time." if timed_out else "Could not reach the vendor.",
                    code="TIMEOUT" if timed_out else "CONNECTION_ERROR",
                    retryable=True,
                ) from None
            self._log(method, url, response.status_code, started, attempt)
            status = response.status_code
            if (
                status == 401
                and use_auth
                and self.auth is not None
                and getattr(self.auth, "refreshable", True)
                and not reauthenticated
            ):
                # One fresh login: a 401 means nothing was done, so this is safe for any kind.
                reauthenticated = True
                attempt -= 1
                response.close()
                self.auth.invalidate()
                continue
            if status in RETRY_STATUSES:
                wait = parse_retry_after(response.headers.get("Retry-After"))
                if may_retry and attempt <= self.max_retries and (wait is None or wait <= MAX_INLINE_WAIT):
                    response.close()
                    self.sleep(wait if wait is not None else self.delay(attempt))
                    continue
                raise self._error(response, retryable=True, retry_after=wait)
            if status >= 400:
                raise self._error(response, retryable=status >= 500)
            if 300 <= status < 400:
                raise self._error(response, retryable=False)
            return response

    def _error(
        self, response: requests.Response, *, retryable: bool, retry_after: float | None = None
    ) -> ProviderError:
        try:
            code, message = self.error_parser(response)
        finally:
            response.close()
        return ProviderError(
            self.vendor,
            message or f"HTTP {response.status_code}",
            status=response.status_code,
            code=code,
            retryable=retryable,
            retry_after=retry_after,
        )

    def _log(self, method: str, url: str, status: int | None, started: float, attempt: int, error: str = "") -> None:
        # Only the path: query strings carry tokens (iDenfy's authToken) and bodies carry people.
        path = urlsplit(url).path
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info(
            "vendor=%s method=%s path=%s status=%s attempt=%d ms=%.0f%s",
            self.vendor,
            method,
            path,
            status if status is not None else "-",
            attempt,
            elapsed_ms,
            f" error={error}" if error else "",
        )

"""Identomat on the provider seam: begin a session, poll its result, fetch its media, delete it.

Identomat sends no result webhook (identomat.md, "Calls"): kycdesk polls ``fetch_result`` for
providers with Capability.POLLING (kycdesk.services.polling).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import quote, urljoin

from providers.base import (
    Capability,
    EraseOutcome,
    LaunchRequest,
    LaunchResult,
    MediaRef,
    Provider,
    ProviderConfig,
    ProviderError,
    Reason,
    Status,
    VerificationResult,
)
from providers.identomat.client import IdentomatClient
from providers.identomat.normalize import normalize_result

#: The person's page (identomat.md, "Calls"). Settings may point it elsewhere (the sandbox): the
#: ``widget_url`` of the vendor block, absolute or a path on kycdesk's public URL.
DEFAULT_WIDGET_URL = "https://widget.identomat.com/"
#: Answers of result/ that mean the token can no longer be used (identomat.md: the guide's
#: codes for a missing or invalid session). The person cannot finish it any more: expired.
TOKEN_GONE = frozenset({"SESSION_NOT_FOUND", "SESSION_INVALID"})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class IdentomatProvider(Provider):
    code = "identomat"
    name = "Identomat"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.CREATE_SESSION,
            Capability.FETCH_RESULT,
            Capability.FETCH_MEDIA,
            Capability.POLLING,
            Capability.DELETE,
        }
    )
    # "the session_token (valid 15 minutes by default)" (identomat.md, "Calls").
    session_lifetime = dt.timedelta(minutes=15)
    launch_form = "providers.identomat.forms.IdentomatLaunchForm"
    template_kind = "config"  # config_ids registered by hand: there is no call to list them

    def __init__(self, config: ProviderConfig, *, clock: Callable[[], dt.datetime] = utcnow) -> None:
        super().__init__(config)
        self.clock = clock
        self.client = IdentomatClient(
            company_key=self.credential("company_key"),
            secret_key=self.credential("secret_key"),
            base_url=config.base_url,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            max_retries=config.max_retries,
        )

    def widget_url(self, session_token: str) -> str:
        base = self.credential("widget_url") or DEFAULT_WIDGET_URL
        if base.startswith("/"):
            base = urljoin(self.config.public_url.rstrip("/") + "/", base.lstrip("/"))
        return f"{base}?session_token={quote(session_token, safe='')}"

    # --- launch and results ------------------------------------------------------------
    def create_session(self, request: LaunchRequest) -> LaunchResult:
        """flags and steps from the launch form, or the registered config_id (the template)."""
        options: Mapping[str, Any] = request.options
        if request.template_id:
            token = self.client.begin(
                config_id=request.template_id, parent_session_id=str(options.get("parent_session_id") or "")
            )
        else:
            token = self.client.begin(
                flags=options.get("flags") or {},
                steps=options.get("steps") or None,
                parent_session_id=str(options.get("parent_session_id") or ""),
            )
        return LaunchResult(
            external_id=token,
            link=self.widget_url(token),
            status=Status.CREATED,
            expires_at=self.clock() + self.session_lifetime,
        )

    def fetch_result(self, external_id: str) -> VerificationResult:
        try:
            payload = self.client.result(external_id)
        except ProviderError as exc:
            if exc.code not in TOKEN_GONE:
                raise
            return VerificationResult(
                vendor=self.code,
                external_id=external_id,
                status=Status.EXPIRED,
                vendor_status=exc.code,
                final=True,
                reasons=(Reason(code=exc.code, kind="vendor_error", text=exc.message),),
                raw={"answer": exc.code},
            )
        return normalize_result(payload, external_id=external_id)

    def fetch_media(self, external_id: str, ref: MediaRef) -> Iterator[bytes]:
        return self.client.media(ref.key, external_id)

    def normalize(self, payload: Mapping[str, Any], external_id: str = "") -> VerificationResult:
        return normalize_result(payload, external_id=external_id)

    # --- erase ---------------------------------------------------------------------------
    def delete(self, external_id: str) -> EraseOutcome:
        try:
            self.client.delete(external_id)
        except ProviderError as exc:
            if exc.code == "SESSION_NOT_FOUND":  # already gone: what we asked for is true
                return EraseOutcome(done=True, message="Identomat has no such session any more (SESSION_NOT_FOUND).")
            raise
        return EraseOutcome(done=True, message="Identomat deleted the session record.")

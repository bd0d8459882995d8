"""Datakeen IDify: wires the client, the normalizer and the webhook parser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any, ClassVar

from providers.base import (
    Capability,
    LaunchRequest,
    LaunchResult,
    MalformedPayload,
    MediaRef,
    Provider,
    ProviderError,
    TemplateInfo,
    VerificationResult,
    WebhookNotice,
)
from providers.datakeen import normalize, webhooks
from providers.datakeen.client import DatakeenClient


class DatakeenProvider(Provider):
    code = "datakeen"
    name = "Datakeen IDify"
    # Datakeen documents no delete or anonymise call: erasing a case is local only.
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.CREATE_SESSION,
            Capability.FETCH_RESULT,
            Capability.FETCH_MEDIA,
            Capability.LIST_TEMPLATES,
            Capability.WEBHOOKS,
        }
    )
    session_lifetime = dt.timedelta(hours=1)  # "single-use and ... an expiration time of 1 hour"
    silent_expiry = True  # and no status says so: an unused session is simply never analysed
    launch_form = "providers.datakeen.forms.DatakeenLaunchForm"
    template_kind = "template"

    @cached_property
    def client(self) -> DatakeenClient:
        return DatakeenClient.from_config(self.config)

    def list_templates(self) -> list[TemplateInfo]:
        return normalize.templates(self.client.list_templates())

    def create_session(self, request: LaunchRequest) -> LaunchResult:
        token = self.credential("webhook_token")
        if not token:
            raise ProviderError(self.code, "DATAKEEN_WEBHOOK_TOKEN is not set: results could not reach us.")
        answer = self.client.create_session(
            webhook_url=self.webhook_url(f"{token}/"),
            template_id=request.template_id,
            first_name=request.first_name,
            last_name=request.last_name,
            birth_date=request.birth_date,
            callback_url=request.callback_url,
        )
        try:
            return normalize.launch_result(answer, now=dt.datetime.now(dt.UTC), lifetime=self.session_lifetime)
        except MalformedPayload as exc:
            raise ProviderError(self.code, f"Unexpected answer to the launch: {exc}.", code="MALFORMED") from None

    def fetch_result(self, external_id: str) -> VerificationResult:
        """Without a webhook's verdict: the status comes from the documents' globalStatus."""
        return self._result(external_id, verdict="")

    def fetch_result_after(self, notice: WebhookNotice) -> VerificationResult:
        """The API result with the notice's verdict: Datakeen's result document carries none."""
        return self._result(notice.external_id, verdict=notice.vendor_status)

    def _result(self, external_id: str, *, verdict: str) -> VerificationResult:
        answer = self.client.get_session(external_id)
        try:
            return normalize.result(answer, external_id=external_id, verdict=verdict)
        except MalformedPayload as exc:
            raise ProviderError(self.code, f"Unexpected session result: {exc}.", code="MALFORMED") from None

    def fetch_media(self, external_id: str, ref: MediaRef) -> Iterator[bytes]:
        return self.client.download_document(external_id, ref.key)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes, path_token: str = "") -> None:
        # Unsigned: the secret token in our URL (/webhooks/datakeen/<token>/) is the check.
        self.verify_path_token(path_token)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[WebhookNotice]:
        return webhooks.parse(body)

    def normalize(self, payload: Mapping[str, Any], external_id: str = "") -> VerificationResult:
        """A saved session result (GET /backend/api/v1/session/{id}); it does not name its
        session, so import_result needs --external-id."""
        return normalize.result(payload, external_id=external_id)

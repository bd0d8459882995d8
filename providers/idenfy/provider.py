"""IdenfyProvider: wires the iDenfy client, normalizer, webhook checks and launch form.

Polling rule (shared/providers/idenfy.md): iDenfy forbids routine polling of /api/v2/status and
may restrict an account that does it. So :meth:`fetch_result` is called in two places only:
- when a signed webhook arrives (:meth:`fetch_result_after`: one pull per delivery, to read the truth and
  fresh file links);
- by the reconcile sweep (issue 10), for sessions whose webhook is overdue, i.e. open past
  ``expires_at`` (the token's expiryTime) plus a grace period. Nothing else may call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

import requests

from providers.base import (
    Capability,
    EraseOutcome,
    LaunchRequest,
    LaunchResult,
    MalformedPayload,
    MediaRef,
    Provider,
    ProviderConfig,
    ProviderError,
    Status,
    VerificationResult,
    WebhookNotice,
)

from . import normalize as n
from . import webhooks
from .client import VENDOR, IdenfyClient

CHUNK = 64 * 1024
# A file link past its hour answers one of these (S3 says 403 "Request has expired").
EXPIRED_LINK_STATUSES = frozenset({403, 404, 410})
# Identifier of iDenfy's business refusals, e.g. delete's "Token has not expired yet.".
PARTNER_ERROR = "PARTNER_ERROR"
# Token states with nothing to read in /data and /files: never used, or its data is gone.
NOTHING_TO_READ = frozenset({"ACTIVE", "EXPIRED", "EXPIRED-DELETED", "DELETED"})
DEFAULT_EXPIRY_SECONDS = 86400  # vendor doc: expiryTime defaults to 86400


class IdenfyProvider(Provider):
    code = "idenfy"
    name = "iDenfy"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.CREATE_SESSION,
            Capability.FETCH_RESULT,
            Capability.FETCH_MEDIA,
            Capability.WEBHOOKS,
            Capability.DELETE,
        }
    )
    session_lifetime: ClassVar[dt.timedelta] = dt.timedelta(seconds=DEFAULT_EXPIRY_SECONDS)
    launch_form: ClassVar[str] = "providers.idenfy.forms.IdenfyLaunchForm"

    def __init__(
        self,
        config: ProviderConfig,
        *,
        client: IdenfyClient | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(config)
        self.client = client or IdenfyClient(config)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    # --- launch ----------------------------------------------------------------------------
    def create_session(self, request: LaunchRequest) -> LaunchResult:
        """POST /api/v2/token with clientId = our reference and the launch form's options.

        The person's data, when given, is cross-checked by iDenfy (mismatchTags); nationality
        and country are sent lower-case as in the vendor doc's examples.
        """
        body: dict[str, Any] = {"clientId": request.reference}
        if request.first_name:
            body["firstName"] = request.first_name
        if request.last_name:
            body["lastName"] = request.last_name
        if request.birth_date:
            body["dateOfBirth"] = request.birth_date.strftime(n.DATE_FORMAT)
        if request.nationality:
            body["nationality"] = request.nationality.lower()
        if request.webhook_url:
            body["callbackUrl"] = request.webhook_url
        body.update(request.options)
        answer = self.client.create_token(body)
        seconds = answer.get("expiryTime")
        lifetime = dt.timedelta(seconds=seconds) if isinstance(seconds, int) and seconds > 0 else self.session_lifetime
        return LaunchResult(
            external_id=str(answer["scanRef"]),
            link=self.client.redirect_url(str(answer["authToken"])),
            status=Status.CREATED,
            vendor_status="ACTIVE",
            expires_at=self.clock() + lifetime,
            # The token is in the link already; digitString stays: the person may need it.
            raw={k: v for k, v in answer.items() if k != "authToken"},
        )

    # --- results ---------------------------------------------------------------------------
    def fetch_result(self, external_id: str) -> VerificationResult:
        """The authoritative state: /status, then /data and /files (fresh links) when there is
        something to read. Only for webhooks and overdue sessions: see the module docstring."""
        return self._normalized(self._pull(external_id), "")

    def fetch_result_after(self, notice: WebhookNotice) -> VerificationResult | None:
        """A signed result webhook, checked against the pull (the pull is the truth; the webhook
        adds AML/LID, times, IP and location, which no pull returns). DOCUMENT_EXPIRATION is not
        a result: the stored delivery keeps it. Unknown events are hints: the pull tells."""
        if notice.event_type == n.DOCUMENT_EXPIRATION:
            return None
        pulled = self._pull(notice.external_id)
        if notice.event_type not in n.RESULT_EVENTS or notice.result is None:
            return self._normalized(pulled, "")
        document, event = n.confirmed_document(notice.result.raw, pulled, notice.event_type)
        return self._normalized(document, event)

    def _pull(self, scan_ref: str) -> dict[str, Any]:
        status = self.client.status(scan_ref)
        if str(status.get("status") or "").upper() in NOTHING_TO_READ:
            return n.pulled_document(status, {}, {})
        return n.pulled_document(status, self.client.data(scan_ref), self.client.files(scan_ref))

    def _normalized(self, document: Mapping[str, Any], event_type: str) -> VerificationResult:
        try:
            return n.normalize(document, event_type=event_type, observed_at=self.clock())
        except MalformedPayload as exc:
            raise ProviderError(VENDOR, f"iDenfy's answer could not be read: {exc}.") from None

    def normalize(self, payload: Mapping[str, Any], external_id: str = "") -> VerificationResult:
        return n.normalize(payload, external_id=external_id)

    # --- media -----------------------------------------------------------------------------
    def fetch_media(self, external_id: str, ref: MediaRef) -> Iterator[bytes]:
        """Stream a photo, video or PDF. fileUrls expire after an hour: on 403/404/410 ask
        /api/v2/files for a fresh link and try once more. The report PDF comes from generate-pdf."""
        if ref.key == n.REPORT_PDF_KEY:
            pdf = self.client.generate_pdf(external_id)
            for start in range(0, len(pdf), CHUNK):
                yield pdf[start : start + CHUNK]
            return
        response = self._open(external_id, ref)
        try:
            for chunk in response.iter_content(CHUNK):
                if chunk:
                    yield chunk
        except requests.RequestException:
            raise ProviderError(
                VENDOR, "The file download was interrupted.", code="DOWNLOAD_INTERRUPTED", retryable=True
            ) from None
        finally:
            response.close()

    def _open(self, scan_ref: str, ref: MediaRef) -> requests.Response:
        if ref.url:
            try:
                return self.client.download(ref.url)
            except ProviderError as exc:
                if exc.status not in EXPIRED_LINK_STATUSES:
                    raise
        return self.client.download(self._fresh_url(scan_ref, ref.key))

    def _fresh_url(self, scan_ref: str, key: str) -> str:
        answer = self.client.files(scan_ref)
        if key.startswith(n.ADDITIONAL_STEP_PDF):
            urls = n.file_urls(answer.get("additionalStepPdfUrls") or {})
            key = key.removeprefix(n.ADDITIONAL_STEP_PDF)
        else:
            urls = n.file_urls(answer)
        if key not in urls:
            raise ProviderError(
                VENDOR, f"iDenfy no longer lists the file {key} for this verification.", code="FILE_NOT_FOUND"
            )
        return urls[key]

    # --- webhooks --------------------------------------------------------------------------
    def verify_webhook(self, headers: Mapping[str, str], body: bytes, path_token: str = "") -> None:
        webhooks.verify(headers, body, self.credential("webhook_signing_key"))

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[WebhookNotice]:
        return webhooks.parse(headers, body)

    # --- erase -----------------------------------------------------------------------------
    def delete(self, external_id: str) -> EraseOutcome:
        """POST /api/v2/delete. iDenfy refuses while the token is still valid (PARTNER_ERROR,
        "Token has not expired yet."): that refusal is returned as it came, not raised, so the
        local erase goes on; transport and auth failures raise ProviderError."""
        try:
            self.client.delete(external_id)
        except ProviderError as exc:
            if exc.code == PARTNER_ERROR:
                return EraseOutcome(done=False, message=exc.message)
            raise
        return EraseOutcome(done=True, message="Deleted at iDenfy.")

"""VultProvider: wires the client, normalize and webhooks to the Provider hooks, plus the
VULT-only calls kycdesk's VULT admin uses (identities, IDA sessions, webhooks, requirements and
weights). Every return value is a dataclass: kycdesk never reads VULT's JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from providers.base import (
    Capability,
    EraseOutcome,
    LaunchRequest,
    LaunchResult,
    MediaRef,
    Provider,
    ProviderConfig,
    ProviderError,
    Status,
    VerificationResult,
    WebhookNotice,
)
from providers.vult import normalize, webhooks
from providers.vult.client import VultClient
from providers.vult.normalize import IdaSession, RequirementSet, VendorWebhook, VultIdentity

#: Page size of the list calls (take/skip), and a bound on how many pages one sweep reads.
PAGE = 100
MAX_PAGES = 1000


class VultProvider(Provider):
    code = "vult"
    name = "VULT KYC API"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.CREATE_SESSION,
            Capability.FETCH_RESULT,
            Capability.FETCH_MEDIA,
            Capability.WEBHOOKS,
            Capability.LIST_WEBHOOKS,
            Capability.ANONYMIZE,
            Capability.ANONYMIZE_PERSON,
            Capability.DELETE,
            Capability.HEALTH,
        }
    )
    # The document states no session lifetime; VULT reports "expired" itself. The reconcile
    # sweep waits this long (plus its grace) before it asks.
    session_lifetime: ClassVar[dt.timedelta] = dt.timedelta(hours=24)
    launch_form = "providers.vult.forms.VultLaunchForm"

    def __init__(self, config: ProviderConfig, *, client: VultClient | None = None) -> None:
        super().__init__(config)
        self.client = client or VultClient(config)

    # --- launch and results --------------------------------------------------------------
    def capture_link(self, session_id: str) -> str:
        """The person's link. VULT captures through its SDK inside *our* app, so the link is
        that page's URL (credential ``capture_url``, with ``{session_id}`` and ``{base_url}``);
        empty when none is configured."""
        template = self.credential("capture_url")
        if not template:
            return ""
        return template.format_map({"session_id": session_id, "base_url": self.config.base_url})

    def our_webhook_url(self) -> str:
        token = self.credential("webhook_token")
        return self.webhook_url(f"{token}/") if token else ""

    def create_session(self, request: LaunchRequest) -> LaunchResult:
        mode = str(request.options.get("liveness_mode") or "passive")
        # metadata is ours and comes back in session read: our reference and the liveness mode
        # (the session read does not echo it); never a personal value.
        answer = self.client.idv_session_create(
            metadata={"reference": request.reference, "liveness_mode": mode},
            liveness_mode=mode,
            webhook_url=request.webhook_url or self.our_webhook_url() or None,
        )
        session_id = str(answer.get("session_id") or "")
        if not session_id:
            raise ProviderError(self.code, "session create answered without a session_id.", code="NO_SESSION_ID")
        return LaunchResult(external_id=session_id, link=self.capture_link(session_id), raw=dict(answer))

    def _optional(self, read: Callable[..., dict[str, Any]], *args: str) -> dict[str, Any] | None:
        """A read that VULT answers 404 while the capture step has not happened."""
        try:
            return read(*args)
        except ProviderError as exc:
            if exc.status == 404:
                return None
            raise

    def fetch_result(self, external_id: str) -> VerificationResult:
        """Session read, then (once captured) document read, test read and capture locations."""
        session = self.client.idv_session_read(external_id)
        document = tests = None
        if session.get("document_front_given"):
            document = self._optional(self.client.idv_document_read, external_id)
            tests = self._optional(self.client.idv_session_test_read, external_id)
        locations = {}
        for capture_type, flag in normalize.LOCATION_FLAGS.items():
            if session.get(flag):
                found = self._optional(self.client.idv_session_location_read, external_id, capture_type)
                if found:
                    locations[capture_type] = found
        envelope = {"session": session, "document": document, "tests": tests, "locations": locations}
        return normalize.result(envelope, external_id=external_id)

    def fetch_media(self, external_id: str, ref: MediaRef) -> Iterator[bytes]:
        # The key is the storage_file_type_e (normalize.media_of).
        yield from self.client.chunks(self.client.idv_document_download(external_id, ref.key))

    def normalize(self, payload: Mapping[str, Any], external_id: str = "") -> VerificationResult:
        return normalize.result(payload, external_id=external_id)

    # --- inbound -------------------------------------------------------------------------
    def verify_webhook(self, headers: Mapping[str, str], body: bytes, path_token: str = "") -> None:
        # Unsigned vendor: the secret in our URL is the check (shared/providers/vult.md).
        self.verify_path_token(path_token)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[WebhookNotice]:
        return webhooks.parse(body)

    # --- erase and health ------------------------------------------------------------------
    def _erase(self, call: Callable[[str], Any], external_id: str, done: str) -> EraseOutcome:
        """A refusal is an outcome (shown and audited); a retryable failure raises to be retried."""
        try:
            call(external_id)
        except ProviderError as exc:
            if exc.status == 404:
                return EraseOutcome(done=True, message="VULT no longer has it.")
            if exc.retryable:
                raise
            return EraseOutcome(done=False, message=exc.message)
        return EraseOutcome(done=True, message=done)

    def anonymize(self, external_id: str) -> EraseOutcome:
        return self._erase(self.client.idv_session_anonymize, external_id, "VULT anonymized the session.")

    def delete(self, external_id: str) -> EraseOutcome:
        return self._erase(self.client.idv_session_delete, external_id, "VULT deleted the session.")

    def health(self) -> bool:
        """Ping (document: Utility, "Ping"): up when it answers pong; short timeouts, no retry."""
        try:
            return self.client.ping(quick=True).get("pong") is True
        except ProviderError:
            return False

    # --- identities (VULT-only) ------------------------------------------------------------
    def _pages(self, list_call: Callable[..., dict[str, Any]], key: str, **filters: Any) -> Iterator[Any]:
        for page in range(MAX_PAGES):
            answer = list_call(take=PAGE, skip=page * PAGE, **filters)
            items = answer.get(key)
            if not isinstance(items, list):
                return
            yield from items
            if len(items) < PAGE:
                return

    def list_identities(self) -> Iterator[VultIdentity]:
        for item in self._pages(self.client.identity_list, "identities"):
            if isinstance(item, Mapping):
                yield normalize.identity(item)

    def read_identity(self, identity_id: str) -> VultIdentity | None:
        found = normalize.identities(self.client.identity_read(identity_id))
        return next((i for i in found if i.identity_id == identity_id), None)

    def anonymize_identity(self, identity_id: str) -> EraseOutcome:
        return self._erase(self.client.identity_anonymize, identity_id, "VULT anonymized the identity.")

    def anonymize_person(self, vendor_person_id: str) -> EraseOutcome:
        """The erase service's hook: a VULT identity is VULT's record of the person."""
        return self.anonymize_identity(vendor_person_id)

    def identity_image(self, identity_id: str, storage_file_type: str) -> Iterator[bytes]:
        yield from self.client.chunks(self.client.identity_image_read(identity_id, storage_file_type))

    # --- IDA sessions (VULT-only) ----------------------------------------------------------
    def ida_sessions(self, identity_id: str) -> list[IdaSession]:
        return [
            normalize.ida_session(item)
            for item in self._pages(self.client.ida_session_list, "sessions", identity_id=identity_id)
            if isinstance(item, Mapping)
        ]

    def create_ida_session(self, identity_id: str, *, reference: str, liveness_mode: str = "passive") -> LaunchResult:
        answer = self.client.ida_session_create(
            identity_id, liveness_mode=liveness_mode, metadata={"reference": reference, "liveness_mode": liveness_mode}
        )
        session_id = str(answer.get("session_id") or "")
        if not session_id:
            raise ProviderError(self.code, "IDA session create answered without a session_id.", code="NO_SESSION_ID")
        return LaunchResult(
            external_id=session_id, link=self.capture_link(session_id), status=Status.CREATED, raw=dict(answer)
        )

    def delete_ida_session(self, session_id: str) -> EraseOutcome:
        return self._erase(self.client.ida_session_delete, session_id, "VULT deleted the IDA session.")

    def ida_document(self, session_id: str) -> Iterator[bytes]:
        yield from self.client.chunks(self.client.ida_document_download(session_id))

    # --- our webhook registration (VULT-only) ------------------------------------------------
    def list_webhooks(self) -> list[VendorWebhook]:
        """VULT's webhook list, as VULT gives it (the mirror masks our token: kycdesk.services.subscriptions)."""
        return normalize.webhooks({"webhooks": list(self._pages(self.client.webhook_list, "webhooks"))})

    def register_webhook(self, name: str) -> str:
        """Register our endpoint (with its secret token) under ``name``; returns the URL sent."""
        url = self.our_webhook_url()
        if not url:
            raise ProviderError(self.code, "VULT_WEBHOOK_TOKEN is not set: there is no endpoint to register.")
        self.client.webhook_create(name=name, url=url)
        return url

    def delete_webhook(self, webhook_id: str) -> EraseOutcome:
        return self._erase(self.client.webhook_delete, webhook_id, "VULT deleted the webhook.")

    # --- requirements and weights (VULT-only) ------------------------------------------------
    def requirements(self, type_e: str | None = None) -> list[RequirementSet]:
        """Every requirement set, or those of one document type."""
        return normalize.requirement_sets(self.client.requirements_read(type_e=type_e))

    def update_requirements(self, values: Mapping[str, Any]) -> None:
        self.client.requirements_update(values)

    def weights(self) -> dict[str, float | None]:
        return normalize.weights(self.client.weights_read())

    def update_weights(self, values: Mapping[str, float]) -> None:
        self.client.weights_update(values)

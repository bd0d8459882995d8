"""A provider that needs no vendor: it proves kycdesk's mechanisms without any vendor's JSON.

Its "vendor JSON" is a tiny made-up shape: {"id", "state", "final", "at", "first_name", "fields"},
and optionally "last_name", "address", "document_number", "media".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from providers.base import (
    BoundingBox,
    Capability,
    Control,
    Document,
    EraseOutcome,
    ExtractedField,
    FieldSource,
    LaunchRequest,
    LaunchResult,
    MalformedPayload,
    MediaKind,
    MediaRef,
    Person,
    Provider,
    ProviderError,
    Status,
    VerificationResult,
    WebhookNotice,
    WebhookRejected,
)

STATES = {"open": Status.IN_PROGRESS, "ok": Status.APPROVED, "ko": Status.REJECTED, "check": Status.NEEDS_REVIEW}


class FakeProvider(Provider):
    code = "datakeen"
    name = "Fake vendor"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.CREATE_SESSION, Capability.WEBHOOKS, Capability.FETCH_MEDIA}
    )
    files: ClassVar[dict[str, bytes]] = {}
    created: ClassVar[list[LaunchRequest]] = []
    #: (operation, external_id) of every anonymize/delete call, in order.
    erase_calls: ClassVar[list[tuple[str, str]]] = []
    #: What the next erase calls answer, in order: an EraseOutcome, or an exception to raise
    #: (ProviderError). Empty: done. Offered only when the test adds Capability.ANONYMIZE/DELETE
    #: (the ``erasing_vendor`` fixture).
    erase_script: ClassVar[list[EraseOutcome | Exception]] = []

    def create_session(self, request: LaunchRequest) -> LaunchResult:
        self.created.append(request)
        return LaunchResult(
            external_id=f"fake-{len(self.created)}", link="https://vendor.invalid/go", qr_png=b"\x89PNG"
        )

    def verify_webhook(self, headers: Mapping[str, str], body: bytes, path_token: str = "") -> None:
        expected = hmac.new(b"fake-key", body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("x-fake-signature", ""), expected):
            raise WebhookRejected("Bad signature.", http_status=401)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[WebhookNotice]:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedPayload(str(exc)) from None
        result = self.normalize(payload)
        return [
            WebhookNotice(
                external_id=result.external_id,
                vendor_status=result.vendor_status,
                final=result.final,
                result=result,
                dedupe_key=hashlib.sha256(body).hexdigest(),
            )
        ]

    def normalize(self, payload: Mapping[str, Any], external_id: str = "") -> VerificationResult:
        if "state" not in payload:
            raise MalformedPayload("no state")
        fields = tuple(
            ExtractedField(
                name=f["name"],
                value=f["value"],
                confidence=f.get("confidence"),
                source=FieldSource.OCR,
                bbox=BoundingBox(0, 0.1, 0.1, 0.2, 0.05) if f.get("box") else None,
            )
            for f in payload.get("fields", [])
        )
        return VerificationResult(
            vendor=self.code,
            external_id=str(payload.get("id") or external_id),
            status=STATES[payload["state"]],
            vendor_status=payload["state"],
            final=bool(payload.get("final")),
            person=Person(
                first_name=payload.get("first_name", ""),
                last_name=payload.get("last_name", ""),
                birth_date=dt.date(1984, 7, 11) if payload.get("first_name") else None,
                address=payload.get("address", ""),
                document_number=payload.get("document_number", ""),
            ),
            documents=(
                Document(
                    type="id-card",
                    number=payload.get("document_number", "X1"),
                    fields=fields,
                    controls=(Control(name="mrzValidity", passed=True, confidence=1.0),),
                ),
            ),
            controls=(Control(name="matchName", passed=payload["state"] == "ok"),),
            media=tuple(
                MediaRef(kind=MediaKind.DOCUMENT_FRONT, key=k, document_index=0) for k in payload.get("media", [])
            ),
            observed_at=dt.datetime.fromisoformat(payload["at"]) if payload.get("at") else None,
            raw=dict(payload),
        )

    def fetch_media(self, external_id: str, ref: MediaRef) -> Iterator[bytes]:
        data = self.files[ref.key]
        for start in range(0, len(data), 4):
            yield data[start : start + 4]

    def anonymize(self, external_id: str) -> EraseOutcome:
        return self._erase("anonymize", external_id)

    def delete(self, external_id: str) -> EraseOutcome:
        return self._erase("delete", external_id)

    def _erase(self, operation: str, external_id: str) -> EraseOutcome:
        self.erase_calls.append((operation, external_id))
        answer = self.erase_script.pop(0) if self.erase_script else EraseOutcome(done=True, message="Erased.")
        if isinstance(answer, Exception):
            raise answer
        return answer


def refusal(message: str = "Token has not expired yet.", *, status: int = 400) -> ProviderError:
    """A vendor refusing an erase the way iDenfy does before a session's token expires."""
    return ProviderError("datakeen", message, status=status, code="PARTNER_ERROR", retryable=False)


def sign(body: bytes) -> str:
    return hmac.new(b"fake-key", body, hashlib.sha256).hexdigest()


class FakePullProvider(FakeProvider):
    """A fake vendor with a result API: the webhook is only a hint, fetch_result is the truth."""

    capabilities: ClassVar[frozenset[Capability]] = FakeProvider.capabilities | {Capability.FETCH_RESULT}
    results: ClassVar[dict[str, dict]] = {}
    pulls: ClassVar[list[str]] = []
    failures: ClassVar[list[Exception]] = []

    def fetch_result(self, external_id: str) -> VerificationResult:
        self.pulls.append(external_id)
        if self.failures:
            raise self.failures.pop(0)
        return self.normalize({"id": external_id, **self.results[external_id]})


class SlowPullProvider(FakePullProvider):
    """For the real-cluster test: its pull announces itself, then hangs while a hold file exists.

    Configured through the environment (the worker is another process): KYCDESK_TEST_MARKERS is a
    folder; ``started`` is written when a pull begins, ``hold`` keeps it hanging.
    """

    def fetch_result(self, external_id: str) -> VerificationResult:
        import os
        import time
        from pathlib import Path

        markers = Path(os.environ["KYCDESK_TEST_MARKERS"])
        (markers / "started").write_text(str(os.getpid()))
        deadline = time.monotonic() + 60
        while (markers / "hold").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.normalize({"id": external_id, "state": "ok", "final": True})

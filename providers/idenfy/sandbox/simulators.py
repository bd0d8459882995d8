"""The person's page for iDenfy: the outcomes a verification can end with, the vendor-shaped
state they leave, and the signed webhooks (automatic result, then the review's when one follows)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from providers.idenfy import normalize as n
from providers.idenfy.webhooks import sign
from providers.sandbox import media, outbound
from providers.sandbox.models import SimFile, SimSession, SimToken
from providers.sandbox.simulator import Outcome, Simulator, Uploads

from .common import STATUS_FIELDS, VENDOR
from .files import file_links
from .specimens import aml_block, card_person, lid_block, signing_key, sniff


# --- what the person can end with -----------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    overall: str
    document: str | None
    face: str | None
    fraud: tuple[str, ...] = ()
    mismatch: tuple[str, ...] = ()


APPROVED = Verdict("APPROVED", "DOC_VALIDATED", "FACE_MATCH")
# outcome -> (automatic verdict, the review's verdict when one always follows, event)
VERDICTS: dict[str, tuple[Verdict | None, Verdict | None, str]] = {
    "approve": (APPROVED, None, n.AUTO_FINISHED),
    "review_approve": (Verdict("DENIED", "DOC_VALIDATED", "FACE_UNCERTAIN"), APPROVED, n.AUTO_FINISHED),
    "deny_document": (Verdict("DENIED", "DOC_EXPIRED", "FACE_MATCH"), None, n.AUTO_FINISHED),
    "deny_face": (Verdict("DENIED", "DOC_VALIDATED", "FACE_MISMATCH"), None, n.AUTO_FINISHED),
    "suspected": (
        Verdict("SUSPECTED", "DOC_VALIDATED", "FACE_MATCH", ("DUPLICATE_FACE", "AML_SUSPECTION"), ("NAME",)),
        None,
        n.AUTO_FINISHED,
    ),
    "cancel": (Verdict("DENIED", None, None), None, n.CANCELLED),
    "abandon": (Verdict("EXPIRED", None, None), None, n.EXPIRED),
}


class IdenfySimulator(Simulator):
    vendor = VENDOR
    title = "iDenfy (simulated)"
    outcomes: ClassVar[tuple[Outcome, ...]] = (
        Outcome("approve", "Approved", "Document and face pass the automatic checks."),
        Outcome(
            "review_approve",
            "Approved after iDenfy's review",
            "The automatic face check is uncertain (DENIED, final: false); iDenfy's reviewer then approves.",
        ),
        Outcome("deny_document", "Denied: document expired", "autoDocument DOC_EXPIRED."),
        Outcome("deny_face", "Denied: face mismatch", "autoFace FACE_MISMATCH."),
        Outcome(
            "suspected",
            "Suspected: fraud and mismatch tags",
            "DUPLICATE_FACE and AML_SUSPECTION (a PEP hit), name differs from the one sent.",
        ),
        Outcome("cancel", "Cancel the verification", "IDENTIFICATION_CANCELLED."),
        Outcome("abandon", "Leave without finishing", "The token expires: IDENTIFICATION_EXPIRED."),
    )
    statuses: ClassVar[dict[str, str]] = {
        "approve": "approved",
        "review_approve": "approved",
        "deny_document": "rejected",
        "deny_face": "rejected",
        "suspected": "needs_review",
        "cancel": "cancelled",
    }

    def person(self, session: SimSession) -> dict[str, str]:
        keys = ("clientId", "firstName", "lastName", "dateOfBirth", "nationality", "tokenType", "locale")
        return {k: str(session.request[k]) for k in keys if session.request.get(k) not in (None, "")}

    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        auto, review, event = VERDICTS[outcome]
        request = session.request
        if review is None and auto.overall == "APPROVED" and request.get("reviewSuccessful") is True:
            review = auto
        if (
            review is None
            and auto.overall == "DENIED"
            and event == n.AUTO_FINISHED
            and request.get("reviewFailed") is True
        ):
            review = auto
        now = timezone.now()
        with transaction.atomic():
            session.outcome = outcome
            session.finished_at = now
            session.callback_url = self._redirect_for(request, auto, event)
            session.data = {**session.data, "startTime": int(session.created_at.timestamp()) + 5}
            if event == n.EXPIRED:  # the person left: the token runs out unused
                session.expires_at = now
                SimToken.objects.filter(vendor=VENDOR, token=session.data.get("authToken", "")).update(revoked=True)
            has_files = event == n.AUTO_FINISHED
            if has_files:
                self._store_files(session, uploads, outcome)
            session.data["finishTime"] = int(now.timestamp()) if event != n.EXPIRED else None
            session.data["auto"] = self._state(session, auto, with_data=has_files, fraud=outcome == "suspected")
            session.data["review"] = self._state(session, review, with_data=True, auto=auto) if review else None
            session.data["stage"] = "auto"
            session.status = "REVIEWING" if review else auto.overall
            session.save()
            self._send(session, event, final=review is None)
            if review:
                transaction.on_commit(functools.partial(_queue_review, session.pk))

    def complete_review(self, session: SimSession) -> None:
        """iDenfy's reviewer decides: the manual verdict, then the final webhook."""
        if session.data.get("stage") != "auto" or not session.data.get("review"):
            return
        session.data["stage"] = "review"
        session.status = session.data["review"]["overall"]
        session.save(update_fields=["data", "status"])
        self._send(session, n.MANUAL_FINISHED, final=True)

    # --- the vendor-shaped state ---------------------------------------------------------------
    def _state(
        self,
        session: SimSession,
        verdict: Verdict,
        *,
        with_data: bool,
        fraud: bool = False,
        auto: Verdict | None = None,
    ) -> dict[str, Any]:
        first = auto or verdict
        return {
            "overall": verdict.overall,
            "autoDocument": first.document,
            "autoFace": first.face,
            "manualDocument": verdict.document if auto else None,
            "manualFace": verdict.face if auto else None,
            "fraudTags": list(verdict.fraud),
            "mismatchTags": list(verdict.mismatch),
            "data": self._data(session, verdict) if with_data else None,
            "amlHit": fraud,
        }

    def _data(self, session: SimSession, verdict: Verdict) -> dict[str, Any]:
        person = card_person(session.request, expired=verdict.document == "DOC_EXPIRED")
        first = person["first_name"].upper()
        if "NAME" in verdict.mismatch:
            first = f"{first}-MARIE"
        return {
            "docFirstName": first,
            "docLastName": person["last_name"].upper(),
            "docNumber": person["document_number"],
            "docPersonalCode": "38001010000",
            "docExpiry": person["expiry_date"],
            "docDob": person["birth_date"],
            "docDateOfIssue": person["issue_date"],
            "docType": "ID_CARD",
            "docSex": "MALE" if person["gender"] == "M" else "FEMALE" if person["gender"] == "F" else "UNDEFINED",
            "docNationality": person["nationality"],
            "docIssuingCountry": person["nationality"],
            "birthPlace": person["birth_place"],
            "authority": "SANDBOX AUTHORITY",
            "address": None,
            "fullName": f"{first} {person['last_name'].upper()}",
            "selectedCountry": person["nationality"],
            "manuallyDataChanged": False,
            "orgFirstName": first,
            "orgLastName": person["last_name"].upper(),
            "ageEstimate": "OVER_25",
            "clientIpProxyRiskLevel": "LOW",
            "duplicateFaces": ["3b8e6a52-c9d0-11ee-b1f2-02a8c4f0b2d1"] if "DUPLICATE_FACE" in verdict.fraud else [],
            "duplicateDocFaces": [],
            "additionalData": {},
        }

    def current(self, session: SimSession) -> dict[str, Any] | None:
        """The state /status, /data and the webhooks show now (None before the person finished)."""
        if session.data.get("stage") == "review":
            return session.data["review"]
        return session.data.get("auto")

    def status_answer(self, session: SimSession) -> dict[str, Any]:
        state = self.current(session) or {}
        answer = {key: state.get(key) for key in STATUS_FIELDS}
        answer.update({"fraudTags": state.get("fraudTags") or [], "mismatchTags": state.get("mismatchTags") or []})
        return {
            **answer,
            "status": session.status,
            "scanRef": session.external_id,
            "clientId": session.request.get("clientId"),
        }

    def webhook_body(self, session: SimSession, final: bool, base_url: str) -> dict[str, Any]:
        state = self.current(session) or {}
        finished = state.get("data") is not None
        return {
            "final": final,
            "platform": "PC",
            "status": {
                **{key: state.get(key) for key in STATUS_FIELDS},
                "overall": state.get("overall"),
                "additionalSteps": None,
            },
            "data": state.get("data") or {key: None for key in ("docFirstName", "docLastName", "docNumber", "docDob")},
            "fileUrls": file_links(session, base_url),
            "additionalStepPdfUrls": {},
            "AML": aml_block(state.get("amlHit", False), session) if finished else None,
            "LID": lid_block(state.get("data") or {}) if finished else None,
            "scanRef": session.external_id,
            "externalRef": session.request.get("externalRef"),
            "clientId": session.request.get("clientId"),
            "companyId": None,
            "beneficiaryId": None,
            "startTime": session.data.get("startTime") if finished else None,
            "finishTime": session.data.get("finishTime"),
            "clientIp": "198.51.100.23" if finished else None,
            "clientIpCountry": "LT" if finished else None,
            "clientLocation": "Vilnius, Lithuania" if finished else None,
        }

    # --- side effects --------------------------------------------------------------------------
    def _send(self, session: SimSession, event: str, *, final: bool) -> None:
        public = settings.KYCDESK_PUBLIC_URL.rstrip("/")
        body = json.dumps(self.webhook_body(session, final, f"{public}/sandbox/{VENDOR}/")).encode()
        outbound.send_webhook(
            vendor=VENDOR,
            session=session,
            url=session.webhook_url or f"{public}/webhooks/{VENDOR}/",
            body=body,
            headers={
                "Content-Type": "application/json",
                "Idenfy-Signature": sign(body, signing_key()),
                "Idenfy-Event-Type": event,
            },
        )

    def _store_files(self, session: SimSession, uploads: Uploads, outcome: str) -> None:
        person = card_person(session.request, expired=outcome == "deny_document")
        files = {
            "FRONT": uploads.front or media.id_card(person, "front", "%Y-%m-%d"),
            "BACK": uploads.back or media.id_card(person, "back", "%Y-%m-%d"),
            "FACE": uploads.selfie or media.selfie(session.external_id),
            "FACE_VIDEO": media.video("webm"),
        }
        for key, data in files.items():
            SimFile.objects.update_or_create(
                session=session,
                key=key,
                defaults={"content_type": sniff(data), "data": data, "sha256": media.sha256(data)},
            )

    @staticmethod
    def _redirect_for(request: dict[str, Any], verdict: Verdict, event: str) -> str:
        """Where the person goes afterwards: successUrl, errorUrl or unverifiedUrl if sent."""
        if event != n.AUTO_FINISHED:
            return str(request.get("unverifiedUrl") or "")
        key = "successUrl" if verdict.overall == "APPROVED" else "errorUrl"
        return str(request.get(key) or "")


simulator = IdenfySimulator()


def _queue_review(session_pk: int) -> None:
    from django_q.tasks import async_task

    async_task("providers.idenfy.sandbox.complete_review", session_pk, task_name=f"sandbox-idenfy-review-{session_pk}")


def complete_review(session_pk: int) -> None:
    """django-q2 task: the review finishes after the automatic webhook has gone out."""
    session = SimSession.objects.filter(pk=session_pk, vendor=VENDOR, deleted=False).first()
    if session is not None:
        simulator.complete_review(session)

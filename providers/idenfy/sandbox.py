"""The iDenfy simulator, mounted at /sandbox/idenfy/: the API of shared/providers/idenfy.md as the
client uses it, plus the person's link and expiring file links.

- HTTP Basic with the configured API key and secret; errors as ``{identifier, message}``;
  POST /api/v2/token answers 201; the fault switches (401, 429, 500, timeout) apply.
- The person's link GET /api/v2/redirect?authToken=... opens the shared person's page, where
  only outcomes an iDenfy verification can produce are offered.
- Results go out as signed webhooks (Idenfy-Signature: hex HMAC-SHA256 of the body with the
  dashboard's signing key, i.e. IDENFY_WEBHOOK_SIGNING_KEY) to the dashboard URL (our
  /webhooks/idenfy/) or the session's callbackUrl: the automatic result first, then, when a
  review follows (the outcome asks for it, or reviewSuccessful / reviewFailed at launch), the
  manual one with ``final: true``. Until the review is done /status answers REVIEWING.
- File links expire after an hour (403 "Request has expired", as S3 answers); /api/v2/files
  hands out fresh ones.
- /api/v2/delete refuses with PARTNER_ERROR "Token has not expired yet." while the token can
  still be used (our reading: not expired and not used yet).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from providers.sandbox import media, outbound, tokens
from providers.sandbox.faults import guarded
from providers.sandbox.models import SimFile, SimSession, SimToken
from providers.sandbox.person import person_page
from providers.sandbox.simulator import Outcome, Simulator, Uploads

from . import normalize as n
from .forms import LOCALES, TOKEN_TYPES
from .webhooks import sign

VENDOR = "idenfy"
LINK_LIFETIME = dt.timedelta(hours=1)  # "fileUrls expire after 1 hour"
DEFAULT_EXPIRY, DEFAULT_SESSION_LENGTH = 86400, 1800
IDENTIFIERS = {
    400: "BAD_VALUE",
    401: "UNAUTHORIZED",
    404: "BAD_VALUE",
    405: "METHOD_NOT_ALLOWED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    504: "INTERNAL_ERROR",
}
STATUS_FIELDS = ("autoDocument", "autoFace", "manualDocument", "manualFace", "fraudTags", "mismatchTags")


def error(status: int, message: str, identifier: str = "") -> JsonResponse:
    """iDenfy's error shape."""
    return JsonResponse(
        {"identifier": identifier or IDENTIFIERS.get(status, "INTERNAL_ERROR"), "message": message}, status=status
    )


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


# --- helpers ----------------------------------------------------------------------------------
def signing_key() -> str:
    """The key set in iDenfy's dashboard: the one kycdesk is configured with."""
    return str(settings.KYCDESK_VENDORS[VENDOR].get("webhook_signing_key", ""))


def card_person(request: dict[str, Any], *, expired: bool = False) -> dict[str, str]:
    today = timezone.now().date()
    expiry = today - dt.timedelta(days=90) if expired else today.replace(year=today.year + 5)
    sex = str(request.get("sex") or "M")
    return {
        "first_name": str(request.get("firstName") or "Jonas"),
        "last_name": str(request.get("lastName") or "Specimenas"),
        "birth_date": str(request.get("dateOfBirth") or "1980-01-01"),
        "nationality": str(request.get("nationality") or "LT").upper(),
        "gender": sex,
        "document_number": str(request.get("documentNumber") or "LT1234567"),
        "expiry_date": expiry.isoformat(),
        "issue_date": today.replace(year=today.year - 5).isoformat(),
        "birth_place": "VILNIUS",
    }


def aml_block(hit: bool, session: SimSession) -> list[dict[str, Any]]:
    data = session.data.get("auto", {}).get("data") or {}
    hits = (
        [
            {
                "name": data.get("docFirstName"),
                "surname": data.get("docLastName"),
                "nationality": data.get("docNationality"),
                "dob": (data.get("docDob") or "")[:4],
                "suspicion": "PEP",
                "reason": "Member of a national parliament (sandbox)",
                "listNumber": "PEP-SANDBOX-1",
                "listName": "PEP list",
                "score": 91,
                "isPerson": True,
                "isActive": True,
            }
        ]
        if hit
        else []
    )
    return [
        {
            "status": {
                "serviceSuspected": hit,
                "serviceUsed": True,
                "serviceFound": True,
                "checkSuccessful": True,
                "overallStatus": "SUSPECTED" if hit else "NOT_SUSPECTED",
            },
            "data": hits,
            "serviceName": "PilotApiAmlV2",
            "serviceGroupType": "AML",
            "uid": session.external_id.replace("-", "")[:26].upper(),
            "errorMessage": None,
        }
    ]


def lid_block(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "status": {
                "serviceSuspected": False,
                "serviceUsed": True,
                "serviceFound": True,
                "checkSuccessful": True,
                "overallStatus": "NOT_SUSPECTED",
            },
            "data": [{"documentNumber": data.get("docNumber"), "documentType": "ID_CARD", "valid": True}],
            "serviceName": "IrdInvalidPapers",
            "serviceGroupType": "LID",
            "uid": None,
            "errorMessage": None,
        }
    ]


def sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return "image/jpeg"


def _link_signature(scan_ref: str, key: str, expires: int) -> str:
    secret = f"{settings.SECRET_KEY}:idenfy-sandbox-files".encode()
    return hmac.new(secret, f"{scan_ref}/{key}/{expires}".encode(), hashlib.sha256).hexdigest()


def file_links(session: SimSession, base_url: str) -> dict[str, str]:
    """A fresh link to each file, valid for an hour (pre-signed: no credentials needed)."""
    expires = int((timezone.now() + LINK_LIFETIME).timestamp())
    links = {}
    for key in session.files.order_by("pk").values_list("key", flat=True):
        signature = _link_signature(session.external_id, key, expires)
        links[key] = f"{base_url.rstrip('/')}/files/{session.external_id}/{key}?Expires={expires}&Signature={signature}"
    return links


# --- the API ----------------------------------------------------------------------------------
def _authorized(request: HttpRequest) -> bool:
    block = settings.KYCDESK_VENDORS[VENDOR]
    expected = base64.b64encode(f"{block.get('api_key', '')}:{block.get('api_secret', '')}".encode()).decode()
    given = request.headers.get("Authorization", "")
    return bool(block.get("api_key")) and hmac.compare_digest(given.encode(), f"Basic {expected}".encode())


def api(view: Callable[[HttpRequest, dict[str, Any]], HttpResponse]) -> Callable[..., HttpResponse]:
    """POST only, Basic auth, a JSON object body; fault switches first."""

    @guarded(VENDOR, error)
    @functools.wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return error(405, f'Method "{request.method}" not allowed.')
        if not _authorized(request):
            return error(401, "Invalid API key or API secret.")
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return error(400, "JSON parse error.", "JSON_ERROR")
        if not isinstance(body, dict):
            return error(400, "Expected a JSON object.", "JSON_ERROR")
        return view(request, body)

    return wrapper


def _session(body: dict[str, Any]) -> SimSession:
    scan_ref = body.get("scanRef")
    if not isinstance(scan_ref, str) or not scan_ref:
        raise Http404("scanRef: This field is required.")
    session = SimSession.objects.filter(vendor=VENDOR, external_id=scan_ref).first()
    if session is None:
        raise Http404("scanRef: No verification with this scanRef.")
    return session


def _with_session(view: Callable[[HttpRequest, SimSession], HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
        try:
            return view(request, _session(body))
        except Http404 as exc:
            missing = "required" in str(exc)
            return error(400 if missing else 404, str(exc), "MISSING_VALUE" if missing else "BAD_VALUE")

    return wrapper


def _token_problem(body: dict[str, Any]) -> tuple[str, str] | None:
    """(identifier, message) for a body iDenfy would refuse; the main rules of the vendor doc."""
    client_id = body.get("clientId")
    if client_id in (None, ""):
        return "MISSING_VALUE", "clientId: This field is required."
    if not isinstance(client_id, str) or not client_id.isascii() or len(client_id) > 100:
        return "BAD_VALUE", "clientId: ASCII characters only, at most 100."
    expiry = body.get("expiryTime", DEFAULT_EXPIRY)
    if not isinstance(expiry, int) or not 0 < expiry <= 2592000:
        return "BAD_VALUE", "expiryTime: Must be more than 0 and not exceed 2592000."
    length = body.get("sessionLength", DEFAULT_SESSION_LENGTH)
    if not isinstance(length, int) or not 60 < length < 3600:
        return "BAD_VALUE", "sessionLength: Must be more than 60 and less than 3600."
    if body.get("locale") not in (None, *[code for code, _ in LOCALES]):
        return "BAD_VALUE", "locale: Not a supported locale."
    if body.get("tokenType") not in (None, *TOKEN_TYPES):
        return "BAD_VALUE", "tokenType: Not a valid choice."
    if body.get("utilityBill") is True and body.get("additionalSteps"):
        return "VALIDATION_ERROR", "utilityBill can't be used together with additionalSteps."
    return None


@api
def token_view(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    problem = _token_problem(body)
    if problem:
        return error(400, problem[1], problem[0])
    expiry = int(body.get("expiryTime", DEFAULT_EXPIRY))
    scan_ref = str(uuid.uuid4())
    auth_token = tokens.issue(VENDOR, lifetime=dt.timedelta(seconds=expiry))
    SimSession.objects.create(
        vendor=VENDOR,
        external_id=scan_ref,
        status="ACTIVE",
        request=body,
        data={"authToken": auth_token},
        webhook_url=str(body.get("callbackUrl") or ""),
        expires_at=timezone.now() + dt.timedelta(seconds=expiry),
    )
    answer = {
        "locale": "en",
        "showInstructions": True,
        "sessionLength": DEFAULT_SESSION_LENGTH,
        "documents": ["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE"],
        "tokenType": "IDENTIFICATION",
        "utilityBill": False,
        "additionalSteps": None,
        "additionalData": None,
        **body,
        "message": "Token created successfully",
        "authToken": auth_token,
        "scanRef": scan_ref,
        "expiryTime": expiry,
        "digitString": f"{secrets.randbelow(10**8):08d}" if body.get("generateDigitString") else None,
    }
    for key in ("firstName", "lastName"):
        if isinstance(answer.get(key), str):
            answer[key] = answer[key].upper()
    return JsonResponse(answer, status=201)


@api
@_with_session
def status_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    if (
        not session.deleted
        and session.status == "ACTIVE"
        and session.expires_at
        and session.expires_at <= timezone.now()
    ):
        session.status = "EXPIRED"
        session.save(update_fields=["status"])
    return JsonResponse(simulator.status_answer(session))


@api
@_with_session
def data_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    state = simulator.current(session) or {}
    return JsonResponse(state.get("data") or {})


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sandbox-idenfy:root"))


@api
@_with_session
def files_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    return JsonResponse(file_links(session, _base_url(request)))


@api
@_with_session
def delete_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    token_live = session.finished_at is None and (session.expires_at is None or session.expires_at > timezone.now())
    if token_live:
        return error(400, "Token has not expired yet.", "PARTNER_ERROR")
    with transaction.atomic():
        session.files.all().delete()
        session.data = {}
        session.status = "DELETED"
        session.deleted = True
        session.save(update_fields=["data", "status", "deleted"])
    return HttpResponse(status=200)


@api
@_with_session
def pdf_view(request: HttpRequest, session: SimSession) -> HttpResponse:
    state = simulator.current(session)
    if session.deleted or not state or session.status in ("ACTIVE", "REVIEWING"):
        return error(400, "The verification has no final result to report yet.", "PARTNER_ERROR")
    lines = [f"scanRef: {session.external_id}", f"Overall: {session.status}"]
    lines += [f"{key}: {state.get(key) or '-'}" for key in STATUS_FIELDS[:4]]
    document = media.pdf("iDenfy verification report (sandbox)", lines)
    return HttpResponse(base64.b64encode(document), content_type="text/plain")


@csrf_exempt
def redirect_view(request: HttpRequest) -> HttpResponse:
    """The person's link: the page of the session whose token this is."""
    auth_token = request.GET.get("authToken", "")
    session = SimSession.objects.filter(vendor=VENDOR, data__authToken=auth_token, deleted=False).first()
    if not auth_token or session is None:
        raise Http404("Unknown verification link.")
    return person_page(request, simulator, session.external_id)


def file_view(request: HttpRequest, scan_ref: str, key: str) -> HttpResponse:
    """A pre-signed file link, as S3 serves one: 403 once expired, 404 once deleted."""
    try:
        expires = int(request.GET.get("Expires", ""))
    except ValueError:
        expires = 0
    signature = request.GET.get("Signature", "")
    if not hmac.compare_digest(signature.encode(), _link_signature(scan_ref, key, expires).encode()):
        return _s3_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
    if expires <= timezone.now().timestamp():
        return _s3_error(403, "AccessDenied", "Request has expired")
    file = SimFile.objects.filter(session__vendor=VENDOR, session__external_id=scan_ref, key=key).first()
    if file is None:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return HttpResponse(bytes(file.data), content_type=file.content_type)


def _s3_error(status: int, code: str, message: str) -> HttpResponse:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return HttpResponse(body, status=status, content_type="application/xml")


def root_view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"vendor": "iDenfy (simulated)", "docs": "providers/idenfy/sandbox.py"})


urlpatterns = [
    path("", root_view, name="root"),
    path("api/v2/token", token_view),
    path("api/v2/status", status_view),
    path("api/v2/data", data_view),
    path("api/v2/files", files_view),
    path("api/v2/delete", delete_view),
    path("api/v2/generate-pdf", pdf_view),
    path("api/v2/redirect", redirect_view, name="redirect"),
    path("files/<str:scan_ref>/<str:key>", file_view, name="file"),
]

"""The Datakeen IDify simulator, mounted at /sandbox/datakeen/: the v1 API as the vendor document
describes it (same paths, ``Authorization: Basic <token>`` valid 24 h, the ``{status, message,
data}`` envelope, single-use sessions that expire after 1 hour, the QR code as base64 PNG), the
person's link (``/client/test?sessionId=...``), a result document shaped like the vendor's example
whose boxes land on the synthetic card, and the webhook back when the session ends.

Where the vendor document is silent, this is our reading (said so below): the answer for a session
with no analysis yet, and the back-office page that sends an analyst's decision.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import secrets
from typing import Any, ClassVar

import qrcode
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from providers.datakeen import client
from providers.sandbox import faults, media, tokens
from providers.sandbox.models import SimFile, SimSession
from providers.sandbox.outbound import send_webhook
from providers.sandbox.person import person_page
from providers.sandbox.simulator import Outcome, Simulator, Uploads

VENDOR = "datakeen"
SESSION_LIFETIME = dt.timedelta(hours=1)
TEMPLATES = [  # as in the vendor document, section 2
    {
        "name": "Vérification Identité avec selfie",
        "default": True,
        "status": "active",
        "_id": "6747253f954e810012b37zer",
        "createdAt": "2024-11-27T13:57:19.752Z",
    },
    {
        "name": "Vérification Identité et Justificatif de domicile",
        "default": False,
        "status": "active",
        "_id": "6745fcdf34177200112cc345",
        "createdAt": "2024-11-26T16:52:47.731Z",
    },
]
#: Document controls of a French ID card (vendor example), with those each outcome fails.
CARD_CONTROLS = (
    "dateValidity",
    "dateValidityDelivery",
    "globalStatus",
    "initialsIsPresent",
    "matchFirstName",
    "matchFullName",
    "matchLastName",
    "mrzConformity",
    "mrzValidity",
    "photoIsPresent",
    "rfSymbolIsPresent",
    "stampIsPresent",
    "waveIsPresent",
)
FAILED_CONTROLS = {
    "ai_approved": frozenset(),
    "ai_rejected": frozenset({"dateValidity", "globalStatus"}),  # the card has expired
    "verify": frozenset({"matchLastName", "matchFullName"}),  # the name differs: a person must look
}
FRONT, BACK, SELFIE = "recto.jpg", "verso.jpg", "selfie.jpg"


def envelope(status: int, message: str, data: Any = None) -> JsonResponse:
    return JsonResponse({"status": status, "message": message, "data": data}, status=status, safe=False)


def error(status: int, message: str) -> HttpResponse:
    return JsonResponse({"status": status, "message": message}, status=status)


def authorized(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme == "Basic" and tokens.check(VENDOR, token)


def api(view):
    """A vendor API view: fault switches first, then the Basic token."""

    @faults.guarded(VENDOR, error)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not authorized(request):
            return error(401, "Unauthorized")
        return view(request, *args, **kwargs)

    return wrapper


def _json_body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


# --- the API ---------------------------------------------------------------------------------
@faults.guarded(VENDOR, error)
@require_http_methods(["POST"])
def auth(request: HttpRequest) -> HttpResponse:
    """Any non-empty username and password log in (use the 401 fault switch for a refusal)."""
    body = _json_body(request) or {}
    if not body.get("username") or not body.get("password"):
        return error(401, "Invalid username or password")
    token = tokens.issue(VENDOR, lifetime=client.TOKEN_LIFETIME)
    return JsonResponse({"status": 200, "data": {"token": token}})


@api
@require_http_methods(["GET"])
def templates(request: HttpRequest) -> HttpResponse:
    return JsonResponse(TEMPLATES, safe=False)  # a bare list, as documented


def _qr_code(link: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(link).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@api
@require_http_methods(["POST"])
def create_session(request: HttpRequest) -> HttpResponse:
    body = _json_body(request)
    if body is None:
        return error(400, "The body must be a JSON object")
    if body.get("templateId") and body["templateId"] not in {t["_id"] for t in TEMPLATES}:
        return error(400, "Template not found")
    if body.get("birthDate"):
        try:
            dt.datetime.strptime(str(body["birthDate"]), "%d/%m/%Y")
        except ValueError:
            return error(400, "birthDate must be in the 'dd/mm/yyyy' format")
    session_id = secrets.token_hex(12)  # shaped like Datakeen's ids (24 hex digits)
    link = f"{request.build_absolute_uri(reverse('sandbox-datakeen:person'))}?sessionId={session_id}"
    SimSession.objects.create(
        vendor=VENDOR,
        external_id=session_id,
        request=body,
        webhook_url=str(body.get("webhookURL") or ""),
        callback_url=str(body.get("callbackURL") or ""),
        expires_at=timezone.now() + SESSION_LIFETIME,
    )
    qr = _qr_code(link) if body.get("QR") is True else ""
    return envelope(200, "Magic Link", {"link": link, "sessionId": session_id, "QRCode": qr})


@api
@require_http_methods(["GET"])
def session_result(request: HttpRequest, session_id: str) -> HttpResponse:
    session = SimSession.objects.filter(vendor=VENDOR, external_id=session_id, deleted=False).first()
    if session is None:
        return error(404, "Session not found")
    if not session.data:
        # Our reading: the document does not show a session without an analysis yet.
        return envelope(200, "No analysis yet", {"analysid_id": "", "job_status": {"predictions": []}})
    return JsonResponse(session.data)


@api
@require_http_methods(["GET"])
def document(request: HttpRequest, session_id: str, name: str) -> HttpResponse:
    """At client.DOCUMENT_PATH, itself unconfirmed."""
    found = SimFile.objects.filter(session__vendor=VENDOR, session__external_id=session_id, key=name).first()
    if found is None:
        return error(404, "Document not found")
    return HttpResponse(bytes(found.data), content_type=found.content_type)


# --- the result document -----------------------------------------------------------------------
def _confidence(seed: str, low: float = 0.82) -> float:
    """A stable, realistic confidence in [low, 0.99) for the same session and field."""
    return low + (int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % 1000) / 1000 * (0.99 - low)


def _box(page: int, box: tuple[float, float, float, float]) -> dict[str, Any]:
    x, y, width, height = box
    return {"height": height, "page_num": page, "topleft": [x, y], "width": width}


def card_person(session: SimSession, outcome: str) -> dict[str, str]:
    """Who the synthetic card shows: the names and birth date staff sent, ISO dates for media.py."""
    request = session.request
    today = timezone.now().date()
    birth = ""
    if request.get("birthDate"):
        birth = dt.datetime.strptime(str(request["birthDate"]), "%d/%m/%Y").date().isoformat()
    expired = outcome == "ai_rejected"
    return {
        "first_name": str(request.get("firstName") or "Camille"),
        "last_name": str(request.get("lastName") or "Specimen"),
        "birth_date": birth or "1990-01-01",
        "nationality": "FRA",
        "gender": "F",
        "document_number": f"SPEC{session.external_id[-5:].upper()}",  # 9 characters: all fit the MRZ
        "issue_date": (today - dt.timedelta(days=365 * (12 if expired else 2))).isoformat(),
        "expiry_date": (today - dt.timedelta(days=30) if expired else today + dt.timedelta(days=365 * 8)).isoformat(),
    }


def extracted_information(session: SimSession, person: dict[str, str]) -> dict[str, Any]:
    """Every value printed on the card, with the box it is printed in, plus the MRZ twins and the
    values Datakeen deduces without a box (as in the vendor example)."""
    printed = media.card_values(person)  # dates as dd.mm.yyyy, like Datakeen's
    fields: dict[str, Any] = {}
    for page, boxes in ((0, media.FRONT_BOXES), (1, media.BACK_BOXES)):
        for name, box in boxes.items():
            if name in ("photo", "authority"):
                continue
            value = printed[name].replace("\n", "") if name == "mrz" else printed[name]
            conf = _confidence(f"{session.external_id}:{name}")
            fields[name] = {"bbox": _box(page, box), "confidence": conf, "value": value}
    twins = ("birthDate", "expiryDate", "firstName", "gender", "idNumber", "lastName")
    fields.update({f"{name}MRZ": {"bbox": {}, "confidence": 1, "value": printed[name]} for name in twins})
    full_name = f"{printed['firstName']} {printed['lastName']}"
    fields["fullName"] = {"bbox": {}, "confidence": 0.9, "value": full_name}
    fields["countryCode"] = {"bbox": {}, "confidence": 0.9, "value": "FR"}
    fields["birthCountry"] = {"bbox": {}, "confidence": 0.9, "value": "FR"}
    fields["spouseName"] = {"bbox": {}, "confidence": None, "value": ""}
    return dict(sorted(fields.items()))


def result_document(session: SimSession, outcome: str, person: dict[str, str]) -> dict[str, Any]:
    """GET /backend/api/v1/session/{id} after the analysis, shaped like the vendor's example."""
    entity_id = f"{session.external_id[:8]}-sand-box0-0000-{session.external_id[-12:]}"
    failed = FAILED_CONTROLS[outcome]
    controls: dict[str, Any] = {}
    for name in CARD_CONTROLS:
        passed = name not in failed and name != "rfSymbolIsPresent"  # the example's card has none
        controls[name] = {"confidence": round(_confidence(f"{session.external_id}:{name}", 0.6), 4), "value": passed}
    controls["globalStatus"]["score"] = 1 if not failed else 0.4 if "globalStatus" in failed else 0.62
    card = {
        "cardSide": "front-back",
        "cardType": "national_id_card_fr_2003",
        "controls": controls,
        "entities": [entity_id],
        "extractedInformation": extracted_information(session, person),
        "origin": FRONT,
        "pages": [
            {"num": 0, "path": FRONT, "type": "national-id-card-fr-recto"},
            {"num": 1, "path": BACK, "type": "national-id-card-fr-verso"},
        ],
        "path": FRONT,
        "type": "id-card",
    }
    selfie = {
        "entities": [],
        "extractedInformation": {},
        "origin": SELFIE,
        "pages": [{"num": 0, "path": SELFIE, "type": ""}],
        "path": "",
        "type": "other",
    }
    full_name = f"{person['first_name']} {person['last_name']}"
    results = {
        "controls": {"matchNameInAllDocuments": {"confidence": 1, "value": outcome != "verify"}},
        "documents": [card, selfie],
        "entities": [
            {"firstName": person["first_name"], "fullName": full_name, "id": entity_id, "lastName": person["last_name"]}
        ],
        "report": None,
    }
    prediction = {"message": "Success", "results": results, "status": 200, "verificationId": "", "webhook": None}
    data = {"analysid_id": secrets.token_hex(12), "job_status": {"predictions": [prediction]}}
    return {"status": 200, "message": "Analysis Completed Successfully", "data": data}


# --- the person's side and the back office --------------------------------------------------------
class DatakeenSimulator(Simulator):
    vendor = VENDOR
    title = "Datakeen IDify (sandbox)"
    outcomes = (
        Outcome("ai_approved", "Datakeen's AI approves", "Every control passes."),
        Outcome("ai_rejected", "Datakeen's AI rejects", "The card has expired: dateValidity and globalStatus fail."),
        Outcome("verify", "To verify", "The name checks fail: a person must look."),
        Outcome("abandon", "Leave without finishing", "No analysis, no webhook; the link expires after 1 hour."),
    )
    demo_outcomes = ("ai_approved", "ai_rejected", "verify")  # the demo adds an unfinished case itself
    statuses: ClassVar[dict[str, str]] = {
        "ai_approved": "approved",
        "ai_rejected": "rejected",
        "verify": "needs_review",
    }

    def person(self, session: SimSession) -> dict[str, str]:
        """Only the person: the request also holds our webhook URL and its secret token."""
        shown = {"firstName": "First name", "lastName": "Last name", "birthDate": "Birth date"}
        return {label: str(session.request[key]) for key, label in shown.items() if session.request.get(key)}

    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        if outcome == "abandon":
            SimSession.objects.filter(pk=session.pk).update(status="abandoned")
            return
        person = card_person(session, outcome)
        files = {
            FRONT: uploads.front or media.id_card(person, "front"),
            BACK: uploads.back or media.id_card(person, "back"),
            SELFIE: uploads.selfie or media.selfie(session.external_id),
        }
        with transaction.atomic():  # the webhook leaves after commit, when the result can be read
            session.data = result_document(session, outcome, person)
            session.status, session.outcome, session.finished_at = "finished", outcome, timezone.now()
            session.save()
            for key, data in files.items():
                content_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
                SimFile.objects.update_or_create(
                    session=session,
                    key=key,
                    defaults={"data": data, "content_type": content_type, "sha256": media.sha256(data)},
                )
            self.notify(session, {"sessionId": session.external_id, "newStatus": outcome})

    def decide(self, session: SimSession, decision: str) -> None:
        """An analyst's decision in Datakeen's back office, sent as its webhook."""
        results = session.data["data"]["job_status"]["predictions"][0]["results"]
        with transaction.atomic():
            session.outcome = decision
            session.save(update_fields=["outcome"])
            body = {
                "analysisId": session.data["data"]["analysid_id"],
                "entityId": results["entities"][0]["id"],
                "correlationId": secrets.token_hex(8),
                "sessionId": session.external_id,
                "newStatus": decision,
            }
            self.notify(session, body)

    def notify(self, session: SimSession, body: dict[str, Any]) -> None:
        if session.webhook_url:  # unsigned, as Datakeen's are
            payload = json.dumps(body).encode()
            headers = {"Content-Type": "application/json"}
            send_webhook(vendor=VENDOR, url=session.webhook_url, body=payload, headers=headers, session=session)


simulator = DatakeenSimulator()
BACK_OFFICE = engines["django"].from_string(
    """{% extends "sandbox/base.html" %}{% block content %}
<h1>Back office: session <code>{{ session.external_id }}</code></h1>
<p>As an analyst in Datakeen's back office would, decide this analysed session; Datakeen then sends
its decision webhook.</p>
{% if message %}<p class="error">{{ message }}</p>{% endif %}
{% if session.data %}<form method="post">
  <button name="decision" value="user_approved">Approve</button>
  <button name="decision" value="user_rejected">Reject</button>
</form>{% endif %}{% endblock %}"""
)


@csrf_exempt
def person(request: HttpRequest) -> HttpResponse:
    return person_page(request, simulator, request.GET.get("sessionId", ""))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def back_office(request: HttpRequest, session_id: str) -> HttpResponse:
    """Our stand-in for Datakeen's back office: an analyst approves or rejects an analysed session."""
    session = simulator.get_session(session_id)
    message = "" if session.data else "No analysis to decide yet."
    if request.method == "POST" and not message:
        decision = request.POST.get("decision", "")
        if decision in ("user_approved", "user_rejected"):
            simulator.decide(session, decision)
            message = f"Decision sent: {decision}."
        else:
            message = "Choose user_approved or user_rejected."
    context = {"simulator": simulator, "session": session, "message": message}
    return HttpResponse(BACK_OFFICE.render(context, request))


urlpatterns = [
    path(client.AUTH_PATH, auth, name="auth"),
    path(client.TEMPLATES_PATH, templates, name="templates"),
    path(client.SESSIONS_PATH, create_session, name="sessions"),
    path(client.SESSION_PATH.replace("{session_id}", "<str:session_id>"), session_result, name="session"),
    path(
        client.DOCUMENT_PATH.replace("{session_id}", "<str:session_id>").replace("{name}", "<str:name>"),
        document,
        name="document",
    ),
    path("client/test", person, name="person"),
    path("back-office/<str:session_id>/", back_office, name="back-office"),
]

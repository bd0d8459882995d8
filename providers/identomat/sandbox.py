"""The Identomat simulator, mounted at /sandbox/identomat/ (the API's ``external-api/`` root).

As the live service does (identomat.md, "Calls" and "HMAC"):
- ``begin/`` answers a bare JSON string, the session token, valid 15 minutes;
- ``result/`` answers the result document with **lower-case** result values ("approved");
- the media calls answer raw image/video bytes, and a JSON error when there is no such file;
- errors are bare JSON strings (``"COMPANY_KEY_INVALID"``, ``"SESSION_NOT_FOUND"``);
- with a secret key configured, requests must be signed and successful answers are signed
  (``Authorization: signature="<base64 HMAC-SHA256>"``); error answers are not.
- no result webhook is sent: kycdesk polls.

The simulated account is the one kycdesk is configured with (its ``identomat`` settings block),
as if Identomat had issued those keys. HTTP statuses of error answers are our reading: the guide
only names the codes.

Our reading, too: ``result/`` for a token that passed its 15 minutes without the person finishing
answers ``"SESSION_INVALID"`` (the token can no longer be used); a person who quit ("abandon")
leaves the session in progress for good, as the guide's IN_PROGRESS says.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from providers.identomat.client import sign
from providers.sandbox import media as synthetic
from providers.sandbox.faults import guarded
from providers.sandbox.models import SimFile, SimSession
from providers.sandbox.person import person_page
from providers.sandbox.simulator import Outcome, Simulator, Uploads

VENDOR = "identomat"
TOKEN_LIFETIME = dt.timedelta(minutes=15)

#: Specimen people the "OCR" finds on the synthetic card (nothing of a real person).
SPECIMENS = (
    {"first_name": "IVANA", "last_name": "SPECIMEN", "birth_date": "1979-11-25", "gender": "F", "city": "ZAGREB"},
    {"first_name": "MARKO", "last_name": "UZORAK", "birth_date": "1990-08-02", "gender": "M", "city": "SPLIT"},
    {"first_name": "ANA", "last_name": "PRIMJER", "birth_date": "1988-02-29", "gender": "F", "city": "RIJEKA"},
)
FACE_MISMATCH = {"value": "face_mismatch", "description": "The face does not match the face on the document."}
NO_REASON = {"value": "", "description": ""}  # what an approved session carries (identomat.md)
#: outcome -> (result value as the live service sends it, similarity)
RESULTS = {
    "approve": ("approved", 0.93),
    "reject": ("rejected", 0.21),
    "manual_check": ("manual_check", 0.68),
    "disagree": ("disagreed_with_terms", None),
    "abandon": ("in_progress", None),
}


def account() -> tuple[str, str]:
    """(company_key, secret_key) of the simulated account, read at each call."""
    block: Mapping[str, Any] = getattr(settings, "KYCDESK_VENDORS", {}).get(VENDOR, {})
    return str(block.get("company_key", "")), str(block.get("secret_key", ""))


def error(code: str, status: int = 400) -> HttpResponse:
    """Identomat's error shape: a bare JSON string, unsigned."""
    return JsonResponse(code, safe=False, status=status)


def fault_error(status: int, message: str) -> HttpResponse:
    return JsonResponse(message, safe=False, status=status)


def signed_response(body: bytes, content_type: str) -> HttpResponse:
    """A successful answer; signed over its exact bytes when a secret key is configured."""
    response = HttpResponse(body, content_type=content_type)
    _, secret_key = account()
    if secret_key:
        response["Authorization"] = f'signature="{sign(secret_key, body)}"'
    return response


def json_answer(value: Any) -> HttpResponse:
    return signed_response(json.dumps(value, ensure_ascii=False).encode(), "application/json")


def parameters(request: HttpRequest) -> dict[str, Any]:
    """The guide accepts a JSON body, URL-encoded form data or a query string."""
    raw = request.body  # read first: the request signature covers these exact bytes
    if request.content_type == "application/json":
        try:
            body = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return body if isinstance(body, dict) else {}
    source = request.POST if request.method == "POST" else request.GET
    values: dict[str, Any] = dict(source.items())
    for name in ("flags", "steps"):
        if isinstance(values.get(name), str):
            try:
                values[name] = json.loads(values[name])
            except ValueError:
                values[name] = None
    return values


def refusal(request: HttpRequest, params: Mapping[str, Any]) -> HttpResponse | None:
    """The checks every call makes: request signature (with HMAC on), then the company key."""
    company_key, secret_key = account()
    if secret_key:
        given = request.headers.get("Authorization", "")
        expected = f'signature="{sign(secret_key, request.body)}"'
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return error("SIGNATURE_INVALID", 401)
    if not company_key or not hmac.compare_digest(str(params.get("company_key", "")).encode(), company_key.encode()):
        return error("COMPANY_KEY_INVALID", 401)
    return None


def _session(params: Mapping[str, Any]) -> SimSession | None:
    token = str(params.get("session_token") or "")
    return SimSession.objects.filter(vendor=VENDOR, external_id=token, deleted=False).first() if token else None


# --- the person's side ---------------------------------------------------------------------
class IdentomatSimulator(Simulator):
    vendor = VENDOR
    title = "Identomat"
    outcomes = (
        Outcome("approve", "Approve", "Document and face match, the person is live."),
        Outcome("reject", "Reject: face_mismatch", "The selfie does not match the document photo."),
        Outcome(
            "manual_check",
            "Manual check",
            "Suspiciously acceptable: fields mismatch and screening matches; human review required.",
        ),
        Outcome("disagree", "Disagree with terms", "The person refuses the terms and leaves."),
        Outcome("abandon", "Abandon", "The person quits before completion: the session stays in progress."),
    )
    # The demo's own never-finished case already shows an abandoned session.
    demo_outcomes = ("approve", "reject", "manual_check", "disagree")
    statuses: ClassVar[dict[str, str]] = {
        "approve": "approved",
        "reject": "rejected",
        "manual_check": "needs_review",
        "disagree": "cancelled",
    }

    def person(self, session: SimSession) -> dict[str, str]:
        # begin/ carries no personal data: show what the session was started with instead.
        request = session.request
        shown = {"config_id": str(request.get("config_id", ""))} if request.get("config_id") else {}
        flags = request.get("flags") or {}
        if isinstance(flags, dict):
            shown.update({f"flag {k}": json.dumps(v) for k, v in flags.items()})
        return shown

    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        result, similarity = RESULTS[outcome]
        specimen = SPECIMENS[int(hashlib.sha256(session.external_id.encode()).hexdigest(), 16) % len(SPECIMENS)]
        flags = session.request.get("flags") if isinstance(session.request.get("flags"), dict) else {}
        document_type = (flags.get("document_types") or ["id"])[0]
        session.data = document(session, outcome, result, similarity, specimen, document_type)
        session.status = result
        session.outcome = outcome
        session.finished_at = timezone.now()
        session.save()
        if outcome in ("disagree", "abandon"):
            return  # nothing was captured
        card = card_person(specimen, session.external_id)
        files = {"face": (uploads.selfie or synthetic.selfie(session.external_id), "image/jpeg")}
        if document_type == "passport":
            files["passport"] = (uploads.front or synthetic.id_card(card, "front"), "image/jpeg")
        else:
            files["card-front"] = (uploads.front or synthetic.id_card(card, "front"), "image/jpeg")
            files["card-back"] = (uploads.back or synthetic.id_card(card, "back"), "image/jpeg")
        files["face-video"] = (synthetic.video("webm"), "video/webm")
        for key, (data, content_type) in files.items():
            if data.startswith(b"\x89PNG"):
                content_type = "image/png"
            SimFile.objects.update_or_create(
                session=session,
                key=key,
                defaults={"content_type": content_type, "data": data, "sha256": synthetic.sha256(data)},
            )


simulator = IdentomatSimulator()


def card_person(specimen: Mapping[str, str], token: str) -> dict[str, str]:
    return {
        "first_name": specimen["first_name"],
        "last_name": specimen["last_name"],
        "birth_date": specimen["birth_date"],
        "gender": specimen["gender"],
        "nationality": "HRV",
        "birth_place": specimen["city"],
        "document_number": f"1{int(hashlib.sha256(token.encode()).hexdigest(), 16) % 10**8:08d}",
        "issue_date": "2021-03-14",
        "expiry_date": "2031-03-14",
        "address": f"ILICA 1, {specimen['city']}",
    }


def _mdy(iso: str) -> str:
    """Identomat's month/day/year without padding ("8/2/2026")."""
    day = dt.date.fromisoformat(iso)
    return f"{day.month}/{day.day}/{day.year}"


def document(
    session: SimSession,
    outcome: str,
    result: str,
    similarity: float | None,
    specimen: Mapping[str, str],
    document_type: str,
) -> dict[str, Any]:
    """The result document as the live service shapes it (identomat.md, "Result document")."""
    base: dict[str, Any] = {
        "result": result,
        "live": None,
        "similarity": None,
        "document_type": None,
        "generalDocuments": [],
        "reject_reason": None,
        "result_comment": "",
        "person": {},
        "configId": str(session.request.get("config_id") or ""),
        "trustedDatabaseRecord": None,
        "questionnaires": [],
        "screeningMatches": [],
        "technicalDetails": {"remoteAddress": "127.0.0.1", "userAgent": "Sandbox browser", "countryCode": "HR"},
    }
    if outcome in ("disagree", "abandon"):
        return base
    card = card_person(specimen, session.external_id)
    person = {
        "local_first_name": card["first_name"],
        "local_last_name": card["last_name"],
        "first_name": card["first_name"],
        "last_name": card["last_name"],
        "birthday": _mdy(card["birth_date"]),
        "birthday_time": f"{card['birth_date']}T00:00:00.000Z",
        "birth_place": card["birth_place"],
        "citizenship": "HRVATSKO",
        "nationality": "HRV",
        "document_number": card["document_number"],
        "document_issued": _mdy(card["issue_date"]),
        "document_expires": _mdy(card["expiry_date"]),
        "document_expires_time": f"{card['expiry_date']}T00:00:00.000Z",
        "authority": "SANDBOX AUTHORITY",
        "issuing_state": "HRV",
        "sex": card["gender"],
        "address": card["address"],
        "status": "FIELDS_MISMATCH" if outcome == "manual_check" else "",
        "mrz": "\n".join(synthetic.mrz_td1(card)),
    }
    base.update(
        live=True,
        similarity=similarity,
        document_type=document_type,
        reject_reason=FACE_MISMATCH if outcome == "reject" else NO_REASON,
        person=person,
        questionnaires=answers(session.request.get("steps")),
    )
    if document_type != "passport":
        base["id_card_front"] = {
            "name": "SANDBOX_ID_FRONT",
            "Given_Names_en_US": card["first_name"],
            "Surname_en_US": card["last_name"],
            "Date_of_Birth_ISO": card["birth_date"],
            "Date_of_Expiry_ISO": card["expiry_date"],
            "Document_Number": card["document_number"],
        }
        base["id_card_back"] = {"name": "SANDBOX_ID_BACK", "mrz": person["mrz"]}
    if outcome == "manual_check":
        full_name = f"{card['first_name'].title()} {card['last_name'].title()}"
        base["screeningMatches"] = [
            {"score": 0.91, "name": full_name, "personId": "sbx-scr-1", "reviewStatus": "NOT_REVIEWED"},
            {"score": 0.62, "name": f"{full_name}ić", "personId": "sbx-scr-2", "reviewStatus": "NOT_REVIEWED"},
        ]
    return base


def answers(steps: Any) -> list[dict[str, Any]]:
    """Answers to the questionnaire steps the session was begun with (yes to yes/no questions)."""
    found = []
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, dict) or "questionnaire" not in str(step.get("type", "")):
            continue
        questions = [q for q in step.get("questions") or [] if isinstance(q, dict)]
        found.append(
            {
                "key": str(step.get("key", "")),
                "questions": [
                    {"key": str(q.get("key", "")), "answer": True if q.get("type") == "boolean" else "sandbox answer"}
                    for q in questions
                ],
            }
        )
    return found


# --- the API -------------------------------------------------------------------------------
def api(*, with_session: bool) -> Callable[[Callable[..., HttpResponse]], Callable[[HttpRequest], HttpResponse]]:
    """An API call: fault switches first, then the request signature and company key, then (for
    calls about a session) its token. The view gets the parameters, or the session."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
        @guarded(VENDOR, fault_error)
        @functools.wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            params = parameters(request)
            refused = refusal(request, params)
            if refused is not None:
                return refused
            if not with_session:
                return view(params)
            session = _session(params)
            if session is None:
                return error("SESSION_NOT_FOUND", 404)
            return view(session)

        return wrapper

    return decorate


@api(with_session=False)
def begin(params: Mapping[str, Any]) -> HttpResponse:
    flags, steps, config_id = params.get("flags"), params.get("steps"), params.get("config_id")
    if not config_id and flags is not None and not isinstance(flags, dict):
        return error("FLAGS_INVALID")
    if steps is not None and not isinstance(steps, list):
        return error("STEPS_INVALID")
    token = secrets.token_hex(20)
    kept = {k: v for k, v in params.items() if k in ("flags", "steps", "config_id", "parent_session_id")}
    now = timezone.now()
    SimSession.objects.create(
        vendor=VENDOR,
        external_id=token,
        status="in_progress",
        request=kept,
        data={},
        created_at=now,
        expires_at=now + TOKEN_LIFETIME,
        callback_url=flags.get("return_url", "") if isinstance(flags, dict) else "",
    )
    return json_answer(token)


@api(with_session=True)
def result(session: SimSession) -> HttpResponse:
    if session.finished_at is None:
        if session.expires_at and session.expires_at <= timezone.now():
            return error("SESSION_INVALID")  # the token passed its 15 minutes unused
        return json_answer(document(session, "abandon", "in_progress", None, SPECIMENS[0], "id"))
    return json_answer(session.data)


@api(with_session=True)
def delete(session: SimSession) -> HttpResponse:
    session.deleted = True
    session.save(update_fields=["deleted"])
    SimFile.objects.filter(session=session).delete()
    return json_answer(session.data or {"result": session.status})


def media_view(key: str) -> Callable[[HttpRequest], HttpResponse]:
    def media(session: SimSession) -> HttpResponse:
        file = SimFile.objects.filter(session=session, key=key).first()
        if file is None:
            return error("FILE_NOT_FOUND", 404)
        return signed_response(bytes(file.data), file.content_type)

    media.__name__ = f"media_{key.replace('-', '_')}"
    return api(with_session=True)(media)


@csrf_exempt  # a vendor page: it never carries kycdesk's CSRF cookie
def widget(request: HttpRequest) -> HttpResponse:
    """widget.identomat.com/?session_token=...: the person's page."""
    return person_page(request, simulator, request.GET.get("session_token", ""))


urlpatterns = [
    path("begin/", begin, name="begin"),
    path("result/", result, name="result"),
    path("delete/", delete, name="delete"),
    *[
        path(f"result/{key}/", media_view(key), name=key)
        for key in ("card-front", "card-back", "passport", "face", "face-video")
    ],
    path("widget/", widget, name="widget"),
]

"""The Identify24 VideoIdent simulator, mounted at /sandbox/identify24/: the calls of the vendor
document (v1.0.3) on the same paths, with the ``{result, messages, ...}`` envelope, a JWT that dies
after 30 minutes without use, idents that live 90 days, appointments, ident data with PDFs whose
``file_hash`` is their sha256, a webm recording and PNG screenshots, and the webhook back.

The ident's link (``conference_url``) opens the shared person's page played from the agent's side:
the tester is the ident specialist and ends the call with an outcome.

Where the document is silent this is our reading, said so below: every status code but 5, which
failures answer 400 and which answer 200 with ``result: false``, and the download links needing
the API token. The webhook target is what a partner sets in Identify24's portal; here the portal
is kycdesk's own settings (its public URL and IDENTIFY24_WEBHOOK_TOKEN).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import secrets
import uuid
from collections.abc import Callable
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from providers.base import MalformedPayload
from providers.countries import is_alpha2
from providers.sandbox import faults, media, tokens
from providers.sandbox.models import SimFile, SimSession, SimWebhook
from providers.sandbox.outbound import send_webhook
from providers.sandbox.person import person_page
from providers.sandbox.simulator import Outcome, Simulator, Uploads

from .normalize import parse_json

VENDOR = "identify24"
IDLE = dt.timedelta(minutes=30)  # "Lifetime": the JWT's idle time
IDENT_LIFETIME = dt.timedelta(days=90)  # "Lifetime": an Ident lives 90 days
BERLIN = ZoneInfo("Europe/Berlin")  # the vendor's local time for its zone-less dates
PROJECTS = [
    {"id": "6", "title": "911 Internet GmbH", "status": "Active"},  # the document's sample
    {"id": "274", "title": "Sandbox VideoIdent", "status": "Active"},
    {"id": "13", "title": "Archived project", "status": "Inactive"},
]
#: ident/create's required attributes ("Ident Attributes").
REQUIRED = (
    "project_id",
    "birthday",
    "email",
    "person_first_name",
    "person_last_name",
    "mobile_phone",
    "nationality",
    "street",
    "house_no",
    "zip_code",
    "city",
    "country",
)
#: status key -> (status text, status_code). Only 5 = "Successful" is in the document; the other
#: codes are the simulator's own, with words that kycdesk's one status dict reads.
STATUSES = {
    "open": ("Open", "1"),
    "scheduled": ("Appointment scheduled", "2"),
    "successful": ("Successful", "5"),
    "failed": ("Failed", "6"),
    "aborted": ("Aborted", "7"),
    "review": ("Manual review", "8"),
    "cancelled": ("Cancelled", "9"),
    "expired": ("Expired", "10"),
}
CALL_HELD = frozenset({"successful", "failed", "aborted", "review"})  # a recording exists
REPORTED = frozenset({"successful", "failed", "review"})  # the specialist wrote a report
TO_SIGN = "to_sign.pdf"


# --- the envelope --------------------------------------------------------------------------------
def envelope(status: int = 200, *, result: bool = True, messages: list[str] | None = None, **payload: Any):
    body = {"result": result, "messages": messages or [], **payload, "response_status": status}
    return JsonResponse(body, status=status)


def error(status: int, message: str) -> HttpResponse:
    return envelope(status, result=False, messages=[message])


def refused(message: str) -> HttpResponse:
    """Our reading: a valid request the vendor will not do answers 200 with result: false."""
    return envelope(200, result=False, messages=[message])


def api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Fault switches first, then X-API-PARTNER and a live X-API-TOKEN (its use restarts its idle clock)."""

    @faults.guarded(VENDOR, error)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.headers.get("X-API-TOKEN", "")
        if not request.headers.get("X-API-PARTNER") or not tokens.check(VENDOR, token, idle=IDLE):
            return error(401, "Unauthorized")
        return view(request, *args, **kwargs)

    return wrapper


def json_body(request: HttpRequest) -> dict[str, Any] | None:
    """The vendor's own samples carry trailing commas; its server takes them, so do we."""
    try:
        body = parse_json(request.body or b"{}")
    except MalformedPayload:
        return None
    return body if isinstance(body, dict) else None


def portal_webhook_url() -> str:
    """The webhook URL the partner set in Identify24's portal: kycdesk's, with its secret token."""
    token = settings.KYCDESK_VENDORS.get(VENDOR, {}).get("webhook_token", "")
    return f"{settings.KYCDESK_PUBLIC_URL.rstrip('/')}/webhooks/{VENDOR}/{token}/"


def find(ident_id: str) -> SimSession | None:
    return SimSession.objects.filter(vendor=VENDOR, external_id=ident_id, deleted=False).first()


# --- auth, projects, webhooks ------------------------------------------------------------------
@faults.guarded(VENDOR, error)
@require_http_methods(["POST"])
def auth(request: HttpRequest) -> HttpResponse:
    """Any non-empty PARTNER and APIKEY log in (use the 401 fault switch for a refusal)."""
    body = json_body(request) or {}
    if not body.get("PARTNER") or not body.get("APIKEY"):
        return error(401, "No valid API key provided.")
    return envelope(token=tokens.issue(VENDOR, lifetime=None), messages=["Successful.."])


@api
@require_http_methods(["GET"])
def projects(request: HttpRequest) -> HttpResponse:
    return envelope(data=PROJECTS)


@api
@require_http_methods(["GET"])
def project(request: HttpRequest) -> HttpResponse:
    wanted = str((json_body(request) or {}).get("project_id", ""))
    found = next((p for p in PROJECTS if p["id"] == wanted), None)
    return envelope(data=found) if found else error(404, "Project not found")


@api
@require_http_methods(["GET"])
def webhooks(request: HttpRequest) -> HttpResponse:
    """One webhook, set in the portal; its status (1-4) is how the last delivery went."""
    last = SimWebhook.objects.filter(vendor=VENDOR).order_by("-created_at", "-pk").first()
    if last is None:
        state, updated = "1", None
    elif last.delivered_at:
        state, updated = "3", last.delivered_at
    elif last.attempts:
        state, updated = "4", last.created_at
    else:
        state, updated = "2", last.created_at
    stamp = "%Y-%m-%d %H:%M:%S"
    return envelope(
        data=[
            {
                "id": "1",
                "status": state,
                "url": portal_webhook_url(),
                "created_at": "2024-01-02 09:00:00",
                "updated_at": (updated or timezone.now()).astimezone(BERLIN).strftime(stamp),
            }
        ]
    )


# --- idents ---------------------------------------------------------------------------------------
def _problems(body: dict[str, Any]) -> list[str]:
    problems = [f"{name} is required." for name in REQUIRED if not str(body.get(name) or "").strip()]
    try:
        if body.get("birthday"):
            dt.date.fromisoformat(str(body["birthday"]))
    except ValueError:
        problems.append("birthday must be in ISO 8601 format: YYYY-MM-DD.")
    for name in ("nationality", "country", "id_country"):
        if body.get(name) and not is_alpha2(str(body[name])):
            problems.append(f"{name} must be an uppercase two-letter code as defined in ISO 3166.")
    if body.get("gender") and body["gender"] not in ("MALE", "FEMALE"):
        problems.append("gender is either MALE or FEMALE.")
    if body.get("type_of_id") and body["type_of_id"] not in ("Personalausweis", "Reisepass"):
        problems.append("type_of_id is Personalausweis or Reisepass.")
    return problems


def _pdf_to_sign(value: str) -> bytes | None:
    """``pdf_content`` as the sample writes it: data:@file/pdf;base64,<...>."""
    _, _, encoded = value.partition("base64,")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if data.startswith(b"%PDF-") else None


@api
@require_http_methods(["POST"])
def create_ident(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    if body is None:
        return error(400, "The body must be a flat JSON object.")
    problems = _problems(body)
    if problems:
        return envelope(400, result=False, messages=problems)
    if str(body["project_id"]) not in {p["id"] for p in PROJECTS if p["status"] == "Active"}:
        return refused("Project not found or not active.")
    pdf = None
    if body.get("pdf_content"):
        pdf = _pdf_to_sign(str(body["pdf_content"]))
        if pdf is None:
            return error(400, "pdf_content is not a Base64 encoded PDF file.")
    ident_id = str(uuid.uuid4())
    with transaction.atomic():
        session = SimSession.objects.create(
            vendor=VENDOR,
            external_id=ident_id,
            status="open",
            request={k: v for k, v in body.items() if k != "pdf_content"},
            webhook_url=portal_webhook_url(),
            expires_at=timezone.now() + IDENT_LIFETIME,
        )
        if pdf is not None:
            SimFile.objects.create(
                session=session, key=TO_SIGN, content_type="application/pdf", data=pdf, sha256=media.sha256(pdf)
            )
    link = request.build_absolute_uri(reverse("sandbox-identify24:apply", args=[ident_id]))
    return envelope(ident_id=ident_id, conference_url=link)


@api
@require_http_methods(["POST"])
def set_appointment(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    if body is None:
        return error(400, "The body must be a flat JSON object.")
    missing = [f"{name} is required." for name in ("ident_id", "termin_date", "termin_user") if not body.get(name)]
    if missing:
        return envelope(400, result=False, messages=missing)
    try:  # "ISO 8601 Format: YYYY-MM-DDThh:mmTZD (eg 1997-07-16T19:20+01:00)"
        when = dt.datetime.strptime(str(body["termin_date"]), "%Y-%m-%dT%H:%M%z")
    except ValueError:
        return error(400, "termin_date must be ISO 8601: YYYY-MM-DDThh:mmTZD (e.g. 1997-07-16T19:20+01:00).")
    with transaction.atomic():
        session = SimSession.objects.select_for_update().filter(vendor=VENDOR, external_id=body["ident_id"]).first()
        if session is None or session.deleted:
            return error(404, "Ident not found.")
        if session.finished_at is not None:
            return refused("The identification of this ident is already completed.")
        if when <= timezone.now():
            return refused("termin_date lies in the past.")
        history = list(session.data.get("appointments", []))
        insert_id = str(secrets.randbelow(9_000_000) + 1_000_000)
        history.append(
            {
                "insert_id": insert_id,
                "termin_date": body["termin_date"],
                "termin_user": str(body["termin_user"]),
                "utc": when.astimezone(dt.UTC).isoformat(),
            }
        )
        session.data = {**session.data, "appointments": history}
        session.status = "scheduled"
        session.save(update_fields=["data", "status"])
    return envelope(insert_id=insert_id)


def _status_key(session: SimSession) -> str:
    if session.finished_at is None and session.expires_at and session.expires_at <= timezone.now():
        return "expired"
    return session.status if session.status in STATUSES else "open"


def _dmy(iso: str) -> str:
    """An ISO date as the vendor writes it in its answers: dd-mm-yyyy."""
    try:
        return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")
    except (TypeError, ValueError):
        return ""


def ident_document(session: SimSession, *, in_ident_data: bool = False) -> dict[str, Any]:
    """The ident as ident/get (appointment ISO with Z) or getIdentData ("YYYY-MM-DD hh:mm") shows it."""
    sent, found = session.request, session.data.get("found", {})
    text, code = STATUSES[_status_key(session)]
    appointment = ""
    if session.data.get("appointments"):
        at = dt.datetime.fromisoformat(session.data["appointments"][-1]["utc"])
        appointment = at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") if in_ident_data else f"{at:%Y-%m-%dT%H:%M:%S}Z"
    document = {
        "id": session.external_id,
        "project_id": str(sent.get("project_id", "")),
        "company_name": "",
        "company_hrb_number": "",
        "company_hrb_city": "",
        "company_street": "",
        "company_house_no": "",
        "company_zip_code": "",
        "company_city": "",
        "company_country": "DE",
        "person_title": sent.get("person_title", ""),
        "gender": sent.get("gender", ""),
        "person_first_name": sent.get("person_first_name", ""),
        "person_last_name": sent.get("person_last_name", ""),
        "person_position": sent.get("person_position", ""),
        "email": sent.get("email", ""),
        "street": sent.get("street", ""),
        "house_no": sent.get("house_no", ""),
        "postal_code": sent.get("zip_code", ""),
        "city": sent.get("city", ""),
        "land": sent.get("country", ""),
        "mobile_number": sent.get("mobile_phone", ""),
        "phone_number": "",
        "id_type": found.get("id_type", sent.get("type_of_id", "")),
        "nationality": sent.get("nationality", ""),
        "id_issuing_authority": found.get("id_issuing_authority", sent.get("id_country", "")),
        "id_issue_date": _dmy(found.get("id_issue_date", sent.get("id_issue_date", ""))),
        "id_expire_date": _dmy(found.get("id_expire_date", sent.get("id_end_date", ""))),
        "id_number": found.get("id_number", sent.get("id_number", "")),
        "id_mrz": "",
        "person_maiden_name": "",
        "international_code": sent.get("international_code", ""),
        "birthday": sent.get("birthday", ""),
        "birth_place": sent.get("birth_place", ""),
        **{name: sent.get(name, "") for name in ("custom_id", "custom1", "custom2", "custom3", "custom4")},
        "status": text,
        "status_code": code,
        "created_at": session.created_at.astimezone(BERLIN).strftime("%d-%m-%Y %H:%M:%S"),
        "appointment_date": appointment,
    }
    if in_ident_data:
        document = {"customer_id": str(session.pk), **document}
    return document


@api
@require_http_methods(["GET"])
def get_ident(request: HttpRequest, ident_id: str) -> HttpResponse:
    session = find(ident_id)
    return envelope(data=ident_document(session)) if session else error(404, "Ident not found.")


def _file_entry(request: HttpRequest, session: SimSession, item: SimFile, link_key: str) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("sandbox-identify24:download", args=[session.external_id, item.key]))
    entry = {
        "file_name": item.key,
        link_key: url,
        "file_date": (session.finished_at or session.created_at).astimezone(BERLIN).strftime("%d-%m-%Y %H:%M:%S"),
        "file_size": f"{len(bytes(item.data)) / (1024 * 1024):.2f} MB",
    }
    return entry


@api
@require_http_methods(["GET"])
def get_ident_data(request: HttpRequest, ident_id: str) -> HttpResponse:
    session = find(ident_id)
    if session is None:
        return error(404, "Ident not found.")
    roles = session.data.get("files", {})
    stored = {f.key: f for f in session.files.exclude(key=TO_SIGN)}
    data: dict[str, Any] = {"ident": ident_document(session, in_ident_data=True)}
    for role in ("identification_pdf", "signed_pdf"):
        item = stored.get(roles.get(role, ""))
        if item is not None:
            # file_hash is the sha256 recorded when the file was made: it must match what is served.
            data[role] = {**_file_entry(request, session, item, "download_url"), "file_hash": item.sha256}
    data["recordings"] = [
        _file_entry(request, session, stored[name], "download_url")
        for name in roles.get("recordings", [])
        if name in stored
    ]
    # The document's screenshots carry ``download_link`` where everything else has ``download_url``.
    data["screenshots"] = [
        _file_entry(request, session, stored[name], "download_link")
        for name in roles.get("screenshots", [])
        if name in stored
    ]
    return envelope(data=data)


@api
@require_http_methods(["GET"])
def download(request: HttpRequest, ident_id: str, file_name: str) -> HttpResponse:
    """Our reading: the download links take the same headers as the API."""
    item = SimFile.objects.filter(session__vendor=VENDOR, session__external_id=ident_id, key=file_name).first()
    if item is None or file_name == TO_SIGN:
        return error(404, "File not found.")
    return HttpResponse(bytes(item.data), content_type=item.content_type)


# --- the ident specialist's side -----------------------------------------------------------------
class Identify24Simulator(Simulator):
    vendor = VENDOR
    title = "Identify24 VideoIdent (sandbox)"
    agent_side = True
    accepts_uploads = False  # the specialist takes screenshots during the call
    outcomes = (
        Outcome("successful", "Successful", "The person and the ID document were verified on the call."),
        Outcome("failed", "Failed", "The ID document is not genuine or does not belong to the person."),
        Outcome("review", "Manual review", "The specialist asks for a second look before deciding."),
        Outcome("aborted", "Aborted", "The call broke off before the identification was complete."),
        Outcome("cancelled", "Cancelled", "The person cancelled the ident; no call took place."),
    )
    demo_outcomes = ("successful", "failed", "review")
    statuses: ClassVar[dict[str, str]] = {
        "successful": "approved",
        "failed": "rejected",
        "review": "needs_review",
        "aborted": "rejected",
        "cancelled": "cancelled",
    }
    launch_template_id = "274"  # "Sandbox VideoIdent" in PROJECTS
    launch_options: ClassVar[dict[str, str]] = {  # ident/create's required address
        "street": "RUE DE LA PAIX",
        "house_no": "1",
        "zip_code": "75002",
        "city": "PARIS",
        "country": "FR",
    }

    def person(self, session: SimSession) -> dict[str, str]:
        shown = {k: v for k, v in super().person(session).items() if not k.startswith("custom")}
        appointments = session.data.get("appointments", [])
        if appointments:
            shown["appointment"] = (
                f"{appointments[-1]['termin_date']} with termin_user {appointments[-1]['termin_user']}"
            )
        return shown

    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        with transaction.atomic():
            session = SimSession.objects.select_for_update().get(pk=session.pk)
            if session.finished_at is not None:
                return
            now = timezone.now()
            sent = session.request
            found = {
                "id_type": sent.get("type_of_id") or "Personalausweis",
                "id_number": sent.get("id_number") or f"L{secrets.token_hex(4).upper()}",
                "id_issuing_authority": sent.get("id_country") or sent.get("nationality", ""),
                "id_issue_date": sent.get("id_issue_date") or (now.date() - dt.timedelta(days=730)).isoformat(),
                "id_expire_date": sent.get("id_end_date") or (now.date() + dt.timedelta(days=2920)).isoformat(),
            }
            files = self._make_files(session, outcome, found)
            session.data = {**session.data, "found": found, "files": files}
            session.status = session.outcome = outcome
            session.finished_at = now
            session.save(update_fields=["data", "status", "outcome", "finished_at"])
            send_webhook(
                vendor=VENDOR,
                url=session.webhook_url or portal_webhook_url(),
                body=self.webhook_body(session),
                headers={"Content-Type": "application/json"},
                session=session,
            )

    def _make_files(self, session: SimSession, outcome: str, found: dict[str, str]) -> dict[str, Any]:
        sent, stamp = session.request, session.external_id[:8]
        name = f"{sent.get('person_first_name', '')} {sent.get('person_last_name', '')}".strip()
        files: dict[str, Any] = {"recordings": [], "screenshots": []}

        def keep(key: str, content_type: str, data: bytes) -> str:
            SimFile.objects.update_or_create(
                session=session,
                key=key,
                defaults={"content_type": content_type, "data": data, "sha256": media.sha256(data)},
            )
            return key

        if outcome in REPORTED:
            lines = [
                f"Ident {session.external_id}",
                f"Person: {name}",
                f"Document: {found['id_type']} {found['id_number']}",
                f"Outcome: {STATUSES[outcome][0]}",
            ]
            report = media.pdf("Identify24 identification report (sandbox)", lines)
            files["identification_pdf"] = keep("identification.pdf", "application/pdf", report)
        to_sign = session.files.filter(key=TO_SIGN).first()
        if outcome == "successful" and to_sign is not None:
            lines = [f"Signed by {name} on the video call.", f"Original sha256: {to_sign.sha256}"]
            signed = media.pdf("Signed document (sandbox)", lines, signed=True)
            files["signed_pdf"] = keep("signed.pdf", "application/pdf", signed)
        if outcome in CALL_HELD:
            files["recordings"].append(keep(f"{stamp}.webm", "video/webm", media.video("webm")))
        if outcome in REPORTED:
            for index, label in enumerate(("ID document front", "Face")):
                files["screenshots"].append(keep(f"{stamp}-{index}.png", "image/png", media.screenshot(label)))
        return files

    @staticmethod
    def webhook_body(session: SimSession) -> bytes:
        """The document's payload, trailing comma included, exactly as its sample shows it."""
        sent = session.request
        text, code = STATUSES[_status_key(session)]
        payload = {
            "ident_id": session.external_id,
            "status": text,
            "status_code": code,
            "project_id": str(sent.get("project_id", "")),
            "custom_id": sent.get("custom_id", ""),
            "company_name": "",
            "first_name": sent.get("person_first_name", ""),
            "last_name": sent.get("person_last_name", ""),
            **{name: sent.get(name, "") for name in ("custom1", "custom2", "custom3", "custom4")},
        }
        return (json.dumps(payload, ensure_ascii=False)[:-1] + ", }").encode()


simulator = Identify24Simulator()


@csrf_exempt  # the vendor's page: it never carries kycdesk's CSRF cookie
def apply(request: HttpRequest, ident_id: str) -> HttpResponse:
    return person_page(request, simulator, ident_id)


urlpatterns = [
    path("auth", auth, name="auth"),
    path("ident/create", create_ident, name="create"),
    path("ident/setOnboardifyAppointment", set_appointment, name="appointment"),
    path("ident/get/<str:ident_id>", get_ident, name="ident"),
    path("ident/getIdentData/<str:ident_id>", get_ident_data, name="ident-data"),
    path("project/getAll", projects, name="projects"),
    path("project/get", project, name="project"),
    path("webhook/getAll", webhooks, name="webhooks"),
    path("download/<str:ident_id>/<str:file_name>", download, name="download"),
    path("apply/<str:ident_id>/", apply, name="apply"),
]

"""The VULT simulator, mounted at /sandbox/vult/: the KYC API as our client reads it.

- It serves **exactly the client's operation table** (providers.vult.client.OPERATIONS): one
  catch-all view resolves method + path against the table at request time, so a path corrected
  there moves the simulator with the client. ``HANDLERS`` has one function per operation.
- OAuth2 client credentials at ``oauth/token`` (VULT_TOKEN_URL defaults here in sandbox mode):
  tokens expire after ``TOKEN_LIFETIME``; a stale or revoked token gets 401.
- The person's link (VULT_CAPTURE_URL defaults to ``{base_url}capture/{session_id}/``) opens
  the shared person's page, for IDV and IDA sessions alike. Finishing writes the session read,
  document read, test read and locations VULT would hold, stores an image per
  storage_file_type_e the capture produced, keeps the identity, and sends the webhook.
- Status values beyond "unknown" (dmv_status_e, ofac_status_e) and the doc_* test words are
  not in VULT's document: the ones here are our invention, as the normalizer's are our reading.

State lives in SimSession rows: sessions (data.kind "idv"/"ida"), and, under prefixed ids,
identities ("identity:<id>"), registered webhooks ("webhook:<id>") and settings ("config:...").
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote_plus

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from providers.sandbox import faults, media, outbound, tokens
from providers.sandbox.models import SimFile, SimSession
from providers.sandbox.person import person_page
from providers.sandbox.simulator import Outcome, Simulator, Uploads
from providers.vult import client as api
from providers.vult.normalize import DMV_MATCHES, DOCUMENT_FILES, REQUIREMENT_FLAGS, WEIGHT_NAMES

VENDOR = "vult"
TOKEN_LIFETIME = dt.timedelta(hours=1)
SESSION_LIFETIME = dt.timedelta(hours=24)
# Invented values (the document lists only "unknown"): see the module docstring.
DMV_MATCH, DMV_MISMATCH, DMV_NOT_APPLICABLE = "verified", "mismatch", "not_applicable"
OFAC_CLEAR, OFAC_POTENTIAL = "clear", "potential_match"


def now_iso() -> str:
    return timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Refused(Exception):
    """An API error answered in VULT's (NestJS-style) error shape."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


REASONS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed"}


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"statusCode": status, "message": message, "error": REASONS.get(status, "Error")}, status=status
    )


# --- the people and outcomes the simulator produces -------------------------------------------
PEOPLE = [
    ("JANE", "Q", "SAMPLE", "1988-07-04", "female", "2570 24TH STREET", "SACRAMENTO", "CA", "95818"),
    ("JOHN", "", "SPECIMEN", "1979-11-30", "male", "100 MAIN STREET", "AUSTIN", "TX", "78701"),
    ("MARIA", "L", "EXAMPLE", "1993-02-17", "female", "41 HARBOR WAY", "BOSTON", "MA", "02110"),
]


def fake_person(reference: str) -> dict[str, str]:
    """A specimen person, the same for the same reference (VULT keeps one identity per person)."""
    first, middle, last, birth, gender, street, city, state, postal = PEOPLE[
        int(hashlib.sha256(reference.encode()).hexdigest(), 16) % len(PEOPLE)
    ]
    digits = int(hashlib.sha256(f"doc:{reference}".encode()).hexdigest(), 16) % 10**7
    return {
        "first_name": first,
        "middle_name": middle,
        "last_name": last,
        "birth_date": birth,
        "gender_e": gender,
        "street": street,
        "city": city,
        "state": state,
        "postal_code": postal,
        "document_number": f"D{digits:07d}",
    }


# outcome -> (document type, status_e, verified, failing checks, dmv_status_e, ofac_status_e, score)
IDV_OUTCOMES: dict[str, tuple[str, str, bool, tuple[str, ...], str, str, float]] = {
    "verified": ("driver_license", "complete", True, (), DMV_MATCH, OFAC_CLEAR, 0.94),
    "verified_passport": ("passport", "complete", True, (), DMV_NOT_APPLICABLE, OFAC_CLEAR, 0.91),
    "dmv_mismatch": (
        "driver_license",
        "complete",
        False,
        ("dmv_birth_date_match", "dmv_document_number_match"),
        DMV_MISMATCH,
        OFAC_CLEAR,
        0.41,
    ),
    "manipulated": (
        "identification_card",
        "complete",
        False,
        ("doc_front_image_manipulation", "doc_front_online_duplication"),
        DMV_MATCH,
        OFAC_CLEAR,
        0.22,
    ),
    "ofac_potential_match": (
        "passport_card",
        "temporarily_blocked",
        False,
        (),
        DMV_NOT_APPLICABLE,
        OFAC_POTENTIAL,
        0.67,
    ),
}
DMV_DOCUMENTS = {"driver_license", "identification_card"}  # AAMVA records exist for these only


def test_read(document_type: str, failing: tuple[str, ...]) -> dict[str, Any]:
    has_back = document_type != "passport"
    tests: dict[str, Any] = {}
    for side in ("front", "back"):
        for check in ("image_manipulation", "is_identity_document", "online_duplication", "suspicious_words"):
            name = f"doc_{side}_{check}"
            tests[name] = ("fail" if name in failing else "pass") if side == "front" or has_back else None
    dmv = document_type in DMV_DOCUMENTS
    for name in DMV_MATCHES:
        tests[name] = (name not in failing) if dmv else None
    for name in ("document_number_crosscheck", "name_crosscheck", "address_crosscheck"):
        tests[name] = name not in failing
    return tests


def location(step: int) -> dict[str, Any]:
    return {
        "ip_address": "198.51.100.23",
        "ip_latitude": 38.5816,
        "ip_longitude": -121.4944,
        "ip_country": "US",
        "ip_region": "California",
        "ip_city": "Sacramento",
        "device_location": "Sacramento, California",
        "device_latitude": 38.5816 + step / 1000,
        "device_longitude": -121.4944,
        "device_country_name": "United States",
        "device_country_code": "US",
        "device_admin_area": "California",
        "device_sub_admin_area": "Sacramento County",
        "device_locality": "Sacramento",
    }


def _store(session: SimSession, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
    SimFile.objects.update_or_create(
        session=session, key=key, defaults={"data": data, "content_type": content_type, "sha256": media.sha256(data)}
    )


def _notify(session: SimSession, event: str) -> None:
    """The webhook: to the session's own webhook_url, else to every registered webhook."""
    urls = [session.webhook_url] if session.webhook_url else [w.data["url"] for w in _records("webhook")]
    body = json.dumps({"event": event, "session_id": session.external_id, "status_e": session.status}).encode()
    for url in urls:
        outbound.send_webhook(
            vendor=VENDOR, url=url, body=body, headers={"Content-Type": "application/json"}, session=session
        )


class VultSimulator(Simulator):
    vendor = VENDOR
    title = "VULT KYC API: identity verification (sandbox)"
    outcomes = (
        Outcome("verified", "Verified driver licence", "DMV record matches, OFAC clear: complete, verified."),
        Outcome("verified_passport", "Verified passport", "No DMV record for passports; OFAC clear: verified."),
        Outcome("dmv_mismatch", "DMV mismatch", "The DMV record disagrees on birth date and number: not verified."),
        Outcome("manipulated", "Manipulated state ID", "The front image is edited and found online: not verified."),
        Outcome("ofac_potential_match", "OFAC potential match", "Passport card; temporarily_blocked for review."),
        Outcome("abandon", "Abandon", "The person leaves: VULT reports the session expired."),
    )
    statuses: ClassVar[dict[str, str]] = {
        "verified": "approved",
        "verified_passport": "approved",
        "dmv_mismatch": "rejected",
        "manipulated": "rejected",
        "ofac_potential_match": "needs_review",
    }

    def person(self, session: SimSession) -> dict[str, str]:
        metadata = session.request.get("metadata") or {}
        return {
            "flow": "identity verification (IDV)",
            "reference": str(metadata.get("reference", "")),
            "liveness mode": str(session.request.get("liveness_mode") or "passive"),
        }

    @transaction.atomic
    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        read = dict(session.data["session"])
        now = now_iso()
        read.update(consented=True, consented_at=now)
        if outcome == "abandon":
            read.update(status_e="expired", completed_at=now, verified=False)
            session.data = {**session.data, "session": read}
            _close(session, outcome, read["status_e"])
            return
        document_type, status_e, verified, failing, dmv, ofac, score = IDV_OUTCOMES[outcome]
        reference = str((session.request.get("metadata") or {}).get("reference") or session.external_id)
        person = fake_person(reference)
        sides = DOCUMENT_FILES[document_type]  # the storage_file_type_e values of this document
        mode = str(session.request.get("liveness_mode") or "passive")
        card = {
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "birth_date": person["birth_date"],
            "document_number": person["document_number"],
            "expiry_date": "2030-07-04",
            "issue_date": "2022-07-04",
            "nationality": "USA",
            "gender": person["gender_e"],
            "address": f"{person['street']}, {person['city']}, {person['state']} {person['postal_code']}",
        }
        for name in sides:
            upload = uploads.back if name.endswith("_back") else uploads.front
            side = "back" if name.endswith("_back") else "front"
            _store(session, name, upload or media.id_card(card, side, date_format="%m/%d/%Y"))
        _store(session, "selfie", uploads.selfie or media.selfie(reference))
        _store(session, "liveness_passive", media.selfie(f"{reference}:passive"))
        if mode == "passive_active":
            for step in range(1, 5):
                _store(session, f"liveness_active_step_{step}", media.selfie(f"{reference}:{step}"))
        identity_id = "idn_" + hashlib.sha256(reference.encode()).hexdigest()[:12]
        read.update(
            {k: person[k] for k in ("first_name", "middle_name", "last_name", "birth_date", "gender_e")},
            suffix_name="",
            status_e=status_e,
            document_type_e=document_type,
            document_front_given=True,
            document_front_given_at=now,
            document_back_given=any(n.endswith("_back") for n in sides),
            document_back_given_at=now if any(n.endswith("_back") for n in sides) else None,
            liveness_detected=True,
            liveness_detected_at=now,
            selfie_given=True,
            selfie_given_at=now,
            dmv_status_e=dmv,
            dmv_detected_at=now if dmv != DMV_NOT_APPLICABLE else None,
            ofac_status_e=ofac,
            ofac_detected_at=now,
            verified=verified,
            verified_at=now if verified else None,
            completed_at=now if status_e == "complete" else None,
            score=score,
            identity_id=identity_id,
            idv_weights_id=_weights()["current"],
        )
        read["history"] = [*read.get("history", []), {"created_at": now, "status_e": status_e}]
        document = {
            "session_id": session.external_id,
            "document_id": f"doc_{session.external_id[:8]}",
            "type_e": document_type,
            "data_source_e": "barcode" if document_type in DMV_DOCUMENTS else "mrz",
            "ref_number": "0310RF2022",
            "issued_at": "2022-07-04",
            "expires_at": "2030-07-04",
            "issuing_country": "USA",
            "issuing_state": person["state"] if document_type in DMV_DOCUMENTS else "",
            "name_suffix": "",
            **{k: person[k] for k in ("document_number", "first_name", "middle_name", "last_name", "street")},
            **{k: person[k] for k in ("city", "state", "postal_code", "birth_date", "gender_e")},
            "height": "5-07",
            "weight": "150",
            "eye_color": "BRN",
            "hair_color": "BLK",
            "class": "C" if document_type == "driver_license" else "",
            "restrictions": "NONE" if document_type == "driver_license" else "",
        }
        captures = ["front_doc_image_capture", "selfie_image_capture"]
        if read["document_back_given"]:
            captures.insert(1, "back_doc_image_capture")
        session.data = {
            **session.data,
            "session": read,
            "document": document,
            "tests": test_read(document_type, failing),
            "locations": {kind: location(n) for n, kind in enumerate(captures)},
        }
        _keep_identity(identity_id, read, document, session.external_id)
        _close(session, outcome, status_e)


def _close(session: SimSession, outcome: str, status_e: str) -> None:
    session.status = status_e
    session.outcome = outcome
    session.finished_at = timezone.now()
    session.save()
    _notify(session, f"{session.data['kind']}.session.{status_e}")


def _keep_identity(identity_id: str, read: Mapping[str, Any], document: Mapping[str, Any], session_id: str) -> None:
    record, _ = SimSession.objects.get_or_create(
        vendor=VENDOR, external_id=f"identity:{identity_id}", defaults={"data": {"kind": "identity"}}
    )
    data = dict(record.data)
    data.update(
        identity_id=identity_id,
        created_at=data.get("created_at") or now_iso(),
        **{k: read.get(k) for k in ("first_name", "middle_name", "last_name", "suffix_name", "birth_date")},
        **{k: read.get(k) for k in ("gender_e", "document_front_given", "document_front_given_at", "verified")},
        **{k: read.get(k) for k in ("verified_at", "liveness_detected", "liveness_detected_at", "score")},
        **{k: read.get(k) for k in ("ofac_status_e", "ofac_detected_at", "dmv_status_e", "dmv_detected_at")},
        **{k: document.get(k) for k in ("street", "city", "state", "postal_code")},
        sessions=[*data.get("sessions", []), session_id],
    )
    record.data = data
    record.save()


class VultIdaSimulator(Simulator):
    """The IDA (re-authentication) flow: a selfie against a verified identity."""

    vendor = VENDOR
    title = "VULT KYC API: identity authentication (sandbox)"
    outcomes = (
        Outcome("authenticated", "Authenticated", "The selfie matches the verified identity."),
        Outcome("not_authenticated", "Not authenticated", "The face does not match the identity."),
        Outcome("abandon", "Abandon", "The person leaves: the session expires."),
    )
    accepts_uploads = False

    def person(self, session: SimSession) -> dict[str, str]:
        return {"flow": "identity authentication (IDA)", "identity": str(session.request.get("identity_id", ""))}

    @transaction.atomic
    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        read = dict(session.data["session"])
        now = now_iso()
        if outcome == "abandon":
            read.update(status_e="expired", completed_at=now, authenticated=False)
        else:
            read.update(
                status_e="complete",
                completed_at=now,
                liveness_detected=True,
                liveness_detected_at=now,
                selfie_given=True,
                selfie_given_at=now,
                authenticated=outcome == "authenticated",
            )
            _store(session, "selfie", media.selfie(session.external_id))
            lines = [f"Identity: {read['identity_id']}", f"Authenticated: {read['authenticated']}", f"At: {now}"]
            _store(session, "ida_document", media.pdf("VULT identity authentication", lines), "application/pdf")
        read["history"] = [*read.get("history", []), {"created_at": now, "status_e": read["status_e"]}]
        session.data = {**session.data, "session": read, "locations": {"selfie_image_capture": location(0)}}
        _close(session, outcome, read["status_e"])


simulator = VultSimulator()
ida_simulator = VultIdaSimulator()


# --- records: identities, webhooks and settings -------------------------------------------------
def _records(kind: str) -> list[SimSession]:
    return list(
        SimSession.objects.filter(vendor=VENDOR, deleted=False, external_id__startswith=f"{kind}:").order_by("pk")
    )


def _record(kind: str, key: str) -> SimSession:
    found = SimSession.objects.filter(vendor=VENDOR, external_id=f"{kind}:{key}", deleted=False).first()
    if found is None:
        raise Refused(404, f"{kind.capitalize()} {key} not found")
    return found


DEFAULT_WEIGHTS = {name: (0.6 if name.endswith("tolerance") else 1.0) for name in WEIGHT_NAMES}


def _weights_record() -> SimSession:
    record, _ = SimSession.objects.get_or_create(
        vendor=VENDOR,
        external_id="config:weights",
        defaults={"data": {"kind": "config", "current": "wgt_1", "versions": {"wgt_1": DEFAULT_WEIGHTS}}},
    )
    return record


def _weights() -> dict[str, Any]:
    return _weights_record().data


def _requirements() -> SimSession:
    defaults = [
        {
            "type_e": t,
            "data_source_e": source,
            **{flag: flag.startswith(("first_name", "last_name")) for flag in REQUIREMENT_FLAGS},
        }
        for t, source in (("driver_license", "barcode"), ("passport", "mrz"))
    ]
    record, _ = SimSession.objects.get_or_create(
        vendor=VENDOR, external_id="config:requirements", defaults={"data": {"kind": "config", "sets": defaults}}
    )
    return record


# --- request helpers ----------------------------------------------------------------------------
def _session(body: Mapping[str, Any], kind: str) -> SimSession:
    session_id = _required(body, "session_id")
    found = SimSession.objects.filter(vendor=VENDOR, external_id=session_id, deleted=False, data__kind=kind).first()
    if found is None:
        raise Refused(404, f"Session {session_id} not found")
    return found


def _required(body: Mapping[str, Any], name: str, kind: type = str) -> Any:
    value = body.get(name)
    if value is None or value == "":
        raise Refused(400, f"{name} is required")
    if not isinstance(value, kind):
        raise Refused(400, f"{name} must be a {kind.__name__}")
    return value


def _number(body: Mapping[str, Any], name: str) -> float:
    value = body.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise Refused(400, f"{name} must be a number")
    return value


def _enum(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise Refused(400, f"{name} must be one of the following values: {', '.join(allowed)}")
    return value


def _page(items: list[Any], body: Mapping[str, Any]) -> list[Any]:
    skip, take = int(body.get("skip") or 0), int(body.get("take") or 10)
    return items[skip : skip + take]


def _file(session: SimSession, key: str) -> HttpResponse:
    found = SimFile.objects.filter(session=session, key=key).first()
    if found is None:
        raise Refused(404, f"No {key} file for this session")
    return HttpResponse(bytes(found.data), content_type=found.content_type)


def _read_of(session: SimSession) -> dict[str, Any]:
    read = dict(session.data["session"])
    if session.finished_at is None and session.expires_at and session.expires_at <= timezone.now():
        read["status_e"] = "expired"  # never finished in time
    return read


def _part(session: SimSession, key: str) -> dict[str, Any]:
    part = session.data.get(key)
    if not part:
        raise Refused(404, f"No {key} for this session yet")
    return part


# --- the operations -------------------------------------------------------------------------
Handler = Callable[[HttpRequest, dict[str, Any], dict[str, str]], Any]


def _utility(answer: Callable[[], dict[str, Any]]) -> Handler:
    return lambda request, body, params: answer()


def _create(body: dict[str, Any], kind: str, read: dict[str, Any]) -> dict[str, str]:
    if body.get("liveness_mode") is not None:
        _enum(body["liveness_mode"], api.LIVENESS_MODES, "liveness_mode")
    session_id = str(uuid.uuid4())
    created = now_iso()
    SimSession.objects.create(
        vendor=VENDOR,
        external_id=session_id,
        status="unknown",
        request=body,
        webhook_url=str(body.get("webhook_url") or ""),
        expires_at=timezone.now() + SESSION_LIFETIME,
        data={
            "kind": kind,
            "session": {
                "session_id": session_id,
                "client_id": "sandbox-client",
                "user_id": "sandbox-user",
                "status_e": "unknown",
                "created_at": created,
                "completed_at": None,
                "metadata": body.get("metadata") or {},
                "webhook_url": body.get("webhook_url") or "",
                "settings": body.get("settings") or {},
                "history": [{"created_at": created, "status_e": "unknown"}],
                **read,
            },
        },
    )
    return {"session_id": session_id}


def idv_session_create(request, body, params):
    return _create(body, "idv", {"document_type_e": "unknown", "verified": False, "score": 0, "identity_id": ""})


def ida_session_create(request, body, params):
    identity_id = _required(body, "identity_id")
    identity = _record("identity", identity_id).data
    if identity.get("verified") is not True:
        raise Refused(400, "Identity is not verified")
    names = {k: identity.get(k) for k in ("first_name", "middle_name", "last_name", "suffix_name")}
    return _create(body, "ida", {"identity_id": identity_id, "authenticated": False, **names})


def _matches(read: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    for key in ("identity_id", "client_id", "user_id"):
        wanted = body.get(key)
        if wanted and read.get(key) not in (wanted if isinstance(wanted, list) else [wanted]):
            return False
    if body.get("status") and read.get("status_e") != body["status"]:
        return False
    if isinstance(body.get("verified"), bool) and read.get("authenticated") is not body["verified"]:
        return False
    term = str(body.get("search_term") or "").lower()
    names = " ".join(str(read.get(k) or "") for k in ("session_id", "first_name", "last_name")).lower()
    return term in names


def _session_list(kind: str) -> Handler:
    def handler(request, body, params):
        if body.get("status") is not None:
            _enum(body["status"], api.SESSION_STATUSES, "status")
        rows = SimSession.objects.filter(vendor=VENDOR, deleted=False, data__kind=kind).order_by("-created_at", "-pk")
        found = [read for read in (_read_of(s) for s in rows) if _matches(read, body)]
        return {"sessions": _page(found, body), "meta_counts": {"total": len(found)}}

    return handler


def _session_read(kind: str) -> Handler:
    return lambda request, body, params: _read_of(_session(body, kind))


def _session_delete(kind: str) -> Handler:
    def handler(request, body, params):
        session = _session(body, kind)
        session.files.all().delete()
        session.deleted = True
        session.save(update_fields=["deleted"])
        return {}

    return handler


PERSONAL_KEYS = ("first_name", "middle_name", "last_name", "suffix_name", "birth_date", "street", "city", "state")
PERSONAL_KEYS += ("postal_code", "document_number", "ref_number", "name_suffix", "height", "weight")


def _anonymized(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ("" if k in PERSONAL_KEYS and v else v) for k, v in data.items()}


def idv_session_anonymize(request, body, params):
    session = _session(body, "idv")
    data = dict(session.data)
    data["session"] = _anonymized(data["session"])
    data["document"] = _anonymized(data.get("document") or {}) or None
    data["locations"] = {}
    session.data = {**data, "anonymized": True}
    session.request = {k: v for k, v in session.request.items() if k != "metadata"}
    session.save(update_fields=["data", "request"])
    session.files.all().delete()
    return {}


def _location(kind: str) -> Handler:
    def handler(request, body, params):
        capture = _enum(body.get("location_capture_type_e"), api.CAPTURE_TYPES, "location_capture_type_e")
        found = (_session(body, kind).data.get("locations") or {}).get(capture)
        if not found:
            raise Refused(404, f"No location for {capture}")
        return found

    return handler


def idv_document_download(request, body, params):
    file_type = _enum(body.get("storage_file_type_e"), api.STORAGE_FILE_TYPES, "storage_file_type_e")
    return _file(_session(body, "idv"), file_type)


def idv_document_list(request, body, params):
    document = _session(body, "idv").data.get("document")
    documents = [document] if document else []
    return {"documents": _page(documents, body), "meta_counts": {"total": len(documents)}}


def requirements_read(request, body, params):
    query = request.GET
    if query.get("type_e"):
        _enum(query["type_e"], api.DOCUMENT_TYPES, "type_e")
    sets = [
        s
        for s in _requirements().data["sets"]
        if all(not query.get(k) or s[k] == query[k] for k in ("type_e", "data_source_e"))
    ]
    return {"requirements": sets}


def requirements_update(request, body, params):
    _enum(body.get("type_e"), api.DOCUMENT_TYPES, "type_e")
    update = {"type_e": body["type_e"], "data_source_e": _required(body, "data_source_e")}
    update.update({flag: _required(body, flag, bool) for flag in REQUIREMENT_FLAGS})
    record = _requirements()
    kept = [
        s
        for s in record.data["sets"]
        if (s["type_e"], s["data_source_e"]) != (update["type_e"], update["data_source_e"])
    ]
    record.data = {**record.data, "sets": [*kept, update]}
    record.save(update_fields=["data"])
    return {}


def weights_read(request, body, params):
    data = _weights()
    return {
        "client_id": request.GET.get("client_id", ""),
        "user_id": request.GET.get("user_id", ""),
        **data["versions"][data["current"]],
    }


def weights_read_by_id(request, body, params):
    versions = _weights()["versions"]
    if params["id"] not in versions:
        raise Refused(404, f"Weights {params['id']} not found")
    return versions[params["id"]]


def weights_update(request, body, params):
    values = {name: _number(body, name) for name in WEIGHT_NAMES}
    record = _weights_record()
    version = f"wgt_{len(record.data['versions']) + 1}"
    record.data = {**record.data, "current": version, "versions": {**record.data["versions"], version: values}}
    record.save(update_fields=["data"])
    return {}


def ida_document_download(request, body, params):
    return _file(_session(body, "ida"), "ida_document")


def _identity_view(record: SimSession) -> dict[str, Any]:
    return {k: v for k, v in record.data.items() if k not in ("kind", "sessions")}


def identity_list(request, body, params):
    term = str(body.get("search_term") or "").lower()
    found = [
        _identity_view(r)
        for r in reversed(_records("identity"))
        if term in f"{r.data.get('first_name', '')} {r.data.get('last_name', '')} {r.data['identity_id']}".lower()
    ]
    return {"identities": _page(found, body), "meta_counts": {"total": len(found)}}


def identity_read(request, body, params):
    if body.get("identity_ids"):
        return {"identities": [_identity_view(_record("identity", i)) for i in body["identity_ids"]]}
    return {"identities": [], **_identity_view(_record("identity", _required(body, "identity_id")))}


def identity_anonymize(request, body, params):
    record = _record("identity", _required(body, "identity_id"))
    record.data = {**_anonymized(record.data), "anonymized": True}
    record.save(update_fields=["data"])
    return {}


def _latest_session(identity: SimSession, has: Callable[[SimSession], bool]) -> SimSession:
    ids = identity.data.get("sessions", [])
    sessions = SimSession.objects.filter(vendor=VENDOR, external_id__in=ids, deleted=False).order_by("-pk")
    for session in sessions:
        if has(session):
            return session
    raise Refused(404, "Nothing completed for this identity")


def identity_document_read(request, body, params):
    document_type = _enum(body.get("document_type_e"), api.DOCUMENT_TYPES, "document_type_e")
    identity = _record("identity", _required(body, "identity_id"))
    session = _latest_session(identity, lambda s: (s.data.get("document") or {}).get("type_e") == document_type)
    doc = session.data["document"]
    renamed = {"type_e": "document_type_e", "data_source_e": "document_data_source_e", "issued_at": "issue_date"}
    renamed |= {"expires_at": "expiration_date", "name_suffix": "suffix_name"}
    return {renamed.get(k, k): v for k, v in doc.items() if k not in ("session_id", "class", "restrictions")}


def identity_image_read(request, body, params):
    file_type = _enum(body.get("storage_file_type_e"), api.STORAGE_FILE_TYPES, "storage_file_type_e")
    identity = _record("identity", _required(body, "identity_id"))
    return _file(_latest_session(identity, lambda s: s.files.filter(key=file_type).exists()), file_type)


def webhook_create(request, body, params):
    name, url = _required(body, "name"), _required(body, "url")
    if not url.startswith(("http://", "https://")):
        raise Refused(400, "url must be a URL address")
    webhook_id = str(uuid.uuid4())
    SimSession.objects.create(
        vendor=VENDOR,
        external_id=f"webhook:{webhook_id}",
        data={
            "kind": "webhook",
            "id": webhook_id,
            "name": name,
            "url": url,
            "client_id": body.get("client_id") or "",
            "created_at": now_iso(),
        },
    )
    return {}


def webhook_list(request, body, params):
    term = str(body.get("search_term") or "").lower()
    found = [
        {k: v for k, v in r.data.items() if k != "kind"} for r in _records("webhook") if term in r.data["name"].lower()
    ]
    return {"webhooks": _page(found, body), "statistics": {"total": len(found)}}


def webhook_delete(request, body, params):
    record = _record("webhook", _required(body, "id"))
    record.delete()
    return {}


STARTED = timezone.now()


def _status() -> dict[str, Any]:
    return {"status": "ok", "timestamp": now_iso(), "uptime": (timezone.now() - STARTED).total_seconds()}


HANDLERS: dict[str, Handler] = {
    "root": _utility(
        lambda: {
            "service": "kyc-api",
            "description": "VULT KYC API (sandbox)",
            "version": "2.10.15",
            "environment": "sandbox",
            "timestamp": now_iso(),
            "documentation": "/docs",
            "health": "/health",
            "status": "ok",
        }
    ),
    "ping": _utility(lambda: {"pong": True, "timestamp": now_iso()}),
    "api_status": _utility(
        lambda: {
            **_status(),
            "service": "kyc-api",
            "version": "2.10.15",
            "environment": "sandbox",
            "endpoints": {n: f"{o.method} {o.path}" for n, o in api.OPERATIONS.items()},
        }
    ),
    "metrics": _utility(lambda: {"timestamp": now_iso(), "system": {}, "environment": {"name": "sandbox"}}),
    "liveness_probe": _utility(_status),
    "readiness_probe": _utility(lambda: {**_status(), "checks": {"database": "ok"}}),
    "health_simple": _utility(lambda: {"status": "ok", "timestamp": now_iso()}),
    "health": _utility(
        lambda: {
            **_status(),
            "version": "2.10.15",
            "environment": "sandbox",
            "checks": {"database": "ok"},
            "details": {},
        }
    ),
    "version": _utility(lambda: {"version": "2.10.15"}),
    "idv_session_create": idv_session_create,
    "idv_session_list": _session_list("idv"),
    "idv_session_read": _session_read("idv"),
    "idv_session_anonymize": idv_session_anonymize,
    "idv_session_delete": _session_delete("idv"),
    "idv_session_test_read": lambda request, body, params: _part(_session(body, "idv"), "tests"),
    "idv_session_location_read": _location("idv"),
    "idv_document_read": lambda request, body, params: _part(_session(body, "idv"), "document"),
    "idv_document_list": idv_document_list,
    "idv_document_download": idv_document_download,
    "requirements_read": requirements_read,
    "requirements_update": requirements_update,
    "weights_read": weights_read,
    "weights_read_by_id": weights_read_by_id,
    "weights_update": weights_update,
    "ida_session_create": ida_session_create,
    "ida_session_list": _session_list("ida"),
    "ida_session_read": _session_read("ida"),
    "ida_session_delete": _session_delete("ida"),
    "ida_session_location_read": _location("ida"),
    "ida_document_download": ida_document_download,
    "identity_list": identity_list,
    "identity_read": identity_read,
    "identity_anonymize": identity_anonymize,
    "identity_document_read": identity_document_read,
    "identity_image_read": identity_image_read,
    "webhook_create": webhook_create,
    "webhook_list": webhook_list,
    "webhook_delete": webhook_delete,
}


# --- the views ------------------------------------------------------------------------------
def _authorized(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and tokens.check(VENDOR, token.strip())


@faults.guarded(VENDOR, error)
def operation_view(request: HttpRequest, route: str) -> HttpResponse:
    """Every API call: the operation table says which handler answers method + path."""
    found = api.resolve(request.method or "GET", route)
    if found is None:
        return error(404, f"Cannot {request.method} /{route}")
    name, params = found
    if api.OPERATIONS[name].auth and not _authorized(request):
        response = error(401, "Unauthorized")
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    body: dict[str, Any] = {}
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return error(400, "Unexpected token in JSON")
        if not isinstance(body, dict):
            return error(400, "The body must be a JSON object")
    try:
        answer = HANDLERS[name](request, body, params)
    except Refused as refused:
        return error(refused.status, refused.message)
    return (
        answer
        if isinstance(answer, HttpResponse)
        else JsonResponse(answer, status=201 if name.endswith("_create") else 200)
    )


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """RFC 6749 §2.3.1: HTTP Basic (form-urlencoded parts), or client_id/client_secret in the form."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return unquote_plus(client_id), unquote_plus(secret)
    form = parse_qs(request.body.decode("utf-8", "replace"))
    return form.get("client_id", [""])[0], form.get("client_secret", [""])[0]


@csrf_exempt
def token_view(request: HttpRequest) -> HttpResponse:
    """The OAuth2 token endpoint (client credentials grant only)."""
    if request.method != "POST":
        return JsonResponse({"error": "invalid_request", "error_description": "POST only."}, status=405)
    form = parse_qs(request.body.decode("utf-8", "replace"))
    if form.get("grant_type", [""])[0] != "client_credentials":
        return JsonResponse(
            {"error": "unsupported_grant_type", "error_description": "Only client_credentials is supported."},
            status=400,
        )
    block = getattr(settings, "KYCDESK_VENDORS", {}).get(VENDOR, {})
    client_id, secret = _client_credentials(request)
    if not client_id or (client_id, secret) != (block.get("client_id"), block.get("client_secret")):
        return JsonResponse(
            {"error": "invalid_client", "error_description": "Client authentication failed."}, status=401
        )
    token = tokens.issue(VENDOR, lifetime=TOKEN_LIFETIME, prefix="vult_")
    response = JsonResponse(
        {"access_token": token, "token_type": "Bearer", "expires_in": int(TOKEN_LIFETIME.total_seconds())}
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a simulated vendor page: the person has no kycdesk CSRF cookie
def capture_view(request: HttpRequest, session_id: str) -> HttpResponse:
    """The person's link for IDV and IDA sessions alike (VULT_CAPTURE_URL's sandbox default)."""
    found = SimSession.objects.filter(vendor=VENDOR, external_id=session_id).first()
    is_ida = found is not None and found.data.get("kind") == "ida"
    return person_page(request, ida_simulator if is_ida else simulator, session_id)


urlpatterns = [
    path("oauth/token", token_view, name="token"),
    path("capture/<str:session_id>/", capture_view, name="capture"),
    re_path(r"^(?P<route>.*)$", operation_view, name="api"),
]

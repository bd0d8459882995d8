"""IDV and IDA sessions, their documents, locations and media: the session operations of the
operation table (create, list, read, anonymize, delete, test read, location read, document read,
list and download)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from providers.sandbox.models import SimSession
from providers.vult import client as api

from .common import VENDOR, Handler, Refused, _enum, _file, _page, _read_of, _session, now_iso

SESSION_LIFETIME = dt.timedelta(hours=24)


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

"""Identities (VULT keeps one per verified person) and IDA, the re-authentication of an identity:
the identity operations and the IDA ones that are not plain session operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from providers.sandbox.models import SimSession
from providers.vult import client as api

from .common import VENDOR, Refused, _enum, _file, _page, _record, _records, _required, _session
from .sessions import _anonymized, _create


def ida_session_create(request, body, params):
    identity_id = _required(body, "identity_id")
    identity = _record("identity", identity_id).data
    if identity.get("verified") is not True:
        raise Refused(400, "Identity is not verified")
    names = {k: identity.get(k) for k in ("first_name", "middle_name", "last_name", "suffix_name")}
    return _create(body, "ida", {"identity_id": identity_id, "authenticated": False, **names})


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

"""What the client configures at VULT: document requirements, IDV weights and registered webhooks
(kept as records under "config:..." and "webhook:<id>")."""

from __future__ import annotations

import uuid
from typing import Any

from providers.sandbox.models import SimSession
from providers.vult import client as api
from providers.vult.normalize import REQUIREMENT_FLAGS, WEIGHT_NAMES

from .common import VENDOR, Refused, _enum, _number, _page, _record, _records, _required, now_iso

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

"""Import a saved vendor result (import_result command): parse, normalize, apply, summarize."""

from __future__ import annotations

import json
from typing import Any

from kycdesk.services.results import apply_result
from kycdesk.services.vendors import get_provider
from providers.base import MalformedPayload, VerificationResult


def parse_json(payload: bytes) -> Any:
    try:
        return json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedPayload("the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise MalformedPayload(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def summarize(result: VerificationResult) -> dict[str, Any]:
    """The shape import_result prints (issue #2, item 6)."""
    person = result.person
    return {
        "vendor": result.vendor,
        "external_id": result.external_id,
        "status": str(result.status),
        "vendor_status": result.vendor_status,
        "reasons": [r.code for r in result.reasons],
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "nationality": person.nationality,
            "document_number": person.document_number,
        },
        "documents": [
            {
                "type": d.type,
                "country": d.country,
                "number": d.number,
                "issue_date": d.issue_date.isoformat() if d.issue_date else None,
                "expiry_date": d.expiry_date.isoformat() if d.expiry_date else None,
                "fields": [
                    {
                        "name": f.name,
                        "value": f.value,
                        "confidence": f.confidence,
                        "source": str(f.source),
                        "bbox": (
                            {
                                "page": f.bbox.page,
                                "x": f.bbox.x,
                                "y": f.bbox.y,
                                "width": f.bbox.width,
                                "height": f.bbox.height,
                            }
                            if f.bbox
                            else None
                        ),
                    }
                    for f in d.fields
                ],
                "controls": [{"name": c.name, "passed": c.passed, "confidence": c.confidence} for c in d.controls],
            }
            for d in result.documents
        ],
        "liveness": result.liveness,
        "similarity": result.similarity,
        "media": [{"kind": str(m.kind)} for m in result.media],
    }


def import_result(*, vendor: str, payload: bytes, external_id: str = "") -> dict[str, Any]:
    provider = get_provider(vendor)
    document = parse_json(payload)
    if not isinstance(document, dict):
        raise MalformedPayload("expected a JSON object at the top level")
    result = provider.normalize(document, external_id=external_id)
    if not result.external_id:
        raise MalformedPayload("the result names no session: pass --external-id")
    apply_result(result=result, source="import", create_missing=True)
    return summarize(result)

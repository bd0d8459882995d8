"""What a finished iDenfy verification carries: the specimen person on the card, the AML and LID
blocks of the webhook, the dashboard's signing key, and the type of a stored file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from providers.sandbox.models import SimSession

from .common import VENDOR


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

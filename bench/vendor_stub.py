"""A bench-only stand-in for iDenfy's result API (POST /api/v2/status, /data, /files), mounted
at /bench/idenfy/ by bench.urls, so the django-q2 workers draining the webhook backlog pull a
result over HTTP as they do in production, without the sandbox's per-session state. Every
scanRef is an approved verification with the person's data and no files."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

STATUS = {
    "status": "APPROVED",
    "autoDocument": "DOC_VALIDATED",
    "autoFace": "FACE_MATCH",
    "manualDocument": None,
    "manualFace": None,
    "fraudTags": [],
    "mismatchTags": [],
}
DATA = {
    "docFirstName": "JONAS",
    "docLastName": "JONAITIS",
    "docNumber": "LT1234567",
    "docPersonalCode": "38001010000",
    "docExpiry": "2031-05-14",
    "docDob": "1980-01-01",
    "docDateOfIssue": "2021-05-14",
    "docType": "ID_CARD",
    "docSex": "MALE",
    "docNationality": "LT",
    "docIssuingCountry": "LT",
    "birthPlace": "VILNIUS",
    "authority": "MIGRACIJOS DEPARTAMENTAS",
    "fullName": "JONAS JONAITIS",
    "selectedCountry": "LT",
    "manuallyDataChanged": False,
    "ageEstimate": "OVER_25",
    "clientIpProxyRiskLevel": "LOW",
    "duplicateFaces": [],
    "duplicateDocFaces": [],
    "additionalData": {},
}


def _scan_ref(request: HttpRequest) -> str:
    try:
        return str(json.loads(request.body).get("scanRef") or "")
    except (ValueError, AttributeError):
        return ""


@csrf_exempt
@require_POST
def idenfy_api(request: HttpRequest, call: str) -> JsonResponse:
    scan_ref = _scan_ref(request)
    if not scan_ref or call not in ("status", "data", "files"):
        return JsonResponse({"identifier": "BAD_VALUE", "message": "scanRef is required."}, status=400)
    if call == "status":
        return JsonResponse({**STATUS, "scanRef": scan_ref, "clientId": f"client-{scan_ref}"})
    if call == "data":
        return JsonResponse({**DATA, "scanRef": scan_ref})
    return JsonResponse({})

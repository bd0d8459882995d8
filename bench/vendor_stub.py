"""A bench-only stand-in for iDenfy's result API (POST /api/v2/status, /data, /files and
/generate-pdf), mounted at /bench/idenfy/ by bench.urls, so the django-q2 workers draining the
webhook backlog pull results and download the report over HTTP as in production, without the
sandbox's per-session state. Every scanRef is an approved verification with the person's data,
no photos, and a one-page report PDF."""

from __future__ import annotations

import base64
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


# A minimal one-page PDF, as iDenfy sends its report: Base64 in a JSON string.
REPORT_PDF = base64.b64encode(
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
).decode()


def _scan_ref(request: HttpRequest) -> str:
    try:
        return str(json.loads(request.body).get("scanRef") or "")
    except (ValueError, AttributeError):
        return ""


@csrf_exempt
@require_POST
def idenfy_api(request: HttpRequest, call: str) -> JsonResponse:
    scan_ref = _scan_ref(request)
    if not scan_ref or call not in ("status", "data", "files", "generate-pdf"):
        return JsonResponse({"identifier": "BAD_VALUE", "message": "scanRef is required."}, status=400)
    if call == "status":
        return JsonResponse({**STATUS, "scanRef": scan_ref, "clientId": f"client-{scan_ref}"})
    if call == "data":
        return JsonResponse({**DATA, "scanRef": scan_ref})
    if call == "generate-pdf":
        return JsonResponse(REPORT_PDF, safe=False)
    return JsonResponse({})

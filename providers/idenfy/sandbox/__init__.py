"""The iDenfy simulator, mounted at /sandbox/idenfy/: the API of shared/providers/idenfy.md as the
client uses it, plus the person's link and expiring file links.

- HTTP Basic with the configured API key and secret; errors as ``{identifier, message}``;
  POST /api/v2/token answers 201; the fault switches (401, 429, 500, timeout) apply.
- The person's link GET /api/v2/redirect?authToken=... opens the shared person's page, where
  only outcomes an iDenfy verification can produce are offered.
- Results go out as signed webhooks (Idenfy-Signature: hex HMAC-SHA256 of the body with the
  dashboard's signing key, i.e. IDENFY_WEBHOOK_SIGNING_KEY) to the dashboard URL (our
  /webhooks/idenfy/) or the session's callbackUrl: the automatic result first, then, when a
  review follows (the outcome asks for it, or reviewSuccessful / reviewFailed at launch), the
  manual one with ``final: true``. Until the review is done /status answers REVIEWING.
- File links expire after an hour (403 "Request has expired", as S3 answers); /api/v2/files
  hands out fresh ones.
- /api/v2/delete refuses with PARTNER_ERROR "Token has not expired yet." while the token can
  still be used (our reading: not expired and not used yet).

The parts: ``api`` (the API views), ``simulators`` (the person's outcomes, the vendor-shaped
state, the webhooks), ``files`` (expiring file links), ``specimens`` (the card's person, the AML
and LID blocks), ``common`` (errors). This module mounts them: ``urlpatterns`` and ``simulator``
are what providers/sandbox/simulator.py reads.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from providers.sandbox.models import SimSession
from providers.sandbox.person import person_page

from .api import data_view, delete_view, files_view, pdf_view, status_view, token_view
from .common import VENDOR
from .files import file_view

# complete_review stays reachable here: the review task is queued as providers.idenfy.sandbox.complete_review
from .simulators import complete_review, simulator

__all__ = ["complete_review", "simulator", "urlpatterns"]


@csrf_exempt
def redirect_view(request: HttpRequest) -> HttpResponse:
    """The person's link: the page of the session whose token this is."""
    auth_token = request.GET.get("authToken", "")
    session = SimSession.objects.filter(vendor=VENDOR, data__authToken=auth_token, deleted=False).first()
    if not auth_token or session is None:
        raise Http404("Unknown verification link.")
    return person_page(request, simulator, session.external_id)


def root_view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"vendor": "iDenfy (simulated)", "docs": "providers/idenfy/sandbox/"})


urlpatterns = [
    path("", root_view, name="root"),
    path("api/v2/token", token_view),
    path("api/v2/status", status_view),
    path("api/v2/data", data_view),
    path("api/v2/files", files_view),
    path("api/v2/delete", delete_view),
    path("api/v2/generate-pdf", pdf_view),
    path("api/v2/redirect", redirect_view, name="redirect"),
    path("files/<str:scan_ref>/<str:key>", file_view, name="file"),
]

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

The parts: ``auth`` (the token endpoint), ``api`` (the handler table and the catch-all view),
``sessions`` (IDV/IDA sessions, documents, locations, media), ``identities`` (identities and
IDA), ``configuration`` (requirements, weights, webhooks), ``simulators`` and ``specimens`` (the
person's page and what it produces), ``common`` (errors, records, request helpers). This module
mounts them: ``urlpatterns`` and ``simulator`` are what providers/sandbox/simulator.py reads.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from providers.sandbox.models import SimSession
from providers.sandbox.person import person_page

from .api import HANDLERS, operation_view
from .auth import token_view
from .common import VENDOR
from .simulators import ida_simulator, simulator

__all__ = ["HANDLERS", "SimSession", "ida_simulator", "simulator", "urlpatterns"]


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

"""The bench's URLconf: kycdesk's own URLs, plus a plain admin site and a bare view to compare
against. Mounted only by bench.settings, never in kycdesk.urls."""

import os

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from kycdesk.urls import urlpatterns as kycdesk_urlpatterns

from .plain_admin import site as plain_site
from .vendor_stub import idenfy_api


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    """The floor for the webhook endpoint: the same server and middleware, no work at all. It
    names the gunicorn worker that answered, so the load generator can spread its connections."""
    request.read()
    response = HttpResponse(b'{"received": 0}', content_type="application/json")
    response["X-Bench-Worker"] = str(os.getpid())
    return response


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/idenfy/api/v2/<str:call>", idenfy_api, name="bench-idenfy"),
    path("plain-admin/", plain_site.urls),
    *kycdesk_urlpatterns,
]

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse


class SandboxGateMiddleware:
    """/sandbox/ answers 404 unless KYCDESK_SANDBOX is on, read on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/sandbox/") and not getattr(settings, "KYCDESK_SANDBOX", False):
            raise Http404("The sandbox is off.")
        return self.get_response(request)

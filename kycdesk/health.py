"""/healthz: liveness for the load balancer (no detail); the queue figures for staff."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

from kycdesk.services.housekeeping import health


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"ok": False, "database": "unavailable"}, status=503)
    body: dict = {"ok": True}
    if request.user.is_authenticated and request.user.is_staff:
        body.update(health())
    return JsonResponse(body)

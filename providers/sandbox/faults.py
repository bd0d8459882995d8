"""Fault switches: make a simulated vendor's next N calls misbehave, for tests, demos and chaos.

Set them in-process with :func:`set_fault`, or over HTTP (as `make chaos` does)::

    POST /sandbox/_faults/  {"vendor": "idenfy", "kind": "429", "count": 3, "retry_after": 2}
    DELETE /sandbox/_faults/?vendor=idenfy
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from providers.sandbox import tokens
from providers.sandbox.models import SimFault

Kind = SimFault.Kind
CALL_FAULTS = (Kind.UNAUTHORIZED, Kind.RATE_LIMIT, Kind.SERVER_ERROR, Kind.TIMEOUT)
ErrorRenderer = Callable[[int, str], HttpResponse]


def set_fault(vendor: str, kind: str, count: int = 1, *, retry_after: int = 1, delay: float = 0.0) -> SimFault:
    return SimFault.objects.create(
        vendor=vendor, kind=Kind(kind), remaining=count, retry_after=retry_after, delay=delay
    )


def clear_faults(vendor: str | None = None) -> None:
    queryset = SimFault.objects.all()
    if vendor:
        queryset = queryset.filter(vendor=vendor)
    queryset.delete()


def take(vendor: str, kinds: tuple[str, ...] | list[str]) -> SimFault | None:
    """Use up one pending fault of these kinds, oldest first; None when there is none."""
    with transaction.atomic():
        fault = (
            SimFault.objects.select_for_update()
            .filter(vendor=vendor, kind__in=kinds, remaining__gt=0)
            .order_by("created_at", "pk")
            .first()
        )
        if fault is None:
            return None
        fault.remaining -= 1
        if fault.remaining:
            fault.save(update_fields=["remaining"])
        else:
            fault.delete()
            fault.remaining = 0
        return fault


def default_error(status: int, message: str) -> HttpResponse:
    return JsonResponse({"message": message}, status=status)


def guarded(vendor: str, error: ErrorRenderer = default_error) -> Callable:
    """Wrap a simulated API view: pending fault switches answer before the view runs.

    ``error`` renders the vendor's own error shape for a status and message.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if take(vendor, [Kind.EXPIRE_TOKENS]) is not None:
                tokens.expire_all(vendor)
            fault = take(vendor, CALL_FAULTS)
            if fault is not None:
                if fault.kind == Kind.TIMEOUT:
                    time.sleep(fault.delay or 5.0)
                    return error(504, "Simulated timeout.")
                if fault.kind == Kind.RATE_LIMIT:
                    response = error(429, "Too many requests (simulated).")
                    response["Retry-After"] = str(fault.retry_after)
                    return response
                if fault.kind == Kind.UNAUTHORIZED:
                    return error(401, "Unauthorized (simulated).")
                return error(500, "Internal error (simulated).")
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate


@csrf_exempt
def faults_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            spec = json.loads(request.body)
            fault = set_fault(
                str(spec["vendor"]),
                str(spec["kind"]),
                int(spec.get("count", 1)),
                retry_after=int(spec.get("retry_after", 1)),
                delay=float(spec.get("delay", 0)),
            )
        except (ValueError, KeyError, TypeError) as exc:
            return JsonResponse({"message": f"Bad fault: {exc}", "kinds": list(Kind.values)}, status=400)
        return JsonResponse({"id": fault.pk}, status=201)
    if request.method == "DELETE":
        clear_faults(request.GET.get("vendor") or None)
        return HttpResponse(status=204)
    faults = list(SimFault.objects.values("vendor", "kind", "remaining", "retry_after", "delay"))
    return JsonResponse({"faults": faults, "kinds": list(Kind.values)})

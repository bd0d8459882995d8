"""What every part of the VULT simulator shares: the vendor code, VULT's error shape, the
records kept under prefixed ids (identities, webhooks) and the request helpers the operation
handlers use."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from providers.sandbox.models import SimFile, SimSession

VENDOR = "vult"


def now_iso() -> str:
    return timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Refused(Exception):
    """An API error answered in VULT's (NestJS-style) error shape."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


REASONS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed"}


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"statusCode": status, "message": message, "error": REASONS.get(status, "Error")}, status=status
    )


# --- records: identities and webhooks under prefixed ids -------------------------------------------------
def _records(kind: str) -> list[SimSession]:
    return list(
        SimSession.objects.filter(vendor=VENDOR, deleted=False, external_id__startswith=f"{kind}:").order_by("pk")
    )


def _record(kind: str, key: str) -> SimSession:
    found = SimSession.objects.filter(vendor=VENDOR, external_id=f"{kind}:{key}", deleted=False).first()
    if found is None:
        raise Refused(404, f"{kind.capitalize()} {key} not found")
    return found


# --- request helpers ----------------------------------------------------------------------------
def _session(body: Mapping[str, Any], kind: str) -> SimSession:
    session_id = _required(body, "session_id")
    found = SimSession.objects.filter(vendor=VENDOR, external_id=session_id, deleted=False, data__kind=kind).first()
    if found is None:
        raise Refused(404, f"Session {session_id} not found")
    return found


def _required(body: Mapping[str, Any], name: str, kind: type = str) -> Any:
    value = body.get(name)
    if value is None or value == "":
        raise Refused(400, f"{name} is required")
    if not isinstance(value, kind):
        raise Refused(400, f"{name} must be a {kind.__name__}")
    return value


def _number(body: Mapping[str, Any], name: str) -> float:
    value = body.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise Refused(400, f"{name} must be a number")
    return value


def _enum(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise Refused(400, f"{name} must be one of the following values: {', '.join(allowed)}")
    return value


def _page(items: list[Any], body: Mapping[str, Any]) -> list[Any]:
    skip, take = int(body.get("skip") or 0), int(body.get("take") or 10)
    return items[skip : skip + take]


def _file(session: SimSession, key: str) -> HttpResponse:
    found = SimFile.objects.filter(session=session, key=key).first()
    if found is None:
        raise Refused(404, f"No {key} file for this session")
    return HttpResponse(bytes(found.data), content_type=found.content_type)


def _read_of(session: SimSession) -> dict[str, Any]:
    read = dict(session.data["session"])
    if session.finished_at is None and session.expires_at and session.expires_at <= timezone.now():
        read["status_e"] = "expired"  # never finished in time
    return read


def _part(session: SimSession, key: str) -> dict[str, Any]:
    part = session.data.get(key)
    if not part:
        raise Refused(404, f"No {key} for this session yet")
    return part


# --- the operations' handlers: (request, JSON body, path parameters) -> JSON or a response ----
Handler = Callable[[HttpRequest, dict[str, Any], dict[str, str]], Any]


def _utility(answer: Callable[[], dict[str, Any]]) -> Handler:
    return lambda request, body, params: answer()

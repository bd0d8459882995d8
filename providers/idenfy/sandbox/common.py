"""What every part of the iDenfy simulator shares: the vendor code, iDenfy's error shape and the
status fields its answers carry."""

from __future__ import annotations

from django.http import JsonResponse

VENDOR = "idenfy"


IDENTIFIERS = {
    400: "BAD_VALUE",
    401: "UNAUTHORIZED",
    404: "BAD_VALUE",
    405: "METHOD_NOT_ALLOWED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    504: "INTERNAL_ERROR",
}
STATUS_FIELDS = ("autoDocument", "autoFace", "manualDocument", "manualFace", "fraudTags", "mismatchTags")


def error(status: int, message: str, identifier: str = "") -> JsonResponse:
    """iDenfy's error shape."""
    return JsonResponse(
        {"identifier": identifier or IDENTIFIERS.get(status, "INTERNAL_ERROR"), "message": message}, status=status
    )

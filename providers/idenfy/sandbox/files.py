"""The files of a verification behind expiring, pre-signed links, as iDenfy hands them out (S3):
fresh links for each answer, 403 "Request has expired" after an hour, 404 once deleted."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from providers.sandbox.models import SimFile, SimSession

from .common import VENDOR

LINK_LIFETIME = dt.timedelta(hours=1)  # "fileUrls expire after 1 hour"


def _link_signature(scan_ref: str, key: str, expires: int) -> str:
    secret = f"{settings.SECRET_KEY}:idenfy-sandbox-files".encode()
    return hmac.new(secret, f"{scan_ref}/{key}/{expires}".encode(), hashlib.sha256).hexdigest()


def file_links(session: SimSession, base_url: str) -> dict[str, str]:
    """A fresh link to each file, valid for an hour (pre-signed: no credentials needed)."""
    expires = int((timezone.now() + LINK_LIFETIME).timestamp())
    links = {}
    for key in session.files.order_by("pk").values_list("key", flat=True):
        signature = _link_signature(session.external_id, key, expires)
        links[key] = f"{base_url.rstrip('/')}/files/{session.external_id}/{key}?Expires={expires}&Signature={signature}"
    return links


def file_view(request: HttpRequest, scan_ref: str, key: str) -> HttpResponse:
    """A pre-signed file link, as S3 serves one: 403 once expired, 404 once deleted."""
    try:
        expires = int(request.GET.get("Expires", ""))
    except ValueError:
        expires = 0
    signature = request.GET.get("Signature", "")
    if not hmac.compare_digest(signature.encode(), _link_signature(scan_ref, key, expires).encode()):
        return _s3_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
    if expires <= timezone.now().timestamp():
        return _s3_error(403, "AccessDenied", "Request has expired")
    file = SimFile.objects.filter(session__vendor=VENDOR, session__external_id=scan_ref, key=key).first()
    if file is None:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return HttpResponse(bytes(file.data), content_type=file.content_type)


def _s3_error(status: int, code: str, message: str) -> HttpResponse:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return HttpResponse(body, status=status, content_type="application/xml")

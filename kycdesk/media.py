"""Protected media: permission check, audit entry, then the bytes (never a public URL).

Files live under PRIVATE_MEDIA_ROOT, which no web server serves; these views are the only way
out. Each checks view_pii and that the case is visible to this user in the admin, writes an
audit entry, decides the content type from the bytes (kycdesk.services.media.sniff_file), never
lets the browser guess or cache, and streams (with HTTP Range for video) instead of reading a
whole file into memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from kycdesk.models import Media, VerificationSession
from kycdesk.services import audit
from kycdesk.services.media import EXTENSIONS, THUMBNAIL_SIZES, sniff_file, thumbnail

CHUNK = 64 * 1024
#: Types a browser may render inline from our origin; anything else is only ever downloaded.
INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/gif",
        "application/pdf",
        "video/webm",
        "video/mp4",
        "video/ogg",
        "video/quicktime",
        "audio/wav",
        "audio/mpeg",
    }
)
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
UNSATISFIABLE = (-1, -1)
SEEN_KEY = "kycdesk_media_audited"


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single ``bytes=`` range; None to send the whole file (no header,
    several ranges, or a malformed one: RFC 9110 lets us ignore it); UNSATISFIABLE for 416."""
    match = RANGE.match(header.strip()) if header else None
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return UNSATISFIABLE
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        return UNSATISFIABLE
    return start, min(end, size - 1)


def _stream(handle: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def case_visible(request: HttpRequest, session: VerificationSession) -> bool:
    """The case as the admin shows it to this user: its ModelAdmin decides (queue scoping, roles)."""
    model_admin = admin.site._registry.get(VerificationSession)
    if model_admin is None:
        return True
    return (
        model_admin.has_view_permission(request, session)
        and model_admin.get_queryset(request).filter(pk=session.pk).exists()
    )


def _media_for(request: HttpRequest, media_id: int) -> Media:
    if not request.user.has_perm("kycdesk.view_pii"):
        raise PermissionDenied
    media = get_object_or_404(Media.objects.select_related("session"), pk=media_id, state=Media.State.STORED)
    if not media.file:
        raise Http404
    if not case_visible(request, media.session):
        raise PermissionDenied
    return media


#: The policy of a file opened on its own. The page is then the browser's own viewer, whose
#: image page styles itself inline (Chromium reported every opened image as a CSP violation under
#: the site's policy). Nothing of ours runs there: only the types above are ever shown inline,
#: never HTML or SVG, and no script is allowed.
FILE_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def _private(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = FILE_POLICY  # kept by ContentSecurityPolicyMiddleware
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["Pragma"] = "no-cache"
    return response


def _audit_once_per_stream(request: HttpRequest, media: Media, action: str, span: tuple[int, int] | None) -> None:
    """Every view and download is audited; the follow-up range requests a video player makes
    while playing a file already audited in this login session are not."""
    seen = request.session.get(SEEN_KEY, [])
    if span is not None and span[0] > 0 and media.pk in seen and action == "media_view":
        return
    audit.record(
        action=action,
        actor=request.user,
        target=media,
        ip=audit.client_ip(request),
        session=media.session_id,
        kind=media.kind,
    )
    if media.pk not in seen:
        request.session[SEEN_KEY] = [*seen[-199:], media.pk]


@require_safe
@staff_member_required
def serve_media(request: HttpRequest, media_id: int) -> HttpResponse:
    media = _media_for(request, media_id)
    try:
        handle = media.file.storage.open(media.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    size = media.file.storage.size(media.file.name)
    content_type = sniff_file(handle)
    download = request.GET.get("download") == "1" or content_type not in INLINE_TYPES
    span = None if request.headers.get("If-Range") else parse_range(request.headers.get("Range", ""), size)
    if span == UNSATISFIABLE:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _private(response)
    _audit_once_per_stream(request, media, "media_download" if download else "media_view", span)
    start, end = span if span is not None else (0, size - 1)
    length = max(0, end - start + 1)
    response = StreamingHttpResponse(
        _stream(handle, start, length), status=206 if span else 200, content_type=content_type
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if span is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    filename = f"{media.kind}-{media.pk}{EXTENSIONS.get(content_type, '.bin')}"
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    return _private(response)


@require_safe
@staff_member_required
def serve_thumbnail(request: HttpRequest, media_id: int) -> HttpResponse:
    media = _media_for(request, media_id)
    try:
        size = int(request.GET.get("size", 320))
    except ValueError:
        size = 0
    if size not in THUMBNAIL_SIZES:
        raise Http404("No thumbnail of that size.")
    name = thumbnail(media, size, max_pixels=settings.KYCDESK_THUMBNAIL_MAX_PIXELS)
    if name is None:
        raise Http404("No thumbnail for this file.")
    audit.record(
        action="media_view",
        actor=request.user,
        target=media,
        ip=audit.client_ip(request),
        session=media.session_id,
        kind=media.kind,
        thumbnail=size,
    )
    response = FileResponse(
        media.file.storage.open(name, "rb"),
        content_type="image/jpeg",
        filename=f"{media.kind}-{media.pk}-{size}.jpg",
    )
    response["Content-Disposition"] = f'inline; filename="{media.kind}-{media.pk}-{size}.jpg"'
    return _private(response)


def thumbnail_html(media: Media, size: int = 160) -> str:
    """A thumbnail linking to the file, for the queue and case pages ('' when it is not stored)."""
    if media.state != Media.State.STORED or not media.file:
        return ""
    full = reverse("media", args=[media.pk])
    if not media.content_type.startswith("image/"):
        return format_html("<a href='{}' target='_blank' rel='noopener'>Open</a>", full)
    thumb = reverse("media-thumbnail", args=[media.pk])
    return format_html(
        "<a href='{}' target='_blank' rel='noopener'><img src='{}?size={}' alt='{}' loading='lazy'></a>",
        full,
        thumb,
        size,
        media.get_kind_display(),
    )

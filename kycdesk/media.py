"""Protected media: permission check, audit entry, then the bytes (never a public URL)."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from kycdesk.models import Media
from kycdesk.services import audit


@staff_member_required
def serve_media(request: HttpRequest, media_id: int) -> FileResponse:
    if not request.user.has_perm("kycdesk.view_pii"):
        raise PermissionDenied
    media = get_object_or_404(Media.objects.select_related("session"), pk=media_id, state=Media.State.STORED)
    if not media.file:
        raise Http404
    download = request.GET.get("download") == "1"
    audit.record(
        action="media_download" if download else "media_view",
        actor=request.user,
        target=media,
        ip=audit.client_ip(request),
        session=media.session_id,
        kind=media.kind,
    )
    response = FileResponse(
        media.file.open("rb"),
        content_type=media.content_type or "application/octet-stream",
        as_attachment=download,
        filename=f"{media.kind}-{media.pk}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

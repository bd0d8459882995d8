"""Download vendor media into private storage, streaming, with its sha256."""

from __future__ import annotations

import hashlib
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from kycdesk.models import Media
from kycdesk.services.vendors import get_provider
from providers.base import MediaKind, MediaRef, ProviderError

MAX_ATTEMPTS = 5
SPOOL_BYTES = 1024 * 1024  # files above 1 MB go to a temporary file, never whole into memory

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "video/webm": ".webm",
    "video/mp4": ".mp4",
    "image/gif": ".gif",
}


def sniff_content_type(head: bytes) -> str:
    """Decide the type from the bytes, not from what the vendor's header claimed."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return "application/octet-stream"


def download_media(*, media_id: int) -> str:
    """Fetch one file. Idempotent: a stored file is not fetched again."""
    media = Media.objects.select_related("session").get(pk=media_id)
    if media.state in (Media.State.STORED, Media.State.ERASED):
        return media.state
    provider = get_provider(media.session.vendor)
    ref = MediaRef(
        kind=MediaKind(media.kind),
        key=media.source_key,
        name=media.name,
        url=media.source_url,
        sha256=media.expected_sha256,
    )
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as buffer:
            for chunk in provider.fetch_media(media.session.external_id, ref):
                if len(head) < 16:
                    head += chunk[:16]
                digest.update(chunk)
                size += len(chunk)
                buffer.write(chunk)
            sha = digest.hexdigest()
            if media.expected_sha256 and sha != media.expected_sha256.lower():
                return _fail(
                    media,
                    f"sha256 mismatch: the vendor stated {media.expected_sha256}, got {sha}; file not kept.",
                    final=True,
                )
            content_type = sniff_content_type(head)
            buffer.seek(0)
            with transaction.atomic():
                locked = Media.objects.select_for_update().get(pk=media.pk)
                if locked.state in (Media.State.STORED, Media.State.ERASED):
                    return locked.state
                locked.file.save(
                    f"{locked.kind}-{locked.pk}{EXTENSIONS.get(content_type, '.bin')}", File(buffer), save=False
                )
                locked.content_type = content_type
                locked.size = size
                locked.sha256 = sha
                locked.state = Media.State.STORED
                locked.fetched_at = timezone.now()
                locked.last_error = ""
                locked.attempts += 1
                locked.save()
    except ProviderError as exc:
        return _fail(media, str(exc), final=not exc.retryable)
    return Media.State.STORED


def _fail(media: Media, error: str, *, final: bool) -> str:
    attempts = media.attempts + 1
    Media.objects.filter(pk=media.pk).update(
        attempts=attempts,
        last_error=error[:2000],
        state=Media.State.FAILED if (final or attempts >= MAX_ATTEMPTS) else Media.State.PENDING,
    )
    return "failed"

"""Download vendor media into private storage, streaming, with its sha256."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
from typing import BinaryIO

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from kycdesk.models import Media
from kycdesk.services import broker, sweeps
from kycdesk.services.vendors import get_provider
from providers.base import MediaKind, MediaRef, ProviderError

MAX_ATTEMPTS = 5
SPOOL_BYTES = 1024 * 1024  # files above 1 MB go to a temporary file, never whole into memory

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
    "image/heic": ".heic",
    "image/avif": ".avif",
    "application/pdf": ".pdf",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/ogg": ".ogv",
    "audio/wav": ".wav",
    "audio/mpeg": ".mp3",
    "application/zip": ".zip",
}
HEAD_BYTES = 64  # enough for every signature below (the EBML DocType sits within the first 40)
#: Pillow's format names for the image types it can confirm.
PILLOW_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif",
                "TIFF": "image/tiff", "BMP": "image/bmp"}  # fmt: skip
#: ISO base media (ftyp) brands: HEIF images, QuickTime; any other brand is MP4 video.
FTYP_BRANDS = {b"heic": "image/heic", b"heix": "image/heic", b"mif1": "image/heic", b"avif": "image/avif",
               b"qt  ": "video/quicktime"}  # fmt: skip


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
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: WebM and Matroska differ only in the DocType element.
        return "video/x-matroska" if b"matroska" in head[:HEAD_BYTES] else "video/webm"
    if head[4:8] == b"ftyp":
        return FTYP_BRANDS.get(head[8:12], "video/mp4")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"BM") and len(head) >= 14:
        return "image/bmp"
    if head.startswith(b"OggS"):
        return "video/ogg"
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    return "application/octet-stream"


def sniff_file(fileobj: BinaryIO) -> str:
    """The type of an open file, from its bytes: the signature, then Pillow for images (a file
    that starts like an image but that Pillow cannot read is not served as one). Only the
    header is parsed; the position is restored."""
    position = fileobj.tell()
    try:
        fileobj.seek(0)
        content_type = sniff_content_type(fileobj.read(HEAD_BYTES))
        pillow_decides = content_type.startswith("image/") or content_type == "application/octet-stream"
        if pillow_decides and content_type not in ("image/heic", "image/avif"):
            fileobj.seek(0)
            try:
                with Image.open(fileobj) as image:  # lazy: reads the header only
                    content_type = PILLOW_TYPES.get(image.format or "", "application/octet-stream")
            except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
                content_type = "application/octet-stream"
        return content_type
    finally:
        fileobj.seek(position)


# --- thumbnails --------------------------------------------------------------------------------

THUMBNAIL_SIZES = (160, 320, 640)


def thumbnail_name(media: Media, size: int) -> str:
    """In the case's own folder, so that erasing the case removes its thumbnails too."""
    return f"media/{media.session.vendor}/{media.session_id}/thumbs/{media.pk}-{size}.jpg"


def thumbnail(media: Media, size: int, *, max_pixels: int) -> str | None:
    """The stored name of a JPEG thumbnail of ``media`` (made once, then cached), or None when
    the file is not an image Pillow reads or is larger than ``max_pixels``.

    The size is checked from the header before anything is decoded; JPEG draft mode decodes at
    a reduced scale (shared/notes/admin-at-scale.md).
    """
    if size not in THUMBNAIL_SIZES or not media.file:
        return None
    name = thumbnail_name(media, size)
    storage = media.file.storage
    if storage.exists(name):
        return name
    output = io.BytesIO()
    try:
        with media.file.open("rb") as source, Image.open(source) as image:
            if image.width * image.height > max_pixels:
                return None
            image.draft("RGB", (size, size))
            small = ImageOps.exif_transpose(image)
            small.thumbnail((size, size), reducing_gap=2.0)
            small.convert("RGB").save(output, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        return None
    saved = storage.save(name, ContentFile(output.getvalue()))
    if saved != name:  # another request made it at the same moment
        storage.delete(saved)
    return name


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
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
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
            if content_type == "application/octet-stream":
                content_type = sniff_file(buffer)  # Pillow knows image formats we have no signature for
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
    given_up = final or attempts >= MAX_ATTEMPTS
    # Only a download still owed: another task may have stored the file meanwhile, or the case
    # may have been erased; neither is undone by this attempt's failure.
    Media.objects.filter(pk=media.pk, state__in=[Media.State.PENDING, Media.State.FAILED]).update(
        attempts=attempts,
        last_error=error[:2000],
        state=Media.State.FAILED if given_up else Media.State.PENDING,
        next_attempt_at=None if given_up else timezone.now() + sweeps.retry_delay(attempts),
    )
    return "failed"


def enqueue_downloads(media_ids: list[int]) -> None:
    """Queue one download task per media, stamped as queued (kycdesk.services.sweeps)."""
    sweeps.mark_queued(Media, media_ids)
    for media_id in media_ids:
        broker.enqueue("kycdesk.tasks.download_media", media_id, task_name=f"media-{media_id}")


def retry_due(*, limit: int, stuck_after_seconds: int = 600) -> int:
    """Queue again the pending downloads that are due: a retry whose time has come, or one whose
    task was lost or whose worker died (kycdesk.services.sweeps)."""
    ids = sweeps.take_due(
        Media.objects.filter(state=Media.State.PENDING),
        since="created_at",
        stuck_after=dt.timedelta(seconds=stuck_after_seconds),
        limit=limit,
    )
    enqueue_downloads(ids)
    return len(ids)

"""Peak memory of a worker: downloading a 50 MB recording through
kycdesk.services.media.download_media, and thumbnailing a 4000x3000 JPEG through kycdesk.services.media.thumbnail.

Each measurement runs in a fresh subprocess (``python -m bench.memory ...``): the figure is the
growth of that process's peak resident set (VmHWM, reset just before the work) over its resident
set just before, after a small warm-up has loaded every code path. The recording is served
by a local HTTP server that generates the bytes as it sends them, and fetched by a provider
whose ``fetch_media`` streams through the HTTP seam (``stream=True``).
"""

from __future__ import annotations

import http.server
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from providers.base import Capability, MediaRef, Provider
from providers.http import CallKind, HttpClient

RECORDING_BYTES = 50 * 1024 * 1024
CHUNK = 64 * 1024
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"


def _status_mb(key: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def start_peak() -> float:
    """The resident set now, in MB, with the kernel's high-water mark reset to it (Linux:
    /proc/self/clear_refs). Elsewhere, ru_maxrss, which only ever grows, is the fallback."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_mb("VmRSS") or 0.0
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_since_start() -> float:
    """The peak resident set since start_peak(), in MB. VmHWM belongs to this process's own
    memory; ru_maxrss would carry the parent's peak across fork and exec."""
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StreamingProvider(Provider):
    """A bench-only vendor for recordings: fetch_media streams the file through HttpClient."""

    code = "identify24"
    name = "bench recordings"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.FETCH_MEDIA})

    def fetch_media(self, external_id: str, ref: MediaRef) -> Iterator[bytes]:
        client = HttpClient(vendor=self.code, base_url=self.config.base_url, max_retries=0)
        response = client.request("GET", ref.key, kind=CallKind.READ, use_auth=False, stream=True)
        try:
            yield from (chunk for chunk in response.iter_content(CHUNK) if chunk)
        finally:
            response.close()


# --- the file server (in the parent process) --------------------------------------------------


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    """GET /<bytes> answers that many bytes of a fake WebM, generated while sending."""

    def do_GET(self) -> None:
        size = int(self.path.strip("/").split("?")[0] or RECORDING_BYTES)
        block = (WEBM_MAGIC + bytes(range(256)) * 256)[:CHUNK]
        self.send_response(200)
        self.send_header("Content-Type", "video/webm")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        sent = 0
        while sent < size:
            piece = block[: min(CHUNK, size - sent)]
            self.wfile.write(piece)
            sent += len(piece)

    def log_message(self, *args: object) -> None:
        pass


def serve_files() -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_jpeg(path: Path, size: tuple[int, int] = (4000, 3000)) -> None:
    """A 12-megapixel photo-like JPEG (gradients and noise, so it compresses like a photo)."""
    from PIL import Image, ImageDraw

    image = Image.radial_gradient("L").resize(size).convert("RGB")
    noise = Image.effect_noise(size, 40).convert("RGB")
    image = Image.blend(image, noise, 0.3)
    ImageDraw.Draw(image).rectangle((400, 300, 3600, 2700), outline=(200, 30, 30), width=40)
    image.save(path, "JPEG", quality=90)


# --- the measurements (in a subprocess) -------------------------------------------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def measure_recording(base_url: str) -> dict[str, float]:
    _setup_django()
    from django.conf import settings
    from django.db import transaction

    from kycdesk.models import Identity, Media, VerificationSession
    from kycdesk.services.media import download_media

    settings.KYCDESK_VENDORS = {
        **settings.KYCDESK_VENDORS,
        "identify24": {"class": "bench.memory.StreamingProvider", "enabled": True, "base_url": base_url},
    }
    stored: list[Media] = []
    with transaction.atomic():  # rolled back: the bench dataset is left as it was
        identity = Identity.objects.create(reference="bench-memory-probe")
        session = VerificationSession.objects.create(vendor="identify24", external_id="bench-memory", identity=identity)

        def download(size: int) -> Media:
            media = Media.objects.create(session=session, kind="recording", source_key=f"/{size}")
            download_media(media_id=media.pk)
            media.refresh_from_db()
            stored.append(media)
            return media

        download(1024 * 1024)  # warm-up: imports, connection pool, storage
        before = start_peak()
        media = download(RECORDING_BYTES)
        after = peak_since_start()
        result = {"before_mb": before, "peak_mb": after, "growth_mb": max(0.0, after - before), "size": media.size}
        transaction.set_rollback(True)
    for media in stored:
        media.file.delete(save=False)
    if result["size"] != RECORDING_BYTES:
        raise RuntimeError(f"the recording was stored with {result['size']} bytes, not {RECORDING_BYTES}")
    return result


def measure_thumbnail(path: Path) -> dict[str, float]:
    """kycdesk.services.media.thumbnail (JPEG draft mode, cached in storage) of a stored 4000x3000
    photo, at the largest size the case page asks for."""
    _setup_django()
    from django.conf import settings
    from django.core.files import File
    from django.db import transaction
    from PIL import Image

    from kycdesk.models import Identity, Media, VerificationSession
    from kycdesk.services.media import THUMBNAIL_SIZES, thumbnail, thumbnail_name

    size = max(THUMBNAIL_SIZES)
    small = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 80, 40)).save(small, "JPEG")
    made: list[tuple[Media, str]] = []
    with transaction.atomic():  # rolled back: the bench dataset is left as it was
        identity = Identity.objects.create(reference="bench-memory-probe")
        session = VerificationSession.objects.create(vendor="idenfy", external_id="bench-memory", identity=identity)

        def stored(name: str, content: File) -> Media:
            media = Media.objects.create(session=session, kind="document_front", source_key=name, state="stored")
            media.file.save(name, content)
            media.content_type = "image/jpeg"
            made.append((media, thumbnail_name(media, size)))
            return media

        warm = stored("warm.jpg", File(small, name="warm.jpg"))  # warm-up: Pillow's plugins and codecs
        thumbnail(warm, size, max_pixels=settings.KYCDESK_THUMBNAIL_MAX_PIXELS)
        with path.open("rb") as photo:
            media = stored("photo.jpg", File(photo, name="photo.jpg"))
        before = start_peak()
        name = thumbnail(media, size, max_pixels=settings.KYCDESK_THUMBNAIL_MAX_PIXELS)
        after = peak_since_start()
        made_bytes = media.file.storage.size(name) if name else 0
        transaction.set_rollback(True)
    for media, thumb in made:
        media.file.storage.delete(thumb)
        media.file.delete(save=False)
    if not made_bytes:
        raise RuntimeError("no thumbnail was made")
    return {"before_mb": before, "peak_mb": after, "growth_mb": max(0.0, after - before), "bytes": made_bytes}


def run_subprocess(*args: str) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603 (our own module)
        [sys.executable, "-m", "bench.memory", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.memory {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_all() -> dict[str, dict[str, float]]:
    server = serve_files()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}/"
        recording = run_subprocess("recording", base_url)
    finally:
        server.shutdown()
        server.server_close()
    with tempfile.TemporaryDirectory(prefix="kycdesk-bench-") as folder:
        photo = Path(folder) / "photo.jpg"
        make_jpeg(photo)
        thumb = run_subprocess("thumbnail", str(photo))
    return {"recording": recording, "thumbnail": thumb}


if __name__ == "__main__":
    what, argument = sys.argv[1], sys.argv[2]
    figures = measure_recording(argument) if what == "recording" else measure_thumbnail(Path(argument))
    print(json.dumps(figures))  # noqa: T201 (read by the parent)

"""Private media: who may see it, what the response says, Range for video, thumbnails."""

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import Resolver404, resolve
from PIL import Image

from kycdesk import media as media_views
from kycdesk.admin.sessions import VerificationSessionAdmin
from kycdesk.models import AuditEntry, Identity, Media, VerificationSession
from kycdesk.services import erase
from kycdesk.services.media import sniff_content_type, sniff_file
from tests.pii import files_under

pytestmark = pytest.mark.django_db

VIDEO = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(range(256)) * 400  # 102,416 bytes


def png(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def store(private_media):
    identity = Identity.objects.create(reference="ref-1")
    session = VerificationSession.objects.create(vendor="datakeen", external_id="s1", identity=identity)

    def store(data: bytes, kind: str = "face_video", claimed: str = "image/png") -> Media:
        media = Media.objects.create(session=session, kind=kind, source_key=f"k{Media.objects.count()}")
        media.file.save(f"{kind}-{media.pk}.bin", ContentFile(data), save=False)
        media.content_type = claimed  # what the vendor said; never trusted
        media.state = Media.State.STORED
        media.save()
        return media

    return store


@pytest.fixture
def officer_client(client, make_user):
    client.force_login(make_user("officer", "Compliance officer"))
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_staff_without_view_pii_are_refused_and_nothing_is_audited(store, client, make_user):
    media = store(VIDEO)
    client.force_login(make_user("agent", "Appointment staff"))

    assert client.get(f"/admin/media/{media.pk}/").status_code == 403
    assert client.get(f"/admin/media/{media.pk}/thumb/").status_code == 403
    assert not AuditEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(store, client):
    media = store(VIDEO)

    response = client.get(f"/admin/media/{media.pk}/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_case_the_admin_hides_from_this_user_is_refused(store, officer_client, monkeypatch):
    media = store(VIDEO)
    monkeypatch.setattr(
        VerificationSessionAdmin, "get_queryset", lambda self, request: VerificationSession.objects.none()
    )

    assert officer_client.get(f"/admin/media/{media.pk}/").status_code == 403


def test_a_view_is_streamed_inline_never_cached_and_audited(store, officer_client):
    media = store(VIDEO)

    response = officer_client.get(f"/admin/media/{media.pk}/", REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 200
    assert response.streaming and body(response) == VIDEO
    assert response["Content-Type"] == "video/webm"  # from the bytes, not the vendor's "image/png"
    assert response["Content-Disposition"] == f'inline; filename="face_video-{media.pk}.webm"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Accept-Ranges"] == "bytes"
    # The browser's own viewer may style itself; nothing may run, nothing else may load it.
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "style-src 'unsafe-inline'" in policy and "frame-ancestors 'self'" in policy
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor.username, entry.ip, entry.target_id) == (
        "media_view",
        "officer",
        "198.51.100.7",
        str(media.pk),
    )


def test_a_download_is_an_attachment_and_audited_as_one(store, officer_client):
    media = store(png(), kind="document_front")

    response = officer_client.get(f"/admin/media/{media.pk}/?download=1")

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert AuditEntry.objects.get().action == "media_download"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<html><script>alert(1)</script></html>", "application/octet-stream"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "application/octet-stream"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "application/octet-stream"),
    ],
)
def test_bytes_that_are_no_known_safe_type_are_only_ever_downloaded(store, officer_client, data, expected):
    media = store(data, kind="other", claimed="image/jpeg")

    response = officer_client.get(f"/admin/media/{media.pk}/")

    assert response["Content-Type"] == expected
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-9", 0, 9), ("bytes=100-", 100, len(VIDEO) - 1), ("bytes=-16", len(VIDEO) - 16, len(VIDEO) - 1),
     ("bytes=50-999999999", 50, len(VIDEO) - 1)],
)  # fmt: skip
def test_a_range_request_gets_206_with_just_those_bytes(store, officer_client, header, first, last):
    media = store(VIDEO)

    response = officer_client.get(f"/admin/media/{media.pk}/", HTTP_RANGE=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(VIDEO)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == VIDEO[first : last + 1]


@pytest.mark.parametrize("header", [f"bytes={len(VIDEO)}-", f"bytes={len(VIDEO) + 5}-{len(VIDEO) + 9}", "bytes=-0"])
def test_an_unsatisfiable_range_gets_416_with_the_size(store, officer_client, header):
    media = store(VIDEO)

    response = officer_client.get(f"/admin/media/{media.pk}/", HTTP_RANGE=header)

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-5", "bytes=9-2", "bytes=x-"])
def test_a_range_we_do_not_serve_gets_the_whole_file(store, officer_client, header):
    media = store(VIDEO)

    response = officer_client.get(f"/admin/media/{media.pk}/", HTTP_RANGE=header)

    assert response.status_code == 200
    assert body(response) == VIDEO


def test_a_player_s_follow_up_ranges_are_not_each_audited_but_the_first_look_is(store, officer_client):
    media = store(VIDEO)

    officer_client.get(f"/admin/media/{media.pk}/", HTTP_RANGE="bytes=0-")
    officer_client.get(f"/admin/media/{media.pk}/", HTTP_RANGE="bytes=65536-")
    officer_client.get(f"/admin/media/{media.pk}/", HTTP_RANGE="bytes=80000-")

    assert AuditEntry.objects.count() == 1


def test_a_first_look_that_starts_mid_file_is_audited(store, officer_client):
    media = store(VIDEO)

    officer_client.get(f"/admin/media/{media.pk}/", HTTP_RANGE="bytes=5000-")

    assert AuditEntry.objects.count() == 1


def test_files_are_streamed_in_chunks_never_read_whole(store, officer_client):
    media = store(VIDEO)

    chunks = list(officer_client.get(f"/admin/media/{media.pk}/").streaming_content)

    assert len(chunks) > 1 and max(map(len, chunks)) <= media_views.CHUNK


def test_a_thumbnail_is_made_once_cached_in_private_storage_and_audited(store, officer_client, private_media):
    media = store(png((3000, 2000)), kind="document_front")

    first = officer_client.get(f"/admin/media/{media.pk}/thumb/?size=320")
    cached = files_under(private_media / erase.session_folder(media.session) / "thumbs")
    stamp = cached[0].stat().st_mtime_ns
    second = officer_client.get(f"/admin/media/{media.pk}/thumb/?size=320")

    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "image/jpeg" and first["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(body(second))).size == (320, 213)
    assert [p.name for p in cached] == [f"{media.pk}-320.jpg"]
    assert cached[0].stat().st_mtime_ns == stamp  # served from the cache
    assert [(e.action, e.detail["thumbnail"]) for e in AuditEntry.objects.all()] == [("media_view", 320)] * 2


def test_an_image_above_the_pixel_cap_gets_no_thumbnail(store, officer_client, settings):
    settings.KYCDESK_THUMBNAIL_MAX_PIXELS = 1000
    media = store(png((100, 100)), kind="document_front")

    assert officer_client.get(f"/admin/media/{media.pk}/thumb/").status_code == 404


@pytest.mark.parametrize("query", ["size=4000", "size=big"])
def test_only_the_offered_thumbnail_sizes_exist(store, officer_client, query):
    media = store(png(), kind="document_front")

    assert officer_client.get(f"/admin/media/{media.pk}/thumb/?{query}").status_code == 404


def test_erasing_the_case_removes_its_cached_thumbnails(store, officer_client, private_media, make_user):
    media = store(png(), kind="document_front")
    officer_client.get(f"/admin/media/{media.pk}/thumb/?size=160")
    assert len(files_under(private_media)) == 2

    erase.erase_case(
        media.session_id, mode=erase.ANONYMISE, actor=make_user("m", "Compliance manager"), reason="retention"
    )

    assert files_under(private_media) == []
    assert officer_client.get(f"/admin/media/{media.pk}/thumb/").status_code == 404


def test_the_private_root_is_outside_every_served_root():
    private = Path(django_settings.PRIVATE_MEDIA_ROOT).resolve()
    served = [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]

    with pytest.raises(Resolver404):  # no URL maps onto the storage's prefix
        resolve(f"{django_settings.MEDIA_URL}media/datakeen/1/document_front-1.jpg")
    for root in served:
        assert not private.is_relative_to(root.resolve()) and not root.resolve().is_relative_to(private)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00\x18ftypqt  ", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypisom", "video/mp4"),
        (b"\x00\x00\x00\x18ftypheic", "image/heic"),
        (b"\x1a\x45\xdf\xa3\x01\x00\x00\x00\x00\x00\x00\x1f\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
    ],
)
def test_signatures_decide_the_type(head, expected):
    assert sniff_content_type(head) == expected


def test_pillow_confirms_an_image_and_the_position_is_kept():
    handle = io.BytesIO(png((10, 10)))
    handle.seek(7)

    assert sniff_file(handle) == "image/png"
    assert handle.tell() == 7

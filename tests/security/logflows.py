"""Flows for tests/security/test_logs.py. Each takes pytest's ``request`` (to reach any fixture),
runs a flow end to end, and returns every secret and personal value it handled: none of them
may appear in any log line. A vendor adds its own flow (against ``sandbox_live``) by writing a
function like these and listing it in test_logs.FLOWS."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

from providers.base import LaunchRequest, ProviderError
from providers.http import CallKind, HttpClient, TokenStore

NAME, SURNAME = "Zebulon", "Quixworth"
BIRTH = dt.date(1984, 7, 11)
DOCUMENT = "P4X9Q2Z7W"
EMAIL, PHONE, ADDRESS = "zebulon.q@example.org", "+33612345678", "17 Rue des Lilas"
PERSONAL = [NAME, SURNAME, DOCUMENT, EMAIL, PHONE, ADDRESS, "1984-07-11", "11.07.1984", "11/07/1984", "07/11/1984"]


def fake_vendor_case_lifecycle(request) -> list[str]:
    """Launch, signed webhook, pull, media download and view, decision-free erase with a vendor
    refusal and its retry: kycdesk's own code paths, through tests.fakes.FakeProvider."""
    from django.utils import timezone

    from kycdesk.models import Media
    from kycdesk.services import erase, launch
    from tests.fakes import refusal, sign

    vendor = request.getfixturevalue("erasing_vendor")
    request.getfixturevalue("private_media")
    client = request.getfixturevalue("client")
    make_user = request.getfixturevalue("make_user")
    capture = request.getfixturevalue("django_capture_on_commit_callbacks")
    officer = make_user("log-officer", "Compliance officer")
    manager = make_user("log-manager", "Compliance manager")
    image = io.BytesIO()
    Image.new("RGB", (40, 30)).save(image, "JPEG")
    vendor.files = {"front": image.getvalue()}
    vendor.erase_script = [refusal("Refused for Zebulon Quixworth")]
    with capture(execute=True):
        session = launch.launch_session(
            vendor="datakeen",
            request=LaunchRequest(
                reference="CUST-LOG-1", first_name=NAME, last_name=SURNAME, birth_date=BIRTH, email=EMAIL, phone=PHONE
            ),
            user=officer,
        )
    body = json.dumps(
        {
            "id": session.external_id,
            "state": "ok",
            "final": True,
            "first_name": NAME,
            "last_name": SURNAME,
            "address": ADDRESS,
            "document_number": DOCUMENT,
            "media": ["front"],
            "fields": [{"name": "documentNumber", "value": DOCUMENT}],
        }
    ).encode()
    signature = sign(body)
    with capture(execute=True):
        client.post("/webhooks/datakeen/", data=body, content_type="application/json", HTTP_X_FAKE_SIGNATURE=signature)
        client.post("/webhooks/datakeen/", data=body, content_type="application/json", HTTP_X_FAKE_SIGNATURE="forged")
    client.force_login(officer)
    media = Media.objects.get(session=session)
    client.get(f"/admin/media/{media.pk}/")
    client.get(f"/admin/media/{media.pk}/thumb/")
    with capture(execute=True):
        erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")
    erase.VendorErasure.objects.update(next_attempt_at=timezone.now())
    with capture(execute=True):
        erase.retry_vendor_calls()
    assert len(vendor.erase_calls) == 2  # refused, then done
    return [*PERSONAL, signature, "CUST-LOG-1", "fake-key"]


CLIENT_SECRET = "cs-9f8e7d6c5b4a39281706"
ACCESS_TOKEN = "at-Qm9vYmFyQmF6UXV4MTIzNDU2"
QUERY_TOKEN = "qt-5a4b3c2d1e0f"


class _Vendor(BaseHTTPRequestHandler):
    """A tiny vendor: a token endpoint, a 401 once, a session call echoing the person, a 503."""

    stale = {"once": True}

    def log_message(self, *args) -> None:  # the test server itself stays quiet
        pass

    def _reply(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        sent = json.loads(self.rfile.read(length) or b"{}")
        if self.path.startswith("/oauth/token"):
            return self._reply(200, {"access_token": ACCESS_TOKEN, "expires_in": 3600})
        if self.path.startswith("/sessions"):
            if self.stale["once"]:
                self.stale["once"] = False
                return self._reply(401, {"error": "invalid_token"})
            return self._reply(200, {"id": "s-1", "person": sent})
        if self.path.startswith("/fail"):
            return self._reply(503, {"message": f"Cannot process {NAME} {SURNAME}, document {DOCUMENT}"})
        return self._reply(404, {})


class _OAuth:
    refreshable = True

    def __init__(self) -> None:
        self.store = TokenStore()

    def headers(self, client: HttpClient, body: bytes) -> dict[str, str]:
        token = self.store.get("t")
        if token is None:
            answer = client.request(
                "POST",
                "oauth/token",
                kind=CallKind.IDEMPOTENT,
                json={"client_id": "kycdesk", "client_secret": CLIENT_SECRET},
                use_auth=False,
            ).json()
            token = answer["access_token"]
            self.store.put("t", token, lifetime=answer["expires_in"])
        return {"Authorization": f"Bearer {token}"}

    def invalidate(self) -> None:
        self.store.forget("t")


def http_seam_login_refresh_and_errors(request) -> list[str]:
    """providers.http over a real socket (so requests and urllib3 log as they would): an OAuth
    login, a 401 and re-login, a body and a query string with secrets, retries then an error
    whose vendor text names the person."""
    _Vendor.stale["once"] = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Vendor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = HttpClient(
            vendor="logtest",
            base_url=f"http://127.0.0.1:{server.server_address[1]}/",
            auth=_OAuth(),
            max_retries=2,
            sleep=lambda seconds: None,
        )
        person = {"first_name": NAME, "last_name": SURNAME, "birth_date": BIRTH.isoformat(), "doc": DOCUMENT}
        client.request("POST", "sessions", kind=CallKind.CREATE, json=person, params={"authToken": QUERY_TOKEN})
        try:
            client.request("POST", "fail", kind=CallKind.READ, json=person)
        except ProviderError:
            pass
    finally:
        server.shutdown()
        server.server_close()
    return [*PERSONAL, CLIENT_SECRET, ACCESS_TOKEN, QUERY_TOKEN]


def datakeen_live(request) -> list[str]:
    """Datakeen end to end over HTTP against its simulator: launch, the person finishes, webhook,
    pull, media, a view, then anonymise (Datakeen has no erase call)."""
    from django.conf import settings

    from kycdesk.models import Media
    from kycdesk.services import erase, launch
    from providers.sandbox.testing import finish

    request.getfixturevalue("sandbox_live")
    request.getfixturevalue("private_media")
    client = request.getfixturevalue("client")
    make_user = request.getfixturevalue("make_user")
    session = launch.launch_session(
        vendor="datakeen",
        request=LaunchRequest(reference="CUST-DK-LOG", first_name=NAME, last_name=SURNAME, birth_date=BIRTH),
        user=None,
    )
    finish(session.link, "verify")
    officer = make_user("dk-officer", "Compliance officer")
    client.force_login(officer)
    for media in Media.objects.filter(session=session, state="stored"):
        client.get(f"/admin/media/{media.pk}/")
    erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=officer, reason="subject_request")
    credentials = [
        value
        for key, value in settings.KYCDESK_VENDORS["datakeen"].items()
        if key in ("username", "password", "webhook_token") and value
    ]
    return [*PERSONAL, f"SPEC{session.external_id[-5:].upper()}", *credentials]


def vult_live(request) -> list[str]:
    """VULT end to end over HTTP against its simulator: OAuth2 token, launch, the person finishes,
    webhook to our secret URL, pulls, media and a view, an IDA session and its document, a 401
    and a fresh token, then anonymise (VULT's anonymize call is made)."""
    from django.conf import settings

    from kycdesk.models import Media
    from kycdesk.services import erase, launch, vult_identities
    from providers.sandbox import faults
    from providers.sandbox.models import SimSession, SimToken
    from providers.sandbox.testing import finish

    request.getfixturevalue("sandbox_live")
    request.getfixturevalue("private_media")
    client = request.getfixturevalue("client")
    make_user = request.getfixturevalue("make_user")
    session = launch.launch_session(
        vendor="vult",
        request=LaunchRequest(reference="CUST-VULT-LOG", first_name=NAME, last_name=SURNAME, birth_date=BIRTH),
        user=None,
    )
    finish(session.link, "verified")
    vendor_person = SimSession.objects.get(vendor="vult", external_id=session.external_id).data["document"]
    manager = make_user("vult-manager", "Compliance manager")
    client.force_login(manager)
    for media in Media.objects.filter(session=session, state="stored"):
        client.get(f"/admin/media/{media.pk}/")
    session.refresh_from_db()
    identity = session.identity  # now linked to its VULT identity
    ida = vult_identities.start_ida_session(identity=identity, actor=manager)
    finish(ida.link, "authenticated")
    client.get(f"/admin/kycdesk/identity/{identity.pk}/change/")
    client.get(f"/admin/kycdesk/identity/{identity.pk}/vult/ida/{ida.external_id}/document/")
    faults.set_fault("vult", "401")
    vult_identities.panel(identity)
    erase.erase_case(session.pk, mode=erase.ANONYMISE, actor=manager, reason="subject_request")
    credentials = [
        value
        for key, value in settings.KYCDESK_VENDORS["vult"].items()
        if key in ("client_id", "client_secret", "webhook_token") and value
    ]
    issued = list(SimToken.objects.filter(vendor="vult").values_list("token", flat=True))
    assert len(issued) == 2  # the 401 made a fresh login
    person = [vendor_person[k] for k in ("last_name", "document_number", "birth_date", "street")]
    return [*PERSONAL, "CUST-VULT-LOG", *person, *credentials, *issued]

"""Two-factor login, lockout after failed logins, idle expiry, and the CSP header."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kycdesk.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "pw-not-used-1234"  # tests.conftest.make_user


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def require_2fa(settings):
    settings.KYCDESK_REQUIRE_2FA = True


@pytest.fixture
def officer(make_user):
    return make_user("officer", "Compliance officer")


def test_with_2fa_required_a_password_alone_reaches_no_admin_page_or_media(require_2fa, officer, client):
    client.force_login(officer)

    for path in ("/admin/", "/admin/kycdesk/verificationsession/", "/admin/media/1/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/otp/setup/?next=")


def test_an_account_without_a_device_enrols_by_scanning_and_confirming_a_code(require_2fa, officer, client):
    client.force_login(officer)

    page = client.get("/admin/otp/setup/?next=/admin/kycdesk/verificationsession/")
    device = TOTPDevice.objects.get(user=officer)
    confirmed = client.post(
        "/admin/otp/setup/", {"token": code_for(device), "next": "/admin/kycdesk/verificationsession/"}
    )

    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/admin/kycdesk/verificationsession/"
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="otp_enrolled", actor=officer).exists()


def test_a_wrong_code_at_enrolment_leaves_the_device_unconfirmed(require_2fa, officer, client):
    client.force_login(officer)
    client.get("/admin/otp/setup/")

    response = client.post("/admin/otp/setup/", {"token": "000000"})

    assert response.status_code == 200
    assert b"not right" in response.content
    assert not TOTPDevice.objects.get(user=officer).confirmed
    assert client.get("/admin/").status_code == 302


def test_an_enrolled_account_is_sent_to_verify_and_cannot_enrol_a_second_device(require_2fa, settings, officer, client):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)

    assert client.get("/admin/")["Location"].startswith("/admin/otp/verify/")
    assert client.get("/admin/otp/setup/")["Location"].startswith("/admin/otp/verify/")
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    wrong = client.post("/admin/otp/verify/", {"token": "123456"})
    right = client.post("/admin/otp/verify/", {"token": code_for(device), "next": "/admin/"})

    assert wrong.status_code == 200
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="otp_failed").count() == 1
    assert AuditEntry.objects.filter(action="otp_verified").count() == 1


def test_after_a_wrong_code_even_the_right_one_waits_out_the_throttle(require_2fa, officer, client):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)

    client.post("/admin/otp/verify/", {"token": "123456"})
    right_too_soon = client.post("/admin/otp/verify/", {"token": code_for(device)})

    assert right_too_soon.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_code_cannot_be_replayed(require_2fa, officer, client, verified_login):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    code = code_for(device)
    client.force_login(officer)
    assert client.post("/admin/otp/verify/", {"token": code}).status_code == 302

    other = type(client)()
    other.force_login(officer)
    replay = other.post("/admin/otp/verify/", {"token": code})

    assert replay.status_code == 200
    assert other.get("/admin/").status_code == 302


def test_the_verify_step_redirects_only_to_our_own_site(require_2fa, officer, client):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)

    response = client.post("/admin/otp/verify/", {"token": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == "/admin/"


def test_the_verified_login_fixture_passes_the_2fa_gate(require_2fa, officer, client, verified_login):
    verified_login(client, officer)

    assert client.get("/admin/").status_code == 200


def test_2fa_is_off_in_tests_unless_turned_on(settings, officer, client):
    client.force_login(officer)

    assert settings.KYCDESK_REQUIRE_2FA is False
    assert client.get("/admin/").status_code == 200


def test_repeated_failed_logins_lock_the_account_even_with_the_right_password(settings, officer, client):
    settings.AXES_FAILURE_LIMIT = 3

    for _ in range(3):
        failed = client.post("/admin/login/", {"username": "officer", "password": "wrong-password-1"})
        assert failed.status_code in (200, 429)
    locked = client.post("/admin/login/", {"username": "officer", "password": PASSWORD})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_cool_off(settings, officer, client):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(2):
            client.post("/admin/login/", {"username": "officer", "password": "wrong-password-1"})
        assert client.post("/admin/login/", {"username": "officer", "password": PASSWORD}).status_code == 429

        clock.shift(dt.timedelta(minutes=31))
        response = client.post("/admin/login/", {"username": "officer", "password": PASSWORD})

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(officer.pk)


def test_a_staff_session_ends_after_the_configured_inactivity(settings, officer, client):
    idle = settings.SESSION_COOKIE_AGE
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.force_login(officer)
        clock.shift(dt.timedelta(seconds=idle - 60))
        assert client.get("/admin/").status_code == 200  # activity renews the session

        clock.shift(dt.timedelta(seconds=idle - 60))
        assert client.get("/admin/").status_code == 200

        clock.shift(dt.timedelta(seconds=idle + 1))
        response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_session_in_use_is_written_at_most_once_a_minute_not_on_every_page(settings, officer, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def writes_the_session() -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        return any(q["sql"].startswith('UPDATE "django_session"') for q in queries.captured_queries)

    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.force_login(officer)
        first = writes_the_session()
        clock.shift(dt.timedelta(seconds=30))
        within_the_minute = writes_the_session()
        clock.shift(dt.timedelta(seconds=settings.KYCDESK_SESSION_REFRESH_SECONDS))
        after_it = writes_the_session()

    assert (first, within_the_minute, after_it) == (True, False, True)


def test_a_made_up_session_cookie_on_a_webhook_creates_no_session(client, db):
    from django.contrib.sessions.models import Session

    client.cookies["sessionid"] = "made-up-key-0123456789abcdefghij"

    response = client.post("/webhooks/identomat/", data=b"{}", content_type="application/json")

    assert response.status_code == 404
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


class _InlineFinder(HTMLParser):
    """Everything a CSP without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        self.problems += [f"{key} handler on <{tag}>" for key in names if key.startswith("on")]
        for key in ("src", "href", "action"):
            if str(names.get(key) or "").startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/kycdesk/verificationsession/",
        "/admin/kycdesk/verificationsession/launch/",
        "/admin/kycdesk/identity/",
        "/admin/kycdesk/identity/add/",
        "/admin/kycdesk/auditentry/",
        "/admin/kycdesk/template/",  # its sync button was styled by an inline <style> (seen in Chromium)
        "/admin/kycdesk/webhooksubscription/",
        "/admin/kycdesk/appointment/agenda/",
        "/admin/retention/",
        "/admin/otp/setup/",
        "/admin/password_change/",
    ],
)
def test_admin_pages_carry_the_csp_and_need_nothing_it_blocks(path, admin_client):
    response = admin_client.get(path)
    finder = _InlineFinder()
    finder.feed(response.content.decode())

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert re.search(r"script-src 'self'(;|$)", policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert finder.problems == []

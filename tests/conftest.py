from __future__ import annotations

import copy
import importlib
import os
from pathlib import Path

import pytest

from providers import http

#: Debian's Chromium; the browser tests never download a browser of their own.
CHROMIUM = Path(os.environ.get("KYCDESK_CHROMIUM", "/usr/bin/chromium"))
#: "required" (CI) turns the skip of the browser tests into a failure when Chromium is missing.
BROWSER_TESTS = os.environ.get("KYCDESK_BROWSER_TESTS", "").strip().lower()


def pytest_collection_modifyitems(config, items):
    """Skip the `browser` tests, with the reason, on a machine without Chromium (unless CI
    requires them: then they run and fail on the missing browser)."""
    if CHROMIUM.exists() or BROWSER_TESTS == "required":
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Chromium at {CHROMIUM}: `apt-get install chromium` "
        "(CI sets KYCDESK_BROWSER_TESTS=required, which makes this a failure)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_tokens():
    """No vendor token leaks from one test into another."""
    http.tokens.clear()
    yield
    http.tokens.clear()


@pytest.fixture
def fake_vendor(settings):
    """Route the vendor code 'datakeen' to tests.fakes.FakeProvider for mechanism tests."""
    from tests.fakes import FakeProvider

    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    vendors["datakeen"]["class"] = "tests.fakes.FakeProvider"
    settings.KYCDESK_VENDORS = vendors
    FakeProvider.files = {}
    FakeProvider.created = []
    FakeProvider.erase_calls = []
    FakeProvider.erase_script = []
    return FakeProvider


@pytest.fixture
def erasing_vendor(fake_vendor, monkeypatch):
    """The fake vendor offering both erase calls (like VULT); script answers in ``erase_script``."""
    from providers.base import Capability

    monkeypatch.setattr(
        fake_vendor, "capabilities", fake_vendor.capabilities | {Capability.ANONYMIZE, Capability.DELETE}
    )
    return fake_vendor


@pytest.fixture
def fake_pull_vendor(settings):
    """Like fake_vendor, with a result API (FETCH_RESULT): deliveries are hints, pulls are the truth."""
    from tests.fakes import FakePullProvider

    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    vendors["datakeen"]["class"] = "tests.fakes.FakePullProvider"
    settings.KYCDESK_VENDORS = vendors
    FakePullProvider.files, FakePullProvider.results = {}, {}
    FakePullProvider.pulls, FakePullProvider.failures = [], []
    return FakePullProvider


@pytest.fixture
def private_media(settings, tmp_path):
    """Private media written under the test's own folder."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


def ensure_roles() -> None:
    """The role groups as kycdesk/migrations/0002_roles.py makes them, when a transactional
    test's flush has removed them (a flush keeps permissions, not data migrations' rows)."""
    from django.contrib.auth.models import Group, Permission

    roles = importlib.import_module("kycdesk.migrations.0002_roles").ROLES
    for name, codenames in roles.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(Permission.objects.filter(content_type__app_label="kycdesk", codename__in=codenames))


@pytest.fixture(autouse=True)
def _roles_after_flush(request):
    """Transactional tests start after another one's flush: give them the role groups back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or "transactional_db" in request.fixturenames):
        request.getfixturevalue("transactional_db")
        ensure_roles()


@pytest.fixture
def roles(db):
    """The staff roles as migration 0002_roles makes them. A transactional test's flush deletes
    them (data from migrations does not survive it), so tests that need them ask for this."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    for name, codenames in importlib.import_module("kycdesk.migrations.0002_roles").ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="kycdesk", codename__in=codenames))


@pytest.fixture
def make_user(db, django_user_model, roles):
    from django.contrib.auth.models import Group

    def role(name: str) -> Group:
        ensure_roles()
        return Group.objects.get(name=name)

    def make(username: str, *roles: str, **extra):
        user = django_user_model.objects.create_user(
            username=username, password="pw-not-used-1234", is_staff=True, **extra
        )
        for name in roles:
            user.groups.add(role(name))
        return user

    return make


@pytest.fixture
def verified_login(db):
    """Sign a user in on a test client as if they had passed both steps: password and TOTP.

    ``verified_login(client, user)``; returns the user's confirmed TOTP device. Plain
    ``force_login`` is enough while KYCDESK_REQUIRE_2FA is off (the test default).
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(client, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test device", confirmed=True)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return device

    return login


@pytest.fixture
def sandbox_live(live_server, settings):
    """Every vendor client and our public URL point at the live server, where the simulators run.

    Use it for tests that drive a whole flow over real HTTP: launch through the real client,
    finish on the person's page, receive the vendor's webhook, pull the result.
    """
    from providers.sandbox.testing import point_vendors_at

    point_vendors_at(settings, live_server.url)
    settings.KYCDESK_HTTP_READ_TIMEOUT = 10
    return live_server


@pytest.fixture
def officer(make_user):
    return make_user("olivia", "Compliance officer")


@pytest.fixture
def manager(make_user):
    return make_user("maria", "Compliance manager")


@pytest.fixture
def second_manager(make_user):
    return make_user("mark", "Compliance manager")


@pytest.fixture
def appointment_staff(make_user):
    return make_user("alex", "Appointment staff")

from __future__ import annotations

import copy

import pytest

from providers import http


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
    return FakeProvider


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


@pytest.fixture
def make_user(db, django_user_model):
    from django.contrib.auth.models import Group

    def make(username: str, *roles: str, **extra):
        user = django_user_model.objects.create_user(
            username=username, password="pw-not-used-1234", is_staff=True, **extra
        )
        for role in roles:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


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

import socket

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kycdesk.models import Media, VerificationSession
from providers.sandbox.simulator import simulators
from providers.sandbox.testing import point_vendors_at

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles():
    """The roles come from a data migration, and an earlier transactional test's flush removes
    them: run that migration again when they are gone (the demo gives its users those roles)."""
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name="Compliance officer").exists():
        call_command("migrate", "kycdesk", "0001", verbosity=0)
        call_command("migrate", "kycdesk", verbosity=0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_makes_users_and_one_case_per_outcome_through_the_simulators_and_adds_nothing_twice(settings, roles):
    settings.DEBUG = True  # the test runner turns it off; the demo is for local mode
    point_vendors_at(settings, f"http://127.0.0.1:{free_port()}")

    call_command("demo")
    first = VerificationSession.objects.count()
    call_command("demo")

    expected = sum(len(s.demo_outcomes or s.outcomes) + 1 for s in simulators().values())
    assert first == VerificationSession.objects.count() == expected
    assert set(get_user_model().objects.values_list("username", flat=True)) >= {
        "officer",
        "manager",
        "manager2",
        "agent",
    }
    finished = VerificationSession.objects.exclude(identity__reference__endswith="in_progress")
    assert not finished.filter(status__in=["created", "in_progress"]).exists()  # each outcome arrived
    assert Media.objects.filter(state="stored").exists()


def test_demo_refuses_to_run_outside_local_mode(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="local mode"):
        call_command("demo")

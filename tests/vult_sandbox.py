"""Helpers for tests that drive VULT's simulator over the live server (use with `sandbox_live`)."""

from __future__ import annotations

from kycdesk.models import Identity
from kycdesk.services.launch import launch_session
from providers.base import LaunchRequest
from providers.sandbox.testing import finish


def vult_person(reference: str, outcome: str = "verified") -> Identity:
    """A person launched at VULT and finished on the person's page with ``outcome``."""
    session = launch_session(vendor="vult", request=LaunchRequest(reference=reference), user=None)
    finish(session.link, outcome)
    return Identity.objects.get(reference=reference)


def staff(username: str, role: str):
    """A staff user in ``role``, the group made from the roles migration when a transactional
    test has flushed it."""
    import importlib

    from django.contrib.auth.models import Group, Permission, User

    roles = importlib.import_module("kycdesk.migrations.0002_roles").ROLES
    group, created = Group.objects.get_or_create(name=role)
    if created:
        group.permissions.set(Permission.objects.filter(content_type__app_label="kycdesk", codename__in=roles[role]))
    user = User.objects.create_user(username=username, password="pw-not-used-1234", is_staff=True)
    user.groups.add(group)
    return user

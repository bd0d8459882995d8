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

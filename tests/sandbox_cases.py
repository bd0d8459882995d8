"""Cases made the way the demo makes them: the real client launches at the simulator (its launch
template and options), then the person's page is played over HTTP. For live tests (sandbox_live)."""

from __future__ import annotations

import datetime as dt

from kycdesk.models import VerificationSession
from kycdesk.services.launch import launch_session
from providers.base import LaunchRequest
from providers.sandbox.simulator import simulators
from providers.sandbox.testing import finish

PERSON = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.invalid",
    "phone": "+33600000000",
    "nationality": "GB",
}


def launch(code: str, reference: str) -> VerificationSession:
    simulator = simulators()[code]
    request = LaunchRequest(
        reference=reference,
        birth_date=dt.date(1990, 12, 10),
        template_id=simulator.launch_template_id,
        options=dict(simulator.launch_options),
        **PERSON,
    )
    return launch_session(vendor=code, request=request, user=None)


def finished(code: str, reference: str, outcome: str = "") -> VerificationSession:
    """Launched, then finished on the person's page with ``outcome`` (default: the first one)."""
    session = launch(code, reference)
    assert finish(session.link, outcome or simulators()[code].outcomes[0].key).status_code in (200, 302)
    session.refresh_from_db()
    return session

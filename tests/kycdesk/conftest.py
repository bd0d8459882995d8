"""Fixtures for kycdesk's Identify24 tests: a frozen clock, two agents, the vendor on `responses`."""

from __future__ import annotations

import json

import pytest
import responses

from kycdesk.models import VideoAgent
from tests.kycdesk.identify24 import NOW, base_url


@pytest.fixture
def frozen_now():
    import time_machine

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def video_agents(db) -> tuple[VideoAgent, VideoAgent]:
    return (
        VideoAgent.objects.create(termin_user_id="1", name="Anna Agent"),
        VideoAgent.objects.create(termin_user_id="2", name="Bernd Agent"),
    )


@pytest.fixture
def identify24_api():
    """Identify24 answering the login and every appointment; ``vendor.booked`` lists the bodies."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.booked = []
        mocked.refuse = ""

        def appointment(request):
            mocked.booked.append(json.loads(request.body))
            if mocked.refuse:
                return 200, {}, json.dumps({"result": False, "messages": [mocked.refuse]})
            return 200, {}, json.dumps({"result": True, "messages": [], "insert_id": f"h{len(mocked.booked)}"})

        mocked.post(base_url() + "auth", json={"result": True, "token": "jwt", "messages": []})
        mocked.add_callback(responses.POST, base_url() + "ident/setOnboardifyAppointment", callback=appointment)
        yield mocked

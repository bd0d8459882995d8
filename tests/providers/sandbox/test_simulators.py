"""What every simulator declares about itself holds together."""

import pytest

from providers.base import Status
from providers.sandbox.simulator import simulators

SIMULATORS = sorted(simulators().items())


@pytest.mark.parametrize(("code", "simulator"), SIMULATORS)
def test_every_declared_status_belongs_to_a_real_outcome_and_is_a_unified_status(code, simulator):
    keys = {outcome.key for outcome in simulator.outcomes}

    assert set(simulator.statuses) <= keys
    assert {Status(value) for value in simulator.statuses.values()}


@pytest.mark.parametrize(("code", "simulator"), SIMULATORS)
def test_every_finished_outcome_says_what_kycdesk_must_show(code, simulator):
    unfinished = {"abandon"}  # the person leaves: the outcome depends on time, not on the page

    assert {o.key for o in simulator.outcomes} - unfinished <= set(simulator.statuses)


@pytest.mark.parametrize(("code", "simulator"), SIMULATORS)
def test_demo_outcomes_are_real_outcomes(code, simulator):
    assert set(simulator.demo_outcomes) <= {o.key for o in simulator.outcomes}

from __future__ import annotations

import itertools

import pytest

from kycdesk.models import DecisionState, SessionStatus, VerificationSession
from tests.kycdesk.identify24 import make_session


@pytest.mark.django_db
def test_a_rows_in_review_queue_agrees_with_the_queue_query_for_every_status_and_decision():
    for n, (status, decision) in enumerate(itertools.product(SessionStatus.values, DecisionState.values)):
        make_session(reference=f"r{n}", external_id=f"e{n}", status=status, decision_state=decision)

    queued = set(VerificationSession.objects.review_queue().values_list("pk", flat=True))

    assert {s.pk for s in VerificationSession.objects.all() if s.in_review_queue} == queued
    assert queued  # some combinations are in it

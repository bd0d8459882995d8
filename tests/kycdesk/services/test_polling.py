"""Polling, vendor-agnostic: any provider with Capability.POLLING, with backoff by age and a give-up."""

from __future__ import annotations

import copy
import datetime as dt
from typing import ClassVar

import pytest
import time_machine

from kycdesk.models import Identity, Media, SessionEvent, VerificationSession
from kycdesk.services import polling
from providers.base import (
    Capability,
    MediaKind,
    MediaRef,
    Provider,
    ProviderError,
    Status,
    VerificationResult,
)

pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC)


class PollingFake(Provider):
    """A polling vendor whose answers a test scripts, one per call."""

    code = "identomat"
    name = "Polling fake"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.FETCH_RESULT, Capability.FETCH_MEDIA, Capability.POLLING}
    )
    answers: ClassVar[list[Status | Exception]] = []
    asked: ClassVar[list[str]] = []

    def fetch_result(self, external_id: str) -> VerificationResult:
        self.asked.append(external_id)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        media = (MediaRef(kind=MediaKind.SELFIE, key="face"),) if answer.is_outcome else ()
        return VerificationResult(
            vendor=self.code, external_id=external_id, status=answer, vendor_status=answer.value, media=media
        )

    def fetch_media(self, external_id: str, ref: MediaRef):
        yield b"\xff\xd8\xff\xe0 a selfie"


@pytest.fixture
def vendor(settings):
    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    vendors["identomat"]["class"] = f"{__name__}.PollingFake"
    settings.KYCDESK_VENDORS = vendors
    PollingFake.answers = []
    PollingFake.asked = []
    return PollingFake


def make_session(vendor_code: str = "identomat", external_id: str = "tok-1", **fields) -> VerificationSession:
    identity, _ = Identity.objects.get_or_create(reference="ref-1")
    fields.setdefault("created_at", T0)
    return VerificationSession.objects.create(vendor=vendor_code, external_id=external_id, identity=identity, **fields)


def poll(session: VerificationSession, minutes: float) -> str:
    outcome = polling.poll_session(session_id=session.pk, now=T0 + dt.timedelta(minutes=minutes))
    session.refresh_from_db()
    return outcome


@pytest.mark.parametrize(
    ("age", "every"),
    [
        (dt.timedelta(minutes=2), dt.timedelta(minutes=1)),
        (dt.timedelta(minutes=20), dt.timedelta(minutes=5)),
        (dt.timedelta(hours=3), dt.timedelta(minutes=15)),
        (dt.timedelta(hours=20), dt.timedelta(hours=1)),
    ],
)
def test_recent_sessions_are_asked_about_often_and_older_ones_rarely(age, every):
    assert polling.interval(age) == every


def test_an_in_progress_session_is_asked_again_later_by_its_age(vendor):
    session = make_session()
    vendor.answers = [Status.IN_PROGRESS, Status.IN_PROGRESS]

    first = poll(session, 3)
    at_three = session.next_poll_at
    poll(session, 30)

    assert first == "in progress"
    assert at_three == T0 + dt.timedelta(minutes=4)
    assert session.next_poll_at == T0 + dt.timedelta(minutes=35)
    assert (session.status, session.poll_count) == ("in_progress", 2)


def test_polling_stops_when_the_session_leaves_in_progress_and_its_media_are_fetched(vendor, private_media):
    session = make_session()
    vendor.answers = [Status.IN_PROGRESS, Status.NEEDS_REVIEW]

    poll(session, 1)
    outcome = poll(session, 2)

    assert (outcome, session.status, session.next_poll_at) == ("needs_review", "needs_review", None)
    media = Media.objects.get(session=session)
    assert (media.kind, media.state, media.file.read()) == ("selfie", "stored", b"\xff\xd8\xff\xe0 a selfie")


def test_a_token_the_vendor_no_longer_accepts_ends_polling_as_expired(vendor):
    session = make_session()
    vendor.answers = [Status.EXPIRED]

    poll(session, 16)

    assert (session.status, session.next_poll_at) == ("expired", None)


def test_a_vendor_error_is_recorded_once_and_retried_later_honouring_retry_after(vendor):
    session = make_session()
    busy = ProviderError("identomat", "Too many requests", status=429, retryable=True, retry_after=600)
    vendor.answers = [busy, busy, Status.APPROVED]

    assert poll(session, 1) == "error"
    assert session.next_poll_at == T0 + dt.timedelta(minutes=11)
    poll(session, 12)
    poll(session, 30)

    assert session.status == "approved"
    assert SessionEvent.objects.filter(session=session, kind="poll_error").count() == 1


def test_a_session_still_in_progress_after_the_give_up_time_is_marked_expired(vendor, settings):
    settings.KYCDESK_POLL_GIVE_UP_HOURS = 24
    session = make_session()
    vendor.answers = [Status.IN_PROGRESS]

    outcome = poll(session, 24 * 60 + 1)

    assert (outcome, session.status, session.next_poll_at) == ("gave up", "expired", None)
    event = SessionEvent.objects.get(session=session, kind="poll_stopped")
    assert "24 h after launch (last answer: in_progress)" in event.summary


def test_the_schedule_queues_only_due_open_sessions_of_polling_vendors(vendor):
    now = T0 + dt.timedelta(minutes=10)
    never_polled = make_session(external_id="a")
    due = make_session(external_id="b", next_poll_at=now - dt.timedelta(seconds=1))
    make_session(external_id="c", next_poll_at=now + dt.timedelta(minutes=1))  # not yet
    make_session(external_id="d", status="approved")  # done
    make_session(external_id="e", anonymized_at=now)  # erased
    make_session(vendor_code="datakeen", external_id="f")  # a webhook vendor
    vendor.answers = [Status.IN_PROGRESS, Status.IN_PROGRESS]

    with time_machine.travel(now, tick=False):  # the queued tasks run now (sync mode) and read the clock
        queued = polling.enqueue_due(limit=10, now=now)

    assert queued == 2
    assert sorted(vendor.asked) == ["a", "b"]
    for session in (never_polled, due):
        session.refresh_from_db()
        assert session.next_poll_at == now + dt.timedelta(minutes=1)


def test_a_claimed_session_is_not_handed_out_again_while_its_lease_runs(vendor, monkeypatch):
    make_session(external_id="a")
    now = T0 + dt.timedelta(minutes=1)
    monkeypatch.setattr(polling, "_enqueue", lambda ids: None)  # the tasks never run: a worker died

    first = polling.enqueue_due(limit=10, now=now)
    second = polling.enqueue_due(limit=10, now=now + dt.timedelta(minutes=1))
    third = polling.enqueue_due(limit=10, now=now + polling.LEASE)

    assert (first, second, third) == (1, 0, 1)


def test_a_session_closed_meanwhile_is_not_asked_about(vendor):
    session = make_session(status="rejected", next_poll_at=T0)

    assert poll(session, 5) == "closed"
    assert (vendor.asked, session.next_poll_at) == ([], None)

"""Scheduling: the vendor call with the person's offset, no double-booking, reschedule, audit."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from kycdesk.models import Appointment, AuditEntry, SessionEvent
from kycdesk.services.appointments import (
    AppointmentError,
    agenda,
    current_appointment,
    local_start,
    schedule_appointment,
    waiting_for_appointment,
)
from providers.base import ProviderError
from tests.kycdesk.identify24 import NOW, base_url, make_session

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def at(hour: int, minute: int = 0, day: int = 3, tz: str = "Europe/Berlin") -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo(tz))


def book(session, agent, when, tz="Europe/Berlin", user=None):
    return schedule_appointment(session_id=session.pk, agent_id=agent.pk, starts_at=when, time_zone=tz, user=user)


def test_an_appointment_is_sent_with_the_persons_offset_and_stored_in_utc(
    frozen_now, video_agents, identify24_api, make_user
):
    session = make_session()
    staff = make_user("amy", "Appointment staff")

    appointment = book(session, video_agents[0], at(9, 30, tz="Europe/Lisbon"), tz="Europe/Lisbon", user=staff)

    assert identify24_api.booked == [
        {"ident_id": "ident-1", "termin_date": "2026-03-03T09:30+00:00", "termin_user": "1"}
    ]
    appointment.refresh_from_db()
    assert appointment.starts_at == dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC)
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=30)
    assert (appointment.time_zone, appointment.vendor_insert_id, appointment.created_by) == (
        "Europe/Lisbon",
        "h1",
        staff,
    )


def test_an_agent_cannot_be_double_booked_for_an_overlapping_slot(frozen_now, video_agents, identify24_api):
    first, second = make_session(), make_session("cust-2", "ident-2")
    book(first, video_agents[0], at(10, 0))

    with pytest.raises(AppointmentError, match="Anna Agent already has an appointment at 2026-03-03 10:00"):
        book(second, video_agents[0], at(10, 20))

    assert len(identify24_api.booked) == 1  # the vendor was never asked
    assert current_appointment(second) is None


def test_back_to_back_slots_and_other_agents_are_fine(frozen_now, video_agents, identify24_api):
    first, second, third = make_session(), make_session("c2", "i2"), make_session("c3", "i3")
    book(first, video_agents[0], at(10, 0))

    book(second, video_agents[0], at(10, 30))
    book(third, video_agents[1], at(10, 0))

    assert Appointment.objects.filter(cancelled=False).count() == 3


def test_an_ident_that_ended_before_its_appointment_frees_the_agent(frozen_now, video_agents, identify24_api):
    done = make_session()
    book(done, video_agents[0], at(10, 0))
    done.status = "approved"
    done.save()

    book(make_session("c2", "i2"), video_agents[0], at(10, 0))

    assert Appointment.objects.filter(agent=video_agents[0], cancelled=False).count() == 2


def test_the_slot_length_is_a_setting(frozen_now, video_agents, identify24_api, settings):
    settings.KYCDESK_APPOINTMENT_MINUTES = 60
    book(make_session(), video_agents[0], at(10, 0))

    with pytest.raises(AppointmentError):
        book(make_session("c2", "i2"), video_agents[0], at(10, 45))


def test_a_clash_across_time_zones_is_still_a_clash(frozen_now, video_agents, identify24_api):
    book(make_session(), video_agents[0], at(10, 0))  # 09:00 UTC

    with pytest.raises(AppointmentError):
        book(make_session("c2", "i2"), video_agents[0], at(9, 15, tz="Europe/London"), tz="Europe/London")


def test_a_reschedule_cancels_the_previous_appointment_and_may_overlap_it(
    frozen_now, video_agents, identify24_api, make_user
):
    session = make_session()
    staff = make_user("amy", "Appointment staff")
    before = book(session, video_agents[0], at(10, 0), user=staff)

    after = book(session, video_agents[0], at(10, 15), user=staff)

    before.refresh_from_db()
    assert before.cancelled is True
    assert current_appointment(session) == after
    assert [b["termin_date"] for b in identify24_api.booked] == ["2026-03-03T10:00+01:00", "2026-03-03T10:15+01:00"]
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor_name", "detail"))
    assert [a[:2] for a in actions] == [("appointment_schedule", "amy"), ("appointment_reschedule", "amy")]
    assert actions[1][2]["replaces"] == before.pk
    assert list(SessionEvent.objects.values_list("kind", flat=True)) == [
        "appointment_scheduled",
        "appointment_rescheduled",
    ]


def test_audit_entries_name_ids_never_the_person(frozen_now, video_agents, identify24_api):
    book(make_session(), video_agents[0], at(10, 0))

    detail = str(AuditEntry.objects.get().detail)
    assert "Erika" not in detail and "Mustermann" not in detail and "cust-1" not in detail


def test_a_vendor_refusal_stores_nothing_keeps_the_old_slot_and_is_audited(frozen_now, video_agents, identify24_api):
    session = make_session()
    before = book(session, video_agents[0], at(10, 0))
    identify24_api.refuse = "termin_user unknown"

    with pytest.raises(ProviderError, match="termin_user unknown"):
        book(session, video_agents[1], at(11, 0))

    before.refresh_from_db()
    assert before.cancelled is False
    assert current_appointment(session) == before
    assert Appointment.objects.count() == 1
    assert AuditEntry.objects.order_by("-pk").first().action == "appointment_refused"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "approved"}, "This ident is approved"),
        ({"vendor": "datakeen"}, "has no appointments"),
        ({"expires_at": NOW + dt.timedelta(hours=12)}, "The ident expires on"),
    ],
)
def test_only_open_identify24_idents_within_their_lifetime_take_appointments(
    frozen_now, video_agents, identify24_api, change, message
):
    session = make_session(**change)

    with pytest.raises(AppointmentError, match=message):
        book(session, video_agents[0], at(10, 0))

    assert identify24_api.booked == []


def test_the_past_and_inactive_agents_are_refused(frozen_now, video_agents, identify24_api):
    session = make_session()
    with pytest.raises(AppointmentError, match="in the future"):
        book(session, video_agents[0], NOW - dt.timedelta(minutes=1))
    video_agents[1].active = False
    video_agents[1].save()
    with pytest.raises(AppointmentError, match="no longer an active agent"):
        book(session, video_agents[1], at(10, 0))


def test_a_local_time_that_does_not_exist_or_happens_twice_is_refused():
    with pytest.raises(AppointmentError, match="does not exist"):
        local_start(dt.date(2026, 3, 29), dt.time(2, 30), "Europe/Berlin")
    with pytest.raises(AppointmentError, match="happens twice"):
        local_start(dt.date(2026, 10, 25), dt.time(2, 30), "Europe/Berlin")
    with pytest.raises(AppointmentError, match="Unknown time zone"):
        local_start(dt.date(2026, 3, 3), dt.time(9, 0), "Mars/Olympus")
    assert local_start(dt.date(2026, 3, 3), dt.time(9, 0), "Europe/Berlin") == at(9, 0)


def test_the_agenda_groups_by_day_then_agent_earliest_first(frozen_now, video_agents, identify24_api):
    anna, bernd = video_agents
    book(make_session("c1", "i1"), bernd, at(9, 0, day=4))
    book(make_session("c2", "i2"), anna, at(14, 0, day=3))
    book(make_session("c3", "i3"), bernd, at(11, 0, day=3))
    book(make_session("c4", "i4"), anna, at(9, 0, day=3))
    moved = make_session("c5", "i5")
    book(moved, anna, at(16, 0, day=3))
    book(moved, anna, at(17, 0, day=5))  # the cancelled 16:00 is not on the agenda

    days, cut = agenda(start=NOW, end=NOW + dt.timedelta(days=7), tz=BERLIN)

    layout = [
        (
            d.day.isoformat(),
            [(a.agent.name, [x.session.identity.reference for x in a.appointments]) for a in d.agents],
        )
        for d in days
    ]
    assert layout == [
        ("2026-03-03", [("Anna Agent", ["c4", "c2"]), ("Bernd Agent", ["c3"])]),
        ("2026-03-04", [("Bernd Agent", ["c1"])]),
        ("2026-03-05", [("Anna Agent", ["c5"])]),
    ]
    assert cut is False
    only_bernd, _ = agenda(start=NOW, end=NOW + dt.timedelta(days=7), tz=BERLIN, agent_id=bernd.pk)
    assert [d.count for d in only_bernd] == [1, 1]


def test_days_are_cut_in_the_desks_time_zone(frozen_now, video_agents, identify24_api):
    book(make_session(), video_agents[0], at(0, 30, day=4))  # 23:30 UTC on the 3rd

    (day,), _ = agenda(start=NOW, end=NOW + dt.timedelta(days=7), tz=BERLIN)

    assert day.day == dt.date(2026, 3, 4)


def test_open_idents_without_a_standing_appointment_are_waiting(frozen_now, video_agents, identify24_api):
    waiting, booked, closed = make_session("c1", "i1"), make_session("c2", "i2"), make_session("c3", "i3")
    book(booked, video_agents[0], at(10, 0))
    closed.status = "approved"
    closed.save()

    assert list(waiting_for_appointment()) == [waiting]


@pytest.mark.django_db(transaction=True)
def test_two_bookings_racing_for_one_agent_cannot_both_win(video_agents, identify24_api):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers differently)")
    import time

    first, second = make_session("c1", "i1", expires_at=None), make_session("c2", "i2", expires_at=None)
    when = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(days=1)
    original = identify24_api.registered()[-1].callback

    def slow(request):
        time.sleep(0.3)  # the identify24_api is slow: both requests would be in flight without the lock
        return original(request)

    identify24_api.registered()[-1].callback = slow
    outcomes: list[str] = []

    def attempt(session):
        try:
            book(session, video_agents[0], when, tz="UTC")
            outcomes.append("booked")
        except AppointmentError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["booked", "refused"]
    assert Appointment.objects.filter(agent=video_agents[0], cancelled=False).count() == 1


def reserve(session, agent, when, created_at=None) -> Appointment:
    """A reservation as a booking in flight leaves it (no booked_at yet)."""
    row = Appointment.objects.create(
        session=session, agent=agent, starts_at=when, ends_at=when + dt.timedelta(minutes=30)
    )
    if created_at is not None:
        Appointment.objects.filter(pk=row.pk).update(created_at=created_at)
    return row


def test_a_booking_in_flight_holds_its_slot_but_is_not_yet_an_appointment(frozen_now, video_agents, identify24_api):
    held = make_session("c1", "i1")
    reserve(held, video_agents[0], at(10, 0))

    with pytest.raises(AppointmentError, match="already has an appointment"):
        book(make_session("c2", "i2"), video_agents[0], at(10, 0))
    with pytest.raises(AppointmentError, match="being made"):
        book(held, video_agents[1], at(12, 0))

    assert current_appointment(held) is None
    assert agenda(start=NOW, end=NOW + dt.timedelta(days=7), tz=BERLIN)[0] == []
    assert identify24_api.booked == []


def test_a_reservation_left_by_a_dead_worker_stops_counting(frozen_now, video_agents, identify24_api):
    held = make_session("c1", "i1")
    reserve(held, video_agents[0], at(10, 0), created_at=NOW - dt.timedelta(minutes=11))

    book(make_session("c2", "i2"), video_agents[0], at(10, 0))
    book(held, video_agents[1], at(12, 0))

    assert Appointment.objects.filter(booked_at__isnull=True).count() == 0


def test_an_ident_still_open_an_hour_after_its_appointment_is_pulled_once_per_backoff(
    frozen_now, video_agents, identify24_api
):
    from kycdesk.services.appointments import pull_after_appointments

    late, upcoming = make_session("c1", "i1"), make_session("c2", "i2")
    book(late, video_agents[0], at(10, 0))
    book(upcoming, video_agents[0], at(15, 0))
    failed = {"id": "i1", "status": "Failed", "status_code": "6"}
    identify24_api.get(base_url() + "ident/get/i1", json={"result": True, "data": failed})
    identify24_api.get(base_url() + "ident/getIdentData/i1", json={"result": True, "data": {"ident": failed}})

    frozen_now.move_to(dt.datetime(2026, 3, 3, 10, 31, tzinfo=BERLIN) + dt.timedelta(hours=1))
    report = pull_after_appointments()
    again = pull_after_appointments()

    late.refresh_from_db()
    assert (report.pulled, report.errors, again.pulled) == (1, {}, 0)
    assert (late.status, late.vendor_status) == ("rejected", "Failed")

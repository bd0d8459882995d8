"""The agenda and schedule pages: what each role sees and may do."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kycdesk.models import Appointment, AuditEntry
from kycdesk.services.appointments import schedule_appointment
from tests.kycdesk.identify24 import make_session

pytestmark = pytest.mark.django_db

AGENDA = reverse("admin:kycdesk_agenda")


def schedule_url(session) -> str:
    return reverse("admin:kycdesk_schedule", args=[session.pk])


def book(session, agent, hour: int, day: int = 3):
    return schedule_appointment(
        session_id=session.pk,
        agent_id=agent.pk,
        starts_at=dt.datetime(2026, 3, day, hour, tzinfo=ZoneInfo("Europe/Berlin")),
        time_zone="Europe/Berlin",
        user=None,
    )


@pytest.fixture
def booked(frozen_now, video_agents, identify24_api):
    session = make_session()
    book(session, video_agents[0], 10)
    return session


def test_appointment_staff_see_the_reference_status_and_case_link_but_not_the_person(client, make_user, booked):
    client.force_login(make_user("amy", "Appointment staff"))

    page = client.get(AGENDA)

    html = page.content.decode()
    assert page.status_code == 200
    assert "cust-1" in html and "Anna Agent" in html and "Created" in html
    assert reverse("admin:kycdesk_verificationsession_change", args=[booked.pk]) in html
    assert "Mustermann" not in html and "Erika" not in html
    assert schedule_url(booked) in html  # reschedule


def test_officers_see_the_person_and_the_view_is_audited_but_cannot_schedule(client, make_user, booked):
    client.force_login(make_user("olga", "Compliance officer"))

    html = client.get(AGENDA).content.decode()

    assert "Erika Mustermann" in html
    assert schedule_url(booked) not in html
    assert AuditEntry.objects.filter(action="agenda_view", actor_name="olga").exists()
    assert client.get(schedule_url(booked)).status_code == 403


def test_staff_without_a_role_cannot_open_the_agenda(client, make_user, booked):
    client.force_login(make_user("nobody"))

    assert client.get(AGENDA).status_code == 403


def test_the_agenda_lists_upcoming_days_in_order_and_filters_by_agent(
    client, make_user, frozen_now, video_agents, identify24_api
):
    book(make_session("c-late", "i1"), video_agents[1], 9, day=5)
    book(make_session("c-early", "i2"), video_agents[0], 9, day=3)
    client.force_login(make_user("amy", "Appointment staff"))

    html = client.get(AGENDA).content.decode()
    only_bernd = client.get(AGENDA, {"agent": video_agents[1].pk}).content.decode()

    assert html.index("c-early") < html.index("c-late")
    assert "Tuesday 3 March 2026" in html and "Thursday 5 March 2026" in html
    assert "c-early" not in only_bernd and "c-late" in only_bernd


def test_the_agenda_query_count_does_not_grow_with_rows(
    client, make_user, frozen_now, video_agents, identify24_api, django_assert_max_num_queries
):
    client.force_login(make_user("amy", "Appointment staff"))
    for index in range(12):
        book(make_session(f"c{index}", f"i{index}"), video_agents[index % 2], 8 + index // 2, day=3 + index % 3)

    with django_assert_max_num_queries(14):
        assert client.get(AGENDA).status_code == 200


def test_idents_waiting_for_an_appointment_are_offered_to_schedule(client, make_user, frozen_now, video_agents):
    waiting = make_session("c-wait", "i-wait")
    client.force_login(make_user("amy", "Appointment staff"))

    html = client.get(AGENDA).content.decode()

    assert "c-wait" in html and schedule_url(waiting) in html


def test_appointment_staff_schedule_from_the_form(client, make_user, frozen_now, video_agents, identify24_api):
    session = make_session()
    client.force_login(make_user("amy", "Appointment staff"))
    assert "Mustermann" not in client.get(schedule_url(session)).content.decode()

    response = client.post(
        schedule_url(session),
        {"agent": video_agents[1].pk, "day": "2026-03-04", "time": "15:20", "time_zone": "Europe/London"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{AGENDA}?from=2026-03-04"
    appointment = Appointment.objects.get()
    assert (appointment.agent, appointment.starts_at) == (
        video_agents[1],
        dt.datetime(2026, 3, 4, 15, 20, tzinfo=dt.UTC),
    )
    assert identify24_api.booked[0]["termin_date"] == "2026-03-04T15:20+00:00"
    assert AuditEntry.objects.filter(action="appointment_schedule", actor_name="amy").exists()


def test_the_form_reschedules_and_shows_why_a_slot_is_refused(client, make_user, booked, video_agents, identify24_api):
    other = make_session("c2", "i2")
    book(other, video_agents[1], 10)
    client.force_login(make_user("amy", "Appointment staff"))

    page = client.get(schedule_url(booked))
    assert page.context["form"].initial == {"time_zone": "Europe/Berlin", "agent": video_agents[0].pk}

    clash = client.post(
        schedule_url(booked),
        {"agent": video_agents[1].pk, "day": "2026-03-03", "time": "10:10", "time_zone": "Europe/Berlin"},
    )
    assert "Bernd Agent already has an appointment" in clash.content.decode()

    moved = client.post(
        schedule_url(booked),
        {"agent": video_agents[1].pk, "day": "2026-03-03", "time": "11:00", "time_zone": "Europe/Berlin"},
    )
    assert moved.status_code == 302
    assert Appointment.objects.filter(session=booked, cancelled=False).get().agent == video_agents[1]


def test_the_reschedule_page_shows_the_current_appointment_in_the_persons_time_zone(client, make_user, booked):
    client.force_login(make_user("amy", "Appointment staff"))

    html = client.get(schedule_url(booked)).content.decode()

    # Booked for 10:00 in Berlin (09:00 UTC, the desk's zone in tests): the page said 09:00 Europe/Berlin.
    assert "2026-03-03 10:00 Europe/Berlin with" in html


def test_the_vendors_refusal_is_shown_in_its_own_words(client, make_user, frozen_now, video_agents, identify24_api):
    session = make_session()
    identify24_api.refuse = "Der Termin liegt außerhalb der Arbeitszeit"
    client.force_login(make_user("amy", "Appointment staff"))

    page = client.post(
        schedule_url(session),
        {"agent": video_agents[0].pk, "day": "2026-03-03", "time": "23:00", "time_zone": "Europe/Berlin"},
    )

    assert "Identify24 refused the appointment: Der Termin liegt außerhalb der Arbeitszeit" in page.content.decode()
    assert not Appointment.objects.exists()


def test_a_wall_time_lost_to_daylight_saving_is_refused_in_the_form(
    client, make_user, frozen_now, video_agents, identify24_api
):
    session = make_session()
    client.force_login(make_user("amy", "Appointment staff"))

    page = client.post(
        schedule_url(session),
        {"agent": video_agents[0].pk, "day": "2026-03-29", "time": "02:30", "time_zone": "Europe/Berlin"},
    )

    assert "does not exist in Europe/Berlin" in page.content.decode()
    assert identify24_api.booked == []


def test_the_case_page_shows_the_appointment_with_a_reschedule_link_for_staff_only(client, make_user, booked):
    case = reverse("admin:kycdesk_verificationsession_change", args=[booked.pk])
    client.force_login(make_user("amy", "Appointment staff"))
    staff_html = client.get(case).content.decode()
    client.force_login(make_user("olga", "Compliance officer"))
    officer_html = client.get(case).content.decode()

    assert "2026-03-03 10:00 Europe/Berlin with Anna Agent" in staff_html
    assert schedule_url(booked) in staff_html
    assert "Mustermann" not in staff_html
    assert "2026-03-03 10:00 Europe/Berlin with Anna Agent" in officer_html
    assert schedule_url(booked) not in officer_html


def test_appointments_cannot_be_added_or_edited_around_the_schedule_form(client, make_user, booked):
    client.force_login(make_user("amy", "Appointment staff"))
    appointment = Appointment.objects.get()

    assert client.get(reverse("admin:kycdesk_appointment_add")).status_code == 403
    response = client.post(
        reverse("admin:kycdesk_appointment_change", args=[appointment.pk]), {"starts_at_0": "2026-03-03"}
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:kycdesk_appointment_changelist")).status_code == 200


def test_appointment_staff_manage_agents(client, make_user, db):
    client.force_login(make_user("amy", "Appointment staff"))

    response = client.post(
        reverse("admin:kycdesk_videoagent_add"), {"termin_user_id": "9", "name": "Clara Agent", "active": "on"}
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:kycdesk_videoagent_changelist")).status_code == 200

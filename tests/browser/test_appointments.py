"""Journey 3: an Identify24 video ident from its launch to the recording of the call.

Appointment staff cannot launch a verification (README, Roles: launch_verification is the
officers'), so an officer creates the ident; appointment staff add the ident specialist, schedule
the call, find it on the agenda and reschedule it; the specialist ends the call in the sandbox;
the officer opens the identification report (inline PDF) and plays the recording.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kycdesk.models import Appointment
from kycdesk.services.templates import sync_templates
from tests.browser import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAY_FOR_A_MOMENT = """async (video) => {
    await video.play();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    video.pause();
    return {readyState: video.readyState, currentTime: video.currentTime, duration: video.duration,
            width: video.videoWidth, error: video.error && video.error.code};
}"""


def test_appointment_staff_schedule_and_reschedule_an_ident_and_the_officer_reads_and_watches_its_result(
    desk, make_user
):
    sync_templates(vendor="identify24")  # the projects (a manager's "Sync from vendors")
    officer = desk.actor("officer", make_user("olga", "Compliance officer"))
    staff = desk.actor("staff", make_user("anton", "Appointment staff"))
    specialist = desk.actor("specialist")  # Identify24's ident specialist: no kycdesk account
    day = steps.tomorrow()

    officer.log_in()
    ident = steps.launch(officer, "identify24", reference="vi-browser-1", template="Sandbox VideoIdent").session

    staff.log_in()
    steps.add_video_agent(staff, "Petra Agent", termin_user_id="7")
    steps.open_agenda(staff)
    waiting = staff.page.locator(".kycdesk-agenda-waiting tr", has_text="vi-browser-1")
    waiting.get_by_role("link", name="Schedule").click()
    steps.fill_schedule_form(staff, "Petra Agent", day, "10:00", "Europe/Berlin", button="Schedule")
    expect(staff.page.locator("ul.messagelist")).to_contain_text(f"Scheduled: {day:%Y-%m-%d} 10:00 Europe/Berlin")
    row = staff.page.locator(".kycdesk-agenda-day tr", has_text="vi-browser-1")
    expect(row).to_contain_text(f"{day:%Y-%m-%d} 10:00 Europe/Berlin")
    expect(staff.page.locator(".kycdesk-agenda-waiting")).not_to_contain_text("vi-browser-1")

    row.get_by_role("link", name="Reschedule").click()
    expect(staff.page.locator(".kycdesk-facts")).to_contain_text(f"{day:%Y-%m-%d} 10:00 Europe/Berlin with Petra Agent")
    steps.fill_schedule_form(staff, "Petra Agent", day, "14:30", "Europe/Berlin", button="Reschedule")
    expect(staff.page.locator("ul.messagelist")).to_contain_text(f"Rescheduled: {day:%Y-%m-%d} 14:30")
    rows = staff.page.locator(".kycdesk-agenda-day tr", has_text="vi-browser-1")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(f"{day:%Y-%m-%d} 14:30 Europe/Berlin")
    assert list(Appointment.objects.filter(session=ident).values_list("cancelled", flat=True).order_by("pk")) == [
        True,
        False,
    ]

    steps.finish_as_video_specialist(specialist, ident.link, "Successful")

    steps.open_case_page(officer, ident)
    page = officer.page
    expect(steps.case_page_status(page)).to_have_text("Approved")
    expect(page.locator(".kd-claim table tr", has_text="Petra Agent").last).to_contain_text(
        f"{day:%Y-%m-%d} 14:30"  # in the person's zone, beside its name
    )
    report = page.locator("iframe.kd-pdf").first
    pdf = officer.page.request.get(officer.url(report.get_attribute("src")))
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.headers["content-disposition"].startswith("inline;")
    frame = report.element_handle().content_frame()
    assert frame is not None and frame.evaluate("document.contentType") == "application/pdf"  # the viewer, inline
    played = page.locator("video.kd-video").first.evaluate(PLAY_FOR_A_MOMENT)
    assert played["error"] is None
    assert played["readyState"] >= 2 and played["width"] > 0  # HAVE_CURRENT_DATA: frames decoded
    assert played["currentTime"] > 0.5  # it played

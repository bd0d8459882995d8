"""What staff do in the browser, one function per step, written the way a person clicks.

Locators name what a person sees (link text, labels, button names), so a renamed button or a
missing field fails the journey as it would confuse the person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page, expect

from kycdesk.models import Vendor, VerificationSession
from providers.sandbox.simulator import simulators
from tests.browser.desk import Actor

PERSON = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "birth_date": "1990-12-10",
    "nationality": "GB",
    "email": "ada@example.invalid",
    "phone": "+33600000000",
}


@dataclass
class Launched:
    session: VerificationSession
    case_url: str


def open_sessions(actor: Actor) -> None:
    actor.goto("/admin/")
    actor.page.get_by_role("link", name="Verification sessions").first.click()
    expect(actor.page.locator("#content h1")).to_contain_text("verification session")


def launch(actor: Actor, vendor: str, reference: str, template: str | None = None) -> Launched:
    """From the sessions list: Launch a verification → the vendor → the form → Launch."""
    page = actor.page
    open_sessions(actor)
    page.get_by_role("link", name="Launch a verification").click()
    page.get_by_role("link", name=Vendor(vendor).label, exact=True).click()
    expect(page.get_by_role("heading", name=Vendor(vendor).label)).to_be_visible()
    form = page.locator("#content-main form")
    fields = {"reference": reference, **PERSON, **simulators()[vendor].launch_options}
    for name, value in fields.items():
        box = form.locator(f"[name={name}]")
        if box.count():  # a vendor's form asks only what that vendor takes (Datakeen: no e-mail)
            box.fill(value)
    if template is not None:
        form.locator("[name=template]").select_option(label=template)
    page.get_by_role("button", name="Launch").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Verification launched")
    session = VerificationSession.objects.get(vendor=vendor, identity__reference=reference)
    return Launched(session=session, case_url=page.url)


def finish_on_person_page(actor: Actor, outcome_label: str) -> None:
    """Open the person's link from the case page (a new tab), pick the outcome, Finish."""
    with actor.new_tab() as tab:
        actor.page.locator(".field-link_display a").click()
    person: Page = tab.value
    person.wait_for_load_state()
    expect(person.locator(".banner")).to_contain_text("SANDBOX")
    person.get_by_label(outcome_label, exact=True).check()
    person.get_by_role("button", name="Finish").click()
    expect(person.get_by_role("heading", name="Done")).to_be_visible()
    person.close()


def case_status(page: Page) -> Any:
    return page.locator(".field-status .readonly")


def wait_for_status(actor: Actor, label: str, *, tries: int = 10, pause_ms: int = 500) -> None:
    """Reload the case page until it shows ``label`` (the result arrives by webhook or poll)."""
    for _ in range(tries):
        actor.page.reload()
        if case_status(actor.page).inner_text().strip() == label:
            return
        actor.page.wait_for_timeout(pause_ms)
    expect(case_status(actor.page)).to_have_text(label)


def tomorrow() -> dt.date:
    return dt.date.today() + dt.timedelta(days=1)


def open_case(actor: Actor, session: VerificationSession) -> None:
    actor.goto(f"/admin/kycdesk/verificationsession/{session.pk}/change/")
    expect(actor.page.locator(".field-external_id")).to_contain_text(session.external_id)


def finish_as_video_specialist(actor: Actor, link: str, outcome_label: str) -> None:
    """Identify24's ident specialist ends the call on the sandbox's agent page."""
    actor.page.goto(link)
    expect(actor.page.get_by_role("heading", name="Video ident call")).to_be_visible()
    actor.page.get_by_label(outcome_label, exact=True).check()
    actor.page.get_by_role("button", name="Finish").click()
    expect(actor.page.get_by_role("heading", name="Done")).to_be_visible()


def add_video_agent(actor: Actor, name: str, termin_user_id: str) -> None:
    page = actor.page
    actor.goto("/admin/")
    page.get_by_role("link", name="Video agents").first.click()
    page.get_by_role("link", name="Add video agent").click()
    page.locator("#id_name").fill(name)
    page.locator("#id_termin_user_id").fill(termin_user_id)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")


def open_agenda(actor: Actor) -> None:
    actor.goto("/admin/")
    actor.page.get_by_role("link", name="Appointments").first.click()
    actor.page.get_by_role("link", name="Agenda by day and agent").click()
    expect(actor.page.locator("#content h1")).to_have_text("Agenda")


def fill_schedule_form(actor: Actor, agent: str, day: dt.date, time: str, time_zone: str, button: str) -> None:
    page = actor.page
    page.locator("#id_agent").select_option(label=agent)
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_time").fill(time)
    page.locator("#id_time_zone").select_option(time_zone)
    page.get_by_role("button", name=button).click()


def loaded_images(page: Page, selector: str) -> list[str]:
    """The src of every image matching ``selector`` that the browser really decoded (lazy ones
    are loaded first, as scrolling down to them would)."""
    decoded = "i => { i.loading = 'eager'; return i.decode().then(() => i.naturalWidth > 0, () => false); }"
    return [image.get_attribute("src") for image in page.locator(selector).all() if image.evaluate(decoded)]


def run_action(actor: Actor, session: VerificationSession, action_label: str) -> None:
    """On the sessions list: tick the case, choose the action, Go."""
    page = actor.page
    open_sessions(actor)
    page.locator("#result_list tr", has_text=session.external_id).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.get_by_role("button", name="Go").click()


def open_case_page(actor: Actor, session: VerificationSession) -> None:
    """The session record's "Case page" link: where the case is read and decided."""
    open_case(actor, session)
    actor.page.get_by_role("link", name="Case page").click()
    expect(actor.page.locator(".kd-head h1")).to_contain_text(session.external_id)


def case_page_status(page: Page) -> Any:
    return page.locator(".kd-badges [title='unified status']")


def open_queue(actor: Actor) -> None:
    actor.goto("/admin/")
    actor.page.locator("#nav-sidebar, #content-main").get_by_role("link", name="Cases to review").first.click()
    expect(actor.page.locator("#content h1")).to_have_text("Review queue")


def queue_row(actor: Actor, session: VerificationSession) -> Any:
    return actor.page.locator("#result_list tbody tr", has_text=session.external_id)

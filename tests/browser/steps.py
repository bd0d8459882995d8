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

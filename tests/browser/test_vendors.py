"""Journey 5: for each vendor, an officer launches, the person completes, the result shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kycdesk.services import polling
from kycdesk.services.templates import sync_templates
from providers.sandbox.simulator import simulators
from tests.browser import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: vendor -> (the outcome the person picks, as labelled on the page; the status the case then shows)
JOURNEYS = {
    "datakeen": ("Datakeen's AI approves", "Approved"),
    "idenfy": ("Approved", "Approved"),
    "vult": ("Verified driver licence", "Approved"),
    "identomat": ("Approve", "Approved"),
    "identify24": ("Successful", "Approved"),
}


@pytest.mark.parametrize("vendor", sorted(JOURNEYS))
def test_an_officer_launches_the_person_completes_and_the_result_shows(desk, make_user, vendor):
    outcome, shown = JOURNEYS[vendor]
    template = None
    if simulators()[vendor].launch_template_id:  # Identify24 needs a project, synced from the vendor
        sync_templates(vendor=vendor)
        template = "Sandbox VideoIdent"
    officer = desk.actor("officer", make_user("olga", "Compliance officer"))
    officer.log_in()

    launched = steps.launch(officer, vendor, reference=f"browser-{vendor}", template=template)
    steps.finish_on_person_page(officer, outcome)
    if vendor in polling.polling_vendors():  # Identomat sends no webhook: its sessions are polled
        polling.enqueue_due(limit=10)
    steps.wait_for_status(officer, shown)  # on the session record, where the link was

    steps.open_case_page(officer, launched.session)
    expect(steps.case_page_status(officer.page)).to_have_text(shown)
    expect(officer.page.locator('.kd-badges [title="the vendor\'s own status"]')).to_contain_text("vendor: ")

"""Journeys 1 and 2: an officer signs in with two factors, launches a Datakeen verification that
comes back flagged and finds it in the queue; two managers decide it with four eyes."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from kycdesk.models import DecisionState
from tests.browser import steps
from tests.sandbox_cases import finished

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Submit a POST from the page, as a tampered or replayed form would (the page offers no such button).
POST_FROM_PAGE = """(action) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    form.appendChild(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
    document.body.appendChild(form);
    form.submit();
}"""


def authenticator_code(secret: str) -> str:
    """What the person's authenticator app shows for the key the enrolment page gave (RFC 6238)."""
    return f"{totp(b32decode(secret)):06d}"


def messages(page: Page):
    return page.locator("ul.messagelist")


def test_an_officer_signs_in_with_two_factors_launches_and_finds_the_flagged_case_in_the_queue(
    desk, make_user, settings
):
    settings.KYCDESK_REQUIRE_2FA = True
    officer = desk.actor("officer", make_user("olga", "Compliance officer"))
    page = officer.page

    officer.log_in()  # the password is not enough: enrolment first
    expect(page).to_have_url(re.compile(r"/admin/otp/setup/"))
    expect(page.get_by_role("img", name="QR code to add kycdesk to your authenticator app")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(authenticator_code(page.locator("code").inner_text()))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(officer.url("/admin/"))

    launched = steps.launch(officer, "datakeen", reference="j1-browser", template=None)
    steps.finish_on_person_page(officer, "To verify")
    steps.wait_for_status(officer, "Needs review")

    steps.open_queue(officer)
    row = steps.queue_row(officer, launched.session)
    expect(row).to_contain_text("verify")
    expect(row).to_contain_text("unassigned")
    row.get_by_role("link", name=launched.session.external_id).click()
    expect(steps.case_page_status(page)).to_have_text("Needs review")
    expect(page.locator(".kd-claim")).to_contain_text("Unassigned.")


def test_two_managers_approve_a_flagged_case_and_the_first_cannot_give_their_own_second_approval(desk, make_user):
    case = finished("datakeen", "j2-browser", "verify")
    first = desk.actor("mona", make_user("mona", "Compliance manager"))
    second = desk.actor("otto", make_user("otto", "Compliance manager"))
    page = first.page

    first.log_in()
    steps.open_queue(first)
    steps.queue_row(first, case).get_by_role("button", name="Claim").click()
    expect(messages(page)).to_contain_text(f"Case {case.pk} is yours")
    expect(steps.queue_row(first, case)).to_contain_text("mona")
    steps.queue_row(first, case).get_by_role("link", name=case.external_id).click()
    expect(page.locator(".kd-claim")).to_contain_text("Claimed by mona")

    front = page.locator(".kd-figure").first
    overlay = front.locator(".kd-overlay")
    expect(overlay).to_be_visible()
    assert overlay.locator("rect").count() > 0  # the vendor's boxes on the card
    boxes = page.get_by_label("Show the vendor's boxes").first
    boxes.uncheck()
    expect(overlay).to_be_hidden()
    boxes.check()
    expect(overlay).to_be_visible()

    stage = front.locator(".kd-stage")
    width = stage.bounding_box()["width"]
    front.get_by_role("button", name="zoom in").click()
    front.get_by_role("button", name="zoom in").click()
    page.wait_for_function(  # the zoom animates for .15 s
        "([stage, width]) => stage.getBoundingClientRect().width > width * 1.5", arg=[stage.element_handle(), width]
    )
    assert stage.evaluate("s => s.style.getPropertyValue('--kd-zoom')") == "1.5625"

    page.get_by_label("Approve because").select_option(label="Identity verified manually against the document")
    page.locator("#kd-approve-comment").fill("Name on the card checked by hand: the vendor's OCR misread it.")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(messages(page)).to_contain_text("it now needs a second approval by another manager")
    expect(page.locator(".kd-pending")).to_contain_text("awaiting a second approval")
    expect(page.get_by_role("button", name="Give the second approval")).to_have_count(0)
    expect(page.locator(".kd-decide")).to_contain_text("you gave the first approval, so someone else must confirm it")

    page.evaluate(POST_FROM_PAGE, f"/admin/kycdesk/case/{case.pk}/second/")  # the same manager tries anyway
    expect(messages(page)).to_contain_text("Four eyes: the second approval must come from someone other than")
    case.refresh_from_db()
    assert case.decision_state == DecisionState.PENDING_SECOND

    second.log_in()
    steps.open_queue(second)
    steps.queue_row(second, case).get_by_role("link", name=case.external_id).click()
    expect(second.page.locator(".kd-pending")).to_contain_text("Approved by mona")
    second.page.get_by_label("Comment (optional)").fill("Agreed.")
    second.page.get_by_role("button", name="Give the second approval").click()
    expect(messages(second.page)).to_contain_text("Second approval recorded: the case is approved.")
    expect(second.page.locator(".kd-badges")).to_contain_text("Approved by reviewer")
    expect(second.page.locator(".kd-decisions")).to_contain_text("otto")
    steps.open_queue(second)
    expect(steps.queue_row(second, case)).to_have_count(0)  # decided: out of the queue
    first.page.reload()
    expect(page.locator(".kd-badges")).to_contain_text("Approved by reviewer")
    expect(page.locator(".kd-claim")).to_contain_text("Not in the review queue.")  # no Claim left to press

"""Journey 4: a manager anonymises a case from its case page; its images leave the page and the disk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kycdesk.models import Media
from kycdesk.services.erase import case_files
from tests.browser import steps
from tests.sandbox_cases import finished

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_IMAGES = ".kd-stage img"


def test_a_manager_anonymises_a_case_and_its_images_are_gone_from_the_page_and_the_disk(desk, make_user, private_media):
    case = finished("datakeen", "erase-browser-1", "ai_approved")
    files = [private_media / m.file.name for m in Media.objects.filter(session=case)]
    assert len(files) == 3 and all(f.is_file() for f in files)
    manager = desk.actor("manager", make_user("mona", "Compliance manager"))
    manager.log_in()

    steps.open_case_page(manager, case)
    shown = steps.loaded_images(manager.page, CASE_IMAGES)
    assert len(shown) == 3  # the card's front and back and the selfie

    manager.page.get_by_role("button", name="Anonymise…").click()
    plan = manager.page.locator("#erase-cases tr", has_text=case.external_id)
    expect(plan.locator("td").nth(3)).to_have_text(str(len(case_files(case))))  # the files, counted before
    expect(plan).to_contain_text("no erase call")  # Datakeen offers none: said before confirming
    manager.page.get_by_label("Why").select_option(label="The person asked for erasure")
    manager.page.get_by_role("button", name="Yes, anonymise").click()
    expect(manager.page.locator("ul.messagelist")).to_contain_text("1 case(s) anonymised")

    manager.goto(f"/admin/kycdesk/case/{case.pk}/")
    expect(manager.page.locator(".kd-badges")).to_contain_text("anonymised")
    expect(manager.page.locator(CASE_IMAGES)).to_have_count(0)
    expect(manager.page.locator("img[src*='/admin/media/'], video, iframe")).to_have_count(0)
    expect(manager.page.locator(".kd-person")).not_to_contain_text("Lovelace", ignore_case=True)
    assert not [f for f in files if f.exists()]
    assert not list(private_media.rglob("*.*"))  # their thumbnails too
    manager.expect_status(404, r"/admin/media/\d+/$")
    gone = manager.page.goto(manager.url(shown[0]))
    assert gone is not None and gone.status == 404  # the old address leads nowhere
    manager.goto(f"/admin/kycdesk/case/{case.pk}/")  # the last page: the anonymised case

"""Journey 4: a manager anonymises a case; its images leave the page and the disk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kycdesk.models import Media
from kycdesk.services.erase import case_files
from tests.browser import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_anonymises_a_case_and_its_images_are_gone_from_the_page_and_the_disk(desk, make_user, private_media):
    case = steps.launched_and_finished("datakeen", "erase-browser-1", "ai_approved")
    files = [private_media / m.file.name for m in Media.objects.filter(session=case)]
    assert len(files) == 3 and all(f.is_file() for f in files)
    manager = desk.actor("manager", make_user("mona", "Compliance manager"))
    manager.log_in()

    steps.open_case(manager, case)
    thumbnails = steps.loaded_images(manager.page, ".inline-group img[src*='/admin/media/']")
    assert len(thumbnails) == 3  # the card's front and back and the selfie, shown

    steps.run_action(manager, case, "Anonymise the selected… (confirm first)")
    plan = manager.page.locator("#erase-cases tr", has_text=case.external_id)
    expect(plan.locator("td").nth(3)).to_have_text(str(len(case_files(case))))  # 3 files, 3 thumbnails
    expect(plan).to_contain_text("no erase call")  # Datakeen offers none: said before confirming
    manager.page.get_by_label("Why").select_option(label="The person asked for erasure")
    manager.page.get_by_role("button", name="Yes, anonymise").click()
    expect(manager.page.locator("ul.messagelist")).to_contain_text("1 case(s) anonymised")

    steps.open_case(manager, case)
    expect(manager.page.locator("img[src*='/admin/media/']")).to_have_count(0)
    expect(manager.page.locator(".field-person_display")).not_to_contain_text("Lovelace", ignore_case=True)
    assert not [f for f in files if f.exists()]
    assert not list(private_media.rglob("*.*"))  # thumbnails included
    manager.expect_status(404, r"/admin/media/\d+/thumb/")
    gone = manager.page.goto(manager.url(thumbnails[0]))
    assert gone is not None and gone.status == 404
    steps.open_case(manager, case)  # the last page: the anonymised case

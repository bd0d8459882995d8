"""Erase against a real vendor's data: Datakeen over HTTP from its simulator (raw JSON, fields with
boxes, controls, sections, media), then no personal value in any of kycdesk's tables."""

import datetime as dt

import pytest

from kycdesk.models import AuditEntry, Media, VendorErasure
from kycdesk.services import erase
from kycdesk.services.launch import launch_session
from providers.base import LaunchRequest
from providers.sandbox.testing import finish
from tests.pii import files_under, find_in_database

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BIRTH = dt.date(1979, 3, 28)


@pytest.fixture
def finished_case(sandbox_live, private_media):
    session = launch_session(
        vendor="datakeen",
        request=LaunchRequest(reference="CUST-DK-9", first_name="Philippa", last_name="Vandermeer", birth_date=BIRTH),
        user=None,
    )
    finish(session.link, "verify")
    session.refresh_from_db()
    assert Media.objects.filter(session=session, state="stored").exists()
    return session


def needles(session) -> list[str]:
    return ["Philippa", "Vandermeer", "CUST-DK-9", f"SPEC{session.external_id[-5:].upper()}", "1979-03-28"]


@pytest.mark.parametrize("mode", [erase.ANONYMISE, erase.DELETE])
def test_erasing_a_datakeen_case_leaves_no_personal_value_and_no_file(finished_case, private_media, make_user, mode):
    assert find_in_database(needles(finished_case), [BIRTH], exclude_apps=("sandbox",))

    erase.erase_case(finished_case.pk, mode=mode, actor=make_user("m", "Compliance manager"), reason="subject_request")

    assert find_in_database(needles(finished_case), [BIRTH], exclude_apps=("sandbox",)) == []
    assert files_under(private_media) == []
    assert not VendorErasure.objects.exists()  # Datakeen documents no erase call
    entry = AuditEntry.objects.get(action__in=["case_anonymised", "case_deleted"])
    assert entry.detail["vendor_call"] == "none"

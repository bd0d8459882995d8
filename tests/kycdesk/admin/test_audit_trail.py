"""Managers read the audit trail of a case (its session and its files) and of a user."""

import re

import pytest

from kycdesk.models import Media
from kycdesk.services import audit, review
from tests.cases import make_case

pytestmark = pytest.mark.django_db

AUDIT = "/admin/kycdesk/auditentry/"


def actions(client, **params):
    html = client.get(AUDIT, params).content.decode()
    return sorted(re.findall(r'<td class="field-action">([^<]+)</td>', html))


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


def test_the_trail_of_a_case_includes_looks_at_its_files(as_manager, officer):
    case, other = make_case(), make_case()
    selfie = Media.objects.get(session=case, kind="selfie")
    review.claim(session_id=case.pk, user=officer)
    review.add_note(session_id=case.pk, user=officer, text="x")
    audit.record(action="media_view", actor=officer, target=selfie, session=case.pk)
    review.claim(session_id=other.pk, user=officer)

    assert actions(as_manager, case=case.pk) == ["case_claim", "case_note", "media_view"]


def test_the_trail_of_a_user(as_manager, officer, manager):
    case = make_case()
    review.claim(session_id=case.pk, user=officer)
    review.reassign(session_id=case.pk, to_user=manager, by=manager)

    assert actions(as_manager, actor="olivia") == ["case_claim"]
    assert actions(as_manager, actor="maria") == ["case_reassign"]


def test_a_garbled_case_id_lists_nothing(as_manager, officer):
    review.claim(session_id=make_case().pk, user=officer)

    assert actions(as_manager, case="abc") == []


def test_rows_link_to_the_trail_of_their_case_and_their_user(as_manager, officer):
    case = make_case()
    review.claim(session_id=case.pk, user=officer)

    html = as_manager.get(AUDIT).content.decode()

    assert f"href='?case={case.pk}'" in html and "href='?actor=olivia'" in html
    assert f"/admin/kycdesk/case/{case.pk}/" in html

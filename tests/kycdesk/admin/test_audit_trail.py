"""Managers read the audit trail of a case (its session and its files) and of a user."""

import re

import pytest
from django.utils import timezone

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


def test_the_trail_search_finds_an_id_a_username_or_an_action_exactly(client, make_user):
    from kycdesk.models import AuditEntry

    manager = make_user("mgr", "Compliance manager")
    client.force_login(manager)
    now = timezone.now()
    AuditEntry.objects.create(at=now, actor_name="anna", action="case_view", target_type="x", target_id="4711")
    AuditEntry.objects.create(at=now, actor_name="system", action="erase", target_type="x", target_id="47")

    def found(term: str) -> set[str]:
        response = client.get("/admin/kycdesk/auditentry/", {"q": term})
        return {entry.target_id for entry in response.context["cl"].result_list}

    assert found("4711") == {"4711"}
    assert found("47") == {"47"}  # exact: not a prefix of 4711
    assert found("anna") == {"4711"}
    assert found("erase") == {"47"}

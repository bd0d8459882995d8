"""The role matrix of the review workspace: each role by each page and action, allowed or refused.
Refusals come from the server (403), not from a hidden button."""

import pytest
from django.core.files.base import ContentFile

from kycdesk.models import AuditEntry, CaseNote, DecisionState, Media, ReviewDecision, VerificationSession
from kycdesk.services import review
from tests.cases import make_case, png

pytestmark = pytest.mark.django_db

OFFICER, MANAGER, STAFF = "officer", "manager", "appointment_staff"


@pytest.fixture
def world(manager, second_manager, officer, appointment_staff, private_media, fake_vendor):
    case = make_case()
    media = Media.objects.get(session=case, kind="selfie")
    media.file.save("selfie.png", ContentFile(png()), save=True)
    pending = make_case()
    review.decide(
        session_id=pending.pk, user=second_manager, outcome="approve", reason_code="verified_manually", comment="x"
    )
    return {"case": case, "media": media, "pending": pending, "officer": officer}


def decide(outcome, reason):
    def act(client, w):
        return client.post(
            f"/admin/kycdesk/case/{w['case'].pk}/decide/", {"outcome": outcome, "reason_code": reason, "comment": "c"}
        )

    return act


ACTIONS = {
    "open the queue": lambda c, w: c.get("/admin/kycdesk/case/"),
    "open the case page": lambda c, w: c.get(f"/admin/kycdesk/case/{w['case'].pk}/"),
    "view a document image": lambda c, w: c.get(f"/admin/media/{w['media'].pk}/"),
    "download a document image": lambda c, w: c.get(f"/admin/media/{w['media'].pk}/?download=1"),
    "read the audit trail": lambda c, w: c.get("/admin/kycdesk/auditentry/"),
    "read a case's audit trail": lambda c, w: c.get(f"/admin/kycdesk/auditentry/?case={w['case'].pk}"),
    "claim": lambda c, w: c.post(f"/admin/kycdesk/case/{w['case'].pk}/claim/"),
    "bulk claim": lambda c, w: c.post(
        "/admin/kycdesk/case/", {"action": "claim_selected", "_selected_action": [w["case"].pk]}
    ),
    "reassign": lambda c, w: c.post(f"/admin/kycdesk/case/{w['case'].pk}/reassign/", {"to_user": w["officer"].pk}),
    "bulk reassign": lambda c, w: c.post(
        "/admin/kycdesk/case/",
        {
            "action": "reassign_selected",
            "_selected_action": [w["case"].pk],
            "apply": "1",
            "to_user": w["officer"].pk,
        },
    ),
    "approve a flagged case": decide("approve", "verified_manually"),
    "reject a flagged case": decide("reject", "document_fraud"),
    "give a second approval": lambda c, w: c.post(f"/admin/kycdesk/case/{w['pending'].pk}/second/"),
    "write a note": lambda c, w: c.post(f"/admin/kycdesk/case/{w['case'].pk}/note/", {"text": "hello"}),
    "request a new verification": lambda c, w: c.get(
        f"/admin/kycdesk/case/{w['case'].pk}/renew/", {"vendor": "datakeen"}
    ),
    "erase (the case page's anonymise button)": lambda c, w: c.post(
        "/admin/kycdesk/verificationsession/", {"action": "anonymise_selected", "_selected_action": [w["case"].pk]}
    ),
}

# What happened when the action was allowed (checked only then).
EFFECTS = {
    "claim": lambda w: VerificationSession.objects.get(pk=w["case"].pk).assigned_to_id is not None,
    "bulk claim": lambda w: VerificationSession.objects.get(pk=w["case"].pk).assigned_to_id is not None,
    "reassign": lambda w: VerificationSession.objects.get(pk=w["case"].pk).assigned_to_id == w["officer"].pk,
    "bulk reassign": lambda w: VerificationSession.objects.get(pk=w["case"].pk).assigned_to_id == w["officer"].pk,
    "approve a flagged case": lambda w: (
        VerificationSession.objects.get(pk=w["case"].pk).decision_state == DecisionState.PENDING_SECOND
    ),
    "reject a flagged case": lambda w: (
        VerificationSession.objects.get(pk=w["case"].pk).decision_state == DecisionState.REJECTED
    ),
    "give a second approval": lambda w: (
        VerificationSession.objects.get(pk=w["pending"].pk).decision_state == DecisionState.APPROVED
    ),
    "write a note": lambda w: CaseNote.objects.filter(session=w["case"]).exists(),
    "view a document image": lambda w: AuditEntry.objects.filter(action="media_view").exists(),
    "download a document image": lambda w: AuditEntry.objects.filter(action="media_download").exists(),
    "open the case page": lambda w: AuditEntry.objects.filter(action="case_view").exists(),
}

# role -> action -> the status code the server answers
MATRIX = {
    "open the queue": {OFFICER: 200, MANAGER: 200, STAFF: 403},
    "open the case page": {OFFICER: 200, MANAGER: 200, STAFF: 200},  # staff: the minimum, see below
    "view a document image": {OFFICER: 200, MANAGER: 200, STAFF: 403},
    "download a document image": {OFFICER: 200, MANAGER: 200, STAFF: 403},
    "read the audit trail": {OFFICER: 403, MANAGER: 200, STAFF: 403},
    "read a case's audit trail": {OFFICER: 403, MANAGER: 200, STAFF: 403},
    "claim": {OFFICER: 302, MANAGER: 302, STAFF: 403},
    "bulk claim": {OFFICER: 302, MANAGER: 302, STAFF: 403},
    "reassign": {OFFICER: 403, MANAGER: 302, STAFF: 403},
    "bulk reassign": {OFFICER: "refused", MANAGER: 302, STAFF: 403},
    "approve a flagged case": {OFFICER: 403, MANAGER: 302, STAFF: 403},
    "reject a flagged case": {OFFICER: 403, MANAGER: 302, STAFF: 403},
    "give a second approval": {OFFICER: 403, MANAGER: 302, STAFF: 403},
    "write a note": {OFFICER: 302, MANAGER: 302, STAFF: 403},
    "request a new verification": {OFFICER: 302, MANAGER: 302, STAFF: 403},
    # a manager gets the erase confirmation page; for the others the choice is not an action
    "erase (the case page's anonymise button)": {OFFICER: "refused", MANAGER: "confirm", STAFF: "refused"},
}


@pytest.mark.parametrize("role", [OFFICER, MANAGER, STAFF])
@pytest.mark.parametrize("action", list(MATRIX))
def test_each_role_may_do_exactly_what_its_row_says(client, request, world, role, action):
    client.force_login(request.getfixturevalue(role))

    response = ACTIONS[action](client, world)

    expected = MATRIX[action][role]
    if action.startswith("erase"):
        assert response.status_code == 200
        assert ('name="confirm" value="yes"' in response.content.decode()) is (expected == "confirm")
        return
    if expected == "refused":  # an admin action the role is not offered: Django ignores the choice
        assert response.status_code == 302
        assert VerificationSession.objects.get(pk=world["case"].pk).assigned_to is None
        return
    assert response.status_code == expected
    if expected in (200, 302) and action in EFFECTS:
        assert EFFECTS[action](world), f"{role} was allowed to {action} but nothing happened"
    if expected == 403 and action in ("approve a flagged case", "reject a flagged case"):
        assert not ReviewDecision.objects.filter(session=world["case"]).exists()


def test_appointment_staff_see_the_minimum_of_a_case(client, appointment_staff):
    case = make_case(first_name="Anna", last_name="Berg")
    client.force_login(appointment_staff)

    html = client.get(f"/admin/kycdesk/case/{case.pk}/").content.decode()

    assert case.external_id in html and "Appointments" in html
    for personal in ("Anna", "Berg", "/admin/media/", "DOC_FAKE", "decide/", "note/"):
        assert personal not in html
    assert AuditEntry.objects.get(action="case_view").detail == {"pii": False}


def test_officers_are_not_offered_decisions_and_managers_are(client, officer, manager):
    case = make_case()

    client.force_login(officer)
    officer_page = client.get(f"/admin/kycdesk/case/{case.pk}/").content.decode()
    client.force_login(manager)
    manager_page = client.get(f"/admin/kycdesk/case/{case.pk}/").content.decode()

    assert f"/admin/kycdesk/case/{case.pk}/decide/" not in officer_page
    assert "decide-case permission" in officer_page
    assert f"/admin/kycdesk/case/{case.pk}/decide/" in manager_page


def test_only_managers_are_shown_the_audit_reassign_and_erase_forms(client, officer, manager):
    case = make_case()

    client.force_login(officer)
    officer_page = client.get(f"/admin/kycdesk/case/{case.pk}/").content.decode()
    client.force_login(manager)
    manager_page = client.get(f"/admin/kycdesk/case/{case.pk}/").content.decode()

    assert "Audit trail of this case" not in officer_page and "Audit trail of this case" in manager_page
    assert "anonymise_selected" not in officer_page and "anonymise_selected" in manager_page
    assert "/reassign/" not in officer_page and "/reassign/" in manager_page
    assert "kd-ev-audit" not in officer_page and "kd-ev-audit" in manager_page


def test_the_queue_is_not_in_the_app_list_of_appointment_staff(client, appointment_staff, officer):
    client.force_login(appointment_staff)
    assert "/admin/kycdesk/case/" not in client.get("/admin/").content.decode()
    client.force_login(officer)
    assert "/admin/kycdesk/case/" in client.get("/admin/").content.decode()

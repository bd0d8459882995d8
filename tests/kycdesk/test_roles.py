"""The three roles and what each may do (README, "Roles")."""

import pytest

pytestmark = pytest.mark.django_db

OFFICER, MANAGER, STAFF = "Compliance officer", "Compliance manager", "Appointment staff"

MATRIX = {
    "kycdesk.launch_verification": {OFFICER, MANAGER},
    "kycdesk.view_pii": {OFFICER, MANAGER},
    "kycdesk.decide_case": {MANAGER},
    "kycdesk.second_approve": {MANAGER},
    "kycdesk.erase_case": {MANAGER},
    "kycdesk.reassign_case": {MANAGER},
    "kycdesk.view_auditentry": {MANAGER},
    "kycdesk.schedule_appointment": {STAFF},
    "kycdesk.view_verificationsession": {OFFICER, MANAGER, STAFF},
    "kycdesk.change_auditentry": set(),
    "kycdesk.delete_auditentry": set(),
}


@pytest.mark.parametrize("role", [OFFICER, MANAGER, STAFF])
@pytest.mark.parametrize("permission", sorted(MATRIX))
def test_each_role_holds_exactly_its_permissions(make_user, role, permission):
    user = make_user(f"u-{abs(hash((role, permission)))}", role)

    assert user.has_perm(permission) is (role in MATRIX[permission])


def test_appointment_staff_cannot_open_identities(make_user, client):
    client.force_login(make_user("agent", STAFF))

    assert client.get("/admin/kycdesk/identity/").status_code == 403
    assert client.get("/admin/kycdesk/appointment/").status_code == 200

import pytest
from django.core.exceptions import PermissionDenied

from kycdesk.models import AuditEntry
from kycdesk.services import audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(make_user):
    return audit.record(action="media_view", actor=make_user("officer"), ip="10.0.0.1", session=1)


def test_an_entry_cannot_be_changed(entry):
    entry.action = "nothing happened"
    with pytest.raises(PermissionDenied):
        entry.save()


def test_an_entry_cannot_be_deleted_one_by_one_or_in_bulk(entry):
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.update(action="x")
    assert AuditEntry.objects.get().action == "media_view"


def test_an_entry_names_its_actor_and_a_system_entry_says_system(entry):
    system = audit.record(action="retention_run")

    assert (entry.actor_name, entry.ip, entry.detail) == ("officer", "10.0.0.1", {"session": 1})
    assert system.actor_name == "system"


def test_not_even_a_superuser_may_change_or_delete_in_the_admin(entry, admin_client):
    change = admin_client.post(f"/admin/kycdesk/auditentry/{entry.pk}/change/", {"action": "x"})
    delete = admin_client.post(f"/admin/kycdesk/auditentry/{entry.pk}/delete/", {"post": "yes"})

    assert change.status_code in (302, 403)  # shown read-only, the post does nothing
    assert delete.status_code == 403
    assert AuditEntry.objects.get().action == "media_view"


def test_managers_read_the_trail_and_officers_do_not(entry, make_user, client):
    client.force_login(make_user("manager", "Compliance manager"))
    assert client.get("/admin/kycdesk/auditentry/").status_code == 200

    client.force_login(make_user("officer2", "Compliance officer"))
    assert client.get("/admin/kycdesk/auditentry/").status_code == 403

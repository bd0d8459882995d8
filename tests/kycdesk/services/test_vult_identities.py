"""VULT identities on kycdesk's side, against the simulator over real HTTP."""

from __future__ import annotations

import pytest

from kycdesk.models import AuditEntry, Identity
from kycdesk.services import vult_identities
from kycdesk.services.vult_identities import NotAllowed
from providers.sandbox.testing import finish
from tests.vult_sandbox import vult_person

pytestmark = pytest.mark.django_db(transaction=True)


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_a_finished_session_links_the_vult_identity_to_our_identity(sandbox_live):
    identity = vult_person("cust-1")

    assert vult_identities.vult_id(identity).startswith("idn_")


def test_sync_mirrors_unknown_identities_and_keeps_what_staff_entered(sandbox_live, make_user):
    linked = vult_person("cust-1")
    linked.first_name = "Typed by staff"
    linked.last_name = ""
    linked.save()
    other = vult_person("cust-2")
    other_id = vult_identities.vult_id(other)
    other.sessions.all().delete()  # as if VULT knew someone we never launched
    other.delete()

    counts = vult_identities.sync_identities(actor=make_user("m", "Compliance manager"))
    again = vult_identities.sync_identities()

    linked.refresh_from_db()
    mirrored = Identity.objects.get(vendor_ids__vult=other_id)
    assert counts == {"listed": 2, "created": 1} and again == {"listed": 2, "created": 0}
    assert (linked.first_name, bool(linked.last_name)) == ("Typed by staff", True)  # blanks filled only
    assert mirrored.reference == f"vult:{other_id}"
    assert mirrored.last_name and mirrored.birth_date and mirrored.address
    assert actions().count("vult_identity_sync") == 2


def test_the_panel_reads_the_identity_and_its_ida_sessions_live(sandbox_live):
    identity = vult_person("cust-1")
    launched = vult_identities.start_ida_session(identity=identity, actor=None)

    panel = vult_identities.panel(identity)

    assert panel.identity.verified is True and panel.identity.ofac_status == "clear"
    assert [s.session_id for s in panel.ida_sessions] == [launched.external_id]
    assert panel.error == ""


def test_the_panel_says_when_vult_cannot_be_read(sandbox_live, settings):
    identity = vult_person("cust-1")
    settings.KYCDESK_VENDORS = {
        **settings.KYCDESK_VENDORS,
        "vult": {**settings.KYCDESK_VENDORS["vult"], "base_url": "http://127.0.0.1:9/"},
    }
    settings.KYCDESK_HTTP_MAX_RETRIES = 0

    panel = vult_identities.panel(identity)

    assert panel.identity is None and "Could not reach the vendor" in panel.error


def test_no_panel_for_a_person_without_a_vult_identity(db):
    assert vult_identities.panel(Identity.objects.create(reference="elsewhere")) is None


def test_an_ida_session_needs_a_verified_identity(sandbox_live):
    identity = vult_person("cust-1", "dmv_mismatch")

    with pytest.raises(NotAllowed, match="not verified"):
        vult_identities.start_ida_session(identity=identity, actor=None)

    assert "vult_ida_start" not in actions()


def test_an_ida_session_is_started_finished_read_and_deleted_with_audit(sandbox_live, make_user):
    manager = make_user("m", "Compliance manager")
    identity = vult_person("cust-1")

    launched = vult_identities.start_ida_session(identity=identity, actor=manager, ip="203.0.113.5")
    finish(launched.link, "authenticated")
    document = b"".join(vult_identities.ida_document(identity=identity, session_id=launched.external_id, actor=manager))
    outcome = vult_identities.delete_ida_session(identity=identity, session_id=launched.external_id, actor=manager)

    assert document.startswith(b"%PDF-")
    assert outcome.done
    assert vult_identities.panel(identity).ida_sessions == []
    entries = AuditEntry.objects.filter(action__startswith="vult_ida").order_by("pk")
    assert [(e.action, e.actor, e.target_id) for e in entries] == [
        ("vult_ida_start", manager, str(identity.pk)),
        ("vult_ida_document_view", manager, str(identity.pk)),
        ("vult_ida_delete", manager, str(identity.pk)),
    ]
    assert entries[0].detail == {"vendor": "vult", "ida_session": launched.external_id}
    assert entries[0].ip == "203.0.113.5"


def test_an_ida_session_of_someone_else_is_refused(sandbox_live):
    mine = vult_person("cust-1")
    theirs = vult_person("cust-2")
    their_session = vult_identities.start_ida_session(identity=theirs, actor=None).external_id

    with pytest.raises(NotAllowed, match="does not belong"):
        vult_identities.delete_ida_session(identity=mine, session_id=their_session, actor=None)

    assert [s.session_id for s in vult_identities.panel(theirs).ida_sessions] == [their_session]


def test_the_identity_is_anonymized_at_vult_and_audited(sandbox_live):
    identity = vult_person("cust-1")

    outcome = vult_identities.anonymize_vult_identity(identity=identity, actor=None)

    assert outcome.done
    assert vult_identities.panel(identity).identity.person.last_name == ""
    entry = AuditEntry.objects.get(action="vult_identity_anonymize")
    assert entry.detail["done"] is True and entry.target_id == str(identity.pk)


def test_calls_for_a_person_without_a_vult_identity_are_refused(db):
    identity = Identity.objects.create(reference="elsewhere")

    with pytest.raises(NotAllowed, match="no VULT identity"):
        vult_identities.anonymize_vult_identity(identity=identity, actor=None)

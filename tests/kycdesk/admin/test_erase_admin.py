"""The erase actions: managers only, a confirmation page that says what happens at each vendor."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from kycdesk.models import AuditEntry, Identity, VerificationSession

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/kycdesk/verificationsession/"


@pytest.fixture
def cases(erasing_vendor, private_media):
    person = Identity.objects.create(reference="ref-1", first_name="Zebulon")
    return [
        VerificationSession.objects.create(vendor="datakeen", external_id="dk-1", identity=person),
        VerificationSession.objects.create(vendor="identify24", external_id="i24-1", identity=person),
    ]


@pytest.fixture
def manager_client(client, make_user):
    client.force_login(make_user("manager", "Compliance manager"))
    return client


def choose(action, objects, **extra):
    return {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}


def test_officers_are_not_offered_the_erase_actions(cases, client, make_user):
    client.force_login(make_user("officer", "Compliance officer"))

    page = client.get(CHANGELIST).content.decode()
    refused = client.post(CHANGELIST, choose("delete_selected_cases", cases))

    assert "anonymise_selected" not in page
    assert refused.status_code in (200, 302)  # "no action selected", nothing done
    assert VerificationSession.objects.count() == 2


def test_the_confirmation_page_says_what_each_vendor_will_do(cases, manager_client):
    page = manager_client.post(CHANGELIST, choose("anonymise_selected", cases))

    html = page.content.decode()
    assert page.status_code == 200
    assert "The vendor&#x27;s anonymise call will be made." in html
    assert "offers no erase call" in html  # identify24: none
    assert VerificationSession.objects.filter(anonymized_at__isnull=False).count() == 0


def test_confirming_without_a_reason_erases_nothing(cases, manager_client):
    page = manager_client.post(CHANGELIST, choose("anonymise_selected", cases, confirm="yes"))

    assert page.status_code == 200
    assert "This field is required" in page.content.decode()
    assert VerificationSession.objects.filter(anonymized_at__isnull=False).count() == 0


def test_confirming_with_a_reason_anonymises_and_audits(cases, manager_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            CHANGELIST, choose("anonymise_selected", cases, confirm="yes", reason="subject_request")
        )

    assert response.status_code == 302
    assert VerificationSession.objects.filter(anonymized_at__isnull=False).count() == 2
    notes = {e.detail["vendor"]: e.detail["vendor_call"] for e in AuditEntry.objects.filter(action="case_anonymised")}
    assert notes == {"datakeen": "anonymize", "identify24": "none"}
    assert Identity.objects.get().first_name == ""


def test_a_held_case_is_shown_as_skipped_and_left_alone(cases, manager_client):
    VerificationSession.objects.filter(pk=cases[0].pk).update(legal_hold=True)

    page = manager_client.post(CHANGELIST, choose("delete_selected_cases", cases)).content.decode()
    manager_client.post(CHANGELIST, choose("delete_selected_cases", cases, confirm="yes", reason="subject_request"))

    assert "Skipped: the case is under legal hold." in page
    assert list(VerificationSession.objects.values_list("external_id", flat=True)) == ["dk-1"]


def test_a_person_is_erased_from_the_identities_list(cases, manager_client):
    person = cases[0].identity

    manager_client.post(
        "/admin/kycdesk/identity/",
        choose("delete_selected_cases", [person], confirm="yes", reason="subject_request"),
    )

    assert not Identity.objects.exists()
    assert not VerificationSession.objects.exists()
    assert AuditEntry.objects.filter(action="identity_deleted").count() == 1

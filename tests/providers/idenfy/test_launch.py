"""The generic launch view with iDenfy: clientId is our reference, and a second token for a person
with an open session may be billed, so it is only created once staff confirm."""

import pytest
import responses

from kycdesk.models import Identity, SessionEvent, VerificationSession

pytestmark = pytest.mark.django_db

URL = "/admin/kycdesk/verificationsession/launch/idenfy/"
WARNING = "open session(s) already exist for this reference at this vendor"


@pytest.fixture
def officer(client, make_user):
    client.force_login(make_user("officer", "Compliance officer"))
    return client


@pytest.fixture
def token(api):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.post(
            f"{api}/api/v2/token",
            status=201,
            json={"authToken": "AUTH-NEW", "scanRef": "scan-new", "clientId": "KYC-000123", "expiryTime": 3600},
        )
        yield mocked


def open_session(reference="KYC-000123", vendor="idenfy", status="in_progress"):
    identity, _ = Identity.objects.get_or_create(reference=reference)
    return VerificationSession.objects.create(
        vendor=vendor, external_id=f"old-{vendor}-{status}", identity=identity, status=status
    )


def test_the_idenfy_form_renders_its_fields(officer):
    page = officer.get(URL)

    assert page.status_code == 200
    assert b"iDenfy clientId" in page.content and b"sessionLength" in page.content and b"checkLiveness" in page.content


def test_a_first_launch_creates_the_token_and_stores_the_link(officer, token, api):
    response = officer.post(URL, {"reference": "KYC-000123", "first_name": "Jonas"})

    session = VerificationSession.objects.get(external_id="scan-new")
    assert response.status_code == 302
    assert session.link == f"{api}/api/v2/redirect?authToken=AUTH-NEW"
    assert (session.identity.reference, session.vendor_status) == ("KYC-000123", "ACTIVE")
    assert len(token.calls) == 1


def test_an_open_session_for_the_same_client_id_warns_and_calls_nothing_until_confirmed(officer, token):
    open_session()

    warned = officer.post(URL, {"reference": "KYC-000123"})

    assert warned.status_code == 200
    assert WARNING in warned.content.decode() and 'name="confirm_relaunch"' in warned.content.decode()
    assert len(token.calls) == 0

    confirmed = officer.post(URL, {"reference": "KYC-000123", "confirm_relaunch": "on"})

    assert confirmed.status_code == 302
    assert len(token.calls) == 1
    assert SessionEvent.objects.filter(session__external_id="scan-new", kind="launch").exists()


@pytest.mark.parametrize(
    "existing",
    [
        {"reference": "KYC-000999"},  # another person
        {"vendor": "datakeen"},  # another vendor
        {"status": "approved"},  # not open any more
        {"status": "expired"},
    ],
)
def test_no_warning_without_an_open_idenfy_session_for_this_reference(officer, token, existing):
    open_session(**existing)

    response = officer.post(URL, {"reference": "KYC-000123"})

    assert response.status_code == 302
    assert len(token.calls) == 1


def test_an_invalid_form_still_shows_the_warning_with_the_errors(officer, token):
    open_session()

    response = officer.post(URL, {"reference": "KYC-000123", "sessionLength": "30"})

    body = response.content.decode()
    assert WARNING in body and "sessionLength must be more than 60 and less than 3600" in body
    assert len(token.calls) == 0


def test_idenfys_refusal_is_shown_as_it_came(officer, api):
    with responses.RequestsMock() as mocked:
        mocked.post(
            f"{api}/api/v2/token", status=400, json={"identifier": "VALIDATION_ERROR", "message": "Invalid country."}
        )
        response = officer.post(URL, {"reference": "KYC-000123"})

    assert "iDenfy refused the launch: Invalid country. (VALIDATION_ERROR)" in response.content.decode()

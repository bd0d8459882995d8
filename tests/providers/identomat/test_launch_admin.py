"""Staff launch Identomat sessions from the generic launch page, with flags or a registered config_id."""

import pytest

from kycdesk.models import Template, VerificationSession
from providers.identomat import sandbox
from providers.sandbox.models import SimSession

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/admin/kycdesk/verificationsession/launch/identomat/"


@pytest.fixture
def officer(client, make_user):
    client.force_login(make_user("olivia", "Compliance officer"))
    return client


def test_the_form_offers_the_documented_flags_and_launches_with_them(officer, sandbox_live):
    page = officer.get(URL)
    response = officer.post(
        URL, {"reference": "ref-1", "liveness": "on", "document_types": ["passport"], "language": "ka"}
    )

    assert page.status_code == 200
    assert b"restrict_url_sharing" in page.content and b"general_document_types" in page.content
    session = VerificationSession.objects.get()
    assert response.status_code == 302
    assert session.link == f"{sandbox_live.url}/sandbox/identomat/widget/?session_token={session.external_id}"
    sent = SimSession.objects.get(external_id=session.external_id).request
    assert sent == {"flags": {"liveness": True, "document_types": ["passport"], "language": "ka"}}


def test_a_config_id_registered_by_hand_is_launched_without_flags(officer, sandbox_live):
    template = Template.objects.create(vendor="identomat", kind=Template.Kind.CONFIG, external_id="cfg-7", name="EU")

    officer.post(URL, {"reference": "ref-1", "template": str(template.pk), "language": ""})

    session = VerificationSession.objects.get()
    assert session.template == template
    assert SimSession.objects.get(external_id=session.external_id).request == {"config_id": "cfg-7"}


def test_the_vendor_refusal_is_shown_in_its_own_words(officer, sandbox_live, monkeypatch):
    monkeypatch.setattr(sandbox, "account", lambda: ("the-key-identomat-issued", ""))  # we send another

    response = officer.post(URL, {"reference": "ref-1"})

    assert response.status_code == 200
    assert "Identomat refused the launch" in response.content.decode()
    assert "COMPANY_KEY_INVALID" in response.content.decode()
    assert not VerificationSession.objects.exists()

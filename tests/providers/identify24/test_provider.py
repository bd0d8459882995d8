"""The provider wires the calls: ident body, appointment, pull with files, projects, webhooks, media."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import responses
import time_machine
from responses import matchers

from providers.base import LaunchRequest, MediaKind, MediaRef, ProviderConfig, ProviderError, Status
from providers.identify24.provider import Identify24Provider

from .helpers import BASE, IDENT, fixture

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def provider() -> Identify24Provider:
    config = ProviderConfig(
        code="identify24",
        base_url=BASE,
        credentials={"partner": "p", "api_key": "k", "webhook_token": "t"},
        max_retries=0,
    )
    return Identify24Provider(config)


@pytest.fixture(autouse=True)
def _login():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.post(BASE + "auth", json={"result": True, "token": "jwt", "messages": []})
        yield mocked


def request(**options) -> LaunchRequest:
    return LaunchRequest(
        reference="cust-42",
        first_name="ERIKA",
        last_name="MUSTERMANN",
        birth_date=dt.date(1981, 9, 5),
        nationality="DE",
        email="erika@example.org",
        phone="+4915111111111",
        template_id="6",
        options={"street": "MARKGRAFENSTR.", "house_no": "23", "zip_code": "94670", "city": "NÜRNBERG", **options},
    )


def test_an_ident_is_created_with_the_vendors_flat_body_and_its_link_returned(provider, _login):
    pdf = b"%PDF-1.4 to sign"
    expected = {
        "project_id": "6",
        "person_first_name": "ERIKA",
        "person_last_name": "MUSTERMANN",
        "birthday": "1981-09-05",
        "email": "erika@example.org",
        "mobile_phone": "+4915111111111",
        "nationality": "DE",
        "street": "MARKGRAFENSTR.",
        "house_no": "23",
        "zip_code": "94670",
        "city": "NÜRNBERG",
        "country": "DE",
        "language": "en",
        "id_end_date": "2031-05-09",
        "custom_id": "cust-42",
        "custom1": "c1",
        "pdf_content": "data:@file/pdf;base64," + base64.b64encode(pdf).decode(),
    }
    _login.post(
        BASE + "ident/create", json=fixture("ident_create.json"), match=[matchers.json_params_matcher(expected)]
    )

    with time_machine.travel(NOW, tick=False):
        launched = provider.create_session(
            request(country="DE", language="en", id_end_date=dt.date(2031, 5, 9), custom1="c1", custom2="", pdf=pdf)
        )

    assert launched.external_id == "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    assert launched.link == "https://identify24.de/apply/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    assert launched.expires_at == NOW + dt.timedelta(days=90)
    assert "pdf_content" not in launched.raw


def test_a_given_custom_id_is_kept(provider):
    assert provider.ident_attributes(request(custom_id="theirs"))["custom_id"] == "theirs"


def test_no_ident_is_created_without_a_project(provider, _login):
    with pytest.raises(ProviderError, match="project"):
        provider.create_session(LaunchRequest(reference="r"))

    assert len(_login.calls) == 0


def test_an_open_ident_is_pulled_without_asking_for_its_files(provider, _login):
    _login.get(
        BASE + f"ident/get/{IDENT}", json={"result": True, "data": {"id": IDENT, "status": "Open", "status_code": "1"}}
    )

    result = provider.fetch_result(IDENT)

    assert (result.status, result.media) == (Status.IN_PROGRESS, ())
    assert [c.request.url for c in _login.calls][-1] == BASE + f"ident/get/{IDENT}"


def test_a_finished_ident_is_pulled_with_its_pdfs_recordings_and_screenshots(provider, _login):
    ident = fixture("ident_data.json")["data"]["ident"]
    _login.get(BASE + f"ident/get/{IDENT}", json={"result": True, "messages": [], "data": ident})
    _login.get(BASE + f"ident/getIdentData/{IDENT}", json=fixture("ident_data.json"))

    result = provider.fetch_result(IDENT)

    assert result.status == Status.APPROVED
    assert [m.kind for m in result.media] == [
        MediaKind.REPORT_PDF,
        MediaKind.SIGNED_PDF,
        MediaKind.RECORDING,
        MediaKind.SCREENSHOT,
        MediaKind.SCREENSHOT,
    ]


def test_only_active_projects_are_offered(provider, _login):
    _login.get(
        BASE + "project/getAll",
        json={
            "result": True,
            "data": [
                {"id": "6", "title": "911 Internet GmbH", "status": "Active"},
                {"id": "7", "title": "Old", "status": "Inactive"},
                {"id": "", "title": "No id", "status": "Active"},
            ],
        },
    )

    (project,) = provider.list_templates()

    assert (project.external_id, project.name, project.status) == ("6", "911 Internet GmbH", "Active")


def test_the_vendors_webhooks_are_listed_with_their_status_words(provider, _login):
    _login.get(BASE + "webhook/getAll", json=fixture("webhooks.json"))

    hooks = provider.list_webhooks()

    assert [(h.external_id, h.url, h.status) for h in hooks] == [
        ("1", "https://xxxxxx.xxx", "4 FAILED"),
        ("2", "https://yyyyyy.yyy", "4 FAILED"),
    ]


def test_media_come_from_their_link_or_from_a_fresh_read_of_the_ident_data(provider, _login):
    data = fixture("ident_data.json")
    data["data"]["screenshots"][0]["download_link"] = BASE + "download/29078/28804.png"
    _login.get(BASE + f"ident/getIdentData/{IDENT}", json=data)
    _login.get(BASE + "download/29078/28804.png", body=b"\x89PNG\r\n\x1a\n...")

    linked = MediaRef(kind=MediaKind.SCREENSHOT, key="screenshots/28804.png", url=BASE + "download/29078/28804.png")
    unlinked = MediaRef(kind=MediaKind.SCREENSHOT, key="screenshots/28804.png")

    assert b"".join(provider.fetch_media(IDENT, linked)).startswith(b"\x89PNG")
    assert b"".join(provider.fetch_media(IDENT, unlinked)).startswith(b"\x89PNG")


def test_a_file_the_ident_no_longer_lists_is_a_clear_error(provider, _login):
    _login.get(BASE + f"ident/getIdentData/{IDENT}", json=fixture("ident_data.json"))

    with pytest.raises(ProviderError, match="no longer lists"):
        list(provider.fetch_media(IDENT, MediaRef(kind=MediaKind.RECORDING, key="recordings/gone.webm")))

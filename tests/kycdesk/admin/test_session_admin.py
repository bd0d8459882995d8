from __future__ import annotations

import pytest
from django.urls import reverse

from tests.kycdesk.identify24 import make_session


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["changelist", "change"])
def test_the_sessions_list_and_the_case_page_both_load_kycdesks_stylesheet(client, make_user, page):
    session = make_session()
    client.force_login(make_user("olga", "Compliance officer"))
    url = reverse(f"admin:kycdesk_verificationsession_{page}", args=[session.pk] if page == "change" else [])

    html = client.get(url).content.decode()

    assert html.count('href="/static/kycdesk/kycdesk.css"') == 1  # the raw result box is bounded there


@pytest.mark.django_db
def test_the_session_record_leads_to_the_case_page(client, make_user):
    session = make_session()
    client.force_login(make_user("olga", "Compliance officer"))

    html = client.get(reverse("admin:kycdesk_verificationsession_change", args=[session.pk])).content.decode()

    assert f'href="{reverse("admin:kycdesk_case", args=[session.pk])}"' in html

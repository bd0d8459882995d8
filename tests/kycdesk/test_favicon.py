from __future__ import annotations

from django.contrib.staticfiles import finders


def test_the_favicon_browsers_ask_for_leads_to_our_icon_not_a_404(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/kycdesk/favicon.svg"
    assert finders.find("kycdesk/favicon.svg")

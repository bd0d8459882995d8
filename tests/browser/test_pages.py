"""Every admin page each role reaches from its home page renders in Chromium without a console
error (CSP violations included), a failed request or an error status."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from kycdesk.services.templates import sync_templates
from tests.sandbox_cases import finished

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["Compliance officer", "Compliance manager", "Appointment staff"]
#: Links not followed: leaving, one object's pages (reached by the journeys), deletes.
SKIP = re.compile(r"/logout/|/\d+/(change|delete|history)/|/delete/|/password_change/done/")
MAX_PAGES = 60


#: What the object tools (Launch, Sync...) must not be drawn over.
COVERED = """() => {
    const tools = document.querySelector('.object-tools');
    if (!tools) return [];
    const t = tools.getBoundingClientRect();
    return [...document.querySelectorAll('#content h1, .kycdesk-health')].filter((el) => {
        const text = document.createRange();
        text.selectNodeContents(el);  // the text's own extent, not the full-width block
        const r = text.getBoundingClientRect();
        return !(r.right <= t.left || t.right <= r.left || r.bottom <= t.top || t.bottom <= r.top);
    }).map((el) => el.tagName + ': ' + el.textContent.trim().slice(0, 40));
}"""


def covered_by_tools(page) -> list[str]:
    """Text boxes the object tools cover (they used to float up over the title and the badges)."""
    return page.evaluate(COVERED)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_from_the_home_page_renders_cleanly(desk, make_user, role):
    sync_templates(vendor="identify24")
    finished("datakeen", "pages-1", "verify")  # a case in the lists
    user = desk.actor(role.split()[-1].lower(), make_user("rhea", role))
    user.log_in()

    seen: set[str] = set()
    queue = ["/admin/"]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = user.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        assert covered_by_tools(user.page) == [], path
        for href in user.page.locator("#content a[href], #nav-sidebar a[href]").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        ):
            target = urlsplit(href)
            if target.netloc or target.query or not target.path.startswith("/admin/") or SKIP.search(target.path):
                continue
            if target.path not in seen:
                queue.append(target.path)
    assert len(seen) > 5, seen  # the crawl reached the role's pages
    user.goto("/admin/")

"""Fixtures of the browser journeys (tests/browser/desk.py says how the browsers are watched)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.desk import Desk
from tests.conftest import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
#: Screenshots of each journey's last page per person (git-ignored; CI keeps the folder).
ARTIFACTS = Path(os.environ.get("KYCDESK_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"


@pytest.fixture
def desk(request, sandbox_live, private_media, monkeypatch, tmp_path):
    """The live server with every vendor's simulator, and Chromium for each person of the journey.

    Fails the test when any browser reported a console error, an uncaught exception, a failed
    request or an unexpected status >= 400; saves each person's last page to test-artifacts/.
    """
    if not CHROMIUM.exists():  # only when KYCDESK_BROWSER_TESTS=required (else the test was skipped)
        pytest.fail(f"KYCDESK_BROWSER_TESTS=required, but there is no Chromium at {CHROMIUM}: apt-get install chromium")
    # Playwright's sync API runs an asyncio loop in this thread for as long as it is started, and
    # Django refuses ORM calls from a thread with a running loop. The test's own ORM calls are
    # plain synchronous code between browser steps, so the check is lifted for these tests only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        desk = Desk(playwright, CHROMIUM, sandbox_live.url, tmp_path)
        try:
            yield desk
        finally:
            desk.screenshots(ARTIFACTS, re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name))
            problems = desk.problems()
            desk.close()
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems), pytrace=False)

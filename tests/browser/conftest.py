"""Fixtures of the browser journeys (tests/browser/desk.py says how the browsers are watched)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.browser.desk import Desk
from tests.conftest import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
#: Screenshots of each journey's last page per person (git-ignored; CI keeps the folder).
ARTIFACTS = Path(os.environ.get("KYCDESK_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A journey whose steps all passed still fails when a browser reported a problem."""
    result = yield
    desk = item.funcargs.get("desk")
    problems = desk.take_problems() if isinstance(desk, Desk) else []
    if problems:
        pytest.fail("The browser reported problems on the last pages:\n" + "\n".join(problems), pytrace=False)
    return result


@pytest.fixture
def desk(request, sandbox_live, private_media, monkeypatch, tmp_path):
    """The live server with every vendor's simulator, and Chromium for each person of the journey.

    The test fails when any browser reported a console error, an uncaught exception, a failed
    request or an unexpected status >= 400 (checked after the test, and again after the last
    pages are saved to test-artifacts/, which loads their lazy images).
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
            # Django's connections are asgiref-local: while Playwright's loop runs, this thread's
            # ORM calls get connections of their own, which nothing else would ever close.
            connections.close_all()
    if problems:
        pytest.fail("The browser reported problems on the last pages:\n" + "\n".join(problems), pytrace=False)

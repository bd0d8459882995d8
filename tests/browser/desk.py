"""The staff desk as a browser sees it: one Chromium per person, a watch on everything the page
reports, and a screenshot of where each person ended up.

Every person (officer, manager, appointment staff, the person being verified) gets their own
Chromium with a fresh profile, so logins never leak from one to another. Whatever the page
reports — a console error (CSP violations are reported there), an uncaught exception, a request
that failed, a response of 400 or more — is a problem, unless the journey said it expects that
status for that URL. The test fails when any problem was seen (tests/browser/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Frame,
    Page,
    Playwright,
    Request,
    Response,
    WebError,
)

#: The launch flags: no sandbox (we run as root in a container), no GPU, and nothing that calls
#: home (component updates, sync, background networking): the only network is the live server.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: What sticks out past the right edge of the window (a page that scrolls sideways), or "".
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return "";
    const out = [...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > width + 1);
    return out.slice(-2).map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> ends at `
        + `${Math.round(el.getBoundingClientRect().right)}px of ${width}px: `
        + JSON.stringify(el.textContent.trim().slice(0, 60))).join("; ");
}"""
#: make_user's password (tests/conftest.py)
PASSWORD = "pw-not-used-1234"
TIMEOUT_MS = 15_000


@dataclass
class Watch:
    """What one browser reported that a working page never does."""

    name: str
    problems: list[str] = field(default_factory=list)
    #: (status, URL pattern) the journey expects, e.g. a refused action answered 403
    expected: list[tuple[int, re.Pattern[str]]] = field(default_factory=list)
    #: how many documents each frame has shown, to tell a page that left from one that broke
    documents: dict[Frame, int] = field(default_factory=dict)
    #: requests aborted, with the frame's document count when they started
    aborted: list[tuple[Request, Frame, int]] = field(default_factory=list)
    started: dict[Request, int] = field(default_factory=dict)

    def attach(self, context: BrowserContext) -> None:
        context.on("console", self.on_console)
        context.on("weberror", self.on_weberror)
        context.on("request", self.on_request)
        context.on("requestfailed", self.on_request_failed)
        context.on("response", self.on_response)
        context.on("page", self.on_page)
        for page in context.pages:
            self.on_page(page)

    def on_page(self, page: Page) -> None:
        page.on("framenavigated", self.on_navigated)

    def on_navigated(self, frame: Frame) -> None:
        self.documents[frame] = self.documents.get(frame, 0) + 1

    def on_request(self, request: Request) -> None:
        if not request.is_navigation_request():  # (a popup's first request has no frame yet)
            self.started[request] = self.documents.get(request.frame, 0)

    def is_expected(self, status: int, url: str) -> bool:
        return any(status == code and pattern.search(url) for code, pattern in self.expected)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium echoes every 4xx/5xx as "Failed to load resource": judged by on_response.
        if message.text.startswith("Failed to load resource: the server responded with a status of"):
            return
        url = (message.location or {}).get("url", "")
        self.problems.append(f"console error: {message.text} ({url})")

    def on_weberror(self, error: WebError) -> None:
        self.problems.append(f"uncaught exception: {error.error}")

    def on_request_failed(self, request: Request) -> None:
        if request.url.startswith("chrome-extension://"):
            # Chromium's own (its PDF viewer loading its resources when a PDF is shown, seen
            # aborted in a CI run): never a request of ours.
            return
        if request.failure == "net::ERR_ABORTED" and not request.is_navigation_request():
            # Leaving a page aborts what it was still loading: judged in findings(), once we know
            # whether the page that asked is still the one shown.
            self.aborted.append((request, request.frame, self.started.pop(request, 0)))
            return
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def findings(self) -> list[str]:
        left = [
            f"request failed: {request.method} {request.url}: {request.failure}"
            for request, frame, documents in self.aborted
            if not frame.is_detached() and self.documents.get(frame, 0) == documents
        ]
        return self.problems + left

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and not self.is_expected(response.status, response.url):
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")


class Actor:
    """One person at their own browser."""

    def __init__(self, desk: Desk, name: str, context: BrowserContext, user: Any = None) -> None:
        self.desk, self.name, self.context, self.user = desk, name, context, user
        self.watch = Watch(name)
        self.watch.attach(context)
        context.set_default_timeout(TIMEOUT_MS)
        self.page: Page = context.pages[0] if context.pages else context.new_page()

    def url(self, path: str) -> str:
        return self.desk.base_url + path

    def goto(self, path: str) -> Response | None:
        return self.page.goto(self.url(path))

    def expect_status(self, status: int, url_pattern: str) -> None:
        """This journey expects ``status`` from URLs matching ``url_pattern``: not a problem."""
        self.watch.expected.append((status, re.compile(url_pattern)))

    def log_in(self, password: str = PASSWORD) -> None:
        """The admin's own login form, as a person fills it in."""
        self.goto("/admin/login/?next=/admin/")
        self.page.get_by_label("Username").fill(self.user.get_username())
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_load_state()

    @contextmanager
    def new_tab(self) -> Iterator[Any]:
        """A link opened with target=_blank: ``with actor.new_tab() as tab: click...`` then ``tab.value``."""
        with self.context.expect_page() as tab:
            yield tab

    def last_page(self) -> Page | None:
        open_pages = [page for page in self.context.pages if not page.is_closed()]
        return open_pages[-1] if open_pages else None


class Desk:
    """The people of one journey, each in their own Chromium, against the live server."""

    def __init__(self, playwright: Playwright, executable: Path, base_url: str, workdir: Path) -> None:
        self.playwright, self.executable, self.base_url, self.workdir = playwright, executable, base_url, workdir
        self.actors: list[Actor] = []

    def actor(self, name: str, user: Any = None) -> Actor:
        profile = self.workdir / f"profile-{name}"  # a fresh user-data dir for each person
        context = self.playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(self.executable),
            args=CHROMIUM_ARGS,
            headless=True,
            base_url=self.base_url,
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
        )
        actor = Actor(self, name, context, user)
        self.actors.append(actor)
        return actor

    def screenshots(self, folder: Path, test_name: str) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        for actor in self.actors:
            page = actor.last_page()
            if page is None:
                continue
            path = folder / f"{test_name}--{actor.name}.png"
            try:
                # Lazy images below the fold would be blank in a full-page picture: load them (and
                # so have the watch see each of them answer).
                page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
                page.wait_for_load_state("networkidle")
                overflow = page.evaluate(OVERFLOW)
                if overflow:
                    actor.watch.problems.append(f"{page.url} is wider than the window: {overflow}")
                page.screenshot(path=str(path), full_page=True)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                actor.watch.problems.append(f"screenshot failed: {exc}")
                continue
            saved.append(path)
        return saved

    def problems(self) -> list[str]:
        return [f"[{actor.name}] {problem}" for actor in self.actors for problem in actor.watch.findings()]

    def take_problems(self) -> list[str]:
        """The problems seen so far, forgotten (for tests of the watch itself)."""
        found = self.problems()
        for actor in self.actors:
            actor.watch.problems.clear()
            actor.watch.aborted.clear()
        return found

    def close(self) -> None:
        for actor in self.actors:
            actor.context.close()

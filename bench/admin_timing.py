"""The admin pages staff wait on, timed through the real views (Django's test Client against the
real URLconf, logged in as a compliance manager), each beside the same page of a plain ModelAdmin
(bench.plain_admin) in the same run, requests interleaved so both see the same machine noise.
Also: SQL queries per page at 10 and at 100 rows per page."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kycdesk.models import VerificationSession

from . import names
from .plain_admin import site as plain_site

TUNED_REPEATS = 60
PLAIN_REPEATS = 10


@dataclass
class Page:
    group: str  # "changelist", "queue", "case"
    label: str
    url: str
    plain_url: str = ""


@dataclass
class Timing:
    page: Page
    tuned_ms: list[float]
    plain_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.tuned_ms)

    @property
    def p95(self) -> float:
        return p95(self.tuned_ms)

    @property
    def plain_p95(self) -> float | None:
        return p95(self.plain_ms) if self.plain_ms else None

    @property
    def plain_median(self) -> float | None:
        return statistics.median(self.plain_ms) if self.plain_ms else None

    @property
    def ratio(self) -> float | None:
        return self.plain_p95 / self.p95 if self.plain_ms else None


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def manager_client() -> Client:
    """A compliance manager signed in with password and TOTP, as production requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username="bench-manager")
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def pages(*, queue: bool, case_url: str) -> list[Page]:
    """The pages to time. The review queue and case page exist once issue 9 is merged."""
    tuned, plain = "/admin/kycdesk/verificationsession/", "/plain-admin/kycdesk/verificationsession/"
    deep = max(1, VerificationSession.objects.count() // 1000)  # a tenth of the way into the list
    listed = [
        Page("changelist", "default ordering", tuned, plain),
        Page("changelist", "filter status=needs_review", f"{tuned}?status__exact=needs_review", ""),
        Page("changelist", f"name search '{names.SEARCH_NAME}'", f"{tuned}?q={names.SEARCH_NAME}", ""),
        Page("changelist", f"common surname search '{names.COMMON_SEARCH}'", f"{tuned}?q={names.COMMON_SEARCH}", ""),
        Page("changelist", f"deep page p={deep}", f"{tuned}?p={deep}", ""),
    ]
    for page in listed[1:]:
        page.plain_url = page.url.replace(tuned, plain)
    if queue:
        tuned_queue, plain_queue = "/admin/kycdesk/case/", "/plain-admin/kycdesk/case/"
        listed += [
            Page("queue", "review queue", tuned_queue, plain_queue),
            Page(
                "queue",
                "queue filter document type",
                f"{tuned_queue}?doctype=passport",
                f"{plain_queue}?documents__type=passport",
            ),
            Page(
                "queue",
                f"queue name search '{names.COMMON_SEARCH}'",
                f"{tuned_queue}?q={names.COMMON_SEARCH}",
                f"{plain_queue}?q={names.COMMON_SEARCH}",
            ),
        ]
    listed.append(Page("case", "case page", case_url))
    return listed


def _get(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return elapsed


def time_pages(listed: list[Page], *, log: Callable[[str], None] = print) -> list[Timing]:
    client = manager_client()
    timings = []
    for page in listed:
        for url in filter(None, (page.url, page.plain_url)):
            _get(client, url)  # warm-up: templates compiled, caches and buffers primed
        timing = Timing(page, [])
        for n in range(TUNED_REPEATS):
            timing.tuned_ms.append(_get(client, page.url))
            if page.plain_url and n < PLAIN_REPEATS:
                timing.plain_ms.append(_get(client, page.plain_url))
        ratio = f", plain p95 {timing.plain_p95:.0f} ms ({timing.ratio:.1f}x)" if timing.plain_ms else ""
        log(f"  {page.group} / {page.label}: median {timing.median:.0f} ms, p95 {timing.p95:.0f} ms{ratio}")
        timings.append(timing)
    return timings


@contextmanager
def rows_per_page(model: type, rows: int) -> Iterator[None]:
    model_admin = admin.site._registry[model]
    saved = model_admin.list_per_page
    model_admin.list_per_page = rows
    try:
        yield
    finally:
        model_admin.list_per_page = saved


def queries_per_page(model: type, url: str) -> dict[int, int]:
    """SQL queries of one page at 10 and at 100 rows per page."""
    client = manager_client()
    counts = {}
    for rows in (10, 100):
        with rows_per_page(model, rows):
            client.get(url)  # the session cookie and caches settle first
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
        counts[rows] = len(queries)
    return counts


def full_count_ms(model: type, repeats: int = 5) -> float:
    """What a plain changelist pays twice per page: COUNT(*) over the whole table (median ms)."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        model.objects.count()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def queue_available() -> bool:
    """The review queue (issue 9) is the Case proxy's changelist, once it is registered."""
    return any(model.__name__ == "Case" for model in admin.site._registry) and any(
        model.__name__ == "Case" for model in plain_site._registry
    )


def case_url(case: VerificationSession, *, queue: bool) -> str:
    if queue:
        return f"/admin/kycdesk/case/{case.pk}/"
    return f"/admin/kycdesk/verificationsession/{case.pk}/change/"

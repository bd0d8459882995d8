"""BENCHMARKS.md and the closing ``name: value`` lines."""

from __future__ import annotations

import datetime as dt
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.db import connection

from .admin_timing import Timing, p95

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Results:
    command: str
    sessions: int
    dataset: object  # bench.dataset.Report
    timings: list[Timing] = field(default_factory=list)
    queries: dict[int, int] = field(default_factory=dict)
    queue_queries: dict[int, int] = field(default_factory=dict)
    count_ms: float = 0.0
    webhooks: object | None = None  # bench.webhook_load.Report, or None when skipped
    webhook_note: str = ""
    memory: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    load_at_start: tuple[float, float, float] = (0.0, 0.0, 0.0)


def machine() -> dict[str, str]:
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "memory": memory,
        "PostgreSQL": f"{server} (shared_buffers {buffers}, autovacuum {autovacuum}, on the same machine)",
        "Python / Django": f"{platform.python_version()} / {django.get_version()}",
        "system": platform.platform(),
    }


def load_average() -> str:
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def _group(results: Results, group: str) -> list[Timing]:
    return [t for t in results.timings if t.page.group == group]


def figures(results: Results) -> dict[str, str]:
    """The headline figures. A group's p95 is its slowest page's p95; its ratio to the plain
    ModelAdmin is the smallest of its pages' ratios (each page must be that much faster)."""

    def worst(group: str) -> tuple[str, str]:
        timings = _group(results, group)
        if not timings:
            return "n/a", "n/a"
        slowest = max(t.p95 for t in timings)
        ratios = [t.ratio for t in timings if t.ratio is not None]
        return f"{slowest:.0f}", f"{min(ratios):.1f}" if ratios else "n/a"

    queue_p95, queue_ratio = worst("queue")
    changelist_p95, changelist_ratio = worst("changelist")
    case_p95, _ = worst("case")
    out = {
        "queue_p95_ms": queue_p95,
        "queue_vs_default": queue_ratio,
        "changelist_p95_ms": changelist_p95,
        "changelist_vs_default": changelist_ratio,
        "case_p95_ms": case_p95,
        "queries_10_rows": str(results.queries.get(10, "n/a")),
        "queries_100_rows": str(results.queries.get(100, "n/a")),
    }
    hooks = results.webhooks
    out.update(
        {
            "webhook_rps": f"{hooks.webhook.rps:.0f}" if hooks else "n/a",
            "bare_rps": f"{hooks.bare.rps:.0f}" if hooks else "n/a",
            "webhook_vs_bare": f"{hooks.ratio:.2f}" if hooks else "n/a",
            "webhook_p99_ms": f"{hooks.webhook.p99_ms:.0f}" if hooks else "n/a",
            "processed_per_s": f"{hooks.processed_per_s:.0f}" if hooks else "n/a",
            "lost": str(hooks.lost) if hooks else "n/a",
        }
    )
    memory = results.memory
    out["recording_peak_mb"] = f"{memory['recording']['growth_mb']:.1f}" if "recording" in memory else "n/a"
    out["thumbnail_peak_mb"] = f"{memory['thumbnail']['growth_mb']:.1f}" if "thumbnail" in memory else "n/a"
    return out


def markdown(results: Results) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# kycdesk benchmarks",
        "",
        'Written by `make bench` (issue 12; how it works: README, "Benchmarks"). Every figure below',
        "comes from one run; ratios compare pages measured side by side, requests interleaved.",
        "",
        f"- **Date:** {now}",
        f"- **Command:** `{results.command}`",
        f"- **Dataset:** {results.sessions:,} sessions "
        + (
            f"generated in {results.dataset.seconds:.0f} s"
            if results.dataset.generated
            else f"(already there; it had been generated in {results.dataset.seconds:.0f} s)"
        ),
    ]
    lines += [f"- **{key}:** {value}" for key, value in machine().items()]
    lines.append(
        f"- **load average (1, 5, 15 min):** {', '.join(f'{v:.1f}' for v in results.load_at_start)} at the start, "
        f"{load_average()} at the end (other jobs share this machine; the ratios compare requests interleaved "
        "in the same moments)"
    )
    if results.dataset.rows:
        lines += [
            "",
            "Rows written: "
            + ", ".join(f"{t.removeprefix('kycdesk_')} {n:,}" for t, n in results.dataset.rows.items()),
        ]
    lines += [
        "",
        "## Admin pages (Django test Client through the real URLconf, logged in as a compliance manager)",
        "",
        "Tuned: kycdesk's admin. Plain: the same models on a second AdminSite with plain ModelAdmins (same columns,",
        "filters and search fields written plainly; Django's defaults otherwise), mounted only for the bench.",
        "",
        "| page | median ms | p95 ms | plain median ms | plain p95 ms | plain p95 / tuned p95 |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for timing in results.timings:
        plain = (
            f"{timing.plain_median:.0f} | {timing.plain_p95:.0f} | {timing.ratio:.1f}x"
            if timing.plain_ms
            else "— | — | —"
        )
        lines.append(f"| {timing.page.group}: {timing.page.label} | {timing.median:.0f} | {timing.p95:.0f} | {plain} |")
    all_tuned = [ms for t in _group(results, "changelist") for ms in t.tuned_ms]
    all_plain = [ms for t in _group(results, "changelist") for ms in t.plain_ms]
    if all_tuned and all_plain:
        lines += [
            "",
            f"All changelist requests pooled: tuned p95 {p95(all_tuned):.0f} ms, plain p95 {p95(all_plain):.0f} ms "
            f"({p95(all_plain) / p95(all_tuned):.1f}x).",
        ]
    lines += [
        "",
        f"SQL queries on the sessions changelist: {results.queries.get(10)} at 10 rows per page, "
        f"{results.queries.get(100)} at 100 rows per page"
        + (
            f"; on the review queue: {results.queue_queries[10]} and {results.queue_queries[100]}."
            if results.queue_queries
            else "."
        ),
        "",
        "Reading the ratios: a plain page counts the whole table twice (the filtered count and the",
        f"full one); `COUNT(*)` over the sessions took {results.count_ms:.0f} ms here. The pages are timed on a",
        "freshly vacuumed database, the plain admin's best case: PostgreSQL counts from an index alone",
        "on pages VACUUM has marked all-visible, and reads the table for the pages updated since",
        "(autovacuum starts at 20% dead rows by default; shared/notes/admin-at-scale.md), so a plain",
        "page is slower between vacuums than here. The tuned pages never count the whole table, nor a",
        "filter past 10,001 rows (kycdesk/admin/paginator.py). Where a plain",
        "page costs little more than those counts (the first page, a selective filter), its ratio is",
        "bounded by them and by what every admin page costs whatever its rows (sign-in, OTP and",
        "permission checks, the menu, filters and actions); searches and deep pages, where",
        "the plain admin scans or skips rows, show the indexes' effect. Headline figures: a group's",
        "p95 is its slowest page's p95, its ratio the smallest of its pages' ratios.",
        "",
        "## Webhook endpoint (gunicorn on loopback, signed iDenfy deliveries) and django-q2 drain (Redis broker)",
        "",
    ]
    hooks = results.webhooks
    if hooks:
        lines += [
            "| endpoint | requests | req/s | p99 ms | answers |",
            "|---|--:|--:|--:|---|",
            *(
                f"| {label} | {load.requests} | {load.rps:.0f} | {load.p99_ms:.0f} | {dict(load.statuses)} |"
                for label, load in (("bare view", hooks.bare), ("/webhooks/idenfy/", hooks.webhook))
            ),
            "",
            f"Webhook / bare throughput: {hooks.ratio:.2f}. Drain: {hooks.processed} of {hooks.accepted} accepted "
            f"deliveries reached a final state in {hooks.drain_seconds:.1f} s ({hooks.processed_per_s:.0f}/s, "
            f"qcluster start-up included); lost {hooks.lost}; by state {hooks.states}.",
            "",
            "The bare view is Django's request cycle and nothing else. Each delivery adds, before it is",
            "answered, a signature check and one durable INSERT (one commit); its id then goes to the",
            "process's batching thread",
            "(one broker call per batch: kycdesk/services/dispatch.py). The gunicorn workers share 2 CPUs",
            "with the load generator, PostgreSQL and Redis, so that work shows in full in the ratio.",
            f"Both endpoints were sent the same {sum(hooks.spread)} keep-alive connections, spread over the",
            f"workers as {hooks.spread} (bench/webhook_load.py, open_pool).",
        ]
    else:
        lines.append(f"Skipped: {results.webhook_note}")
    lines += ["", "## Worker memory (peak resident set growth, fresh subprocess each)", ""]
    for name, label in (("recording", "50 MB recording via download_media"), ("thumbnail", "4000x3000 JPEG thumbnail")):
        if name in results.memory:
            figure = results.memory[name]
            growth, before, peak = figure["growth_mb"], figure["before_mb"], figure["peak_mb"]
            lines.append(f"- {label}: +{growth:.1f} MB (from {before:.0f} MB to {peak:.0f} MB)")
    if results.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in results.notes]
    lines += ["", "## Figures", "", "```"] + [f"{k}: {v}" for k, v in figures(results).items()] + ["```", ""]
    return "\n".join(lines)


def write(results: Results) -> Path:
    path = ROOT / "BENCHMARKS.md"
    path.write_text(markdown(results), encoding="utf-8")
    return path

"""``python -m bench`` (``make bench``): dataset, admin timings, query counts, webhook load,
worker memory, then BENCHMARKS.md and one ``name: value`` line per figure.

Environment: DATABASE_URL (PostgreSQL; default postgres://postgres@127.0.0.1:5432/kycdesk_bench,
created if missing), REDIS_URL (default redis://127.0.0.1:6379/15), BENCH_SESSIONS (default
1,000,000), BENCH_WEBHOOKS (deliveries, default 3,000), BENCH_GUNICORN_WORKERS (default: CPUs) and
BENCH_GUNICORN_THREADS (default 8).
"""

from __future__ import annotations

import os
import sys
import time
from urllib.parse import urlsplit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")


def log(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def ensure_database(url: str) -> str:
    """Create the bench database if it is missing; return its name."""
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"make bench runs on PostgreSQL; DATABASE_URL is {parts.scheme}://...")
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    return name


def main() -> None:
    from bench.settings import DEFAULT_DATABASE_URL

    load_at_start = os.getloadavg()
    sessions = int(os.environ.get("BENCH_SESSIONS", "1000000"))
    deliveries = int(os.environ.get("BENCH_WEBHOOKS", "3000"))
    workers = int(os.environ.get("BENCH_GUNICORN_WORKERS", str(os.cpu_count() or 1)))
    threads = int(os.environ.get("BENCH_GUNICORN_THREADS", "8"))
    name = ensure_database(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))

    import django

    django.setup()
    from django.core.management import call_command

    from bench import admin_timing, dataset, memory, report, webhook_load
    from kycdesk.models import VerificationSession

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    # Clearing is only automatic in a database named for the bench (it empties the kycdesk tables).
    allow_clear = "bench" in name or os.environ.get("BENCH_ALLOW_CLEAR") == "1"
    generated = dataset.ensure(sessions, allow_clear=allow_clear, log=log)
    if generated.generated:
        log(f"dataset: {sessions:,} sessions in {generated.seconds:.1f} s")
    command = f"BENCH_SESSIONS={sessions} make bench" + (
        f" (DATABASE_URL .../{name})" if name != "kycdesk_bench" else ""
    )
    results = report.Results(command=command, sessions=sessions, dataset=generated, load_at_start=load_at_start)

    log("admin pages")
    dataset.vacuum_analyze()  # whatever an interrupted run left: pages are timed on a vacuumed database
    case = VerificationSession.objects.filter(status="needs_review", documents__isnull=False).order_by("-pk").first()
    queue = admin_timing.queue_available()
    case_url = admin_timing.case_url(case, queue=queue)
    results.timings = admin_timing.time_pages(admin_timing.pages(queue=queue, case_url=case_url), log=log)
    results.queries = admin_timing.queries_per_page(VerificationSession, "/admin/kycdesk/verificationsession/")
    log(f"  queries per page: {results.queries[10]} at 10 rows, {results.queries[100]} at 100 rows")
    if queue:
        from kycdesk.models import Case

        results.queue_queries = admin_timing.queries_per_page(Case, "/admin/kycdesk/case/")
        log(f"  queue queries per page: {results.queue_queries[10]} at 10 rows, {results.queue_queries[100]} at 100")
    results.count_ms = admin_timing.full_count_ms(VerificationSession)
    log(f"  COUNT(*) over the sessions: {results.count_ms:.0f} ms")
    if not queue:
        results.notes.append(
            "The review queue and case page (issue 9) are not in this build: the case page timed is "
            "the session change page."
        )

    log("webhook endpoint")
    ready, why = webhook_load.available()
    if ready:
        results.webhooks = webhook_load.run(deliveries, workers=workers, threads=threads, log=log)
        results.notes.append(
            f"gunicorn: {workers} gthread workers x {threads} threads; load generator: "
            f"{webhook_load.CONCURRENCY} keep-alive connections from Python threads, same machine."
        )
    else:
        results.webhook_note = why
        log(f"  skipped: {why}")

    log("worker memory")
    results.memory = memory.measure_all()
    log(
        f"  recording +{results.memory['recording']['growth_mb']:.1f} MB, "
        f"thumbnail +{results.memory['thumbnail']['growth_mb']:.1f} MB"
    )

    path = report.write(results)
    log(f"wrote {path.name} ({time.perf_counter() - started:.0f} s in all)")
    for key, value in report.figures(results).items():
        log(f"{key}: {value}")


if __name__ == "__main__":
    sys.exit(main())

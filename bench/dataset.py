"""A realistic kycdesk dataset, generated fast: rows are built in Python and streamed with COPY
(psycopg 3's ``cursor.copy``) on PostgreSQL, or bulk-inserted elsewhere (the unit test on SQLite).

Shape for N sessions: about 0.8·N identities (some people verify twice); sessions over the five
vendors and five years, ids in time order as in real life; a status mix with ~3 % needs_review, most
of them decided (with a second approval for approvals) except the recent ones, which form the
queue; one document per session with a result; ~15 extracted fields, ~10 controls, 3 media and
an event history on a tenth of the sessions and on every needs_review one; audit entries for
launches, decisions and PII views. Everything is derived from the session's index with a seeded
random generator, so a size always produces the same data.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection

from kycdesk.models import VerificationSession

from .bulk import bulk_load_session, write
from .plan import SEED, SHAPE, Plan, Staff
from .rows import TABLES

MARKER_TABLE = "bench_dataset"


@dataclass
class Report:
    sessions: int
    seconds: float
    generated: bool
    rows: dict[str, int] = field(default_factory=dict)


# Everything cleared before a dataset of another size is written (children first).
CLEARED = ("WebhookDelivery", "CaseNote", *(model.__name__ for model, *_ in reversed(TABLES)))


# --- staff, marker, orchestration ------------------------------------------------------------------


def ensure_staff() -> Staff:
    """The bench's users: two managers (four eyes) and eight officers."""
    user_model = get_user_model()
    groups = {name: Group.objects.get(name=name) for name in ("Compliance manager", "Compliance officer")}

    def user(username: str, group: str) -> int:
        account, created = user_model.objects.get_or_create(username=username, defaults={"is_staff": True})
        if created:
            account.set_unusable_password()
            account.save()
        account.groups.add(groups[group])
        return account.pk

    return Staff(
        manager=user("bench-manager", "Compliance manager"),
        second_manager=user("bench-manager-2", "Compliance manager"),
        officers=[user(f"bench-officer-{n}", "Compliance officer") for n in range(1, 9)],
    )


def _ensure_marker() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (sessions bigint NOT NULL, seed integer NOT NULL, "
            "shape integer NOT NULL, "
            "seconds double precision NOT NULL, generated_at varchar(40) NOT NULL)"
        )


def existing_size() -> int | None:
    """The size of the bench dataset in the database, or None when there is none."""
    _ensure_marker()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sessions FROM {MARKER_TABLE} WHERE seed = %s AND shape = %s", [SEED, SHAPE])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _any_marker() -> bool:
    """Whether a bench dataset (of any size or shape) was written here."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {MARKER_TABLE}")  # noqa: S608
        return cursor.fetchone() is not None


def clear() -> None:
    """Empty every table the dataset fills. Only ever called on a bench database (see __main__)."""
    from django.apps import apps

    tables = [apps.get_model("kycdesk", name)._meta.db_table for name in CLEARED]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}, {MARKER_TABLE} CASCADE")
        else:
            for table in [*tables, MARKER_TABLE]:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def generate(sessions: int, *, now: dt.datetime | None = None, log: Callable[[str], None] = print) -> Report:
    """Write the dataset (the tables must be empty) and ANALYZE; return rows per table."""
    started = time.perf_counter()
    _ensure_marker()
    staff = ensure_staff()
    usernames = dict(
        get_user_model()
        .objects.filter(pk__in=[staff.manager, staff.second_manager, *staff.officers])
        .values_list("pk", "username")
    )
    plan = Plan(sessions, now=now)
    extra = {"staff": (staff,), "audit": (staff, usernames), "": ()}
    rows: dict[str, int] = {}
    with bulk_load_session():
        for model, fields, builder, needs in TABLES:
            table_started = time.perf_counter()
            table = model._meta.db_table
            rows[table] = write(model, fields, builder(plan, *extra[needs]))
            log(f"  {table}: {rows[table]:,} rows in {time.perf_counter() - table_started:.1f} s")
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, *_ in TABLES]):
            cursor.execute(sql)
    vacuum_started = time.perf_counter()
    vacuum_analyze()
    log(f"  vacuum analyze in {time.perf_counter() - vacuum_started:.1f} s")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (sessions, seed, shape, seconds, generated_at) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            [sessions, SEED, SHAPE, seconds, dt.datetime.now(dt.UTC).isoformat()],
        )
    return Report(sessions=sessions, seconds=seconds, generated=True, rows=rows)


def vacuum_analyze() -> None:
    """Planner statistics and reltuples for the rows as they are, and the visibility map set on
    every page (index-only scans and counts rely on it): the state autovacuum leaves a table in,
    which the bench starts from whatever earlier runs did (autovacuum may be off, as it is on this
    machine's PostgreSQL). ANALYZE alone inside a transaction (the tests run in one)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def ensure(sessions: int, *, allow_clear: bool, log: Callable[[str], None] = print) -> Report:
    """The dataset of this size, generated unless it is already there. Another bench dataset is
    cleared first; data that is not a bench dataset is only cleared when ``allow_clear``."""
    size = existing_size()
    if size == sessions:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT seconds FROM {MARKER_TABLE} WHERE seed = %s AND shape = %s", [SEED, SHAPE])  # noqa: S608
            seconds = float(cursor.fetchone()[0])
            # Fresh statistics for what changed since (new indexes' expressions, earlier runs).
            cursor.execute("ANALYZE")
        log(f"dataset of {sessions:,} sessions already there (generated in {seconds:.1f} s): kept")
        return Report(sessions=sessions, seconds=seconds, generated=False)
    if VerificationSession.objects.exists():
        if not allow_clear and not _any_marker():
            raise RuntimeError("This database holds sessions that are not a bench dataset: refusing to clear it.")
        log("clearing the previous dataset")
        clear()
        _ensure_marker()
    log(f"generating {sessions:,} sessions")
    return generate(sessions, log=log)

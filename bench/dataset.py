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
import json
import random
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

from kycdesk.models import (
    AuditEntry,
    Control,
    Document,
    ExtractedField,
    Identity,
    Media,
    ReviewDecision,
    SessionEvent,
    VerificationSession,
)

from . import names

SEED = 12
YEARS = 5
MARKER_TABLE = "bench_dataset"
DETAIL_EVERY = 10  # documents' fields, controls, media and events on one session in ten
FIELDS = (
    ("first_name", "ocr"),
    ("last_name", "ocr"),
    ("birth_date", "ocr"),
    ("nationality", "ocr"),
    ("sex", "ocr"),
    ("document_number", "ocr"),
    ("issue_date", "ocr"),
    ("expiry_date", "ocr"),
    ("place_of_birth", "ocr"),
    ("issuing_authority", "ocr"),
    ("address", "ocr"),
    ("personal_number", "mrz"),
    ("mrz_line1", "mrz"),
    ("mrz_line2", "mrz"),
    ("mrz_check_digits", "mrz"),
)
CONTROLS = (
    ("document_authentic", "document"),
    ("mrz_consistent", "document"),
    ("document_not_expired", "document"),
    ("fonts_consistent", "document"),
    ("photo_not_replaced", "document"),
    ("face_match", "face"),
    ("liveness", "face"),
    ("data_matches_input", "data"),
    ("age_over_18", "data"),
    ("watchlist_clear", "aml"),
)
MEDIA = ("document_front", "document_back", "selfie")
VENDORS = ("datakeen", "idenfy", "vult", "identomat", "identify24")
VENDOR_WEIGHTS = (25, 25, 15, 20, 15)
# Unified status -> weight, and each vendor's own word for it (shared/DESIGN.md's table).
STATUS_WEIGHTS = {
    "approved": 640,
    "rejected": 120,
    "needs_review": 30,
    "expired": 120,
    "cancelled": 30,
    "error": 10,
    "in_progress": 30,
    "created": 20,
}
VENDOR_STATUS = {
    "datakeen": {"approved": "ai_approved", "rejected": "ai_rejected", "needs_review": "verify"},
    "idenfy": {"approved": "APPROVED", "rejected": "DENIED", "needs_review": "SUSPECTED", "expired": "EXPIRED"},
    "vult": {"approved": "complete", "rejected": "complete", "needs_review": "temporarily_blocked"},
    "identomat": {"approved": "APPROVED", "rejected": "REJECTED", "needs_review": "MANUAL_CHECK"},
    "identify24": {"approved": "5", "rejected": "6", "needs_review": "8", "expired": "3"},
}
WITH_RESULT = frozenset({"approved", "rejected", "needs_review"})
REASONS = {
    "rejected": ("DOC_FAKE", "fraud", "The document looks forged"),
    "needs_review": ("FACE_MISMATCH", "mismatch", "The face does not clearly match"),
}
DOC_TYPES = ("passport", "id_card", "driving_licence")


@dataclass
class Report:
    sessions: int
    seconds: float
    generated: bool
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class Staff:
    manager: int
    second_manager: int
    officers: list[int]


class Plan:
    """The per-session facts every table derives from, in compact arrays (1,000,000 sessions
    take a few MB)."""

    def __init__(self, sessions: int, *, seed: int = SEED, now: dt.datetime | None = None) -> None:
        self.n = sessions
        self.identities = max(1, sessions * 4 // 5)
        self.now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        self.start = self.now - dt.timedelta(days=365 * YEARS)
        span = (self.now - self.start).total_seconds()
        rng = random.Random(seed)
        statuses = list(STATUS_WEIGHTS)
        status_table = [i for i, s in enumerate(statuses) for _ in range(STATUS_WEIGHTS[s])]
        vendor_table = [i for i, w in enumerate(VENDOR_WEIGHTS) for _ in range(w)]
        self.statuses = statuses
        self.offset = array("d")  # seconds after start, increasing with the id
        self.vendor = bytearray(sessions)
        self.status = bytearray(sessions)
        self.identity = array("l")
        self.decision = bytearray(sessions)  # 0 none, 1 pending_second, 2 approved, 3 rejected
        step = span / max(1, sessions)
        expired, recent_days = statuses.index("expired"), 7 * 86400
        review, month = statuses.index("needs_review"), 30 * 86400
        for i in range(sessions):
            offset = i * step + rng.random() * step
            self.offset.append(offset)
            self.vendor[i] = vendor_table[rng.randrange(len(vendor_table))]
            status = status_table[rng.randrange(len(status_table))]
            age = span - offset
            if statuses[status] in ("created", "in_progress") and age > recent_days:
                status = expired  # an old open session has expired
            self.status[i] = status
            # Identity: mostly a new person, in order; one in five comes back.
            first_time = i * self.identities // sessions
            self.identity.append(first_time if rng.random() < 0.8 else rng.randrange(first_time + 1))
            if status == review:
                if age > month:
                    self.decision[i] = 2 if rng.random() < 0.7 else 3
                elif rng.random() < 0.05:
                    self.decision[i] = 1
        self.rng = rng

    def created_at(self, i: int) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.offset[i])

    def detailed(self, i: int) -> bool:
        return i % DETAIL_EVERY == 0 or self.statuses[self.status[i]] == "needs_review"

    def has_document(self, i: int) -> bool:
        return self.statuses[self.status[i]] in WITH_RESULT


# --- writing ---------------------------------------------------------------------------------------


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _defaults(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], tuple]:
    """Columns the generator does not set (fields other branches may add), with their defaults."""
    columns, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.name in given or model_field.attname in given:
            continue
        value = model_field.get_default()
        if isinstance(model_field, models.JSONField):
            value = _json(value)
        columns.append(model_field.column)
        values.append(value)
    return columns, tuple(values)


def _column(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).column


def write(model: type[models.Model], names: Sequence[str], rows: Iterable[tuple]) -> int:
    """Stream rows (values in ``names`` order) into the model's table; return how many."""
    extra_columns, extra_values = _defaults(model, names)
    columns = [_column(model, name) for name in names] + extra_columns
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with _indexes_rebuilt_after(model._meta.db_table), connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra_values)
                    count += 1
        return count
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        batch: list[tuple] = []
        for row in rows:
            batch.append(tuple(_adapt(v) for v in row + extra_values))
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


@contextmanager
def _indexes_rebuilt_after(table: str) -> Iterator[None]:
    """Drop the table's plain indexes for the load and build them again after: one sorted build
    per index is several times faster than 1,000,000 random insertions into each. Indexes that
    back a constraint (primary key, unique) stay."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, connection.ops.quote_name(table)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _, definition in indexes:
                cursor.execute(definition)


@contextmanager
def _bulk_load_session() -> Iterator[None]:
    """On PostgreSQL: more memory for index builds and, where the role may (superuser, as
    pg_restore --disable-triggers does), no per-row foreign-key triggers: the generator writes
    parents before children by construction. Both are undone afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    replica = False
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        try:
            with transaction.atomic():
                cursor.execute("SET session_replication_role = replica")
            replica = True
        except DatabaseError:
            pass  # not a superuser: the foreign keys are checked row by row, a little slower
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET maintenance_work_mem")
            if replica:
                cursor.execute("RESET session_replication_role")


def _adapt(value: object) -> object:
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


# --- rows -------------------------------------------------------------------------------------------


def identity_rows(plan: Plan) -> Iterator[tuple]:
    rng = random.Random(SEED + 1)
    countries = names.COUNTRIES
    for k in range(plan.identities):
        first, last = names.person(k)
        created = plan.created_at(min(plan.n - 1, k * plan.n // plan.identities))
        birth = dt.date(1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28))
        yield (
            k + 1,
            f"P{k + 1:09d}",
            first,
            last,
            birth,
            countries[k % len(countries)],
            f"{first}.{last}.{k + 1}@example.org".lower(),
            f"+4917{rng.randrange(10**8):08d}",
            f"{1 + rng.randrange(200)} {last}strasse, {10000 + rng.randrange(89999)} Berlin",
            "{}",
            rng.random() < 0.001,
            None,
            created,
            created,
        )


IDENTITY_FIELDS = (
    "id",
    "reference",
    "first_name",
    "last_name",
    "birth_date",
    "nationality",
    "email",
    "phone",
    "address",
    "vendor_ids",
    "legal_hold",
    "anonymized_at",
    "created_at",
    "updated_at",
)


MINUTES = {m: dt.timedelta(minutes=m) for m in (2, 11, 12, 13, 60, 300)}
DAY = dt.timedelta(days=1)


def session_rows(plan: Plan, staff: Staff) -> Iterator[tuple]:
    rng = random.Random(SEED + 2)
    decision_values = ("", "pending_second", "approved", "rejected")
    reasons = {
        status: _json([{"code": code, "kind": kind, "text": text}]) for status, (code, kind, text) in REASONS.items()
    }
    officers = staff.officers
    m2, m11, m12, m60 = MINUTES[2], MINUTES[11], MINUTES[12], MINUTES[60]
    for i in range(plan.n):
        vendor = VENDORS[plan.vendor[i]]
        status = plan.statuses[plan.status[i]]
        vendor_status = VENDOR_STATUS[vendor].get(status, status.upper())
        created = plan.created_at(i)
        external_id = f"{rng.getrandbits(128):032x}"
        done = status in WITH_RESULT
        first, last = names.person(plan.identity[i])
        assigned = officers[i % len(officers)] if plan.decision[i] == 0 and status == "needs_review" and i % 3 else None
        yield (
            i + 1,
            vendor,
            external_id,
            plan.identity[i] + 1,
            officers[i % len(officers)],
            f"https://{vendor}.example/verify/{external_id}",
            status,
            vendor_status,
            status not in ("created", "in_progress"),
            reasons.get(status, "[]"),
            (status != "rejected") if done else None,
            round(0.6 + rng.random() * 0.4, 3) if done else None,
            round(rng.random(), 3) if done else None,
            f'{{"first_name":"{first}","last_name":"{last}"}}' if done else "{}",  # names are plain ASCII
            f'{{"status":"{vendor_status}","id":"{external_id}"}}',
            f"{rng.getrandbits(128):032x}" if done else "",
            created + m12 if done else None,
            created,
            created + m2 if status != "created" else None,
            created + m11 if done else None,
            created + DAY,
            created + m12,
            decision_values[plan.decision[i]],
            assigned,
            created + m60 if assigned else None,
        )


SESSION_FIELDS = (
    "id",
    "vendor",
    "external_id",
    "identity",
    "launched_by",
    "link",
    "status",
    "vendor_status",
    "vendor_final",
    "reasons",
    "liveness",
    "similarity",
    "score",
    "person",
    "raw",
    "result_fingerprint",
    "result_observed_at",
    "created_at",
    "started_at",
    "completed_at",
    "expires_at",
    "last_synced_at",
    "decision_state",
    "assigned_to",
    "claimed_at",
)


def document_rows(plan: Plan) -> Iterator[tuple]:
    rng = random.Random(SEED + 3)
    countries = names.COUNTRIES
    for i in range(plan.n):
        if not plan.has_document(i):
            continue
        created = plan.created_at(i).date()
        issued = created - dt.timedelta(days=rng.randrange(3650))
        pages = [{"page": 1, "media": "document_front"}, {"page": 2, "media": "document_back"}]
        yield (
            i + 1,
            i + 1,
            0,
            DOC_TYPES[i % 3],
            "front" if i % 3 else "",
            countries[plan.identity[i] % len(countries)],
            f"X{rng.randrange(10**8):08d}",
            issued,
            issued + dt.timedelta(days=3650),
            _json(pages),
        )


DOCUMENT_FIELDS = (
    "id",
    "session",
    "position",
    "type",
    "side",
    "country",
    "number",
    "issue_date",
    "expiry_date",
    "pages",
)


def field_rows(plan: Plan) -> Iterator[tuple]:
    rng = random.Random(SEED + 4)
    pk = 0
    for i in range(plan.n):
        if not (plan.detailed(i) and plan.has_document(i)):
            continue
        first, last = names.person(plan.identity[i])
        values = {"first_name": first, "last_name": last}
        for n, (name, source) in enumerate(FIELDS):
            pk += 1
            confidence = round(0.55 + rng.random() * 0.45, 3)
            yield (
                pk,
                i + 1,
                name,
                values.get(name, f"{name.upper()}-{i % 9973}"),
                confidence,
                source,
                1,
                round(0.05 + (n % 3) * 0.3, 3),
                round(0.05 + (n // 3) * 0.18, 3),
                0.25,
                0.05,
            )


FIELD_FIELDS = (
    "id",
    "document",
    "name",
    "value",
    "confidence",
    "source",
    "bbox_page",
    "bbox_x",
    "bbox_y",
    "bbox_width",
    "bbox_height",
)


def control_rows(plan: Plan) -> Iterator[tuple]:
    rng = random.Random(SEED + 5)
    pk = 0
    for i in range(plan.n):
        if not (plan.detailed(i) and plan.has_document(i)):
            continue
        failing = plan.statuses[plan.status[i]] != "approved"
        for n, (name, group) in enumerate(CONTROLS):
            pk += 1
            passed = not (failing and n == i % len(CONTROLS))
            yield (pk, i + 1, i + 1 if group == "document" else None, name, group, passed, round(rng.random(), 3))


CONTROL_FIELDS = ("id", "session", "document", "name", "group", "passed", "confidence")


def media_rows(plan: Plan) -> Iterator[tuple]:
    pk = 0
    for i in range(plan.n):
        if not (plan.detailed(i) and plan.has_document(i)):
            continue
        vendor = VENDORS[plan.vendor[i]]
        created = plan.created_at(i)
        for kind in MEDIA:
            pk += 1
            yield (
                pk,
                i + 1,
                i + 1 if kind.startswith("document") else None,
                kind,
                f"{kind}-{i + 1}",
                f"media/{vendor}/{i + 1}/{kind}-{pk}.jpg",
                "image/jpeg",
                180_000 + pk % 50_000,
                f"{pk:064x}",
                "stored",
                1,
                created + dt.timedelta(minutes=13),
                created + dt.timedelta(minutes=12),
            )


MEDIA_FIELDS = (
    "id",
    "session",
    "document",
    "kind",
    "source_key",
    "file",
    "content_type",
    "size",
    "sha256",
    "state",
    "attempts",
    "fetched_at",
    "created_at",
)


def decision_rows(plan: Plan, staff: Staff) -> Iterator[tuple]:
    pk = 0
    for i in range(plan.n):
        state = plan.decision[i]
        if not state:
            continue
        decided = plan.created_at(i) + dt.timedelta(hours=5)
        outcome = "reject" if state == 3 else "approve"
        pk += 1
        first = pk
        code = "document_fraud" if state == 3 else "verified_manually"
        yield (pk, i + 1, "decision", outcome, code, "Checked against the document.", None, staff.manager, decided)
        if state == 2:
            pk += 1
            yield (pk, i + 1, "second_approval", "approve", "", "", first, staff.second_manager, decided)


DECISION_FIELDS = ("id", "session", "kind", "outcome", "reason_code", "comment", "seconds", "decided_by", "decided_at")


def event_rows(plan: Plan) -> Iterator[tuple]:
    pk = 0
    for i in range(plan.n):
        if not plan.detailed(i):
            continue
        created = plan.created_at(i)
        status = plan.statuses[plan.status[i]]
        history = [("launch", "Launched", 0)]
        if status != "created":
            history.append(("delivery", "Webhook received", 11))
            history.append(("result", f"Result applied: {status}", 12))
        if plan.decision[i] >= 2:
            history.append(("decision", "Decided by a reviewer", 300))
        for kind, summary, minutes in history:
            pk += 1
            yield (pk, i + 1, created + dt.timedelta(minutes=minutes), kind, summary, None)


EVENT_FIELDS = ("id", "session", "at", "kind", "summary", "actor")


def audit_rows(plan: Plan, staff: Staff, usernames: dict[int, str]) -> Iterator[tuple]:
    pk = 0
    target = VerificationSession._meta.label_lower
    officers = staff.officers
    for i in range(plan.n):
        created = plan.created_at(i)
        officer = officers[i % len(officers)]
        vendor = VENDORS[plan.vendor[i]]
        entries = [(created, officer, "launch", _json({"vendor": vendor}))]
        if plan.detailed(i) and plan.has_document(i):
            entries.append((created + dt.timedelta(hours=2), officer, "media_view", _json({"session": i + 1})))
        if plan.decision[i]:
            entries.append((created + dt.timedelta(hours=5), staff.manager, "decide", "{}"))
        if plan.decision[i] == 2:
            entries.append((created + dt.timedelta(hours=5), staff.second_manager, "second_approve", "{}"))
        for at, actor, action, detail in entries:
            pk += 1
            yield (pk, at, actor, usernames[actor], action, target, str(i + 1), f"10.0.{i % 250}.{i % 199 + 1}", detail)


AUDIT_FIELDS = ("id", "at", "actor", "actor_name", "action", "target_type", "target_id", "ip", "detail")

# In dependency order: each table's rows reference only tables written before it.
TABLES: tuple[tuple[type[models.Model], tuple[str, ...], Callable[..., Iterator[tuple]], str], ...] = (
    (Identity, IDENTITY_FIELDS, identity_rows, ""),
    (VerificationSession, SESSION_FIELDS, session_rows, "staff"),
    (Document, DOCUMENT_FIELDS, document_rows, ""),
    (ExtractedField, FIELD_FIELDS, field_rows, ""),
    (Control, CONTROL_FIELDS, control_rows, ""),
    (Media, MEDIA_FIELDS, media_rows, ""),
    (ReviewDecision, DECISION_FIELDS, decision_rows, "staff"),
    (SessionEvent, EVENT_FIELDS, event_rows, ""),
    (AuditEntry, AUDIT_FIELDS, audit_rows, "audit"),
)
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
            "seconds double precision NOT NULL, generated_at varchar(40) NOT NULL)"
        )


def existing_size() -> int | None:
    """The size of the bench dataset in the database, or None when there is none."""
    _ensure_marker()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sessions FROM {MARKER_TABLE} WHERE seed = %s", [SEED])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else None


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
    with _bulk_load_session():
        for model, fields, builder, needs in TABLES:
            table_started = time.perf_counter()
            table = model._meta.db_table
            rows[table] = write(model, fields, builder(plan, *extra[needs]))
            log(f"  {table}: {rows[table]:,} rows in {time.perf_counter() - table_started:.1f} s")
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, *_ in TABLES]):
            cursor.execute(sql)
    vacuum_started = time.perf_counter()
    with connection.cursor() as cursor:
        # Planner statistics and reltuples for the new rows, and the visibility map that
        # autovacuum keeps set on a live table (index-only scans rely on it).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # (tests run in one)
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    log(f"  vacuum analyze in {time.perf_counter() - vacuum_started:.1f} s")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (sessions, seed, seconds, generated_at) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [sessions, SEED, seconds, dt.datetime.now(dt.UTC).isoformat()],
        )
    return Report(sessions=sessions, seconds=seconds, generated=True, rows=rows)


def ensure(sessions: int, *, allow_clear: bool, log: Callable[[str], None] = print) -> Report:
    """The dataset of this size, generated unless it is already there. Another bench dataset is
    cleared first; data that is not a bench dataset is only cleared when ``allow_clear``."""
    size = existing_size()
    if size == sessions:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT seconds FROM {MARKER_TABLE} WHERE seed = %s", [SEED])  # noqa: S608
            seconds = float(cursor.fetchone()[0])
        log(f"dataset of {sessions:,} sessions already there (generated in {seconds:.1f} s): kept")
        return Report(sessions=sessions, seconds=seconds, generated=False)
    if size is not None or VerificationSession.objects.exists():
        if size is None and not allow_clear:
            raise RuntimeError("This database holds sessions that are not a bench dataset: refusing to clear it.")
        log("clearing the previous dataset")
        clear()
        _ensure_marker()
    log(f"generating {sessions:,} sessions")
    return generate(sessions, log=log)

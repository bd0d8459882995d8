"""Writing rows fast: COPY (psycopg 3's ``cursor.copy``) on PostgreSQL with the table's plain
indexes built once after the load, bulk inserts elsewhere (the unit test on SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import DatabaseError, connection, models, transaction


def json_text(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _defaults(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], tuple]:
    """Columns the generator does not set (fields other branches may add), with their defaults."""
    columns, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.name in given or model_field.attname in given:
            continue
        value = model_field.get_default()
        if isinstance(model_field, models.JSONField):
            value = json_text(value)
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
def bulk_load_session() -> Iterator[None]:
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

"""Trigram indexes for the admin's name search (PostgreSQL only; nothing on SQLite).

Django's admin search is ``UPPER(col::text) LIKE UPPER('%term%')``: a b-tree cannot serve it and a
trigram index on the bare column is never used, so the index is on ``UPPER(col)`` with
``gin_trgm_ops`` (shared/notes/admin-at-scale.md). pg_trgm is a trusted extension since
PostgreSQL 13: the database owner may create it.
"""

from django.db import migrations

INDEXES = {
    "identity_last_name_trgm_idx": "last_name",
    "identity_first_name_trgm_idx": "first_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON kycdesk_identity USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("kycdesk", "0007_scale_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

"""PostgreSQL-only help for the planner at a million cases (nothing on SQLite).

1. Trigram indexes for the admin's name search. Django's admin search is
   ``UPPER(col::text) LIKE UPPER('%term%')``: a b-tree cannot serve it and a trigram index on the
   bare column is never used, so the index is on ``UPPER(col)`` with ``gin_trgm_ops``
   (shared/notes/admin-at-scale.md). pg_trgm is a trusted extension since PostgreSQL 13: the
   database owner may create it.
2. Extended statistics on (status, decision_state). The review queue is "needs_review and not
   decided"; the two columns are far from independent (most flagged cases are decided), so without
   these the planner guesses ~30,000 queue rows where there are ~500 and picks hash joins over
   whole tables for the queue's filters and search (measured at 1M sessions: 230 ms -> 2 ms).
"""

from django.db import migrations

INDEXES = {
    "identity_last_name_trgm_idx": "last_name",
    "identity_first_name_trgm_idx": "first_name",
}
STATISTICS = "session_status_decision_stats"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON kycdesk_identity USING gin (UPPER({column}) gin_trgm_ops)"
        )
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) "
        "ON status, decision_state FROM kycdesk_verificationsession"
    )
    schema_editor.execute("ANALYZE kycdesk_verificationsession")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("kycdesk", "0009_scale_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

"""Find personal values anywhere: every text, JSON, binary, file and date column of every row of
every model (found through Django's _meta, so new models and columns are scanned too), and
every file under a folder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.apps import apps
from django.db import models

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField, models.FileField)


def _as_text(value) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(getattr(value, "name", value) or "")


def scanned_columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]


def find_in_database(needles: list[str], dates: list[dt.date] = (), exclude_apps: tuple[str, ...] = ()) -> list[str]:
    """Every (table.column, row pk, needle) where a needle appears, case-insensitively.

    ``exclude_apps``: app labels not to scan, e.g. "sandbox" (the simulated vendor's own copy).
    """
    hits: list[str] = []
    lowered = [n.lower() for n in needles]
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or model._meta.app_label in exclude_apps:
            continue
        columns = scanned_columns(model)
        date_columns = [f for f in model._meta.concrete_fields if isinstance(f, models.DateField)]
        if not columns and not date_columns:
            continue
        for row in model._base_manager.all().iterator():
            for field in columns:
                text = _as_text(field.value_from_object(row)).lower()
                hits += [f"{model._meta.db_table}.{field.column} #{row.pk}: {n}" for n in lowered if n in text]
            for field in date_columns:
                value = field.value_from_object(row)
                value = value.date() if isinstance(value, dt.datetime) else value
                hits += [f"{model._meta.db_table}.{field.column} #{row.pk}: {d}" for d in dates if value == d]
    return hits


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []

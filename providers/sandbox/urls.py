"""Mounts each vendor's simulator under /sandbox/<code>/. Which ones exist is listed here."""

from __future__ import annotations

import importlib
import importlib.util

from django.urls import URLPattern, URLResolver, include, path

SIMULATED_VENDORS = ("datakeen", "idenfy", "vult", "identomat", "identify24")


def _simulator_patterns() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for code in SIMULATED_VENDORS:
        module_name = f"providers.{code}.sandbox"
        if importlib.util.find_spec(f"providers.{code}") is None or importlib.util.find_spec(module_name) is None:
            continue  # that vendor's simulator has not been built yet
        module = importlib.import_module(module_name)
        patterns.append(path(f"{code}/", include((module.urlpatterns, f"sandbox-{code}"))))
    return patterns


urlpatterns = _simulator_patterns()

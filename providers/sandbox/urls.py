"""Mounts each vendor's simulator under /sandbox/<code>/, and the shared fault switches."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from providers.sandbox import faults
from providers.sandbox.simulator import SIMULATED_VENDORS, simulator_module


def _simulator_patterns() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for code in SIMULATED_VENDORS:
        module = simulator_module(code)
        if module is not None:
            patterns.append(path(f"{code}/", include((module.urlpatterns, f"sandbox-{code}"))))
    return patterns


urlpatterns = [path("_faults/", faults.faults_view, name="sandbox-faults"), *_simulator_patterns()]

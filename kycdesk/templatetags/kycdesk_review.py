"""{% review_dashboard %}: the figures and charts at the top of the admin index."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from kycdesk.admin import charts
from kycdesk.services import dashboard as figures

register = template.Library()


def _hours(value: float) -> str:
    return f"{value:.1f} h" if value < 48 else f"{value / 24:.1f} d"


@register.inclusion_tag("admin/kycdesk/dashboard.html", takes_context=True)
def review_dashboard(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    # Reviewers' figures: appointment staff see the app list only (README, "Roles").
    if user is None or not user.has_perm("kycdesk.view_pii"):
        return {"show": False}
    data = figures.dashboard()
    amber, red = settings.KYCDESK_SLA_AMBER_HOURS, settings.KYCDESK_SLA_RED_HOURS
    queue = charts.hbars(
        [
            (
                row.label,
                [
                    ("ok", row.ok, f"{row.ok} under {amber:g} h"),
                    ("amber", row.amber, f"{row.amber} between {amber:g} and {red:g} h"),
                    ("red", row.red, f"{row.red} over {red:g} h"),
                ],
            )
            for row in data.queue
        ],
        title="Open review queue by vendor and age",
    )
    days = charts.vbars(
        [
            (
                row.day.strftime("%d/%m"),
                [
                    ("approve", row.approve, f"{row.day:%Y-%m-%d}: {row.approve} approved"),
                    ("reject", row.reject, f"{row.day:%Y-%m-%d}: {row.reject} rejected"),
                ],
            )
            for row in data.days
        ],
        title=f"Reviewer decisions per day, last {figures.DAYS} days",
    )
    outcomes = charts.hbars(
        [
            (
                row.label,
                [
                    (key, row.counts[key] / row.total, f"{row.counts[key]} {key.replace('_', ' ')}")
                    for key in ("approved", "needs_review", "rejected", "other")
                ],
            )
            for row in data.outcomes
            if row.total
        ],
        title=f"Vendor verdicts, last {figures.WINDOW_DAYS} days",
        scale=1,
        total_label=lambda v: "",
    )
    outcome_totals = {row.label: row.total for row in data.outcomes}
    timings = charts.hbars(
        [(row.label, [("time", row.hours, f"{row.decisions} decisions")]) for row in data.timings],
        title=f"Average time to decision, last {figures.WINDOW_DAYS} days",
        total_label=_hours,
    )
    return {
        "show": True,
        "data": data,
        "queue_chart": queue,
        "queue_legend": charts.legend(
            [("ok", f"under {amber:g} h"), ("amber", f"{amber:g} to {red:g} h"), ("red", f"over {red:g} h")]
        ),
        "days_chart": days,
        "days_legend": charts.legend([("approve", "approved"), ("reject", "rejected")]),
        "outcomes_chart": outcomes,
        "outcomes_legend": charts.legend(
            [("approved", "approved"), ("needs_review", "flagged"), ("rejected", "rejected"), ("other", "other")]
        ),
        "outcome_totals": outcome_totals,
        "timings_chart": timings,
        "window_days": figures.WINDOW_DAYS,
    }

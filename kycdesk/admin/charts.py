"""Small charts drawn on the server as inline SVG: no JavaScript, no CDN, nothing to load.
Colours come from CSS classes (static/kycdesk/review.css), so no inline style is needed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

Segment = tuple[str, float, str]  # (css class suffix, value, tooltip)

WIDTH = 320
LABEL = 96
VALUE = 44
ROW = 20
BAR = 14


def _svg(height: int, title: str, body: SafeString) -> SafeString:
    return format_html(
        "<svg class='kd-chart' viewBox='0 0 {} {}' role='img' aria-label='{}'><title>{}</title>{}</svg>",
        WIDTH,
        height,
        title,
        title,
        body,
    )


def hbars(
    rows: Sequence[tuple[str, Sequence[Segment]]],
    *,
    title: str,
    scale: float | None = None,
    total_label: Callable[[float], str] = lambda v: f"{v:g}",
) -> SafeString:
    """One horizontal stacked bar per row. ``scale`` is the value of a full bar (default: the
    largest row total); use 1 with fractions for 100 % bars."""
    if not rows:
        return format_html("<p class='kd-muted'>{}</p>", "Nothing to show yet.")
    totals = [sum(value for _, value, _ in segments) for _, segments in rows]
    full = scale or max(totals) or 1
    span = WIDTH - LABEL - VALUE
    parts = []
    for index, ((label, segments), total) in enumerate(zip(rows, totals, strict=True)):
        y = 2 + index * ROW
        parts.append(format_html("<text x='0' y='{}'>{}</text>", y + BAR - 3, label[:16]))
        x = float(LABEL)
        for css, value, tip in segments:
            if value <= 0:
                continue
            width = span * value / full
            parts.append(
                format_html(
                    "<rect class='kd-fill-{}' x='{}' y='{}' width='{}' height='{}'><title>{}</title></rect>",
                    css,
                    f"{x:.2f}",
                    y,
                    f"{width:.2f}",
                    BAR,
                    tip,
                )
            )
            x += width
        parts.append(format_html("<text x='{}' y='{}'>{}</text>", WIDTH - VALUE + 4, y + BAR - 3, total_label(total)))
    body = format_html_join("", "{}", ((p,) for p in parts))
    return _svg(2 + len(rows) * ROW, title, body)


def vbars(columns: Sequence[tuple[str, Sequence[Segment]]], *, title: str, height: int = 110) -> SafeString:
    """One vertical stacked column per entry (e.g. per day), labelled underneath every few columns."""
    if not columns:
        return format_html("<p class='kd-muted'>{}</p>", "Nothing to show yet.")
    plot = height - 16
    top = max(sum(v for _, v, _ in segments) for _, segments in columns) or 1
    step = (WIDTH - 24) / len(columns)
    parts = [format_html("<line class='kd-axis' x1='24' y1='{0}' x2='{1}' y2='{0}'></line>", plot, WIDTH)]
    parts.append(format_html("<text x='0' y='10'>{}</text>", f"{top:g}"))
    every = max(1, len(columns) // 7)
    for index, (label, segments) in enumerate(columns):
        x = 24 + index * step + 1
        base = float(plot)
        for css, value, tip in segments:
            if value <= 0:
                continue
            h = (plot - 4) * value / top
            base -= h
            parts.append(
                format_html(
                    "<rect class='kd-fill-{}' x='{}' y='{}' width='{}' height='{}'><title>{}</title></rect>",
                    css,
                    f"{x:.2f}",
                    f"{base:.2f}",
                    f"{max(step - 2, 1):.2f}",
                    f"{h:.2f}",
                    tip,
                )
            )
        if index % every == 0:
            parts.append(format_html("<text x='{}' y='{}'>{}</text>", f"{x:.2f}", height - 3, label))
    return _svg(height, title, format_html_join("", "{}", ((p,) for p in parts)))


def legend(items: Sequence[tuple[str, str]]) -> SafeString:
    return format_html_join("", "<span class='kd-key kd-fill-{}'></span>{}", items)

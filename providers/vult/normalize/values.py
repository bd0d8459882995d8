"""The status mapping and the value readers every part of the VULT normalizer uses: status_e +
verified -> unified status, timestamps and dates, and how a vendor value is shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from providers.base import Status

# --- status: status_e + verified -> unified status, in ONE dict (DESIGN.md, "Unified status") ---
# Key (status_e, verified); None matches any `verified`. "temporarily_complete" -> in_progress and
# "complete" with no `verified` -> needs_review are our reading (shared/providers/vult.md).
STATUS: dict[tuple[str, bool | None], Status] = {
    ("unknown", None): Status.CREATED,
    ("in_progress", None): Status.IN_PROGRESS,
    ("temporarily_complete", None): Status.IN_PROGRESS,
    ("temporarily_blocked", None): Status.NEEDS_REVIEW,
    ("complete", True): Status.APPROVED,
    ("complete", False): Status.REJECTED,
    ("complete", None): Status.NEEDS_REVIEW,
    ("expired", None): Status.EXPIRED,
}
#: status_e values after which VULT changes nothing more (temporarily_* are, by name, not final).
FINAL_STATUSES = frozenset({"complete", "expired"})


def unified_status(status_e: str, verified: Any) -> tuple[Status, bool]:
    """(unified status, known): an unknown status_e goes to a person, never silently anywhere."""
    key = str(status_e or "").strip().lower()
    flag = verified if isinstance(verified, bool) else None
    found = STATUS.get((key, flag)) or STATUS.get((key, None))
    return (found, True) if found is not None else (Status.NEEDS_REVIEW, False)


# --- dates: the document shows "string" for every date; these are the formats we accept -------
DATE_FORMATS = ("%Y-%m-%d",)  # ISO dates; a full ISO timestamp is accepted as a date too


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp ("2019-08-24T14:15:22Z", the document's date-time samples), in UTC.

    A timestamp without an offset is read as UTC (our reading). Anything else is None: the raw
    string stays in the result."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    stamp = parse_timestamp(text) if "T" in text else None
    return stamp.date() if stamp else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _shown(value: Any) -> str:
    """A value for a Section row: the vendor's value, or a dash when it gave none."""
    return _text(value) or "—"


def _time(value: Any) -> str:
    stamp = parse_timestamp(value)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC") if stamp else _shown(value)


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None

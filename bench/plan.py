"""The facts every table of the bench dataset derives from: vendors, statuses and their mix, and
for each session its vendor, status, person, time and decision, in compact arrays (1,000,000
sessions take a few MB). Seeded: a size always gives the same data."""

from __future__ import annotations

import datetime as dt
import random
from array import array
from dataclasses import dataclass

SEED = 12
SHAPE = 3  # raise when the generated data changes, so that kept datasets are regenerated
YEARS = 5
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

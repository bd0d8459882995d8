"""Vendor faults switched on over HTTP (/sandbox/_faults/), in bounded rounds."""

from __future__ import annotations

import random
import threading
from collections import Counter

from kycdesk.services.vendors import get_provider
from providers.sandbox.testing import set_fault

#: Vendors whose webhooks may be dropped: the pull alone tells the whole result. Datakeen's verdict
#: and iDenfy's cancellation exist only in their webhooks (README, "Chaos run").
DROPPABLE = frozenset({"vult", "identify24"})
#: A round of faults for every vendor once per this many sessions (about one call in ten fails).
FAULT_EVERY = 50


def rounds_for(sessions: int) -> int:
    return max(1, sessions // FAULT_EVERY)


def fault_round(code: str) -> list[dict]:
    """One round of faults for one vendor; each switch has a bounded count."""
    faults = [
        {"kind": "500", "count": 3},
        {"kind": "429", "count": 2, "retry_after": 1},
        {"kind": "timeout", "count": 1, "delay": 4},
        {"kind": "expire_tokens", "count": 1},
    ]
    if get_provider(code).supports_webhooks():
        faults.append({"kind": "duplicate_webhook", "count": 3})
    if code in DROPPABLE:
        faults.append({"kind": "drop_webhook", "count": 2})
    return faults


class Faults:
    """A bounded number of fault rounds (every vendor's switches each time), spent a round at a time."""

    def __init__(self, base_url: str, codes: list[str], rounds: int, rng: random.Random) -> None:
        self.base_url, self.codes, self.left, self.rng = base_url, codes, rounds, rng
        self.injected: Counter = Counter()
        self.lock = threading.Lock()

    def round(self) -> None:
        with self.lock:
            if not self.left:
                return
            self.left -= 1
        for code in self.rng.sample(self.codes, len(self.codes)):
            for spec in fault_round(code):
                set_fault(self.base_url, code, **spec)
                self.injected[spec["kind"]] += spec["count"]

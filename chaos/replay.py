"""Replay stored accepted deliveries — raw body, stored headers — to the real endpoint, shuffled and
late, so kycdesk sees duplicates and results out of order. Bounded in count and time."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import connection

from chaos.recover import outbound_pending
from kycdesk.models import WebhookDelivery

#: Stored as the replay's own header, so a replayed delivery can be told from the vendor's.
REPLAY_HEADER = "X-Chaos-Replay"
#: Set by the HTTP layer for each request, not part of what the vendor sent.
HOP_HEADERS = frozenset({"host", "content-length", "connection", "accept-encoding", "transfer-encoding"})


@dataclass(frozen=True)
class Replay:
    vendor: str
    body_sha256: str
    status: int | None  # None: no answer (connection error, timeout)
    delivery_id: int | None  # what a 2xx answer says it stored


def endpoint(base_url: str, vendor: str) -> str:
    """Our endpoint for the vendor, with the secret path token for the vendors that use one."""
    token = settings.KYCDESK_VENDORS[vendor].get("webhook_token", "")
    return f"{base_url}/webhooks/{vendor}/{token}/" if token else f"{base_url}/webhooks/{vendor}/"


class Replayer(threading.Thread):
    """Each accepted delivery stored by a vendor is picked with probability ``share``; picked ones
    wait in a pool and leave in random order, a random part of the pool at a time, until the drive
    is over and the simulated vendors have nothing left to send."""

    def __init__(self, base_url: str, share: float, limit: int, timeout: float, rng: random.Random) -> None:
        super().__init__(name="chaos-replay", daemon=True)
        self.base_url, self.share, self.limit, self.timeout, self.rng = base_url, share, limit, timeout, rng
        self.replays: list[Replay] = []
        self.drive_done = threading.Event()
        self.seen_up_to = 0
        self.pool: list[tuple[str, dict, bytes]] = []
        self.picked = 0

    def run(self) -> None:
        deadline = time.monotonic() + self.timeout
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="chaos-replay") as senders:
            try:
                while time.monotonic() < deadline:
                    # Read before the look, so that the last look sees every delivery.
                    last = self.drive_done.is_set() and not outbound_pending().exists()
                    self.pick()
                    self.rng.shuffle(self.pool)
                    cut = len(self.pool) if last else len(self.pool) // 2
                    batch, self.pool = self.pool[:cut], self.pool[cut:]
                    self.replays.extend(senders.map(self.send, batch))
                    if last and not self.pool:
                        return
                    time.sleep(1)
            finally:
                connection.close()

    def pick(self) -> None:
        """Pick among the deliveries vendors sent since the last look (never a replay)."""
        new = (
            WebhookDelivery.objects.filter(verdict=WebhookDelivery.Verdict.ACCEPTED, pk__gt=self.seen_up_to)
            .order_by("pk")
            .values_list("pk", "vendor", "headers", "body")
        )
        for pk, vendor, headers, body in new:
            self.seen_up_to = pk
            if REPLAY_HEADER.lower() in headers or self.picked >= self.limit or self.rng.random() >= self.share:
                continue
            self.picked += 1
            self.pool.append((vendor, headers, bytes(body)))

    def send(self, item: tuple[str, dict, bytes]) -> Replay:
        vendor, stored, body = item
        headers = {name: value for name, value in stored.items() if name not in HOP_HEADERS}
        headers[REPLAY_HEADER] = "1"
        sha = hashlib.sha256(body).hexdigest()
        try:
            answer = requests.post(endpoint(self.base_url, vendor), data=body, headers=headers, timeout=(3, 10))
        except requests.RequestException:
            return Replay(vendor, sha, None, None)
        delivery_id = None
        if 200 <= answer.status_code < 300:
            try:
                delivery_id = int(answer.json()["received"])
            except (ValueError, KeyError, TypeError):
                delivery_id = None
        return Replay(vendor, sha, answer.status_code, delivery_id)

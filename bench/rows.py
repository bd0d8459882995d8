"""The bench dataset's rows, one generator per table, in each table's column order (the
``*_FIELDS`` names). Everything derives from the Plan, so the tables agree with each other."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator

from django.db import models

from kycdesk.models import (
    AuditEntry,
    Control,
    Document,
    ExtractedField,
    Identity,
    Media,
    ReviewDecision,
    SessionEvent,
    VerificationSession,
)

from . import names
from .bulk import json_text
from .plan import (
    CONTROLS,
    DOC_TYPES,
    FIELDS,
    MEDIA,
    REASONS,
    SEED,
    VENDOR_STATUS,
    VENDORS,
    WITH_RESULT,
    Plan,
    Staff,
)
from .vendor_stub import DATA, STATUS


def identity_rows(plan: Plan) -> Iterator[tuple]:
    rng = random.Random(SEED + 1)
    countries = names.COUNTRIES
    for k in range(plan.identities):
        first, last = names.person(k)
        created = plan.created_at(min(plan.n - 1, k * plan.n // plan.identities))
        birth = dt.date(1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28))
        yield (
            k + 1,
            f"P{k + 1:09d}",
            first,
            last,
            birth,
            countries[k % len(countries)],
            f"{first}.{last}.{k + 1}@example.org".lower(),
            f"+4917{rng.randrange(10**8):08d}",
            f"{1 + rng.randrange(200)} {last}strasse, {10000 + rng.randrange(89999)} Berlin",
            "{}",
            rng.random() < 0.001,
            None,
            created,
            created,
        )


IDENTITY_FIELDS = tuple(
    (
        "id reference first_name last_name birth_date nationality email phone address vendor_ids legal_hold "
        "anonymized_at created_at updated_at"
    ).split()
)


# The vendor's result as kycdesk keeps it (``raw``): about 1.5 KB, shaped like an iDenfy result
# (status block and document data as bench.vendor_stub answers them, signed file links). Markers
# are replaced per session.
RAW_RESULT = json_text(
    {
        "id": "@ID@",
        "status": {**{k: v for k, v in STATUS.items() if k != "status"}, "overall": "@STATUS@"},
        "data": {**DATA, "docFirstName": "@FIRST@", "docLastName": "@LAST@"},
        "fileUrls": {
            side: f"https://s3.eu-west-1.amazonaws.com/vendor.storage/users/@ID@/{side}.png"
            "?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=Zm9yZ2VkLW5vdC1yZWFs%2B0%3D&Expires=1710242469"
            for side in ("FRONT", "BACK", "FACE", "FACE_VIDEO")
        },
        "platform": "PC",
        "clientIp": "192.0.2.10",
        "clientIpCountry": "DE",
        "final": True,
    }
)
MINUTES = {m: dt.timedelta(minutes=m) for m in (2, 11, 12, 13, 60, 300)}
DAY = dt.timedelta(days=1)


def session_rows(plan: Plan, staff: Staff) -> Iterator[tuple]:
    rng = random.Random(SEED + 2)
    decision_values = ("", "pending_second", "approved", "rejected")
    reasons = {
        status: json_text([{"code": code, "kind": kind, "text": text}])
        for status, (code, kind, text) in REASONS.items()
    }
    officers = staff.officers
    m2, m11, m12, m60 = MINUTES[2], MINUTES[11], MINUTES[12], MINUTES[60]
    for i in range(plan.n):
        vendor = VENDORS[plan.vendor[i]]
        status = plan.statuses[plan.status[i]]
        vendor_status = VENDOR_STATUS[vendor].get(status, status.upper())
        created = plan.created_at(i)
        external_id = f"{rng.getrandbits(128):032x}"
        done = status in WITH_RESULT
        first, last = names.person(plan.identity[i])
        assigned = officers[i % len(officers)] if plan.decision[i] == 0 and status == "needs_review" and i % 3 else None
        yield (
            i + 1,
            vendor,
            external_id,
            plan.identity[i] + 1,
            officers[i % len(officers)],
            f"https://{vendor}.example/verify/{external_id}",
            status,
            vendor_status,
            status not in ("created", "in_progress"),
            reasons.get(status, "[]"),
            (status != "rejected") if done else None,
            round(0.6 + rng.random() * 0.4, 3) if done else None,
            round(rng.random(), 3) if done else None,
            f'{{"first_name":"{first}","last_name":"{last}"}}' if done else "{}",  # names are plain ASCII
            RAW_RESULT.replace("@ID@", external_id)
            .replace("@STATUS@", vendor_status)
            .replace("@FIRST@", first)
            .replace("@LAST@", last)
            if done
            else f'{{"status":"{vendor_status}","id":"{external_id}"}}',
            f"{rng.getrandbits(128):032x}" if done else "",
            created + m12 if done else None,
            created,
            created + m2 if status != "created" else None,
            created + m11 if done else None,
            created + DAY,
            created + m12,
            decision_values[plan.decision[i]],
            assigned,
            created + m60 if assigned else None,
        )


SESSION_FIELDS = tuple(
    (
        "id vendor external_id identity launched_by link status vendor_status vendor_final reasons liveness "
        "similarity score person raw result_fingerprint result_observed_at created_at started_at completed_at "
        "expires_at last_synced_at decision_state assigned_to claimed_at"
    ).split()
)


def document_rows(plan: Plan) -> Iterator[tuple]:
    rng = random.Random(SEED + 3)
    countries = names.COUNTRIES
    for i in range(plan.n):
        if not plan.has_document(i):
            continue
        created = plan.created_at(i).date()
        issued = created - dt.timedelta(days=rng.randrange(3650))
        pages = [{"page": 1, "media": "document_front"}, {"page": 2, "media": "document_back"}]
        yield (
            i + 1,
            i + 1,
            0,
            DOC_TYPES[i % 3],
            "front" if i % 3 else "",
            countries[plan.identity[i] % len(countries)],
            f"X{rng.randrange(10**8):08d}",
            issued,
            issued + dt.timedelta(days=3650),
            json_text(pages),
        )


DOCUMENT_FIELDS = tuple("id session position type side country number issue_date expiry_date pages".split())


def field_rows(plan: Plan) -> Iterator[tuple]:
    rng = random.Random(SEED + 4)
    pk = 0
    for i in range(plan.n):
        if not (plan.detailed(i) and plan.has_document(i)):
            continue
        first, last = names.person(plan.identity[i])
        values = {"first_name": first, "last_name": last}
        for n, (name, source) in enumerate(FIELDS):
            pk += 1
            confidence = round(0.55 + rng.random() * 0.45, 3)
            yield (
                pk,
                i + 1,
                name,
                values.get(name, f"{name.upper()}-{i % 9973}"),
                confidence,
                source,
                1,
                round(0.05 + (n % 3) * 0.3, 3),
                round(0.05 + (n // 3) * 0.18, 3),
                0.25,
                0.05,
            )


FIELD_FIELDS = tuple("id document name value confidence source bbox_page bbox_x bbox_y bbox_width bbox_height".split())


def control_rows(plan: Plan) -> Iterator[tuple]:
    rng = random.Random(SEED + 5)
    pk = 0
    for i in range(plan.n):
        if not (plan.detailed(i) and plan.has_document(i)):
            continue
        failing = plan.statuses[plan.status[i]] != "approved"
        for n, (name, group) in enumerate(CONTROLS):
            pk += 1
            passed = not (failing and n == i % len(CONTROLS))
            yield (pk, i + 1, i + 1 if group == "document" else None, name, group, passed, round(rng.random(), 3))


CONTROL_FIELDS = tuple("id session document name group passed confidence".split())


def media_rows(plan: Plan) -> Iterator[tuple]:
    pk = 0
    for i in range(plan.n):
        if not (plan.detailed(i) and plan.has_document(i)):
            continue
        vendor = VENDORS[plan.vendor[i]]
        created = plan.created_at(i)
        for kind in MEDIA:
            pk += 1
            yield (
                pk,
                i + 1,
                i + 1 if kind.startswith("document") else None,
                kind,
                f"{kind}-{i + 1}",
                f"media/{vendor}/{i + 1}/{kind}-{pk}.jpg",
                "image/jpeg",
                180_000 + pk % 50_000,
                f"{pk:064x}",
                "stored",
                1,
                created + dt.timedelta(minutes=13),
                created + dt.timedelta(minutes=12),
            )


MEDIA_FIELDS = tuple(
    ("id session document kind source_key file content_type size sha256 state attempts fetched_at created_at").split()
)


def decision_rows(plan: Plan, staff: Staff) -> Iterator[tuple]:
    pk = 0
    for i in range(plan.n):
        state = plan.decision[i]
        if not state:
            continue
        decided = plan.created_at(i) + dt.timedelta(hours=5)
        outcome = "reject" if state == 3 else "approve"
        pk += 1
        first = pk
        code = "document_fraud" if state == 3 else "verified_manually"
        yield (pk, i + 1, "decision", outcome, code, "Checked against the document.", None, staff.manager, decided)
        if state == 2:
            pk += 1
            yield (pk, i + 1, "second_approval", "approve", "", "", first, staff.second_manager, decided)


DECISION_FIELDS = tuple("id session kind outcome reason_code comment seconds decided_by decided_at".split())


def event_rows(plan: Plan) -> Iterator[tuple]:
    pk = 0
    for i in range(plan.n):
        if not plan.detailed(i):
            continue
        created = plan.created_at(i)
        status = plan.statuses[plan.status[i]]
        history = [("launch", "Launched", 0)]
        if status != "created":
            history.append(("delivery", "Webhook received", 11))
            history.append(("result", f"Result applied: {status}", 12))
        if plan.decision[i] >= 2:
            history.append(("decision", "Decided by a reviewer", 300))
        for kind, summary, minutes in history:
            pk += 1
            yield (pk, i + 1, created + dt.timedelta(minutes=minutes), kind, summary, None)


EVENT_FIELDS = tuple("id session at kind summary actor".split())


def audit_rows(plan: Plan, staff: Staff, usernames: dict[int, str]) -> Iterator[tuple]:
    pk = 0
    target = VerificationSession._meta.label_lower
    officers = staff.officers
    for i in range(plan.n):
        created = plan.created_at(i)
        officer = officers[i % len(officers)]
        vendor = VENDORS[plan.vendor[i]]
        entries = [(created, officer, "launch", json_text({"vendor": vendor}))]
        if plan.detailed(i) and plan.has_document(i):
            entries.append((created + dt.timedelta(hours=2), officer, "media_view", json_text({"session": i + 1})))
        if plan.decision[i]:
            entries.append((created + dt.timedelta(hours=5), staff.manager, "decide", "{}"))
        if plan.decision[i] == 2:
            entries.append((created + dt.timedelta(hours=5), staff.second_manager, "second_approve", "{}"))
        for at, actor, action, detail in entries:
            pk += 1
            yield (pk, at, actor, usernames[actor], action, target, str(i + 1), f"10.0.{i % 250}.{i % 199 + 1}", detail)


AUDIT_FIELDS = tuple("id at actor actor_name action target_type target_id ip detail".split())

# In dependency order: each table's rows reference only tables written before it.
TABLES: tuple[tuple[type[models.Model], tuple[str, ...], Callable[..., Iterator[tuple]], str], ...] = (
    (Identity, IDENTITY_FIELDS, identity_rows, ""),
    (VerificationSession, SESSION_FIELDS, session_rows, "staff"),
    (Document, DOCUMENT_FIELDS, document_rows, ""),
    (ExtractedField, FIELD_FIELDS, field_rows, ""),
    (Control, CONTROL_FIELDS, control_rows, ""),
    (Media, MEDIA_FIELDS, media_rows, ""),
    (ReviewDecision, DECISION_FIELDS, decision_rows, "staff"),
    (SessionEvent, EVENT_FIELDS, event_rows, ""),
    (AuditEntry, AUDIT_FIELDS, audit_rows, "audit"),
)

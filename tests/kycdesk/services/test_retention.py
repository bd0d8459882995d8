"""Retention: the dry run lists exactly what the run erases; legal holds are skipped."""

import datetime as dt
import re

import pytest
import time_machine

from kycdesk.models import AuditEntry, Identity, ReviewDecision, VerificationSession
from kycdesk.schedules import SCHEDULES
from kycdesk.services import erase, retention

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2031, 6, 1, 3, 0, tzinfo=dt.UTC)


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def periods(settings, private_media, fake_vendor):
    settings.KYCDESK_RETENTION_ANONYMISE_DAYS = 365
    settings.KYCDESK_RETENTION_DELETE_ABANDONED_DAYS = 30
    settings.KYCDESK_RETENTION_BATCH = 100
    return settings


def case(name: str, *, identity: Identity | None = None, **fields) -> VerificationSession:
    identity = identity or Identity.objects.create(reference=f"ref-{name}", first_name=name)
    fields.setdefault("created_at", ago(3000))
    return VerificationSession.objects.create(
        vendor="datakeen", external_id=name, identity=identity, person={"first_name": name}, **fields
    )


@pytest.fixture
def cases(periods, make_user):
    manager = make_user("manager", "Compliance manager")
    decided = case("decided-long-ago", status="needs_review", decision_state="approved")
    ReviewDecision.objects.create(session=decided, outcome="approve", decided_by=manager, decided_at=ago(400))
    recently_decided = case("decided-recently", status="needs_review", decision_state="rejected", completed_at=ago(900))
    ReviewDecision.objects.create(session=recently_decided, outcome="reject", decided_by=manager, decided_at=ago(10))
    held_person = Identity.objects.create(reference="ref-held", legal_hold=True)
    return {
        "decided": decided,
        "recently_decided": recently_decided,
        "vendor_approved": case("vendor-approved", status="approved", completed_at=ago(366)),
        "vendor_rejected_recent": case("vendor-rejected", status="rejected", completed_at=ago(364)),
        "undecided_review": case("flagged-undecided", status="needs_review", completed_at=ago(2000)),
        "second_pending": case("second-pending", status="needs_review", decision_state="pending_second"),
        "expired": case("expired", status="expired", completed_at=ago(31)),
        "expired_recent": case("expired-recent", status="expired", completed_at=ago(29)),
        "abandoned": case("left-open", status="in_progress", expires_at=ago(40)),
        "open_fresh": case("open", status="created", created_at=ago(1), expires_at=NOW + dt.timedelta(hours=1)),
        "held_case": case("held-case", status="approved", completed_at=ago(999), legal_hold=True),
        "held_person": case("held-person", status="cancelled", completed_at=ago(999), identity=held_person),
    }


def erased_by_the_run() -> list[tuple[str, int]]:
    entries = AuditEntry.objects.filter(action__in=["case_anonymised", "case_deleted"])
    return sorted(
        ("anonymise" if e.action == "case_anonymised" else "delete", int(e.target_id or e.detail["case"]))
        for e in entries
    )


def test_the_plan_follows_the_rules(cases):
    todo = retention.plan(NOW)

    assert [p.session_id for p in todo.anonymise] == [cases["decided"].pk, cases["vendor_approved"].pk]
    assert [p.session_id for p in todo.delete] == [cases["abandoned"].pk, cases["expired"].pk]
    assert {p.session_id for p in todo.held} == {cases["held_case"].pk, cases["held_person"].pk}


def test_the_dry_run_equals_the_real_run(cases):
    with time_machine.travel(NOW, tick=False):
        dry = sorted(retention.plan().session_ids)
        counts = retention.run()

    assert erased_by_the_run() == dry
    assert counts == {"anonymised": 2, "deleted": 2, "refused": 0, "held": 2}
    assert VerificationSession.objects.get(pk=cases["decided"].pk).person == {}
    assert not VerificationSession.objects.filter(pk=cases["expired"].pk).exists()
    assert VerificationSession.objects.get(pk=cases["held_case"].pk).person == {"first_name": "held-case"}
    assert VerificationSession.objects.filter(pk=cases["held_person"].pk).exists()
    assert AuditEntry.objects.get(action="retention_run").detail == counts


def test_the_dry_run_page_lists_exactly_what_the_run_then_erases(cases, client, admin_user):
    with time_machine.travel(NOW, tick=False):
        client.force_login(admin_user)
        page = client.get("/admin/retention/").content.decode()
        retention.run()

    def listed(table: str) -> list[int]:
        body = page.split(f'id="{table}"')[1].split("</table>")[0]
        return [int(pk) for pk in re.findall(r'data-session="(\d+)"', body)]

    shown = sorted(
        [("anonymise", pk) for pk in listed("retention-anonymise")]
        + [("delete", pk) for pk in listed("retention-delete")]
    )
    assert shown == erased_by_the_run()
    assert sorted(listed("retention-held")) == sorted([cases["held_case"].pk, cases["held_person"].pk])


def test_a_second_run_finds_nothing_more(cases):
    with time_machine.travel(NOW, tick=False):
        retention.run()
        again = retention.plan()

    assert again.anonymise == again.delete == []


def test_a_period_of_zero_turns_its_rule_off(cases, settings):
    settings.KYCDESK_RETENTION_ANONYMISE_DAYS = 0

    todo = retention.plan(NOW)

    assert todo.anonymise == []
    assert len(todo.delete) == 2


def test_each_rule_erases_at_most_one_batch_per_run_oldest_first(cases, settings):
    settings.KYCDESK_RETENTION_BATCH = 1

    todo = retention.plan(NOW)

    assert [p.session_id for p in todo.anonymise] == [cases["decided"].pk]
    assert [p.session_id for p in todo.delete] == [cases["abandoned"].pk]


def test_only_managers_with_erase_case_see_the_dry_run(cases, make_user, client):
    client.force_login(make_user("officer", "Compliance officer"))

    assert client.get("/admin/retention/").status_code == 403


def test_retention_runs_daily_from_the_schedule_list():
    spec = next(s for s in SCHEDULES if s.name == "retention")

    assert (spec.func, spec.minutes) == ("kycdesk.tasks.run_retention", 24 * 60)
    assert erase.REASONS["retention"]

"""The review workflows: claims, decisions with four eyes, notes, and their audit entries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kycdesk.models import AuditEntry, CaseNote, DecisionState, ReviewDecision, SessionEvent, VerificationSession
from kycdesk.services import review
from providers.base import Status
from tests.cases import make_case

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def audit_actions(case):
    return list(
        AuditEntry.objects.filter(target_type="kycdesk.verificationsession", target_id=str(case.pk))
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )


def approve(case, user, **kw):
    return review.decide(
        session_id=case.pk,
        user=user,
        outcome="approve",
        reason_code="verified_manually",
        comment="Checked the card by hand.",
        **kw,
    )


def reject(case, user, **kw):
    return review.decide(
        session_id=case.pk, user=user, outcome="reject", reason_code="document_fraud", comment="Forged.", **kw
    )


# --- claims ---------------------------------------------------------------------------------------


class TestClaims:
    def test_claiming_assigns_the_case_to_me(self, officer):
        case = make_case()

        review.claim(session_id=case.pk, user=officer, now=T0, ip="10.0.0.1")

        case.refresh_from_db()
        assert (case.assigned_to, case.claimed_at) == (officer, T0)
        entry = AuditEntry.objects.get(action="case_claim")
        assert (entry.actor, entry.target_id, entry.ip) == (officer, str(case.pk), "10.0.0.1")

    def test_claiming_a_case_someone_else_holds_is_refused(self, officer, manager):
        case = make_case()
        review.claim(session_id=case.pk, user=officer, now=T0)

        with pytest.raises(review.ClaimConflict, match="olivia is working on this case"):
            review.claim(session_id=case.pk, user=manager, now=T0 + dt.timedelta(minutes=5))

        case.refresh_from_db()
        assert case.assigned_to == officer

    def test_claiming_my_own_case_again_renews_the_claim(self, officer):
        case = make_case()
        review.claim(session_id=case.pk, user=officer, now=T0)

        review.claim(session_id=case.pk, user=officer, now=T0 + dt.timedelta(minutes=20))

        case.refresh_from_db()
        assert case.claimed_at == T0 + dt.timedelta(minutes=20)

    def test_a_claim_not_acted_on_expires_after_the_configured_minutes(self, officer, manager, settings):
        settings.KYCDESK_CLAIM_MINUTES = 15
        case = make_case()
        review.claim(session_id=case.pk, user=officer, now=T0)

        with pytest.raises(review.ClaimConflict):
            review.claim(session_id=case.pk, user=manager, now=T0 + dt.timedelta(minutes=14, seconds=59))
        review.claim(session_id=case.pk, user=manager, now=T0 + dt.timedelta(minutes=15))

        case.refresh_from_db()
        assert case.assigned_to == manager

    def test_an_expired_claim_reads_as_released_before_any_sweep(self, officer, settings):
        settings.KYCDESK_CLAIM_MINUTES = 30
        case = make_case()
        review.claim(session_id=case.pk, user=officer, now=T0)
        case.refresh_from_db()

        assert review.live_assignee_id(case, T0 + dt.timedelta(minutes=29)) == officer.pk
        assert review.live_assignee_id(case, T0 + dt.timedelta(minutes=30)) is None

    def test_the_sweep_clears_expired_claims_only(self, officer, manager, settings):
        settings.KYCDESK_CLAIM_MINUTES = 30
        old, fresh = make_case(), make_case()
        review.claim(session_id=old.pk, user=officer, now=T0)
        review.claim(session_id=fresh.pk, user=manager, now=T0 + dt.timedelta(minutes=20))

        released = review.release_expired_claims(now=T0 + dt.timedelta(minutes=31))

        assert released == 1
        old.refresh_from_db()
        fresh.refresh_from_db()
        assert old.assigned_to is None and old.claimed_at is None
        assert fresh.assigned_to == manager

    def test_the_sweep_is_a_listed_schedule(self):
        from kycdesk.schedules import SCHEDULES

        assert "kycdesk.tasks.release_claims" in {spec.func for spec in SCHEDULES}

    def test_opening_the_case_renews_the_assignees_claim(self, officer):
        case = make_case()
        review.claim(session_id=case.pk, user=officer, now=T0)
        case.refresh_from_db()

        review.record_case_view(session=case, user=officer, with_pii=True, now=T0 + dt.timedelta(minutes=10))

        case.refresh_from_db()
        assert case.claimed_at == T0 + dt.timedelta(minutes=10)

    def test_a_case_out_of_the_queue_cannot_be_claimed(self, officer):
        case = make_case(status=Status.APPROVED)

        with pytest.raises(review.ReviewRefused, match="not in the review queue"):
            review.claim(session_id=case.pk, user=officer)

    def test_appointment_staff_cannot_claim(self, appointment_staff):
        case = make_case()

        with pytest.raises(PermissionDenied):
            review.claim(session_id=case.pk, user=appointment_staff)

    def test_i_can_release_my_claim_but_not_a_colleagues(self, officer, make_user):
        colleague = make_user("oscar", "Compliance officer")
        case = make_case()
        review.claim(session_id=case.pk, user=officer, now=T0)

        with pytest.raises(PermissionDenied):
            review.release(session_id=case.pk, user=colleague, now=T0)
        review.release(session_id=case.pk, user=officer, now=T0)

        case.refresh_from_db()
        assert case.assigned_to is None
        assert audit_actions(case) == ["case_claim", "case_release"]

    def test_a_manager_reassigns_a_claimed_case(self, officer, manager, make_user):
        other = make_user("oscar", "Compliance officer")
        case = make_case()
        review.claim(session_id=case.pk, user=officer, now=T0)

        review.reassign(session_id=case.pk, to_user=other, by=manager, now=T0 + dt.timedelta(minutes=1))

        case.refresh_from_db()
        assert case.assigned_to == other
        entry = AuditEntry.objects.get(action="case_reassign")
        assert entry.detail == {"to_user": other.pk, "from_user": officer.pk}
        assert SessionEvent.objects.filter(session=case, kind="reassign").exists()

    def test_an_officer_cannot_reassign(self, officer, make_user):
        case = make_case()

        with pytest.raises(PermissionDenied):
            review.reassign(session_id=case.pk, to_user=officer, by=officer)

    def test_cases_are_only_reassigned_to_reviewers(self, manager, appointment_staff):
        case = make_case()

        with pytest.raises(review.ReviewRefused, match="not a reviewer"):
            review.reassign(session_id=case.pk, to_user=appointment_staff, by=manager)

    def test_bulk_claim_skips_cases_someone_else_holds(self, officer, manager):
        free, taken = make_case(), make_case()
        review.claim(session_id=taken.pk, user=manager, now=T0)

        outcome = review.bulk_claim(session_ids=[free.pk, taken.pk], user=officer, now=T0)

        assert outcome.done == [free.pk]
        assert list(outcome.refused) == [taken.pk]

    def test_bulk_reassign_needs_the_permission_and_moves_every_case(self, officer, manager):
        cases = [make_case(), make_case()]

        with pytest.raises(PermissionDenied):
            review.bulk_reassign(session_ids=[c.pk for c in cases], to_user=officer, by=officer)
        outcome = review.bulk_reassign(session_ids=[c.pk for c in cases], to_user=officer, by=manager)

        assert outcome.done == [c.pk for c in cases]
        assert set(VerificationSession.objects.values_list("assigned_to", flat=True)) == {officer.pk}


# --- decisions -------------------------------------------------------------------------------------


class TestDecisions:
    def test_rejecting_a_flagged_case_is_final_at_once(self, manager):
        case = make_case(status=Status.NEEDS_REVIEW)

        decision = reject(case, manager, now=T0, ip="10.0.0.2")

        case.refresh_from_db()
        assert case.decision_state == DecisionState.REJECTED
        assert (decision.outcome, decision.reason_code, decision.decided_by, decision.decided_at) == (
            "reject",
            "document_fraud",
            manager,
            T0,
        )
        entry = AuditEntry.objects.get(action="case_decide")
        assert entry.detail == {
            "decision": decision.pk,
            "outcome": "reject",
            "reason_code": "document_fraud",
            "pending_second": False,
        }
        assert entry.ip == "10.0.0.2"
        assert "Forged" not in str(entry.detail)  # the comment stays out of the audit trail

    def test_approving_a_flagged_case_waits_for_a_second_approval(self, manager, second_manager):
        case = make_case(status=Status.NEEDS_REVIEW)

        first = approve(case, manager)
        case.refresh_from_db()
        assert case.decision_state == DecisionState.PENDING_SECOND
        assert VerificationSession.objects.review_queue().filter(pk=case.pk).exists()

        second = review.second_approve(session_id=case.pk, user=second_manager, comment="Agreed.")

        case.refresh_from_db()
        assert case.decision_state == DecisionState.APPROVED
        assert (second.kind, second.seconds, second.decided_by) == ("second_approval", first, second_manager)
        assert not VerificationSession.objects.review_queue().filter(pk=case.pk).exists()
        assert audit_actions(case) == ["case_decide", "case_second_approval"]

    def test_the_first_approver_cannot_give_the_second_approval(self, manager):
        case = make_case(status=Status.NEEDS_REVIEW)
        approve(case, manager)

        with pytest.raises(review.ReviewRefused, match="Four eyes"):
            review.second_approve(session_id=case.pk, user=manager)

        case.refresh_from_db()
        assert case.decision_state == DecisionState.PENDING_SECOND
        assert not case.decisions.filter(kind=ReviewDecision.Kind.SECOND_APPROVAL).exists()

    def test_a_second_approval_needs_the_second_approve_permission(self, manager, make_user):
        deputy = make_user("dora", "Compliance officer")
        deputy.user_permissions.add(*_permissions("decide_case"))
        case = make_case(status=Status.NEEDS_REVIEW)
        approve(case, manager)

        with pytest.raises(PermissionDenied, match="second_approve"):
            review.second_approve(session_id=case.pk, user=deputy)

    def test_deciding_needs_the_decide_case_permission(self, officer):
        case = make_case(status=Status.NEEDS_REVIEW)

        with pytest.raises(PermissionDenied, match="decide_case"):
            approve(case, officer)
        with pytest.raises(PermissionDenied):
            reject(case, officer)

        assert not ReviewDecision.objects.exists()

    def test_overturning_a_vendor_rejection_needs_four_eyes(self, manager, second_manager):
        case = make_case(status=Status.REJECTED)

        approve(case, manager)
        case.refresh_from_db()
        assert case.decision_state == DecisionState.PENDING_SECOND
        assert VerificationSession.objects.review_queue().filter(pk=case.pk).exists()

        review.second_approve(session_id=case.pk, user=second_manager)
        case.refresh_from_db()
        assert case.decision_state == DecisionState.APPROVED

    def test_confirming_a_vendor_approval_takes_one_person(self, manager):
        case = make_case(status=Status.APPROVED)

        approve(case, manager)

        case.refresh_from_db()
        assert case.decision_state == DecisionState.APPROVED

    def test_a_correction_is_a_new_decision_and_the_old_one_stays(self, manager, second_manager):
        case = make_case(status=Status.NEEDS_REVIEW)
        first = reject(case, manager)

        approve(case, second_manager)

        case.refresh_from_db()
        assert case.decision_state == DecisionState.PENDING_SECOND
        assert list(case.decisions.values_list("outcome", flat=True)) == ["reject", "approve"]
        first.refresh_from_db()
        assert first.outcome == "reject"

    def test_a_pending_approval_can_be_overruled_by_a_rejection(self, manager, second_manager):
        case = make_case(status=Status.NEEDS_REVIEW)
        approve(case, manager)

        reject(case, second_manager)

        case.refresh_from_db()
        assert case.decision_state == DecisionState.REJECTED
        with pytest.raises(review.ReviewRefused, match="No approval"):
            review.second_approve(session_id=case.pk, user=second_manager)

    def test_approving_again_while_an_approval_is_pending_is_refused(self, manager, second_manager):
        case = make_case(status=Status.NEEDS_REVIEW)
        approve(case, manager)

        with pytest.raises(review.ReviewRefused, match="already awaits"):
            approve(case, second_manager)

    @pytest.mark.parametrize(
        ("outcome", "reason", "comment", "message"),
        [
            ("approve", "document_fraud", "x", "configured reasons"),  # a reject reason
            ("reject", "", "x", "configured reasons"),
            ("reject", "document_fraud", "   ", "comment"),
            ("maybe", "document_fraud", "x", "Unknown outcome"),
        ],
    )
    def test_a_decision_needs_a_configured_reason_and_a_comment(self, manager, outcome, reason, comment, message):
        case = make_case()

        with pytest.raises(review.ReviewRefused, match=message):
            review.decide(session_id=case.pk, user=manager, outcome=outcome, reason_code=reason, comment=comment)

    def test_the_reason_list_comes_from_settings_at_call_time(self, manager, settings):
        settings.KYCDESK_REVIEW_REASONS = {"approve": {"ok_by_phone": "Confirmed by phone"}, "reject": {}}
        case = make_case(status=Status.APPROVED)

        review.decide(session_id=case.pk, user=manager, outcome="approve", reason_code="ok_by_phone", comment="x")

        assert review.reason_label("ok_by_phone") == "Confirmed by phone"

    @pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.EXPIRED, Status.CANCELLED])
    def test_there_is_nothing_to_decide_before_a_vendor_verdict(self, manager, status):
        case = make_case(status=status)

        with pytest.raises(review.ReviewRefused, match="no result to decide on"):
            reject(case, manager)

    def test_a_case_claimed_by_someone_else_cannot_be_decided(self, manager, second_manager):
        case = make_case()
        review.claim(session_id=case.pk, user=second_manager)

        with pytest.raises(review.ClaimConflict):
            reject(case, manager)

    def test_deciding_releases_the_claim(self, manager):
        case = make_case()
        review.claim(session_id=case.pk, user=manager)

        approve(case, manager)

        case.refresh_from_db()
        assert case.assigned_to is None

    def test_decisions_are_immutable(self, manager):
        from django.core.exceptions import ValidationError

        decision = reject(make_case(), manager)
        decision.comment = "changed"

        with pytest.raises(ValidationError):
            decision.save()


# --- notes -----------------------------------------------------------------------------------------


class TestNotes:
    def test_a_note_keeps_its_author_and_time(self, officer):
        case = make_case()

        with_time = timezone.now()
        note = review.add_note(session_id=case.pk, user=officer, text="  Called the client.  ", ip="10.0.0.3")

        assert (note.author, note.text) == (officer, "Called the client.")
        assert abs((note.created_at - with_time).total_seconds()) < 5
        entry = AuditEntry.objects.get(action="case_note")
        assert entry.detail == {"note": note.pk}  # ids only, never the text

    def test_an_empty_note_is_refused(self, officer):
        with pytest.raises(review.ReviewRefused, match="empty"):
            review.add_note(session_id=make_case().pk, user=officer, text="  ")

    def test_appointment_staff_cannot_write_notes(self, appointment_staff):
        with pytest.raises(PermissionDenied):
            review.add_note(session_id=make_case().pk, user=appointment_staff, text="hello")
        assert not CaseNote.objects.exists()

    def test_writing_a_note_renews_my_claim(self, officer):
        case = make_case()
        review.claim(session_id=case.pk, user=officer, now=timezone.now() - dt.timedelta(minutes=10))

        review.add_note(session_id=case.pk, user=officer, text="Looking at it.")

        case.refresh_from_db()
        assert timezone.now() - case.claimed_at < dt.timedelta(minutes=1)


def test_every_review_action_leaves_an_audit_entry_with_actor_and_ip(officer, manager, second_manager):
    case = make_case()
    ip = "192.0.2.7"

    review.claim(session_id=case.pk, user=officer, ip=ip)
    review.add_note(session_id=case.pk, user=officer, text="x", ip=ip)
    review.release(session_id=case.pk, user=officer, ip=ip)
    review.reassign(session_id=case.pk, to_user=manager, by=manager, ip=ip)
    approve(case, manager, ip=ip)
    review.second_approve(session_id=case.pk, user=second_manager, ip=ip)
    review.record_case_view(session=case, user=officer, with_pii=True, ip=ip)

    entries = AuditEntry.objects.filter(target_id=str(case.pk)).order_by("at", "pk")
    assert [(e.action, e.actor_name, e.ip) for e in entries] == [
        ("case_claim", "olivia", ip),
        ("case_note", "olivia", ip),
        ("case_release", "olivia", ip),
        ("case_reassign", "maria", ip),
        ("case_decide", "maria", ip),
        ("case_second_approval", "mark", ip),
        ("case_view", "olivia", ip),
    ]


def _permissions(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="kycdesk", codename__in=codenames)

"""The review workflows: claim, release, reassign, decide (with four eyes), second approval, notes.

Each is a typed, keyword-only function in one transaction that locks the case row first, so two
reviewers acting at once are serialised. Rules are enforced here, whatever the page shows:

- claiming a case someone else holds a live claim on is refused; a claim not acted on expires
  after ``KYCDESK_CLAIM_MINUTES`` (treated as released when read, cleared by a sweep);
- deciding needs ``decide_case``; approving a case the vendor flagged (needs_review) or
  overturning a vendor rejection needs a second approval by a different person holding
  ``second_approve`` (four eyes); every decision is a new, immutable row;
- every action leaves an audit entry (ids and codes only, never a comment or a note's text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from kycdesk.models import (
    CaseNote,
    DecisionState,
    ReviewDecision,
    SessionEvent,
    SessionStatus,
    VerificationSession,
)
from kycdesk.services import audit

User = AbstractBaseUser | AnonymousUser

#: Vendor verdicts a reviewer can decide on (the others have no result to confirm or overturn).
DECIDABLE = (SessionStatus.NEEDS_REVIEW, SessionStatus.APPROVED, SessionStatus.REJECTED)
#: Approving a case with one of these vendor verdicts takes two people.
FOUR_EYES = (SessionStatus.NEEDS_REVIEW, SessionStatus.REJECTED)
REVIEWER_PERMISSION = "kycdesk.view_pii"
NOTE_MAX_CHARS = 5000


class ReviewRefused(Exception):
    """A workflow rule refused the action; the message says which, in words staff can act on."""


class ClaimConflict(ReviewRefused):
    """Someone else holds a live claim on the case."""


@dataclass(frozen=True)
class BulkOutcome:
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


# --- settings, read at call time ------------------------------------------------------------


def claim_ttl() -> dt.timedelta:
    return dt.timedelta(minutes=settings.KYCDESK_CLAIM_MINUTES)


def claim_cutoff(now: dt.datetime) -> dt.datetime:
    """Claims taken at or before this moment have expired."""
    return now - claim_ttl()


def live_claim_q(now: dt.datetime, prefix: str = "") -> models.Q:
    return models.Q(**{f"{prefix}assigned_to__isnull": False, f"{prefix}claimed_at__gt": claim_cutoff(now)})


def live_assignee_id(session: VerificationSession, now: dt.datetime) -> int | None:
    """Who holds a live claim on ``session`` (an expired claim counts as released)."""
    if session.assigned_to_id and session.claimed_at and session.claimed_at > claim_cutoff(now):
        return session.assigned_to_id
    return None


def reason_choices(outcome: str) -> list[tuple[str, str]]:
    """The configured reason codes for ``outcome`` (settings.KYCDESK_REVIEW_REASONS), in order."""
    configured = settings.KYCDESK_REVIEW_REASONS
    if not isinstance(configured, dict) or not isinstance(configured.get(outcome), dict):
        raise ImproperlyConfigured(
            'KYCDESK_REVIEW_REASONS must be {"approve": {code: label}, "reject": {code: label}}.'
        )
    return [(str(code), str(label)) for code, label in configured[outcome].items()]


def reason_label(code: str) -> str:
    for outcome in ReviewDecision.Outcome.values:
        for known, label in reason_choices(outcome):
            if known == code:
                return label
    return code


def needs_second_approval(session: VerificationSession, outcome: str) -> bool:
    return outcome == ReviewDecision.Outcome.APPROVE and session.status in FOUR_EYES


def is_reviewer(user: User) -> bool:
    return bool(user.is_active and user.has_perm(REVIEWER_PERMISSION))


def reviewers() -> models.QuerySet:
    """Active staff who may review (hold view_pii directly, through a group, or as superusers)."""
    app_label, codename = REVIEWER_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            models.Q(is_superuser=True)
            | models.Q(user_permissions__in=permission)
            | models.Q(groups__permissions__in=permission)
        )
        .distinct()
        .order_by("username")
    )


# --- helpers --------------------------------------------------------------------------------


def _require(user: User, permission: str, action: str) -> None:
    if not (user.is_active and user.has_perm(permission)):
        raise PermissionDenied(f"You need the {permission.split('.')[1]} permission to {action}.")


def _locked(session_id: int) -> VerificationSession:
    try:
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join.
        return (
            VerificationSession.objects.select_for_update(of=("self",)).select_related("assigned_to").get(pk=session_id)
        )
    except VerificationSession.DoesNotExist:
        raise ReviewRefused("This case does not exist (it may have been deleted).") from None


def _in_queue(session: VerificationSession) -> bool:
    return VerificationSession.objects.review_queue().filter(pk=session.pk).exists()


def _refuse_other_claim(session: VerificationSession, user: User, now: dt.datetime) -> None:
    holder = live_assignee_id(session, now)
    if holder is not None and holder != user.pk:
        until = timezone.localtime(session.claimed_at + claim_ttl())
        raise ClaimConflict(
            f"{session.assigned_to.get_username()} is working on this case (claim held until {until:%H:%M})."
        )


def _set_claim(session: VerificationSession, user: User | None, now: dt.datetime | None) -> None:
    session.assigned_to = user
    session.claimed_at = now if user is not None else None
    session.save(update_fields=["assigned_to", "claimed_at"])


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# --- claims -----------------------------------------------------------------------------------


@transaction.atomic
def claim(*, session_id: int, user: User, now: dt.datetime | None = None, ip: str | None = None) -> None:
    """Assign the case to ``user`` so that no colleague works on it at the same time.
    Claiming again refreshes one's own claim; another person's live claim is refused."""
    now = _now(now)
    if not is_reviewer(user):
        raise PermissionDenied("Only reviewers can claim cases.")
    session = _locked(session_id)
    if not _in_queue(session):
        raise ReviewRefused("This case is not in the review queue any more.")
    _refuse_other_claim(session, user, now)
    _set_claim(session, user, now)
    audit.record(action="case_claim", actor=user, target=session, ip=ip)


@transaction.atomic
def release(*, session_id: int, user: User, now: dt.datetime | None = None, ip: str | None = None) -> None:
    """Give a claim back. One's own claim, or any claim for someone who may reassign."""
    now = _now(now)
    if not is_reviewer(user):
        raise PermissionDenied("Only reviewers can release cases.")
    session = _locked(session_id)
    holder = live_assignee_id(session, now)
    if holder is not None and holder != user.pk:
        _require(user, "kycdesk.reassign_case", "release a colleague's claim")
    if session.assigned_to_id is None:
        return
    _set_claim(session, None, None)
    audit.record(action="case_release", actor=user, target=session, ip=ip)


@transaction.atomic
def reassign(
    *,
    session_id: int,
    to_user: User | None,
    by: User,
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> None:
    """A manager hands the case to ``to_user`` (or to nobody), whoever holds it now. The new
    assignment is a claim like any other: it expires if the assignee does not act on it."""
    now = _now(now)
    _require(by, "kycdesk.reassign_case", "reassign a case")
    if to_user is not None and not is_reviewer(to_user):
        raise ReviewRefused(f"{to_user.get_username()} is not a reviewer (no view_pii permission).")
    session = _locked(session_id)
    if not _in_queue(session):
        raise ReviewRefused("This case is not in the review queue any more.")
    previous = live_assignee_id(session, now)
    _set_claim(session, to_user, now)
    target_name = to_user.get_username() if to_user is not None else "nobody"
    SessionEvent.objects.create(
        session=session, at=now, kind="reassign", summary=f"Assigned to {target_name} by {by.get_username()}.", actor=by
    )
    audit.record(
        action="case_reassign",
        actor=by,
        target=session,
        ip=ip,
        to_user=to_user.pk if to_user is not None else None,
        from_user=previous,
    )


def _bulk(session_ids: Iterable[int], action) -> BulkOutcome:
    outcome = BulkOutcome()
    for session_id in session_ids:
        try:
            action(session_id)
        except (ReviewRefused, PermissionDenied) as exc:
            outcome.refused[session_id] = str(exc)
        else:
            outcome.done.append(session_id)
    return outcome


def bulk_claim(*, session_ids: Iterable[int], user: User, now: dt.datetime | None = None, ip: str | None = None):
    """Claim each case in its own transaction: a case someone else holds is skipped, not fatal."""
    now = _now(now)
    return _bulk(session_ids, lambda pk: claim(session_id=pk, user=user, now=now, ip=ip))


def bulk_reassign(
    *,
    session_ids: Iterable[int],
    to_user: User | None,
    by: User,
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> BulkOutcome:
    _require(by, "kycdesk.reassign_case", "reassign cases")
    now = _now(now)
    return _bulk(session_ids, lambda pk: reassign(session_id=pk, to_user=to_user, by=by, now=now, ip=ip))


def touch_claim(*, session_id: int, user: User, now: dt.datetime | None = None) -> bool:
    """The assignee acted on the case (opened it, wrote a note): their live claim starts again."""
    now = _now(now)
    return bool(
        VerificationSession.objects.filter(pk=session_id, assigned_to=user.pk, claimed_at__gt=claim_cutoff(now)).update(
            claimed_at=now
        )
    )


def release_expired_claims(*, now: dt.datetime | None = None) -> int:
    """The sweep: clear claims nobody acted on in time. Reads already treat them as released."""
    now = _now(now)
    return VerificationSession.objects.filter(assigned_to__isnull=False, claimed_at__lte=claim_cutoff(now)).update(
        assigned_to=None, claimed_at=None
    )


# --- decisions ------------------------------------------------------------------------------


@transaction.atomic
def decide(
    *,
    session_id: int,
    user: User,
    outcome: str,
    reason_code: str,
    comment: str,
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> ReviewDecision:
    """Record a reviewer's decision. An approval that needs four eyes leaves the case awaiting
    its second approval; anything else is final until a later decision corrects it."""
    now = _now(now)
    _require(user, "kycdesk.decide_case", "decide a case")
    if outcome not in ReviewDecision.Outcome.values:
        raise ReviewRefused(f"Unknown outcome {outcome!r}: approve or reject.")
    session = _locked(session_id)
    if session.anonymized_at is not None:
        raise ReviewRefused("This case was anonymised: there is nothing left to decide on.")
    if session.status not in DECIDABLE:
        raise ReviewRefused(
            f"The vendor's verdict is {session.get_status_display().lower()}: there is no result to decide on."
        )
    if reason_code not in dict(reason_choices(outcome)):
        raise ReviewRefused(f"Choose one of the configured reasons to {outcome} (got {reason_code or 'none'}).")
    comment = comment.strip()
    if not comment:
        raise ReviewRefused("Explain the decision in the comment.")
    if outcome == ReviewDecision.Outcome.APPROVE and session.decision_state == DecisionState.PENDING_SECOND:
        raise ReviewRefused("An approval of this case already awaits its second approval.")
    _refuse_other_claim(session, user, now)

    four_eyes = needs_second_approval(session, outcome)
    decision = ReviewDecision.objects.create(
        session=session,
        kind=ReviewDecision.Kind.DECISION,
        outcome=outcome,
        reason_code=reason_code,
        comment=comment,
        decided_by=user,
        decided_at=now,
    )
    if four_eyes:
        session.decision_state = DecisionState.PENDING_SECOND
    elif outcome == ReviewDecision.Outcome.APPROVE:
        session.decision_state = DecisionState.APPROVED
    else:
        session.decision_state = DecisionState.REJECTED
    # The decider is done with it; a pending approval goes back to the pool for a second person.
    session.assigned_to = None
    session.claimed_at = None
    session.save(update_fields=["decision_state", "assigned_to", "claimed_at"])
    audit.record(
        action="case_decide",
        actor=user,
        target=session,
        ip=ip,
        decision=decision.pk,
        outcome=outcome,
        reason_code=reason_code,
        pending_second=four_eyes,
    )
    return decision


def pending_approval(session: VerificationSession) -> ReviewDecision | None:
    """The approval awaiting its second approver, if the case is in that state."""
    if session.decision_state != DecisionState.PENDING_SECOND:
        return None
    latest = session.decisions.filter(kind=ReviewDecision.Kind.DECISION).order_by("-decided_at", "-pk").first()
    if latest is None or latest.outcome != ReviewDecision.Outcome.APPROVE:
        return None
    return latest


@transaction.atomic
def second_approve(
    *,
    session_id: int,
    user: User,
    comment: str = "",
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> ReviewDecision:
    """The second approval (four eyes): a different person holding second_approve confirms."""
    now = _now(now)
    _require(user, "kycdesk.second_approve", "give a second approval")
    session = _locked(session_id)
    first = pending_approval(session)
    if first is None:
        raise ReviewRefused("No approval of this case awaits a second approval.")
    if first.decided_by_id == user.pk:
        raise ReviewRefused("Four eyes: the second approval must come from someone other than the first approver.")
    _refuse_other_claim(session, user, now)
    decision = ReviewDecision.objects.create(
        session=session,
        kind=ReviewDecision.Kind.SECOND_APPROVAL,
        outcome=ReviewDecision.Outcome.APPROVE,
        reason_code=first.reason_code,
        comment=comment.strip(),
        seconds=first,
        decided_by=user,
        decided_at=now,
    )
    session.decision_state = DecisionState.APPROVED
    session.assigned_to = None
    session.claimed_at = None
    session.save(update_fields=["decision_state", "assigned_to", "claimed_at"])
    audit.record(
        action="case_second_approval", actor=user, target=session, ip=ip, decision=decision.pk, seconds=first.pk
    )
    return decision


# --- notes and looks ------------------------------------------------------------------------


@transaction.atomic
def add_note(
    *, session_id: int, user: User, text: str, now: dt.datetime | None = None, ip: str | None = None
) -> CaseNote:
    _require(user, "kycdesk.add_casenote", "write notes")
    text = text.strip()
    if not text:
        raise ReviewRefused("The note is empty.")
    if len(text) > NOTE_MAX_CHARS:
        raise ReviewRefused(f"Keep a note under {NOTE_MAX_CHARS} characters.")
    session = _locked(session_id)
    note = CaseNote.objects.create(session=session, author=user, text=text)
    touch_claim(session_id=session.pk, user=user, now=now)
    audit.record(action="case_note", actor=user, target=session, ip=ip, note=note.pk)
    return note


def record_case_view(
    *, session: VerificationSession, user: User, with_pii: bool, now: dt.datetime | None = None, ip: str | None = None
) -> None:
    """Opening the case page: an audit entry, and the assignee's claim starts again."""
    audit.record(action="case_view", actor=user, target=session, ip=ip, pii=with_pii)
    if session.assigned_to_id == user.pk:
        touch_claim(session_id=session.pk, user=user, now=now)

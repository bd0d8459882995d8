"""The case page and the actions posted from it (claim, release, reassign, decide, second
approval, note, new verification). Each action makes one call into kycdesk.services.review,
then redirects back (post/redirect/get); a refused action is a message, a missing permission 403.

The page loads a fixed number of queries whatever the number of documents, fields, images,
events or decisions (asserted in tests/kycdesk/admin/test_case_page.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kycdesk.models import (
    Appointment,
    AuditEntry,
    CaseNote,
    Control,
    DecisionState,
    ExtractedField,
    Media,
    ReviewDecision,
    SessionEvent,
    VerificationSession,
    WebhookDelivery,
)
from kycdesk.services import review
from kycdesk.services.audit import client_ip

from . import casedata
from .base import can_view_pii
from .launch import launchable_vendors

RELATED_LIMIT = 50  # other sessions of the person shown on the page
AUDIT_LIMIT = 200  # audit entries in the page's timeline; the full trail is one link away


def case_url(session_id: int) -> str:
    return reverse("admin:kycdesk_case", args=[session_id])


def audit_trail_url(session_id: int) -> str:
    return f"{reverse('admin:kycdesk_auditentry_changelist')}?case={session_id}"


def can_see_audit(request: HttpRequest) -> bool:
    return request.user.has_perm("kycdesk.view_auditentry")


# --- the page ----------------------------------------------------------------------------------


def _timeline(
    request: HttpRequest,
    session: VerificationSession,
    *,
    media: list[Media],
    decisions: list[ReviewDecision],
    with_pii: bool,
) -> list[casedata.Entry]:
    Entry = casedata.Entry
    events = [
        Entry(e.at, "event", e.kind.replace("_", " "), e.summary, e.actor.get_username() if e.actor else "", "kd-ev")
        for e in SessionEvent.objects.filter(session=session).select_related("actor")
    ]
    if not with_pii:
        return casedata.timeline(events)
    deliveries = [
        Entry(
            d.received_at,
            "delivery",
            f"webhook {d.event_type or 'delivery'}",
            f"{d.get_verdict_display()}, {d.get_state_display().lower()}"
            + (f" after {d.attempts} attempts" if d.attempts > 1 else "")
            + (f": {d.last_error}" if d.last_error else ""),
            d.vendor,
            "kd-ev-delivery",
        )
        for d in WebhookDelivery.objects.filter(session=session).only(
            "pk", "vendor", "received_at", "event_type", "verdict", "state", "attempts", "last_error"
        )
    ]
    decisions = [
        Entry(
            d.decided_at,
            "decision",
            "second approval" if d.kind == ReviewDecision.Kind.SECOND_APPROVAL else f"decision: {d.outcome}",
            f"{review.reason_label(d.reason_code)}" + (f" — {d.comment}" if d.comment else ""),
            d.decided_by.get_username(),
            f"kd-ev-{d.outcome}",
        )
        for d in decisions
    ]
    notes = [
        Entry(n.created_at, "note", "note", n.text, n.author.get_username(), "kd-ev-note")
        for n in CaseNote.objects.filter(session=session).select_related("author")
    ]
    audit: list[casedata.Entry] = []
    if can_see_audit(request):
        entries = AuditEntry.objects.filter(
            Q(target_type=VerificationSession._meta.label_lower, target_id=str(session.pk))
            | Q(target_type=Media._meta.label_lower, target_id__in=[str(m.pk) for m in media])
        ).order_by("-at", "-pk")[:AUDIT_LIMIT]
        audit = [
            Entry(
                a.at, "audit", a.action.replace("_", " "), f"from {a.ip}" if a.ip else "", a.actor_name, "kd-ev-audit"
            )
            for a in entries
        ]
    return casedata.timeline(events, deliveries, decisions, notes, audit)


def _decision_context(request: HttpRequest, session: VerificationSession, decisions_pending) -> dict[str, Any]:
    user = request.user
    pending = decisions_pending
    return {
        "decidable": session.status in review.DECIDABLE and session.anonymized_at is None,
        "can_decide": user.has_perm("kycdesk.decide_case"),
        "can_second": (
            user.has_perm("kycdesk.second_approve") and pending is not None and pending.decided_by_id != user.pk
        ),
        "pending": pending,
        "approve_needs_second": review.needs_second_approval(session, ReviewDecision.Outcome.APPROVE),
        "approve_reasons": review.reason_choices(ReviewDecision.Outcome.APPROVE),
        "reject_reasons": review.reason_choices(ReviewDecision.Outcome.REJECT),
    }


def case_page(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("kycdesk.view_verificationsession"):
        raise PermissionDenied
    session = get_object_or_404(
        VerificationSession.objects.select_related("identity", "template", "launched_by", "assigned_to", "replaces"),
        pk=pk,
    )
    with_pii = can_view_pii(request)
    now = timezone.now()
    review.record_case_view(session=session, user=request.user, with_pii=with_pii, now=now, ip=client_ip(request))
    holder = review.live_assignee_id(session, now)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Case {session.pk}: {session.get_vendor_display()} {session.external_id}",
        "session": session,
        "with_pii": with_pii,
        "holder": session.assigned_to if holder else None,
        "claim_until": session.claimed_at + review.claim_ttl() if holder else None,
        "in_queue": session.in_review_queue,
        "appointments": list(Appointment.objects.filter(session=session).select_related("agent")),
        "raw_url": reverse("admin:kycdesk_verificationsession_change", args=[session.pk]),
    }
    if not with_pii:
        context["timeline"] = _timeline(request, session, media=[], decisions=[], with_pii=False)
        return TemplateResponse(request, "admin/kycdesk/case/page.html", context)

    documents = list(session.documents.all())
    fields: dict[int, list[ExtractedField]] = defaultdict(list)
    for f in ExtractedField.objects.filter(document__session=session).order_by("document", "pk"):
        fields[f.document_id].append(f)
    media = list(Media.objects.filter(session=session).defer("source_url", "last_error"))
    doc_views, other_media = casedata.document_views(documents, fields, media, settings.KYCDESK_LOW_CONFIDENCE)
    decisions = list(session.decisions.select_related("decided_by").order_by("-decided_at", "-pk"))
    for decision in decisions:
        decision.reason_text = review.reason_label(decision.reason_code)
    latest = next((d for d in decisions if d.kind == ReviewDecision.Kind.DECISION), None)
    pending = (
        latest
        if session.decision_state == DecisionState.PENDING_SECOND
        and latest is not None
        and latest.outcome == ReviewDecision.Outcome.APPROVE
        else None
    )
    document_labels = {view.document.pk: view.title for view in doc_views}
    controls = list(Control.objects.filter(session=session).order_by("document", "pk"))
    for control in controls:
        control.document_label = document_labels.get(control.document_id, "Session")
    identity = session.identity
    context.update(
        documents=doc_views,
        other_media=other_media,
        person=casedata.person_rows(
            {
                "first_name": identity.first_name,
                "last_name": identity.last_name,
                "birth_date": identity.birth_date,
                "nationality": identity.nationality,
                "email": identity.email,
                "phone": identity.phone,
            },
            session.person or {},
        ),
        related=list(
            VerificationSession.objects.filter(Q(identity_id=session.identity_id) | Q(replaces_id=session.pk))
            .exclude(pk=session.pk)
            .order_by("-created_at", "-pk")[:RELATED_LIMIT]
        ),
        checks=casedata.check_groups(controls),
        reasons=casedata.reason_rows(session.reasons),
        sections=casedata.section_tables(session.sections),
        similarity=casedata.gauge(session.similarity),
        decisions=decisions,
        timeline=_timeline(request, session, media=media, decisions=decisions, with_pii=True),
        low_confidence=settings.KYCDESK_LOW_CONFIDENCE,
        is_reviewer=review.is_reviewer(request.user),
        can_reassign=request.user.has_perm("kycdesk.reassign_case"),
        can_note=request.user.has_perm("kycdesk.add_casenote"),
        can_launch=request.user.has_perm("kycdesk.launch_verification"),
        can_audit=can_see_audit(request),
        can_erase=request.user.has_perm("kycdesk.erase_case") and session.anonymized_at is None,
        audit_url=audit_trail_url(session.pk),
        launch_vendors=launchable_vendors() if request.user.has_perm("kycdesk.launch_verification") else [],
        **_decision_context(request, session, pending),
    )
    if context["can_reassign"]:
        context["reviewers"] = list(review.reviewers())
    return TemplateResponse(request, "admin/kycdesk/case/page.html", context)


# --- actions -----------------------------------------------------------------------------------


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = default
    return HttpResponseRedirect(target or default)


def _act(request: HttpRequest, pk: int, call: Callable[[], Any], success: str) -> HttpResponseRedirect:
    """Run one service call; refusals become a message (PermissionDenied propagates: 403)."""
    try:
        call()
    except review.ReviewRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return _back(request, case_url(pk))


@require_POST
def claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: review.claim(session_id=pk, user=request.user, ip=client_ip(request)),
        f"Case {pk} is yours for {settings.KYCDESK_CLAIM_MINUTES} minutes (each action renews it).",
    )


@require_POST
def release_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda: review.release(session_id=pk, user=request.user, ip=client_ip(request)), "Claim released."
    )


def _reviewer_from(request: HttpRequest):
    """The assignee chosen in a form: a reviewer's id, or empty for nobody."""
    raw = request.POST.get("to_user", "")
    if not raw:
        return None
    try:
        return review.reviewers().get(pk=int(raw))
    except (ValueError, get_user_model().DoesNotExist):
        raise review.ReviewRefused("Choose a reviewer from the list.") from None


@require_POST
def reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("kycdesk.reassign_case"):
        raise PermissionDenied

    def call() -> None:
        review.reassign(session_id=pk, to_user=_reviewer_from(request), by=request.user, ip=client_ip(request))

    return _act(request, pk, call, "Case reassigned.")


@require_POST
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = request.POST.get("outcome", "")

    def call() -> None:
        decision = review.decide(
            session_id=pk,
            user=request.user,
            outcome=outcome,
            reason_code=request.POST.get("reason_code", ""),
            comment=request.POST.get("comment", ""),
            ip=client_ip(request),
        )
        if decision.session.decision_state == DecisionState.PENDING_SECOND:
            messages.info(request, "Approval recorded: it now needs a second approval by another manager.")

    return _act(request, pk, call, f"Decision recorded: {outcome}.")


@require_POST
def second_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: review.second_approve(
            session_id=pk, user=request.user, comment=request.POST.get("comment", ""), ip=client_ip(request)
        ),
        "Second approval recorded: the case is approved.",
    )


@require_POST
def note_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: review.add_note(
            session_id=pk, user=request.user, text=request.POST.get("text", ""), ip=client_ip(request)
        ),
        "Note added.",
    )


def renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Request a new verification for this case: the generic launch form of the chosen vendor,
    pre-filled with the person and linked to this case (VerificationSession.replaces)."""
    if not request.user.has_perm("kycdesk.launch_verification"):
        raise PermissionDenied
    session = get_object_or_404(VerificationSession.objects.only("pk"), pk=pk)
    vendor = request.GET.get("vendor", "")
    if vendor not in dict(launchable_vendors()):
        raise Http404("This vendor is not enabled.")
    return HttpResponseRedirect(f"{reverse('admin:kycdesk_launch_vendor', args=[vendor])}?replaces={session.pk}")

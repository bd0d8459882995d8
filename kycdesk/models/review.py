from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class ReviewDecision(models.Model):
    """A reviewer's decision. Immutable: a correction is a new decision."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        SECOND_APPROVAL = "second_approval", "Second approval"

    session = models.ForeignKey("kycdesk.VerificationSession", on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DECISION)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason_code = models.CharField(max_length=60, blank=True)
    comment = models.TextField(blank=True)
    seconds = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="second_approvals",
        help_text="The decision this second approval confirms.",
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["decided_at"], name="decision_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.outcome}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Decisions are immutable; record a new decision instead.")
        super().save(*args, **kwargs)


class CaseNote(models.Model):
    session = models.ForeignKey("kycdesk.VerificationSession", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class SessionEvent(models.Model):
    """The case's history in time order: launches, deliveries, pulls, results, decisions, erasures."""

    session = models.ForeignKey("kycdesk.VerificationSession", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["session", "at"], name="event_session_idx")]

    def __str__(self) -> str:
        return self.summary

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import Vendor


class VendorErasure(models.Model):
    """One erase call owed to a vendor (anonymise or delete) for a case erased here.

    The local erase never waits for it: kycdesk.services.erase makes the call from a task and
    counts attempts here (not in django-q2). ``external_id`` is kept only until the vendor has
    done it, so the call can be retried after the case itself is deleted; the hash stays.
    """

    class Operation(models.TextChoices):
        ANONYMIZE = "anonymize", "Anonymise at the vendor"
        DELETE = "delete", "Delete at the vendor"
        ANONYMIZE_PERSON = "anonymize_person", "Anonymise the person's record at the vendor"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the vendor"
        DONE = "done", "Done at the vendor"
        FAILED = "failed", "Gave up: erase at the vendor by hand"

    session = models.ForeignKey(
        "kycdesk.VerificationSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vendor_erasures",
        help_text="Empty once the case itself was deleted.",
    )
    vendor = models.CharField(max_length=20, choices=Vendor.choices)
    external_id = models.CharField(max_length=200, blank=True, help_text="Cleared once the vendor has done it.")
    external_id_sha256 = models.CharField(max_length=64, db_index=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_message = models.TextField(blank=True, help_text="The vendor's last answer, as it came.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="vendor_erasure_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_operation_display()} ({self.vendor}): {self.get_state_display()}"

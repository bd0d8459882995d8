from __future__ import annotations

from django.db import models

from providers.base import MediaKind


def media_path(instance: Media, filename: str) -> str:
    # Paths carry no personal value: vendor, session pk and our own media pk-less name.
    return f"media/{instance.session.vendor}/{instance.session_id}/{filename}"


class Media(models.Model):
    """A file from a vendor, kept in private storage and only served by kycdesk.media."""

    # Functional API: (member name, (stored value, label)); values are providers.base.MediaKind's.
    Kind = models.TextChoices("Kind", [(k.name, (k.value, k.value.replace("_", " ").capitalize())) for k in MediaKind])

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to download"
        STORED = "stored", "Stored"
        FAILED = "failed", "Download failed"
        ERASED = "erased", "Erased"

    session = models.ForeignKey("kycdesk.VerificationSession", on_delete=models.CASCADE, related_name="media")
    document = models.ForeignKey(
        "kycdesk.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="media"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_key = models.CharField(max_length=500, help_text="Where the vendor serves it (vendor-specific).")
    source_url = models.URLField(max_length=2048, blank=True, editable=False)
    name = models.CharField(max_length=255, blank=True)
    file = models.FileField(upload_to=media_path, blank=True, max_length=500)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    expected_sha256 = models.CharField(max_length=64, blank=True, help_text="As the vendor stated it.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When a failed download is tried again.")
    #: when a download task was last queued for it (kycdesk.services.sweeps)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "media"
        ordering = ["session", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "source_key"], name="media_source_uniq"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="media_state_idx")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.session_id}"

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionDenied("Audit entries cannot be changed.")

    def delete(self):  # type: ignore[override]
        raise PermissionDenied("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """Who did what to which record, when and from where. Never a personal value in ``detail``."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="Username at the time, or 'system'.")
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
            # The trail's search box: an id or a username, exact, newest first.
            models.Index(fields=["target_id", "at"], name="audit_target_id_idx"),
            models.Index(fields=["actor_name", "at"], name="audit_actor_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionDenied("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise PermissionDenied("Audit entries cannot be deleted.")

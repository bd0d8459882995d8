from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class VideoAgent(models.Model):
    """An Identify24 ident specialist; the vendor has no call to list them (termin_user id)."""

    termin_user_id = models.CharField(max_length=50, unique=True, help_text="Identify24 termin_user id.")
    name = models.CharField(max_length=150)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    """A video-ident appointment. The newest booked, not cancelled row of a session is its current one.

    A row without ``booked_at`` is a reservation held while the vendor is asked (see
    kycdesk.services.appointments): it keeps the slot for a few minutes and is never shown as booked.
    """

    session = models.ForeignKey("kycdesk.VerificationSession", on_delete=models.CASCADE, related_name="appointments")
    agent = models.ForeignKey(VideoAgent, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(help_text="Stored in UTC.")
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="Europe/Berlin", help_text="The person's time zone.")
    vendor_insert_id = models.CharField(max_length=100, blank=True)
    cancelled = models.BooleanField(default=False, help_text="Replaced by a reschedule.")
    booked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the vendor confirmed it; empty while the booking is in flight."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["agent", "starts_at"], name="appointment_agent_idx"),
            models.Index(fields=["starts_at"], name="appointment_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

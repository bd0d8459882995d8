"""Simulator state, in the database so web and worker processes see the same vendor."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SimSession(models.Model):
    """A session (token, ident...) at a simulated vendor. ``data`` is the vendor's own state."""

    vendor = models.CharField(max_length=20)
    external_id = models.CharField(max_length=200)
    status = models.CharField(max_length=50, default="created")
    outcome = models.CharField(max_length=50, blank=True)
    request = models.JSONField(default=dict, blank=True, help_text="What the client sent to create it.")
    data = models.JSONField(default=dict, blank=True, help_text="The vendor-shaped result document.")
    webhook_url = models.URLField(max_length=2048, blank=True)
    callback_url = models.URLField(max_length=2048, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vendor", "external_id"], name="sim_session_uniq")]

    def __str__(self) -> str:
        return f"{self.vendor}:{self.external_id}"


class SimToken(models.Model):
    """An auth token the simulator issued; expiry and idle expiry as the vendor has them."""

    vendor = models.CharField(max_length=20)
    token = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.vendor} token {self.pk}"


class SimFile(models.Model):
    """A file the simulated vendor serves (document image, selfie, PDF, recording)."""

    session = models.ForeignKey(SimSession, on_delete=models.CASCADE, related_name="files")
    key = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    link_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "key"], name="sim_file_uniq")]

    def __str__(self) -> str:
        return self.key


class SimFault(models.Model):
    """A fault switch: the next ``remaining`` matching calls misbehave as ``kind`` says."""

    class Kind(models.TextChoices):
        UNAUTHORIZED = "401", "Answer 401"
        RATE_LIMIT = "429", "Answer 429 with Retry-After"
        SERVER_ERROR = "500", "Answer 500"
        TIMEOUT = "timeout", "Hang past the client's timeout"
        EXPIRE_TOKENS = "expire_tokens", "Expire every issued token now"
        DROP_WEBHOOK = "drop_webhook", "Do not send the next webhooks"
        DUPLICATE_WEBHOOK = "duplicate_webhook", "Send the next webhooks twice"

    vendor = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    remaining = models.PositiveIntegerField(default=1)
    retry_after = models.PositiveIntegerField(default=1)
    delay = models.FloatField(default=0, help_text="Seconds to hang for 'timeout'.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.vendor}: {self.kind} x{self.remaining}"


class SimWebhook(models.Model):
    """An outbound webhook the simulator sends (or dropped), with its attempts."""

    session = models.ForeignKey(SimSession, null=True, on_delete=models.SET_NULL, related_name="webhooks")
    vendor = models.CharField(max_length=20)
    url = models.URLField(max_length=2048)
    headers = models.JSONField(default=dict)
    body = models.BinaryField()
    attempts = models.PositiveSmallIntegerField(default=0)
    #: POSTs answered 2xx (a duplicated webhook is POSTed, and may be acknowledged, twice)
    acknowledged = models.PositiveSmallIntegerField(default=0)
    last_status = models.IntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dropped = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.vendor} webhook {self.pk}"

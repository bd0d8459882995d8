from __future__ import annotations

import functools
from typing import Any

from django.db import connections, models, router

from .choices import Vendor


class WebhookSubscription(models.Model):
    """A webhook the vendor has configured for us, mirrored from the vendor's list call."""

    vendor = models.CharField(max_length=20, choices=Vendor.choices)
    external_id = models.CharField(max_length=200)
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2048, blank=True)
    vendor_status = models.CharField(max_length=50, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["vendor", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "external_id"], name="subscription_vendor_external_id_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.name or self.external_id}"


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def unfinished(self) -> WebhookDeliveryQuerySet:
        return self.filter(state__in=[WebhookDelivery.State.RECEIVED, WebhookDelivery.State.PROCESSING])

    def record(self, **values: Any) -> WebhookDelivery:
        """``create(**values)``, as the webhook endpoint writes every delivery: one INSERT.

        On PostgreSQL the statement is built once per process and each field's value prepared
        by the field itself; ``create`` compiles the statement again for every row, which was
        a third of the endpoint's CPU under a burst (BENCHMARKS.md). Same row either way
        (tests/kycdesk/models/test_webhook_record.py compares every column).
        """
        db = self._db or router.db_for_write(self.model)
        connection = connections[db]
        if connection.vendor != "postgresql" or not _plain_columns(self.model):
            return self.using(db).create(**values)
        delivery = self.model(**values)
        fields = _insert_fields(self.model)
        params = [field.get_db_prep_save(field.pre_save(delivery, True), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(self.model), params)
            (delivery.pk,) = cursor.fetchone()
        delivery._state.adding = False
        delivery._state.db = db
        return delivery


@functools.cache
def _plain_columns(model: type[models.Model]) -> bool:
    """Whether every column is written from Python (no generated column, no database default):
    what the one-statement INSERT assumes; anything else goes through create()."""
    return not any(
        getattr(field, "generated", False) or field.db_default is not models.NOT_PROVIDED
        for field in _insert_fields(model)
    )


@functools.cache
def _insert_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(field for field in model._meta.concrete_fields if not field.primary_key)


@functools.cache
def _insert_sql(model: type[models.Model]) -> str:
    """PostgreSQL's INSERT of every column but the key, returning the key."""
    fields = _insert_fields(model)
    columns = ", ".join(f'"{field.column}"' for field in fields)
    values = ", ".join(["%s"] * len(fields))
    table, pk = f'"{model._meta.db_table}"', f'"{model._meta.pk.column}"'
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}"  # noqa: S608 (model names)


class WebhookDelivery(models.Model):
    """One inbound delivery, stored raw before anything parses it (dj-stripe's pattern)."""

    class Verdict(models.TextChoices):
        UNCHECKED = "unchecked", "Not yet verified"
        ACCEPTED = "accepted", "Accepted"
        REFUSED = "refused", "Refused (bad signature or token)"

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Processed"
        DUPLICATE = "duplicate", "Duplicate (already applied)"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed (dead letter)"

    vendor = models.CharField(max_length=20, choices=Vendor.choices)
    received_at = models.DateTimeField(db_index=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    body_sha256 = models.CharField(max_length=64)
    body_size = models.PositiveIntegerField(default=0)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, default=Verdict.UNCHECKED)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    event_type = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    session = models.ForeignKey(
        "kycdesk.VerificationSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: when a task was last queued for it or took it up (kycdesk.services.sweeps)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_state_idx"),
            models.Index(fields=["vendor", "dedupe_key"], name="delivery_dedupe_idx"),
            # Only what is searched and pruned: every index is one more write per delivery under
            # a burst (plain b-trees: Django's db_index would add a LIKE index to each CharField).
            models.Index(fields=["external_id"], name="delivery_external_id_idx"),
            models.Index(fields=["body_sha256"], name="delivery_sha256_idx"),
            models.Index(fields=["received_at"], condition=models.Q(verdict="refused"), name="delivery_refused_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} delivery {self.pk}"

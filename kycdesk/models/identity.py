from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper


class IdentityQuerySet(models.QuerySet["Identity"]):
    def active(self) -> IdentityQuerySet:
        return self.filter(anonymized_at__isnull=True)


class Identity(models.Model):
    """The person being verified, as staff entered them. Vendor findings live on the sessions."""

    reference = models.CharField(max_length=100, unique=True, help_text="Our own reference for the person.")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=3, blank=True, help_text="ISO 3166 alpha-2 or alpha-3.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    # Vendor-side ids of this person (e.g. VULT identity_id), by vendor code.
    vendor_ids = models.JSONField(default=dict, blank=True)
    legal_hold = models.BooleanField(default=False, help_text="Never erased by retention while set.")
    anonymized_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IdentityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "identities"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="identity_name_idx"),
            models.Index(fields=["-created_at"], name="identity_created_idx"),
            # "=reference" and "=email" searches compare UPPER(column); names have trigram
            # indexes on UPPER(column) on PostgreSQL (migration postgresql_search_and_statistics).
            models.Index(Upper("reference"), name="identity_reference_upper_idx"),
            models.Index(Upper("email"), name="identity_email_upper_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

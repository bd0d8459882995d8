from __future__ import annotations

from django.db import models

from .choices import Vendor


class Template(models.Model):
    """A vendor template, project or configuration id, or a local launch preset."""

    class Kind(models.TextChoices):
        TEMPLATE = "template", "Vendor template"  # Datakeen
        PROJECT = "project", "Vendor project"  # Identify24
        CONFIG = "config", "Configuration id"  # Identomat, registered by hand
        PRESET = "preset", "Local launch preset"

    vendor = models.CharField(max_length=20, choices=Vendor.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEMPLATE)
    external_id = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)
    vendor_status = models.CharField(max_length=50, blank=True)
    active = models.BooleanField(default=True, help_text="Offered in the launch form.")
    options = models.JSONField(default=dict, blank=True, help_text="Launch options this template presets.")
    raw = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vendor", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "external_id"],
                condition=~models.Q(external_id=""),
                name="template_vendor_external_id_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_vendor_display()}: {self.name}"

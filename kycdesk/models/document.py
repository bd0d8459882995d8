from __future__ import annotations

from django.db import models


class Document(models.Model):
    """An identity document (or other page) a vendor read during a session."""

    session = models.ForeignKey("kycdesk.VerificationSession", on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    type = models.CharField(max_length=60, blank=True)
    subtype = models.CharField(max_length=100, blank=True)
    side = models.CharField(max_length=30, blank=True)
    country = models.CharField(max_length=3, blank=True)
    number = models.CharField(max_length=100, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    pages = models.JSONField(default=list, blank=True)
    source_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"], name="document_position_uniq")]

    def __str__(self) -> str:
        return f"{self.type or 'document'} #{self.position}"


class ExtractedField(models.Model):
    class Source(models.TextChoices):
        OCR = "ocr", "OCR"
        MRZ = "mrz", "MRZ"
        NFC = "nfc", "NFC"
        BARCODE = "barcode", "Barcode"
        VENDOR = "vendor", "Vendor"
        AGENT = "agent", "Agent"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(max_length=100)
    value = models.TextField(blank=True)
    confidence = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.VENDOR)
    # Box as fractions of the page (0..1); all null when the vendor gives none.
    bbox_page = models.PositiveSmallIntegerField(null=True, blank=True)
    bbox_x = models.FloatField(null=True, blank=True)
    bbox_y = models.FloatField(null=True, blank=True)
    bbox_width = models.FloatField(null=True, blank=True)
    bbox_height = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["document", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_box(self) -> bool:
        return self.bbox_x is not None

    def is_low_confidence(self, threshold: float) -> bool:
        return self.confidence is not None and self.confidence < threshold


class Control(models.Model):
    """A check the vendor ran, at session level (document null) or on one document."""

    session = models.ForeignKey("kycdesk.VerificationSession", on_delete=models.CASCADE, related_name="controls")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE, related_name="controls")
    name = models.CharField(max_length=150)
    group = models.CharField(max_length=60, blank=True)
    passed = models.BooleanField(null=True, blank=True, help_text="Empty: not run or unknown.")
    confidence = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["session", "document", "pk"]

    def __str__(self) -> str:
        return self.name

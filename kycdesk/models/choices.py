"""Choices shared by several models. Values mirror providers.base enums (never imported from
vendor packages): kycdesk's database knows the unified vocabulary, not vendor JSON."""

from django.db import models

from providers.base import Status


class Vendor(models.TextChoices):
    DATAKEEN = "datakeen", "Datakeen IDify"
    IDENFY = "idenfy", "iDenfy"
    VULT = "vult", "VULT KYC API"
    IDENTOMAT = "identomat", "Identomat"
    IDENTIFY24 = "identify24", "Identify24 VideoIdent"


class SessionStatus(models.TextChoices):
    CREATED = Status.CREATED.value, "Created"
    IN_PROGRESS = Status.IN_PROGRESS.value, "In progress"
    APPROVED = Status.APPROVED.value, "Approved"
    REJECTED = Status.REJECTED.value, "Rejected"
    NEEDS_REVIEW = Status.NEEDS_REVIEW.value, "Needs review"
    EXPIRED = Status.EXPIRED.value, "Expired"
    CANCELLED = Status.CANCELLED.value, "Cancelled"
    ERROR = Status.ERROR.value, "Error"


OPEN_STATUSES = (SessionStatus.CREATED, SessionStatus.IN_PROGRESS)

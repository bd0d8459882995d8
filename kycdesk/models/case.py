from __future__ import annotations

from .session import VerificationSession


class Case(VerificationSession):
    """A verification session seen as a case to review. A proxy: the same rows, its own admin
    (the review queue at /admin/kycdesk/case/ and the case page at /admin/kycdesk/case/<id>/)."""

    class Meta:
        proxy = True
        verbose_name = "case"
        verbose_name_plural = "cases to review"
        # Access follows VerificationSession's permissions (kycdesk.admin.queue), not its own.
        default_permissions = ()

"""kycdesk's admin: one module per area. Each action or custom view calls one service."""

from . import audit, identities, operations, queue, sessions  # noqa: F401  (registers the ModelAdmins)

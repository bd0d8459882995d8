"""kycdesk's admin: one module per area. Each action or custom view calls one service."""

from . import agenda, audit, erase, identities, operations, queue, sessions  # noqa: F401  (registers the ModelAdmins)

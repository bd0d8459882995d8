"""kycdesk's unified models, one small module each."""

from .appointment import Appointment, VideoAgent
from .audit import AuditEntry
from .case import Case
from .choices import OPEN_STATUSES, SessionStatus, Vendor
from .document import Control, Document, ExtractedField
from .erasure import VendorErasure
from .identity import Identity
from .media import Media
from .review import CaseNote, ReviewDecision, SessionEvent
from .session import DecisionState, VerificationSession
from .template import Template
from .webhook import WebhookDelivery, WebhookSubscription

__all__ = [
    "OPEN_STATUSES",
    "Appointment",
    "AuditEntry",
    "Case",
    "CaseNote",
    "Control",
    "DecisionState",
    "Document",
    "ExtractedField",
    "Identity",
    "Media",
    "ReviewDecision",
    "SessionEvent",
    "SessionStatus",
    "Template",
    "Vendor",
    "VendorErasure",
    "VerificationSession",
    "VideoAgent",
    "WebhookDelivery",
    "WebhookSubscription",
]

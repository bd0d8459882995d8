"""The provider contract: normalized dataclasses and the Provider base class.

kycdesk never reads vendor JSON; every vendor package turns its JSON into these dataclasses
(in its pure ``normalize.py``) and implements the hooks of :class:`Provider` that the vendor
really offers, declaring them in ``capabilities``.
"""

from __future__ import annotations

import datetime as dt
import enum
import hmac
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

# Shorter credential values (a partner id "7") are not masked: they would mangle ordinary text.
MIN_MASKED_LENGTH = 8


class Status(enum.StrEnum):
    """Unified status (DESIGN.md, "Unified status"). The vendor's own value is kept beside it."""

    CREATED = "created"
    IN_PROGRESS = "in_progress"
    APPROVED = "approved"
    REJECTED = "rejected"
    NEEDS_REVIEW = "needs_review"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """How far along a session is: a result of lower rank never replaces a higher one."""
        return {Status.CREATED: 0, Status.IN_PROGRESS: 1}.get(self, 2)

    @property
    def is_outcome(self) -> bool:
        return self.rank == 2


class Capability(enum.StrEnum):
    """What a vendor really offers; the admin shows only these."""

    CREATE_SESSION = "create_session"
    FETCH_RESULT = "fetch_result"
    FETCH_MEDIA = "fetch_media"
    LIST_TEMPLATES = "list_templates"
    WEBHOOKS = "webhooks"
    POLLING = "polling"  # no result webhook: kycdesk must poll fetch_result
    ANONYMIZE = "anonymize"
    ANONYMIZE_PERSON = "anonymize_person"  # the vendor keeps a person record beyond sessions (VULT)
    DELETE = "delete"
    SCHEDULE = "schedule"  # appointments with the vendor's agents (Identify24)
    LIST_WEBHOOKS = "list_webhooks"  # the vendor lists the webhooks it has configured for us
    HEALTH = "health"


class MediaKind(enum.StrEnum):
    DOCUMENT_FRONT = "document_front"
    DOCUMENT_BACK = "document_back"
    DOCUMENT_PAGE = "document_page"
    SELFIE = "selfie"
    FACE_VIDEO = "face_video"
    DOCUMENT_VIDEO = "document_video"
    LIVENESS = "liveness"
    REPORT_PDF = "report_pdf"
    SIGNED_PDF = "signed_pdf"
    RECORDING = "recording"
    SCREENSHOT = "screenshot"
    OTHER = "other"


class FieldSource(enum.StrEnum):
    OCR = "ocr"
    MRZ = "mrz"
    NFC = "nfc"
    BARCODE = "barcode"
    VENDOR = "vendor"  # the vendor's consolidated value, source not stated
    AGENT = "agent"  # typed in by a vendor's agent (video ident)


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A box on a document page, every coordinate a fraction (0..1) of the page."""

    page: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class ExtractedField:
    name: str
    value: str
    confidence: float | None = None
    source: FieldSource = FieldSource.VENDOR
    bbox: BoundingBox | None = None


@dataclass(frozen=True, slots=True)
class Control:
    """One check the vendor ran. ``passed`` is None when it was not run or is unknown."""

    name: str
    passed: bool | None
    confidence: float | None = None
    score: float | None = None
    detail: str = ""
    group: str = ""


@dataclass(frozen=True, slots=True)
class Reason:
    """A vendor reason code (fraud tag, mismatch tag, reject reason...) and its meaning."""

    code: str
    kind: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class MediaRef:
    """Where to fetch one file from the vendor. ``key`` means something only to its provider."""

    kind: MediaKind
    key: str
    name: str = ""
    content_type: str = ""
    document_index: int | None = None
    sha256: str = ""  # when the vendor states one (Identify24): checked after download
    url: str = ""  # when the vendor hands out a direct (often expiring) link


@dataclass(frozen=True, slots=True)
class Person:
    first_name: str = ""
    last_name: str = ""
    middle_name: str = ""
    birth_date: dt.date | None = None
    birth_place: str = ""
    nationality: str = ""
    gender: str = ""
    document_number: str = ""
    personal_number: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    type: str = ""
    country: str = ""
    number: str = ""
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None
    subtype: str = ""  # the vendor's finer type, e.g. Datakeen cardType
    side: str = ""
    pages: tuple[Mapping[str, Any], ...] = ()
    fields: tuple[ExtractedField, ...] = ()
    controls: tuple[Control, ...] = ()
    source_name: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A vendor-specific block shown on the case page as a titled table (AML hits, DMV...)."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class VerificationResult:
    vendor: str
    external_id: str
    status: Status
    vendor_status: str = ""
    final: bool = False  # the vendor says nothing more will change
    reasons: tuple[Reason, ...] = ()
    person: Person = field(default_factory=Person)
    documents: tuple[Document, ...] = ()
    controls: tuple[Control, ...] = ()  # session-level checks
    media: tuple[MediaRef, ...] = ()
    liveness: bool | None = None
    similarity: float | None = None  # 0..1
    score: float | None = None
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    observed_at: dt.datetime | None = None  # the vendor's time for this state, for ordering
    sections: tuple[Section, ...] = ()
    #: The vendor's own id for the person, when it keeps one across sessions (VULT identity_id):
    #: kycdesk keeps it in Identity.vendor_ids[vendor].
    vendor_identity_id: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LaunchRequest:
    """What staff entered to launch a session. ``options`` holds vendor-specific, validated values."""

    reference: str
    first_name: str = ""
    last_name: str = ""
    birth_date: dt.date | None = None
    nationality: str = ""
    email: str = ""
    phone: str = ""
    template_id: str = ""
    webhook_url: str = ""
    callback_url: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LaunchResult:
    external_id: str
    link: str
    status: Status = Status.CREATED
    vendor_status: str = ""
    qr_png: bytes = b""
    expires_at: dt.datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    external_id: str
    name: str
    is_default: bool = False
    status: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WebhookInfo:
    """A webhook the vendor has configured for us, as its list call shows it (read-only)."""

    external_id: str
    url: str = ""
    name: str = ""
    status: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WebhookNotice:
    """What a verified delivery tells us. A hint: kycdesk pulls the truth where it can."""

    external_id: str
    event_type: str = ""
    vendor_status: str = ""
    final: bool = False
    result: VerificationResult | None = None  # only when the vendor signs its deliveries
    dedupe_key: str = ""


@dataclass(frozen=True, slots=True)
class EraseOutcome:
    done: bool
    message: str = ""


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """A vendor's settings block, handed in by kycdesk; providers never read Django settings."""

    code: str
    base_url: str
    credentials: Mapping[str, str] = field(default_factory=dict)
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_retries: int = 3
    public_url: str = ""  # kycdesk's own public URL, for the webhook URLs we hand out


class ProviderError(Exception):
    """Any failure talking to a vendor. ``message`` is the vendor's own text, shown to staff."""

    def __init__(
        self,
        vendor: str,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.vendor = vendor
        self.message = message
        self.status = status
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after

    def __str__(self) -> str:
        parts = [self.vendor]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code:
            parts.append(self.code)
        return f"{' '.join(parts)}: {self.message}"


class WebhookRejected(Exception):
    """A delivery that fails verification. ``http_status`` is what the endpoint answers."""

    def __init__(self, message: str, *, http_status: int = 401) -> None:
        super().__init__(message)
        self.http_status = http_status


class MalformedPayload(ValueError):
    """A body or file that is not what the vendor sends; the message says what is wrong."""


class Provider:
    """Base class of every vendor. Subclasses set ``code``, ``name``, ``capabilities``.

    Hooks that a vendor does not offer raise NotImplementedError; kycdesk checks
    ``capabilities`` before offering them, so they are never called.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    # Time a person has to use a link; the reconcile sweep uses it with a grace period.
    session_lifetime: ClassVar[dt.timedelta] = dt.timedelta(hours=1)
    #: The vendor's launch form (a providers.forms.LaunchForm subclass, as a dotted path so that
    #: importing a provider never imports Django forms).
    launch_form: ClassVar[str] = "providers.forms.LaunchForm"
    #: The vendor has no "expired" status of its own: a session still without an outcome past its
    #: expiry (plus grace) has expired (Datakeen: single-use links that die after 1 hour).
    silent_expiry: ClassVar[bool] = False
    #: Template kinds this vendor uses (kycdesk Template.kind values): "template", "project", "config".
    template_kind: ClassVar[str] = ""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def supports_webhooks(self) -> bool:
        return Capability.WEBHOOKS in self.capabilities

    # --- launch and results ------------------------------------------------------------
    def create_session(self, request: LaunchRequest) -> LaunchResult:
        raise NotImplementedError

    def fetch_result(self, external_id: str) -> VerificationResult:
        raise NotImplementedError

    def fetch_result_after(self, notice: WebhookNotice) -> VerificationResult | None:
        """The authoritative result after a verified notice (kycdesk's webhook task calls this).

        The notice is a hint, so by default this is ``fetch_result(notice.external_id)``. A vendor
        whose API result lacks the verdict only its notice carries (Datakeen's ``newStatus``)
        overrides it to combine the two. None: the notice is not about a result (nothing pulled,
        nothing applied; the stored delivery keeps it).
        """
        return self.fetch_result(notice.external_id)

    def fetch_media(self, external_id: str, ref: MediaRef) -> Iterator[bytes]:
        """Yield the file in chunks; never load a whole recording in memory."""
        raise NotImplementedError

    def list_templates(self) -> list[TemplateInfo]:
        raise NotImplementedError

    def list_webhooks(self) -> list[WebhookInfo]:
        raise NotImplementedError

    def schedule(self, external_id: str, when: dt.datetime, agent_id: str) -> str:
        """Book the vendor's agent ``agent_id`` for ``when`` (aware); return the vendor's record id."""
        raise NotImplementedError

    # --- inbound -------------------------------------------------------------------------
    def verify_webhook(self, headers: Mapping[str, str], body: bytes, path_token: str = "") -> None:
        """Check a delivery's signature or URL token on the raw bytes; raise WebhookRejected.

        Called by the endpoint after the delivery is stored and before it is answered, so it
        must be quick and must not parse the body.
        """
        raise NotImplementedError

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[WebhookNotice]:
        """Parse a verified delivery (raise MalformedPayload). Runs in a task, never in the request."""
        raise NotImplementedError

    def normalize(self, payload: Mapping[str, Any], external_id: str = "") -> VerificationResult:
        """Turn a saved vendor result document into a VerificationResult (import_result)."""
        raise NotImplementedError

    # --- erase and other calls -------------------------------------------------------------
    def anonymize(self, external_id: str) -> EraseOutcome:
        raise NotImplementedError

    def delete(self, external_id: str) -> EraseOutcome:
        raise NotImplementedError

    def anonymize_person(self, vendor_person_id: str) -> EraseOutcome:
        """Anonymise the vendor's own record of a person (the id kept in Identity.vendor_ids)."""
        raise NotImplementedError

    def health(self) -> bool:
        raise NotImplementedError

    # --- helpers -------------------------------------------------------------------------
    def webhook_url(self, path: str) -> str:
        """Our public endpoint for this vendor, e.g. webhook_url(f"{token}/")."""
        return f"{self.config.public_url.rstrip('/')}/webhooks/{self.code}/{path}"

    def credential(self, key: str) -> str:
        return self.config.credentials.get(key, "")

    def masked(self, value: Any) -> Any:
        """``value`` (text, or lists and mappings of it) with each of our credentials replaced by a
        placeholder such as ``<VULT_WEBHOOK_TOKEN>``: what may be kept or shown of a vendor's
        answer that repeats them (a webhook list echoing our secret URL)."""
        secrets = sorted(
            (
                (secret, f"<{self.code.upper()}_{key.upper()}>")
                for key, secret in self.config.credentials.items()
                if isinstance(secret, str) and len(secret) >= MIN_MASKED_LENGTH
            ),
            key=lambda pair: -len(pair[0]),
        )

        def walk(item: Any) -> Any:
            if isinstance(item, str):
                for secret, mask in secrets:
                    item = item.replace(secret, mask)
                return item
            if isinstance(item, Mapping):
                return {key: walk(inner) for key, inner in item.items()}
            if isinstance(item, list | tuple):
                return [walk(inner) for inner in item]
            return item

        return walk(value)

    def verify_path_token(self, path_token: str, credential_key: str = "webhook_token") -> None:
        """For unsigned vendors: the secret in our endpoint's URL must match, in constant time."""
        expected = self.credential(credential_key)
        if not expected or not hmac.compare_digest(path_token.encode(), expected.encode()):
            raise WebhookRejected("Unknown webhook URL.", http_status=404)

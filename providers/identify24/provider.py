"""Identify24Provider: wires client, normalize, webhooks and the launch form.

What the vendor really offers (doc v1.0.3): create an ident, set its appointment, read it and its
files, list projects and webhooks. There is no call to cancel, delete or anonymise an ident (nor
to list idents or agents): erasing a case is local only, and agents are kept in kycdesk.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from providers.base import (
    Capability,
    LaunchRequest,
    LaunchResult,
    MediaRef,
    Provider,
    ProviderConfig,
    ProviderError,
    Status,
    TemplateInfo,
    VerificationResult,
    WebhookInfo,
    WebhookNotice,
)

from . import normalize, webhooks
from .client import OPTIONAL_ATTRIBUTES, Identify24Client

#: webhook/getAll's status values ("Webhook Statuses").
WEBHOOK_STATUSES = {"1": "PENDING", "2": "RUNNING", "3": "SUCCESS", "4": "FAILED"}


class Identify24Provider(Provider):
    code = "identify24"
    name = "Identify24 VideoIdent"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.CREATE_SESSION,
            Capability.FETCH_RESULT,
            Capability.FETCH_MEDIA,
            Capability.LIST_TEMPLATES,
            Capability.LIST_WEBHOOKS,
            Capability.WEBHOOKS,
            Capability.SCHEDULE,
        }
    )
    #: "An Ident has a lifetime of 90 days if data retention policies do not dictate otherwise."
    session_lifetime = dt.timedelta(days=90)
    launch_form = "providers.identify24.forms.Identify24LaunchForm"
    template_kind = "project"

    def __init__(self, config: ProviderConfig, client: Identify24Client | None = None) -> None:
        super().__init__(config)
        self.client = client or Identify24Client(
            base_url=config.base_url,
            partner=self.credential("partner"),
            api_key=self.credential("api_key"),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            max_retries=config.max_retries,
        )

    # --- launch and appointments ---------------------------------------------------------------
    @staticmethod
    def ident_attributes(request: LaunchRequest) -> dict[str, Any]:
        """ident/create's flat body from what staff entered (the form enforced the vendor's rules)."""
        options = dict(request.options)
        body: dict[str, Any] = {
            "project_id": request.template_id,
            "person_first_name": request.first_name,
            "person_last_name": request.last_name,
            "birthday": request.birth_date.isoformat() if request.birth_date else "",
            "email": request.email,
            "mobile_phone": request.phone,
            "nationality": request.nationality,
        }
        for name in OPTIONAL_ATTRIBUTES:
            value = options.get(name)
            if value not in (None, ""):
                body[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        body.setdefault("custom_id", request.reference)
        if options.get("pdf"):
            body["pdf_content"] = "data:@file/pdf;base64," + base64.b64encode(options["pdf"]).decode("ascii")
        return body

    def create_session(self, request: LaunchRequest) -> LaunchResult:
        if not request.template_id:
            raise ProviderError(self.code, "Identify24 requires a project (project_id).", code="NO_PROJECT")
        answer = self.client.create_ident(self.ident_attributes(request))
        return LaunchResult(
            external_id=answer["ident_id"],
            link=str(answer.get("conference_url") or ""),
            status=Status.CREATED,
            expires_at=dt.datetime.now(dt.UTC) + self.session_lifetime,
            raw={k: v for k, v in answer.items() if k in ("ident_id", "conference_url", "messages")},
        )

    def schedule(self, external_id: str, when: dt.datetime, agent_id: str) -> str:
        """setOnboardifyAppointment: ``when`` in the person's time zone, sent with its offset."""
        return self.client.set_appointment(external_id, when, agent_id)

    # --- results and media ---------------------------------------------------------------------
    def fetch_result(self, external_id: str) -> VerificationResult:
        """The ident; once it has an outcome, its data too (PDFs, recordings, screenshots)."""
        ident = self.client.get_ident(external_id)
        result = normalize.ident_result(ident, external_id)
        if not result.status.is_outcome:
            return result
        return normalize.ident_result(self.client.get_ident_data(external_id), external_id)

    def normalize(self, payload: Mapping[str, Any], external_id: str = "") -> VerificationResult:
        return normalize.ident_result(payload, external_id)

    def fetch_media(self, external_id: str, ref: MediaRef) -> Iterator[bytes]:
        url = ref.url or self._current_url(external_id, ref.key)
        return self.client.download(url)

    def _current_url(self, external_id: str, key: str) -> str:
        for ref in normalize.media_refs(self.client.get_ident_data(external_id)):
            if ref.key == key:
                return ref.url
        raise ProviderError(self.code, f"The ident no longer lists the file {key}.", code="NO_SUCH_FILE")

    # --- projects and webhooks -----------------------------------------------------------------
    def list_templates(self) -> list[TemplateInfo]:
        """Projects. Only active ones are offered: the doc shows "Active" as the working status."""
        projects = []
        for project in self.client.get_projects():
            status = normalize.as_text(project.get("status"))
            if status and status.lower() != "active":
                continue
            projects.append(
                TemplateInfo(
                    external_id=normalize.as_text(project.get("id")),
                    name=normalize.as_text(project.get("title")) or f"Project {project.get('id')}",
                    status=status,
                    raw=project,
                )
            )
        return [p for p in projects if p.external_id]

    def list_webhooks(self) -> list[WebhookInfo]:
        hooks = []
        for hook in self.client.get_webhooks():
            code = normalize.as_text(hook.get("status"))
            hooks.append(
                WebhookInfo(
                    external_id=normalize.as_text(hook.get("id")),
                    url=normalize.as_text(hook.get("url")),
                    status=f"{code} {WEBHOOK_STATUSES.get(code, 'unknown')}".strip(),
                    raw=hook,
                )
            )
        return [h for h in hooks if h.external_id]

    # --- inbound -------------------------------------------------------------------------------
    def verify_webhook(self, headers: Mapping[str, str], body: bytes, path_token: str = "") -> None:
        # Unsigned deliveries: the secret is in our URL (/webhooks/identify24/<token>/).
        self.verify_path_token(path_token)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[WebhookNotice]:
        return webhooks.parse(body)

"""Launch a verification: one vendor call, then the session stored with its link and QR."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from kycdesk.models import Identity, SessionEvent, SessionStatus, Template, VerificationSession
from kycdesk.services import audit
from kycdesk.services.vendors import get_provider
from providers.base import LaunchRequest


def identity_for(request: LaunchRequest) -> Identity:
    """The identity with this reference, created or updated with what staff entered."""
    identity, _ = Identity.objects.get_or_create(reference=request.reference)
    fields: dict[str, Any] = {
        "first_name": request.first_name,
        "last_name": request.last_name,
        "birth_date": request.birth_date,
        "nationality": request.nationality,
        "email": request.email,
        "phone": request.phone,
    }
    changed = [name for name, value in fields.items() if value and getattr(identity, name) != value]
    for name in changed:
        setattr(identity, name, fields[name])
    if changed:
        identity.save(update_fields=[*changed, "updated_at"])
    return identity


def _json_options(options: Any) -> dict[str, Any]:
    """What we keep of the options: JSON-able values only (an uploaded PDF is not kept here)."""
    kept: dict[str, Any] = {}
    for key, value in dict(options).items():
        if isinstance(value, str | int | float | bool | type(None) | list | dict):
            kept[key] = value
        elif hasattr(value, "isoformat"):
            kept[key] = value.isoformat()
    return kept


def launch_session(
    *,
    vendor: str,
    request: LaunchRequest,
    user: AbstractBaseUser | None,
    template: Template | None = None,
    replaces: VerificationSession | None = None,
    ip: str | None = None,
) -> VerificationSession:
    """Create the session at the vendor, then store it. The vendor call is never retried here:
    creating a session can be billed (providers.http CallKind.CREATE)."""
    provider = get_provider(vendor)
    if template is not None and not request.template_id:
        request = replace(request, template_id=template.external_id, options={**template.options, **request.options})
    launched = provider.create_session(request)  # raises ProviderError with the vendor's message
    with transaction.atomic():
        identity = identity_for(request)
        session = VerificationSession.objects.create(
            vendor=vendor,
            external_id=launched.external_id,
            identity=identity,
            template=template,
            launched_by=user if user is not None and user.is_authenticated else None,
            replaces=replaces,
            link=launched.link,
            qr_png=launched.qr_png,
            status=SessionStatus(launched.status.value),
            vendor_status=launched.vendor_status,
            expires_at=launched.expires_at,
            launch_options=_json_options(request.options),
            raw=dict(launched.raw),
        )
        SessionEvent.objects.create(
            session=session,
            at=timezone.now(),
            kind="launch",
            summary=f"Launched at {provider.name or vendor}.",
            actor=session.launched_by,
        )
        if replaces is not None:
            SessionEvent.objects.create(
                session=replaces,
                at=session.created_at,
                kind="new_verification",
                summary=f"New verification requested at {provider.name or vendor} (case {session.pk}).",
                actor=session.launched_by,
            )
        audit.record(
            action="launch",
            actor=user,
            target=session,
            ip=ip,
            vendor=vendor,
            **({"replaces": replaces.pk} if replaces is not None else {}),
        )
    return session


def open_session_warnings(*, vendor: str, reference: str) -> list[str]:
    """Warn before launching again for a person with an open session (some vendors bill again)."""
    if not reference:
        return []
    open_sessions = VerificationSession.objects.open().filter(vendor=vendor, identity__reference=reference)
    count = open_sessions.count()
    if not count:
        return []
    return [f"{count} open session(s) already exist for this reference at this vendor; launching again may be billed."]

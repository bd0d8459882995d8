"""VULT identities on kycdesk's side: mirrored onto Identity (identity_id kept in
Identity.vendor_ids["vult"]), their IDA (re-authentication) sessions, and the vendor-side erase.

VULT keeps a person as an "identity" across sessions; apply_result links it from each session
read, and :func:`sync_identities` mirrors the vendor's whole list (the daily schedule and an
admin action). IDA sessions are not cases: they are read live from VULT on the identity's page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction

from kycdesk.models import Identity
from kycdesk.services import audit
from kycdesk.services.vendors import enabled_codes, get_provider
from providers.base import EraseOutcome, LaunchResult, ProviderError
from providers.vult.normalize import IdaSession, VultIdentity
from providers.vult.provider import VultProvider

VENDOR = "vult"


class NotAllowed(ValueError):
    """The call cannot be made for this identity; the message says why, for staff."""


def vult() -> VultProvider:
    return cast(VultProvider, get_provider(VENDOR))


def vult_id(identity: Identity) -> str:
    return str(identity.vendor_ids.get(VENDOR) or "")


def _required_id(identity: Identity) -> str:
    identity_id = vult_id(identity)
    if not identity_id:
        raise NotAllowed("This person has no VULT identity yet.")
    return identity_id


# --- mirror --------------------------------------------------------------------------------
def _mirror(found: VultIdentity) -> bool:
    """Create or complete the kycdesk identity of one VULT identity; True when created.

    What staff entered wins: VULT's values only fill blanks."""
    identity = Identity.objects.filter(vendor_ids__vult=found.identity_id).first()
    created = identity is None
    if identity is None:
        identity = Identity(reference=f"vult:{found.identity_id}"[:100], vendor_ids={VENDOR: found.identity_id})
    person = found.person
    values: dict[str, Any] = {
        "first_name": person.first_name[:100],
        "last_name": person.last_name[:100],
        "birth_date": person.birth_date,
        "address": person.address,
    }
    changed = [name for name, value in values.items() if value and not getattr(identity, name)]
    for name in changed:
        setattr(identity, name, values[name])
    if created:
        identity.save()
    elif changed:
        identity.save(update_fields=[*changed, "updated_at"])
    return created


def sync_identities(*, actor: Any = None) -> dict[str, int]:
    """Mirror every VULT identity. Idempotent: a rerun creates nothing twice."""
    listed = created = 0
    for found in vult().list_identities():
        with transaction.atomic():
            created += _mirror(found)
        listed += 1
    audit.record(action="vult_identity_sync", actor=actor, vendor=VENDOR, listed=listed, created=created)
    return {"listed": listed, "created": created}


def sync_if_enabled() -> dict[str, int]:
    """The daily schedule: nothing to do while VULT is disabled."""
    return sync_identities() if VENDOR in enabled_codes() else {}


# --- what the identity's page shows ---------------------------------------------------------
@dataclass(frozen=True)
class IdentityPanel:
    identity_id: str
    identity: VultIdentity | None = None
    ida_sessions: list[IdaSession] = field(default_factory=list)
    error: str = ""


def panel(identity: Identity) -> IdentityPanel | None:
    """VULT's view of this person, read live (None when the person has no VULT identity)."""
    identity_id = vult_id(identity)
    if not identity_id:
        return None
    provider = vult()
    try:
        return IdentityPanel(identity_id, provider.read_identity(identity_id), provider.ida_sessions(identity_id))
    except ProviderError as exc:
        return IdentityPanel(identity_id, error=str(exc))


# --- calls that change state: each audited ----------------------------------------------------
def audited(action: str, outcome: EraseOutcome, *, actor: Any, ip: str | None, **detail: Any) -> EraseOutcome:
    """Record a vendor-side erase and VULT's answer to it (done or refused, in VULT's words)."""
    audit.record(
        action=action, actor=actor, ip=ip, vendor=VENDOR, done=outcome.done, vendor_answer=outcome.message, **detail
    )
    return outcome


def start_ida_session(
    *, identity: Identity, actor: Any, ip: str | None = None, liveness_mode: str = "passive"
) -> LaunchResult:
    """Start a re-authentication for a verified VULT identity; returns the person's link."""
    identity_id = _required_id(identity)
    provider = vult()
    found = provider.read_identity(identity_id)
    if found is None or found.verified is not True:
        raise NotAllowed("VULT has not verified this identity: an IDA session needs a verified identity.")
    launched = provider.create_ida_session(identity_id, reference=identity.reference, liveness_mode=liveness_mode)
    audit.record(
        action="vult_ida_start", actor=actor, target=identity, ip=ip, vendor=VENDOR, ida_session=launched.external_id
    )
    return launched


def _own_ida_session(identity_id: str, session_id: str) -> None:
    """Refuse an IDA session of another identity (the id comes from a URL)."""
    if session_id not in {s.session_id for s in vult().ida_sessions(identity_id)}:
        raise NotAllowed("This IDA session does not belong to this identity.")


def delete_ida_session(*, identity: Identity, session_id: str, actor: Any, ip: str | None = None) -> EraseOutcome:
    identity_id = _required_id(identity)
    _own_ida_session(identity_id, session_id)
    outcome = vult().delete_ida_session(session_id)
    return audited("vult_ida_delete", outcome, actor=actor, ip=ip, target=identity, ida_session=session_id)


def ida_document(*, identity: Identity, session_id: str, actor: Any, ip: str | None = None) -> Iterator[bytes]:
    """The IDA document's bytes, streamed; the look is audited before the first byte."""
    identity_id = _required_id(identity)
    _own_ida_session(identity_id, session_id)
    audit.record(
        action="vult_ida_document_view", actor=actor, target=identity, ip=ip, vendor=VENDOR, ida_session=session_id
    )
    return vult().ida_document(session_id)


def anonymize_vult_identity(*, identity: Identity, actor: Any, ip: str | None = None) -> EraseOutcome:
    """Ask VULT to anonymize its identity. kycdesk's own rows are the erase service's (issue 11)."""
    outcome = vult().anonymize_identity(_required_id(identity))
    return audited("vult_identity_anonymize", outcome, actor=actor, ip=ip, target=identity)

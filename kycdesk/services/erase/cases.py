"""The entry points: erase_case, erase_identity and erase_cases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kycdesk.models import Identity, Media, SessionEvent, VerificationSession
from kycdesk.services import audit

from .files import _delete_files
from .plan import (
    ANONYMISE,
    DELETE,
    REASONS,
    CaseErased,
    EraseFailed,
    EraseRefused,
    User,
    _real,
    external_id_hash,
    hold_reason,
    vendor_plan,
)
from .rows import _anonymise_identity, _delete_rows, _owe_person_erasures, _owe_vendor, _scrub_case, _settle_identity


def erase_case(session_id: int, *, mode: str, actor: User, reason: str, ip: str | None = None) -> CaseErased:
    """Anonymise (mode=ANONYMISE) or delete (mode=DELETE) one case. Raises EraseRefused under
    legal hold and EraseFailed when storage keeps a file (then no row has changed)."""
    if mode not in (ANONYMISE, DELETE):
        raise ValueError(f"Unknown erase mode {mode!r}.")
    if reason not in REASONS:
        raise ValueError(f"Unknown erase reason {reason!r}.")
    now = timezone.now()
    with transaction.atomic():
        session = VerificationSession.objects.select_for_update().select_related("identity").get(pk=session_id)
        held = hold_reason(session)
        if held:
            raise EraseRefused(f"Case {session.pk} was not erased: {held}.")
        list(Media.objects.select_for_update().filter(session=session).values_list("pk", flat=True))
        files = _delete_files(session)
        _scrub_case(session, now)
        plan = vendor_plan(session.vendor, mode)
        erasure_id = _owe_vendor(session, plan, actor, now)
        identity = session.identity
        detail = {
            "vendor": session.vendor,
            "reason": reason,
            "files_deleted": files,
            "vendor_call": plan.operation or "none",
            "vendor_note": plan.note,
        }
        if mode == ANONYMISE:
            SessionEvent.objects.create(
                session=session,
                at=now,
                kind="anonymised",
                summary=f"Personal data and {files} file(s) erased ({REASONS[reason]}). {plan.note}"[:300],
                actor=_real(actor),
            )
            identity_outcome = _settle_identity(identity, now)
            audit.record(
                action="case_anonymised", actor=actor, target=session, ip=ip, identity=identity_outcome, **detail
            )
        else:
            external_hash = external_id_hash(session.vendor, session.external_id)
            pk = session.pk
            _delete_rows(session)
            identity_outcome = _settle_identity(identity, now)
            # The tombstone: no row of the case is left, only this.
            audit.record(
                action="case_deleted",
                actor=actor,
                target=None,
                ip=ip,
                case=pk,
                external_id_sha256=external_hash,
                identity=identity_outcome,
                **detail,
            )
            session.pk = pk
    return CaseErased(session.pk, session.vendor, mode, files, plan.operation, erasure_id, identity_outcome)


def erase_identity(identity_id: int, *, mode: str, actor: User, reason: str, ip: str | None = None) -> list[CaseErased]:
    """Erase every case of a person, then the person (anonymised, or deleted with its cases)."""
    identity = Identity.objects.get(pk=identity_id)
    held = [s.pk for s in identity.sessions.all() if s.legal_hold]
    if identity.legal_hold or held:
        raise EraseRefused(f"Identity {identity.pk} was not erased: it or one of its cases is under legal hold.")
    vendor_people = dict(identity.vendor_ids or {})  # read before the local erase wipes them
    done = [
        erase_case(pk, mode=mode, actor=actor, reason=reason, ip=ip)
        for pk in identity.sessions.order_by("pk").values_list("pk", flat=True)
    ]
    now = timezone.now()
    with transaction.atomic():
        _owe_person_erasures(vendor_people, actor=actor, now=now)
        identity = Identity.objects.select_for_update().filter(pk=identity_id).first()
        if identity is None:
            outcome = "deleted"  # went with its last case
        elif mode == DELETE and not identity.sessions.exists():
            identity.delete()
            outcome = "deleted"
        else:
            _anonymise_identity(identity, now)
            outcome = "anonymised"
        audit.record(
            action=f"identity_{outcome}",
            actor=actor,
            target=identity if outcome == "anonymised" else None,
            ip=ip,
            identity=identity_id,
            reason=reason,
            cases=len(done),
        )
    return done


@dataclass
class BatchResult:
    erased: list[CaseErased]
    refused: list[tuple[int, str]]


def erase_cases(
    session_ids: Iterable[int], *, mode: str, actor: User, reason: str, ip: str | None = None
) -> BatchResult:
    """Erase several cases, one transaction each; a held or failing one does not stop the rest."""
    result = BatchResult([], [])
    for pk in session_ids:
        try:
            result.erased.append(erase_case(pk, mode=mode, actor=actor, reason=reason, ip=ip))
        except (EraseRefused, EraseFailed) as exc:
            result.refused.append((pk, str(exc)))
        except VerificationSession.DoesNotExist:
            result.refused.append((pk, f"Case {pk} no longer exists."))
    return result

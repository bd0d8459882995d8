"""Erase: the one service behind every way personal data leaves kycdesk (admin actions on cases
and identities, the retention schedule, tests).

*Anonymise* keeps the case's skeleton (vendor, external id, dates, statuses, vendor verdict,
decisions with who/when/outcome/reason code, events and the audit trail) and wipes every
personal value: the fields listed in PERSONAL_FIELDS, the webhook bodies, and every media file
(thumbnails included), whose absence from storage is checked before the rows change.
*Delete* does the same, then removes the case's rows and leaves an audit tombstone (vendor,
external id hashed, who, when, why).

Both ask the vendor to erase its copy where it offers a call (Capability.ANONYMIZE/DELETE). The
call is made by a django-q2 task after commit and retried with our own attempt count
(VendorErasure); a vendor refusing or failing never undoes or blocks the local erase. Where the
vendor offers no call, the confirmation page and the audit entry say so.

An identity is anonymised with its last live case (deleted with its last case): it belongs to
the other cases as long as one of them is live.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from kycdesk.models import (
    AuditEntry,
    CaseNote,
    Control,
    Document,
    ExtractedField,
    Identity,
    Media,
    ReviewDecision,
    SessionEvent,
    VendorErasure,
    VerificationSession,
    WebhookDelivery,
)
from kycdesk.services import audit
from kycdesk.services.vendors import get_provider, supports
from providers.base import Capability, ProviderError

User = AbstractBaseUser | AnonymousUser | None

ANONYMISE, DELETE = "anonymise", "delete"

#: Why a case is erased: a fixed list, so the tombstone never carries free text about a person.
REASONS = {
    "subject_request": "The person asked for erasure",
    "retention": "Retention period ended",
    "launched_in_error": "Launched in error or a test case",
    "legal_instruction": "Instruction from legal or the DPO",
}

MAX_VENDOR_ATTEMPTS = 8
VENDOR_RETRY_FIRST = dt.timedelta(minutes=5)
VENDOR_RETRY_MAX = dt.timedelta(hours=24)
VENDOR_CALL_LEASE = dt.timedelta(minutes=10)  # a claimed call is not handed out again before this

#: Headers of a webhook delivery that say nothing about a person; the rest go with the body.
SAFE_DELIVERY_HEADERS = frozenset({"content-type", "content-length", "user-agent"})

#: Every column that can hold a personal value, per model, and what it becomes. A test fails when
#: a text, JSON or binary column is added to a case's models without being listed here or in
#: SKELETON_FIELDS, so a new column is a decision, not an accident.
PERSONAL_FIELDS: dict[type[models.Model], dict[str, Any]] = {
    VerificationSession: {
        "link": "",
        "qr_png": b"",
        "launch_options": {},
        "person": {},
        "sections": [],
        "raw": {},
        "result_fingerprint": "",  # a hash of the personal result
    },
    Document: {"number": "", "issue_date": None, "expiry_date": None, "pages": [], "source_name": ""},
    ExtractedField: {"value": ""},
    Control: {"detail": ""},
    Media: {
        "file": "",
        "name": "",
        "source_url": "",
        "source_key": Concat(models.Value("erased-"), Cast("pk", models.CharField())),
        "sha256": "",
        "expected_sha256": "",
        "last_error": "",
        "size": None,
    },
    CaseNote: {"text": "(erased)"},
    ReviewDecision: {"comment": ""},  # outcome, reason code, who and when are kept
    WebhookDelivery: {"body": b""},  # headers: see SAFE_DELIVERY_HEADERS
    Identity: {
        "reference": Concat(models.Value("erased-"), Cast("pk", models.CharField())),
        "first_name": "",
        "last_name": "",
        "birth_date": None,
        "nationality": "",
        "email": "",
        "phone": "",
        "address": "",
        "vendor_ids": {},
    },
}

#: Text/JSON columns of a case's models that hold no personal value and are kept.
SKELETON_FIELDS: dict[str, set[str]] = {
    "verificationsession": {"vendor", "external_id", "status", "vendor_status", "reasons", "decision_state"},
    "document": {"type", "subtype", "side", "country"},
    "extractedfield": {"name", "source"},
    "control": {"name", "group"},
    "media": {"kind", "content_type", "state"},
    "reviewdecision": {"kind", "outcome", "reason_code"},
    "sessionevent": {"kind", "summary"},  # written by kycdesk itself, never a personal value
    "appointment": {"time_zone", "vendor_insert_id"},
    "webhookdelivery": {
        "vendor",
        "body_sha256",
        "verdict",
        "state",
        "event_type",
        "external_id",
        "dedupe_key",
        "last_error",
        "headers",
    },
    "vendorerasure": {"vendor", "external_id", "external_id_sha256", "operation", "state", "last_message"},
    "casenote": set(),
}


class EraseRefused(Exception):
    """The case (or its identity) is under legal hold: nothing was changed."""


class EraseFailed(Exception):
    """A file could not be removed from storage: the rows were left as they were."""


@dataclass(frozen=True)
class VendorPlan:
    vendor: str
    operation: str  # VendorErasure.Operation value, or "" when the vendor offers no erase call

    @property
    def note(self) -> str:
        if self.operation == VendorErasure.Operation.ANONYMIZE:
            return "The vendor's anonymise call will be made."
        if self.operation == VendorErasure.Operation.DELETE:
            return "The vendor's delete call will be made."
        return "This vendor offers no erase call: kycdesk erases its own copy only; ask the vendor to erase theirs."


@dataclass(frozen=True)
class CaseErased:
    session_id: int
    vendor: str
    mode: str
    files_deleted: int
    vendor_operation: str
    erasure_id: int | None
    identity: str  # "anonymised", "deleted" or "kept" (it still has live cases)


def external_id_hash(vendor: str, external_id: str) -> str:
    return hashlib.sha256(f"{vendor}:{external_id}".encode()).hexdigest()


def vendor_plan(vendor: str, mode: str) -> VendorPlan:
    """The vendor call an erase makes: its anonymise or delete, whichever it offers (delete first
    when the case is deleted here)."""
    order = [Capability.ANONYMIZE, Capability.DELETE]
    if mode == DELETE:
        order.reverse()
    for capability in order:
        if supports(vendor, capability):
            return VendorPlan(vendor, capability.value)
    return VendorPlan(vendor, "")


def hold_reason(session: VerificationSession) -> str:
    if session.legal_hold:
        return "the case is under legal hold"
    if session.identity.legal_hold:
        return "the person is under legal hold"
    return ""


# --- files ---------------------------------------------------------------------------------


def media_storage() -> Storage:
    return Media._meta.get_field("file").storage


def session_folder(session: VerificationSession) -> str:
    """Where a case's files live (kycdesk.models.media.media_path), thumbnails included."""
    return f"media/{session.vendor}/{session.pk}"


def _walk(storage: Storage, folder: str) -> list[str]:
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += _walk(storage, f"{folder}/{directory}")
    return names


def case_files(session: VerificationSession) -> list[str]:
    """Every stored file of the case: the ones its media rows name and anything else in its folder."""
    names = set(_walk(media_storage(), session_folder(session)))
    names.update(name for name in session.media.exclude(file="").values_list("file", flat=True) if name)
    return sorted(names)


def _delete_files(session: VerificationSession) -> int:
    storage = media_storage()
    names = case_files(session)
    for name in names:
        storage.delete(name)
    left = [name for name in names if storage.exists(name)]
    if left:
        raise EraseFailed(f"{len(left)} file(s) of case {session.pk} could not be removed from storage.")
    _remove_empty_folders(storage, session_folder(session))
    return len(names)


def _remove_empty_folders(storage: Storage, folder: str) -> None:
    try:
        root = storage.path(folder)
    except NotImplementedError:
        return  # object storage has no folders
    import os

    for current, _dirs, _files in sorted(os.walk(root), key=lambda entry: -len(entry[0])):
        try:
            os.rmdir(current)
        except OSError:
            pass


# --- rows ----------------------------------------------------------------------------------


def scrub_delivery(delivery: WebhookDelivery) -> None:
    """Wipe a delivery's personal content in place (the caller saves it)."""
    delivery.body = b""
    delivery.headers = {k: v for k, v in (delivery.headers or {}).items() if k.lower() in SAFE_DELIVERY_HEADERS}


def was_erased(vendor: str, external_id: str, session: VerificationSession | None) -> bool:
    """Whether a (late) delivery names a case erased here: anonymised, or deleted (its tombstone)."""
    if session is not None:
        return session.anonymized_at is not None
    return AuditEntry.objects.filter(
        action="case_deleted", detail__external_id_sha256=external_id_hash(vendor, external_id)
    ).exists()


def _deliveries_of(session: VerificationSession) -> models.QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        Q(session=session) | Q(vendor=session.vendor, external_id=session.external_id)
    )


def _scrub_case(session: VerificationSession, now: dt.datetime) -> None:
    def wipe(model: type[models.Model], queryset: models.QuerySet) -> None:
        queryset.update(**PERSONAL_FIELDS[model])

    wipe(ExtractedField, ExtractedField.objects.filter(document__session=session))
    wipe(Document, Document.objects.filter(session=session))
    wipe(Control, Control.objects.filter(session=session))
    wipe(Media, Media.objects.filter(session=session))
    Media.objects.filter(session=session).update(state=Media.State.ERASED)
    wipe(CaseNote, CaseNote.objects.filter(session=session))
    wipe(ReviewDecision, ReviewDecision.objects.filter(session=session))
    for delivery in _deliveries_of(session).only("pk", "headers"):
        scrub_delivery(delivery)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(body=b"", headers=delivery.headers)
    reasons = [{"code": r.get("code", ""), "kind": r.get("kind", "")} for r in session.reasons or [] if r]
    VerificationSession.objects.filter(pk=session.pk).update(
        **PERSONAL_FIELDS[VerificationSession], reasons=reasons, anonymized_at=session.anonymized_at or now
    )


def _anonymise_identity(identity: Identity, now: dt.datetime) -> None:
    Identity.objects.filter(pk=identity.pk).update(
        **PERSONAL_FIELDS[Identity], anonymized_at=identity.anonymized_at or now, updated_at=now
    )


def _owe_vendor(session: VerificationSession, plan: VendorPlan, actor: User, now: dt.datetime) -> int | None:
    """Record the vendor call to make (once per case and operation)."""
    if not plan.operation:
        return None
    existing = VendorErasure.objects.filter(
        session=session, operation=plan.operation, state__in=[VendorErasure.State.PENDING, VendorErasure.State.DONE]
    ).first()
    if existing is not None:
        return existing.pk
    erasure = VendorErasure.objects.create(
        session=session,
        vendor=session.vendor,
        external_id=session.external_id,
        external_id_sha256=external_id_hash(session.vendor, session.external_id),
        operation=plan.operation,
        requested_by=_real(actor),
        requested_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: enqueue_vendor_call(erasure.pk))
    return erasure.pk


def _owe_person_erasures(vendor_people: dict[str, str], *, actor: User, now: dt.datetime) -> list[int]:
    """One owed call per vendor that keeps its own record of the person (VULT identities)."""
    owed = []
    for vendor, person_id in sorted(vendor_people.items()):
        if not person_id or not supports(vendor, Capability.ANONYMIZE_PERSON):
            continue
        erasure = VendorErasure.objects.create(
            session=None,
            vendor=vendor,
            external_id=str(person_id),
            external_id_sha256=external_id_hash(vendor, str(person_id)),
            operation=VendorErasure.Operation.ANONYMIZE_PERSON,
            requested_by=_real(actor),
            requested_at=now,
            next_attempt_at=now,
        )
        transaction.on_commit(lambda pk=erasure.pk: enqueue_vendor_call(pk))
        owed.append(erasure.pk)
    return owed


def _real(actor: User) -> AbstractBaseUser | None:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- the entry points ------------------------------------------------------------------------


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


def _delete_rows(session: VerificationSession) -> None:
    _deliveries_of(session).delete()
    VerificationSession.objects.filter(replaces=session).update(replaces=None)
    # Second approvals protect the decision they confirm: remove them first.
    ReviewDecision.objects.filter(session=session, seconds__isnull=False).delete()
    session.delete()


def _settle_identity(identity: Identity, now: dt.datetime) -> str:
    """Delete the identity once it has no case left; anonymise it once none of its cases is live."""
    cases = identity.sessions.all()
    if not cases.exists():
        identity.delete()
        return "deleted"
    if cases.filter(anonymized_at__isnull=True).exists():
        return "kept"
    _anonymise_identity(identity, now)
    return "anonymised"


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


# --- the vendor's copy -----------------------------------------------------------------------


def enqueue_vendor_call(erasure_id: int) -> None:
    from django_q.tasks import async_task

    async_task("kycdesk.tasks.vendor_erase", erasure_id, task_name=f"vendor-erase-{erasure_id}")


def _claim(erasure_id: int, now: dt.datetime) -> VendorErasure | None:
    with transaction.atomic():
        erasure = VendorErasure.objects.select_for_update().get(pk=erasure_id)
        if erasure.state != VendorErasure.State.PENDING:
            return None
        if erasure.next_attempt_at and erasure.next_attempt_at > now:
            return None
        erasure.attempts += 1
        erasure.next_attempt_at = now + VENDOR_CALL_LEASE
        erasure.save(update_fields=["attempts", "next_attempt_at"])
        return erasure


def retry_delay(attempts: int) -> dt.timedelta:
    return min(VENDOR_RETRY_MAX, VENDOR_RETRY_FIRST * 3 ** (attempts - 1))


def call_vendor(*, erasure_id: int) -> str:
    """Make one owed vendor call and record its answer. Safe to run twice (claimed in the row)."""
    now = timezone.now()
    erasure = _claim(erasure_id, now)
    if erasure is None:
        return "skipped"
    code = ""
    try:
        outcome = getattr(get_provider(erasure.vendor), erasure.operation)(erasure.external_id)
        done, message = outcome.done, outcome.message or ("Done." if outcome.done else "The vendor did not do it.")
    except ProviderError as exc:
        done, message, code = False, str(exc), exc.code or (str(exc.status) if exc.status else "")
    except NotImplementedError:
        done, message = False, f"The {erasure.vendor} provider does not implement {erasure.operation}."
    erasure.last_message = message[:2000]
    if done:
        erasure.state = VendorErasure.State.DONE
        erasure.finished_at = timezone.now()
        erasure.external_id = ""  # the hash stays; nothing links back to the vendor's record now
        erasure.next_attempt_at = None
    elif erasure.attempts >= MAX_VENDOR_ATTEMPTS:
        erasure.state = VendorErasure.State.FAILED
        erasure.finished_at = timezone.now()
        erasure.next_attempt_at = None
    else:
        erasure.next_attempt_at = timezone.now() + retry_delay(erasure.attempts)
    erasure.save()
    verb = {"anonymize": "anonymise", "delete": "delete"}.get(erasure.operation, "anonymise the person")
    if erasure.session_id:
        SessionEvent.objects.create(
            session_id=erasure.session_id,
            at=timezone.now(),
            kind="vendor_erase",
            summary=f"Vendor {verb}, attempt {erasure.attempts}: {'done' if done else 'not done'} — {message}"[:300],
        )
    audit.record(
        action="vendor_erase",
        target=erasure,
        vendor=erasure.vendor,
        operation=erasure.operation,
        attempt=erasure.attempts,
        done=done,
        state=erasure.state,
        error_code=code,
        external_id_sha256=erasure.external_id_sha256,
    )
    return str(erasure.state)


def retry_vendor_calls(*, limit: int = 500) -> int:
    """Queue the owed vendor calls whose time has come (the schedule's sweep)."""
    ids = list(
        VendorErasure.objects.filter(state=VendorErasure.State.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for erasure_id in ids:
        enqueue_vendor_call(erasure_id)
    return len(ids)


def try_again(*, erasure_id: int, actor: User, ip: str | None = None) -> None:
    """A manager asks for another round of attempts on a call that was given up."""
    updated = VendorErasure.objects.filter(pk=erasure_id, state=VendorErasure.State.FAILED).update(
        state=VendorErasure.State.PENDING, attempts=0, next_attempt_at=timezone.now(), finished_at=None
    )
    if updated:
        audit.record(action="vendor_erase_retry", actor=actor, target=VendorErasure.objects.get(pk=erasure_id), ip=ip)
        transaction.on_commit(lambda: enqueue_vendor_call(erasure_id))

"""The person's page for VULT: the IDV and IDA simulators. Finishing writes the session read,
document read, test read and locations VULT would hold, stores an image per storage_file_type_e
the capture produced, keeps the identity, and sends the webhook."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import transaction
from django.utils import timezone

from providers.sandbox import media, outbound
from providers.sandbox.models import SimFile, SimSession
from providers.sandbox.simulator import Outcome, Simulator, Uploads
from providers.vult.normalize import DOCUMENT_FILES

from .common import VENDOR, _records, now_iso
from .configuration import _weights
from .specimens import DMV_DOCUMENTS, DMV_NOT_APPLICABLE, IDV_OUTCOMES, fake_person, location, test_read


def _store(session: SimSession, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
    SimFile.objects.update_or_create(
        session=session, key=key, defaults={"data": data, "content_type": content_type, "sha256": media.sha256(data)}
    )


def _notify(session: SimSession, event: str) -> None:
    """The webhook: to the session's own webhook_url, else to every registered webhook."""
    urls = [session.webhook_url] if session.webhook_url else [w.data["url"] for w in _records("webhook")]
    body = json.dumps({"event": event, "session_id": session.external_id, "status_e": session.status}).encode()
    for url in urls:
        outbound.send_webhook(
            vendor=VENDOR, url=url, body=body, headers={"Content-Type": "application/json"}, session=session
        )


class VultSimulator(Simulator):
    vendor = VENDOR
    title = "VULT KYC API: identity verification (sandbox)"
    outcomes = (
        Outcome("verified", "Verified driver licence", "DMV record matches, OFAC clear: complete, verified."),
        Outcome("verified_passport", "Verified passport", "No DMV record for passports; OFAC clear: verified."),
        Outcome("dmv_mismatch", "DMV mismatch", "The DMV record disagrees on birth date and number: not verified."),
        Outcome("manipulated", "Manipulated state ID", "The front image is edited and found online: not verified."),
        Outcome("ofac_potential_match", "OFAC potential match", "Passport card; temporarily_blocked for review."),
        Outcome("abandon", "Abandon", "The person leaves: VULT reports the session expired."),
    )
    statuses: ClassVar[dict[str, str]] = {
        "verified": "approved",
        "verified_passport": "approved",
        "dmv_mismatch": "rejected",
        "manipulated": "rejected",
        "ofac_potential_match": "needs_review",
    }

    def person(self, session: SimSession) -> dict[str, str]:
        metadata = session.request.get("metadata") or {}
        return {
            "flow": "identity verification (IDV)",
            "reference": str(metadata.get("reference", "")),
            "liveness mode": str(session.request.get("liveness_mode") or "passive"),
        }

    @transaction.atomic
    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        read = dict(session.data["session"])
        now = now_iso()
        read.update(consented=True, consented_at=now)
        if outcome == "abandon":
            read.update(status_e="expired", completed_at=now, verified=False)
            session.data = {**session.data, "session": read}
            _close(session, outcome, read["status_e"])
            return
        document_type, status_e, verified, failing, dmv, ofac, score = IDV_OUTCOMES[outcome]
        reference = str((session.request.get("metadata") or {}).get("reference") or session.external_id)
        person = fake_person(reference)
        sides = DOCUMENT_FILES[document_type]  # the storage_file_type_e values of this document
        mode = str(session.request.get("liveness_mode") or "passive")
        card = {
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "birth_date": person["birth_date"],
            "document_number": person["document_number"],
            "expiry_date": "2030-07-04",
            "issue_date": "2022-07-04",
            "nationality": "USA",
            "gender": person["gender_e"],
            "address": f"{person['street']}, {person['city']}, {person['state']} {person['postal_code']}",
        }
        for name in sides:
            upload = uploads.back if name.endswith("_back") else uploads.front
            side = "back" if name.endswith("_back") else "front"
            _store(session, name, upload or media.id_card(card, side, date_format="%m/%d/%Y"))
        _store(session, "selfie", uploads.selfie or media.selfie(reference))
        _store(session, "liveness_passive", media.selfie(f"{reference}:passive"))
        if mode == "passive_active":
            for step in range(1, 5):
                _store(session, f"liveness_active_step_{step}", media.selfie(f"{reference}:{step}"))
        identity_id = "idn_" + hashlib.sha256(reference.encode()).hexdigest()[:12]
        read.update(
            {k: person[k] for k in ("first_name", "middle_name", "last_name", "birth_date", "gender_e")},
            suffix_name="",
            status_e=status_e,
            document_type_e=document_type,
            document_front_given=True,
            document_front_given_at=now,
            document_back_given=any(n.endswith("_back") for n in sides),
            document_back_given_at=now if any(n.endswith("_back") for n in sides) else None,
            liveness_detected=True,
            liveness_detected_at=now,
            selfie_given=True,
            selfie_given_at=now,
            dmv_status_e=dmv,
            dmv_detected_at=now if dmv != DMV_NOT_APPLICABLE else None,
            ofac_status_e=ofac,
            ofac_detected_at=now,
            verified=verified,
            verified_at=now if verified else None,
            completed_at=now if status_e == "complete" else None,
            score=score,
            identity_id=identity_id,
            idv_weights_id=_weights()["current"],
        )
        read["history"] = [*read.get("history", []), {"created_at": now, "status_e": status_e}]
        document = {
            "session_id": session.external_id,
            "document_id": f"doc_{session.external_id[:8]}",
            "type_e": document_type,
            "data_source_e": "barcode" if document_type in DMV_DOCUMENTS else "mrz",
            "ref_number": "0310RF2022",
            "issued_at": "2022-07-04",
            "expires_at": "2030-07-04",
            "issuing_country": "USA",
            "issuing_state": person["state"] if document_type in DMV_DOCUMENTS else "",
            "name_suffix": "",
            **{k: person[k] for k in ("document_number", "first_name", "middle_name", "last_name", "street")},
            **{k: person[k] for k in ("city", "state", "postal_code", "birth_date", "gender_e")},
            "height": "5-07",
            "weight": "150",
            "eye_color": "BRN",
            "hair_color": "BLK",
            "class": "C" if document_type == "driver_license" else "",
            "restrictions": "NONE" if document_type == "driver_license" else "",
        }
        captures = ["front_doc_image_capture", "selfie_image_capture"]
        if read["document_back_given"]:
            captures.insert(1, "back_doc_image_capture")
        session.data = {
            **session.data,
            "session": read,
            "document": document,
            "tests": test_read(document_type, failing),
            "locations": {kind: location(n) for n, kind in enumerate(captures)},
        }
        _keep_identity(identity_id, read, document, session.external_id)
        _close(session, outcome, status_e)


def _close(session: SimSession, outcome: str, status_e: str) -> None:
    session.status = status_e
    session.outcome = outcome
    session.finished_at = timezone.now()
    session.save()
    _notify(session, f"{session.data['kind']}.session.{status_e}")


def _keep_identity(identity_id: str, read: Mapping[str, Any], document: Mapping[str, Any], session_id: str) -> None:
    record, _ = SimSession.objects.get_or_create(
        vendor=VENDOR, external_id=f"identity:{identity_id}", defaults={"data": {"kind": "identity"}}
    )
    data = dict(record.data)
    data.update(
        identity_id=identity_id,
        created_at=data.get("created_at") or now_iso(),
        **{k: read.get(k) for k in ("first_name", "middle_name", "last_name", "suffix_name", "birth_date")},
        **{k: read.get(k) for k in ("gender_e", "document_front_given", "document_front_given_at", "verified")},
        **{k: read.get(k) for k in ("verified_at", "liveness_detected", "liveness_detected_at", "score")},
        **{k: read.get(k) for k in ("ofac_status_e", "ofac_detected_at", "dmv_status_e", "dmv_detected_at")},
        **{k: document.get(k) for k in ("street", "city", "state", "postal_code")},
        sessions=[*data.get("sessions", []), session_id],
    )
    record.data = data
    record.save()


class VultIdaSimulator(Simulator):
    """The IDA (re-authentication) flow: a selfie against a verified identity."""

    vendor = VENDOR
    title = "VULT KYC API: identity authentication (sandbox)"
    outcomes = (
        Outcome("authenticated", "Authenticated", "The selfie matches the verified identity."),
        Outcome("not_authenticated", "Not authenticated", "The face does not match the identity."),
        Outcome("abandon", "Abandon", "The person leaves: the session expires."),
    )
    accepts_uploads = False

    def person(self, session: SimSession) -> dict[str, str]:
        return {"flow": "identity authentication (IDA)", "identity": str(session.request.get("identity_id", ""))}

    @transaction.atomic
    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        read = dict(session.data["session"])
        now = now_iso()
        if outcome == "abandon":
            read.update(status_e="expired", completed_at=now, authenticated=False)
        else:
            read.update(
                status_e="complete",
                completed_at=now,
                liveness_detected=True,
                liveness_detected_at=now,
                selfie_given=True,
                selfie_given_at=now,
                authenticated=outcome == "authenticated",
            )
            _store(session, "selfie", media.selfie(session.external_id))
            lines = [f"Identity: {read['identity_id']}", f"Authenticated: {read['authenticated']}", f"At: {now}"]
            _store(session, "ida_document", media.pdf("VULT identity authentication", lines), "application/pdf")
        read["history"] = [*read.get("history", []), {"created_at": now, "status_e": read["status_e"]}]
        session.data = {**session.data, "session": read, "locations": {"selfie_image_capture": location(0)}}
        _close(session, outcome, read["status_e"])


simulator = VultSimulator()
ida_simulator = VultIdaSimulator()

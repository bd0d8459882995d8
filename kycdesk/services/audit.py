from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from kycdesk.models import AuditEntry

User = AbstractBaseUser | AnonymousUser | None


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address. Behind a proxy, the proxy sets REMOTE_ADDR via the WSGI server."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    action: str,
    actor: User = None,
    target: models.Model | None = None,
    ip: str | None = None,
    **detail: Any,
) -> AuditEntry:
    """Append one audit entry. ``detail`` must carry ids and codes only, never personal values."""
    real_actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=real_actor,
        actor_name=real_actor.get_username() if real_actor else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip=ip,
        detail=detail,
    )

"""The base of every vendor simulator, and where the simulators are found.

A simulator is the vendor's side of the wire: ``providers/<code>/sandbox.py`` defines a
:class:`Simulator` subclass instance named ``simulator`` and the ``urlpatterns`` of the vendor's
API, mounted at ``/sandbox/<code>/``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar

from django.http import Http404
from django.utils import timezone

from providers.sandbox.models import SimSession

SIMULATED_VENDORS = ("datakeen", "idenfy", "vult", "identomat", "identify24")


@dataclass(frozen=True)
class Outcome:
    """One way the person (or the vendor's agent) can end the flow; only what the vendor can produce."""

    key: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Uploads:
    """Images the tester chose to upload instead of the synthetic ones."""

    front: bytes | None = None
    back: bytes | None = None
    selfie: bytes | None = None


class Simulator:
    vendor: ClassVar[str] = ""
    title: ClassVar[str] = ""
    outcomes: ClassVar[tuple[Outcome, ...]] = ()
    #: outcomes `manage.py demo` produces, one case each (default: all)
    demo_outcomes: ClassVar[tuple[str, ...]] = ()
    #: what a launch needs beyond the person at this vendor (a template or project id the simulator
    #: knows, options its API requires); the demo and the live tests launch with them
    launch_template_id: ClassVar[str] = ""
    launch_options: ClassVar[Mapping[str, Any]] = {}
    #: outcome key -> the unified status kycdesk must end up showing for it (what `make chaos`
    #: checks every session against); outcomes left out are not used by the chaos run
    statuses: ClassVar[dict[str, str]] = {}
    #: the person's page is played by the vendor's agent (video ident) rather than the person
    agent_side: ClassVar[bool] = False
    accepts_uploads: ClassVar[bool] = True

    def get_session(self, external_id: str) -> SimSession:
        try:
            return SimSession.objects.get(vendor=self.vendor, external_id=external_id, deleted=False)
        except SimSession.DoesNotExist:
            raise Http404("No such session at this simulated vendor.") from None

    def person(self, session: SimSession) -> dict[str, str]:
        """Who is being verified, as the page shows it (from what the client sent)."""
        return {str(k): str(v) for k, v in session.request.items() if isinstance(v, str | int) and v != ""}

    def refusal(self, session: SimSession) -> str:
        """Why this session can no longer be finished, or ""."""
        if session.finished_at is not None:
            return "This session has already been used: sessions are single-use."
        if session.expires_at is not None and session.expires_at <= timezone.now():
            return "This session has expired."
        return ""

    def finish(self, session: SimSession, outcome: str, uploads: Uploads) -> None:
        """Write the vendor-shaped result into ``session.data``, store files, send the webhook."""
        raise NotImplementedError

    def outcome(self, key: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.key == key:
                return outcome
        raise KeyError(key)


def simulator_module(code: str) -> ModuleType | None:
    """The vendor's sandbox module, or None while that vendor's simulator is not built."""
    name = f"providers.{code}.sandbox"
    if importlib.util.find_spec(f"providers.{code}") is None or importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def simulators() -> dict[str, Simulator]:
    found: dict[str, Simulator] = {}
    for code in SIMULATED_VENDORS:
        module = simulator_module(code)
        if module is not None:
            found[code] = module.simulator
    return found

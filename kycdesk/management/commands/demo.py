"""python manage.py demo [--if-empty]: sample users and a realistic spread of cases.

Cases are made by driving the real vendor clients through the simulators over HTTP — launch,
then play the person on the link — exactly as a tester would, never by inserting rows. A
temporary server is started on KYCDESK_PUBLIC_URL's address for the run (so the links stay valid
for `make run`'s server afterwards). Rerunning adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kycdesk.models import Appointment, Template, VerificationSession, VideoAgent
from kycdesk.services import polling
from kycdesk.services.appointments import AppointmentError, schedule_appointment
from kycdesk.services.launch import launch_session
from kycdesk.services.templates import launch_template
from kycdesk.services.vendors import enabled_codes
from providers.base import LaunchRequest, ProviderError
from providers.sandbox.simulator import simulators
from providers.sandbox.testing import finish

USERS = [
    ("officer", "Compliance officer"),
    ("manager", "Compliance manager"),
    ("manager2", "Compliance manager"),
    ("agent", "Appointment staff"),
]
PEOPLE = [
    ("Jeanne", "Martin", dt.date(1984, 7, 11), "FR"),
    ("Luca", "Rossi", dt.date(1991, 2, 3), "IT"),
    ("Amara", "Okafor", dt.date(1979, 11, 25), "NG"),
    ("Mateusz", "Nowak", dt.date(1988, 5, 30), "PL"),
    ("Sofia", "Almeida", dt.date(1995, 9, 14), "PT"),
    ("Jan", "Novak", dt.date(1969, 12, 1), "CZ"),
]
IN_PROGRESS = "in_progress"  # launched, never finished by the person


def book_demo_appointment(session: VerificationSession) -> None:
    """Identify24: every demo ident gets an appointment with the demo agent, one slot after another."""
    agent, _ = VideoAgent.objects.get_or_create(termin_user_id="1", defaults={"name": "Demo Agent"})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    slot = dt.timedelta(minutes=settings.KYCDESK_APPOINTMENT_MINUTES)
    starts = dt.datetime.combine(tomorrow, dt.time(9), tzinfo=ZoneInfo("Europe/Berlin"))
    starts += slot * Appointment.objects.filter(agent=agent).count()
    schedule_appointment(
        session_id=session.pk, agent_id=agent.pk, starts_at=starts, time_zone="Europe/Berlin", user=None
    )


#: vendor -> a step run after a demo case is launched (e.g. Identify24 schedules an appointment)
DEMO_EXTRAS: dict[str, Callable[[VerificationSession], None]] = {"identify24": book_demo_appointment}


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(public_url: str) -> Iterator[None]:
    """kycdesk itself, simulators included, on the public URL's address for the demo's duration."""
    parts = urlsplit(public_url)
    try:
        server = make_server(
            parts.hostname or "127.0.0.1",
            parts.port or 80,
            WSGIHandler(),
            server_class=_ThreadingServer,
            handler_class=_Quiet,
        )
    except OSError as exc:
        raise CommandError(
            f"Cannot serve {public_url} for the demo ({exc.strerror}); is something running there?"
        ) from None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def tasks_inline() -> Iterator[None]:
    """Run django-q2 tasks in-process during the demo, so every webhook is handled before we stop."""
    from django_q.conf import Conf

    before = Conf.SYNC
    Conf.SYNC = True
    try:
        yield
    finally:
        Conf.SYNC = before


class Command(BaseCommand):
    help = "Create sample users and cases for every vendor whose simulator exists (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any case exists.")

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if not (settings.DEBUG and settings.KYCDESK_SANDBOX):
            raise CommandError("The demo runs only in local mode with the sandbox on.")
        self.make_users()
        if if_empty and VerificationSession.objects.exists():
            self.stdout.write("Cases exist already: no demo cases added.")
            return
        made = 0
        with serving(settings.KYCDESK_PUBLIC_URL), tasks_inline():
            for code, simulator in simulators().items():
                if code not in enabled_codes():
                    continue
                template = self.template(code, simulator.launch_template_id)
                keys = [*(simulator.demo_outcomes or [o.key for o in simulator.outcomes]), IN_PROGRESS]
                for index, key in enumerate(keys):
                    made += self.make_case(code, key, index, template)
            # Vendors without a result webhook (Identomat) are polled: ask once now, so their
            # outcomes show at once rather than at the schedule's next run.
            polling.enqueue_due(limit=500)
        self.stdout.write(f"Demo ready: {made} new cases.")

    def make_users(self) -> None:
        from pathlib import Path

        password_file = Path(settings.BASE_DIR) / "var" / "demo-password"
        password = password_file.read_text().strip() if password_file.exists() else None
        User = get_user_model()
        for username, role in USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
            if created:
                if password:
                    user.set_password(password)
                else:
                    user.set_unusable_password()
                user.save()
            user.groups.add(Group.objects.get(name=role))
        self.stdout.write(f"Sample users: {', '.join(u for u, _ in USERS)} (same password as demo).")

    def template(self, code: str, external_id: str) -> Template | None:
        """The simulator's launch template (else the vendor's default), synced from the vendor first."""
        try:
            return launch_template(vendor=code, external_id=external_id)
        except ProviderError as exc:
            self.stderr.write(f"{code} templates: {exc}")
            return launch_template(vendor=code, external_id=external_id, sync=False)

    def make_case(self, code: str, outcome: str, index: int, template: Template | None = None) -> int:
        reference = f"demo-{code}-{outcome}"
        if VerificationSession.objects.filter(vendor=code, identity__reference=reference).exists():
            return 0
        first, last, birth, country = PEOPLE[index % len(PEOPLE)]
        request = LaunchRequest(
            reference=reference,
            first_name=first,
            last_name=last,
            birth_date=birth,
            nationality=country,
            email=f"{first.lower()}@example.invalid",
            phone="+33600000000",
            options=dict(simulators()[code].launch_options),
        )
        try:
            session = launch_session(vendor=code, request=request, user=None, template=template)
            if code in DEMO_EXTRAS:
                DEMO_EXTRAS[code](session)
            if outcome != IN_PROGRESS:
                finish(session.link, outcome)
        except (ProviderError, AppointmentError) as exc:
            self.stderr.write(f"{code} {outcome}: {exc}")
            return 0
        return 1

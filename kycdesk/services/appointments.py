"""Video-ident appointments (Identify24): schedule, reschedule, and the agenda by day and agent.

An agent is never booked twice within one slot (KYCDESK_APPOINTMENT_MINUTES). The rule is
enforced here, not only in a form, in two short transactions around the vendor call:

1. reserve: lock the session row, then the agent's row (always in that order, so two bookings
   never deadlock), check the overlap against booked appointments and live reservations, and
   insert the new row without ``booked_at``; commit. A second booking for the same agent waits
   on the lock, then sees the reservation and is refused.
2. ask the vendor (setOnboardifyAppointment), holding no transaction: a vendor call can take
   seconds, and SQLite (local mode, where the sandbox answers from the same database) would lock
   every other writer out meanwhile.
3. confirm: stamp ``booked_at`` and cancel the previous appointment; or, if the vendor refused,
   delete the reservation. A reservation left by a dead worker stops counting after
   RESERVATION_TTL, longer than any vendor call with its retries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kycdesk.models import OPEN_STATUSES, Appointment, SessionEvent, VerificationSession, VideoAgent
from kycdesk.services import audit
from kycdesk.services.reconcile import ReconcileReport, pull
from kycdesk.services.vendors import enabled_codes, get_provider, supports
from providers.base import Capability, ProviderError

AGENDA_LIMIT = 500
#: How long a reservation holds its slot while the vendor is asked: more than a vendor call with
#: its retries and backoff can take, so a live booking is never overtaken.
RESERVATION_TTL = dt.timedelta(minutes=10)
#: After an appointment's end, how long its webhook may take before the ident is pulled.
PULL_AFTER = dt.timedelta(hours=1)


class AppointmentError(Exception):
    """A booking that cannot be made; the message is shown to staff as it is."""


def slot_length() -> dt.timedelta:
    minutes = settings.KYCDESK_APPOINTMENT_MINUTES
    if minutes < 1:
        raise ImproperlyConfigured("KYCDESK_APPOINTMENT_MINUTES must be at least 1.")
    return dt.timedelta(minutes=minutes)


def zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise AppointmentError(f"Unknown time zone {time_zone!r}.") from None


def local_start(day: dt.date, at: dt.time, time_zone: str) -> dt.datetime:
    """The aware start of an appointment entered as a date, a time and the person's time zone.

    A wall-clock time that does not exist there (clocks go forward) or exists twice (clocks go
    back) is refused rather than silently moved: the person and the agent must mean the same hour.
    """
    tz = zone(time_zone)
    wall = dt.datetime.combine(day, at.replace(second=0, microsecond=0))
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        if first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != wall:
            raise AppointmentError(f"{wall:%Y-%m-%d %H:%M} does not exist in {time_zone} (the clocks go forward).")
        raise AppointmentError(f"{wall:%Y-%m-%d %H:%M} happens twice in {time_zone} (the clocks go back).")
    return first


def current_appointment(session: VerificationSession) -> Appointment | None:
    """The session's booked appointment that still stands (a reschedule cancels the one before)."""
    return (
        session.appointments.filter(cancelled=False, booked_at__isnull=False)
        .select_related("agent")
        .order_by("-booked_at", "-pk")
        .first()
    )


def holding(now: dt.datetime) -> Q:
    """Rows that hold their slot: booked ones, and reservations still in flight."""
    return Q(booked_at__isnull=False) | Q(created_at__gte=now - RESERVATION_TTL)


def clashes(agent: VideoAgent, starts_at: dt.datetime, ends_at: dt.datetime, *, session_id: int) -> QuerySet:
    """The agent's appointments overlapping [starts_at, ends_at), of other idents still open (an
    ident that ended before its appointment frees the agent)."""
    return (
        Appointment.objects.filter(agent=agent, cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .filter(holding(timezone.now()), session__status__in=OPEN_STATUSES)
        .exclude(session_id=session_id)
    )


def schedule_appointment(
    *,
    session_id: int,
    agent_id: int,
    starts_at: dt.datetime,
    time_zone: str,
    user: AbstractBaseUser | None,
    ip: str | None = None,
) -> Appointment:
    """Book (or rebook) the session's ident with an agent at ``starts_at`` in the person's zone."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be aware")
    starts_at = starts_at.astimezone(zone(time_zone))
    reservation, previous = _reserve(session_id, agent_id, starts_at, time_zone, user)
    try:
        insert_id = get_provider(reservation.session.vendor).schedule(
            reservation.session.external_id, starts_at, reservation.agent.termin_user_id
        )
    except BaseException as exc:
        Appointment.objects.filter(pk=reservation.pk, booked_at__isnull=True).delete()
        if isinstance(exc, ProviderError):
            audit.record(
                action="appointment_refused",
                actor=user,
                target=reservation.session,
                ip=ip,
                agent=agent_id,
                vendor_code=exc.code,
                vendor_status=exc.status,
            )
        raise
    return _confirm(reservation, previous, insert_id, user, ip)


@transaction.atomic
def _reserve(
    session_id: int, agent_id: int, starts_at: dt.datetime, time_zone: str, user: AbstractBaseUser | None
) -> tuple[Appointment, Appointment | None]:
    now = timezone.now()
    if starts_at <= now:
        raise AppointmentError("An appointment must be in the future.")
    ends_at = starts_at + slot_length()
    session = VerificationSession.objects.select_for_update().get(pk=session_id)
    if not supports(session.vendor, Capability.SCHEDULE):
        raise AppointmentError(f"{session.get_vendor_display()} has no appointments.")
    if not session.is_open:
        raise AppointmentError(f"This ident is {session.get_status_display().lower()}: it takes no appointment.")
    if session.expires_at and ends_at > session.expires_at:
        raise AppointmentError(f"The ident expires on {session.expires_at:%Y-%m-%d}: pick an earlier date.")
    agent = VideoAgent.objects.select_for_update().get(pk=agent_id)
    if not agent.active:
        raise AppointmentError(f"{agent.name} is no longer an active agent.")
    in_flight = session.appointments.filter(booked_at__isnull=True)
    in_flight.filter(created_at__lt=now - RESERVATION_TTL).delete()  # left behind by a dead worker
    if in_flight.exists():
        raise AppointmentError("Another booking for this ident is being made: try again in a moment.")
    clash = clashes(agent, starts_at, ends_at, session_id=session.pk).order_by("starts_at").first()
    if clash is not None:
        local = clash.starts_at.astimezone(starts_at.tzinfo)
        raise AppointmentError(
            f"{agent.name} already has an appointment at {local:%Y-%m-%d %H:%M} ({time_zone}) "
            f"within {int(slot_length().total_seconds() // 60)} minutes of this one."
        )
    reservation = Appointment.objects.create(
        session=session,
        agent=agent,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    return reservation, current_appointment(session)


@transaction.atomic
def _confirm(
    reservation: Appointment,
    previous: Appointment | None,
    insert_id: str,
    user: AbstractBaseUser | None,
    ip: str | None,
) -> Appointment:
    reservation.booked_at = timezone.now()
    reservation.vendor_insert_id = insert_id[:100]
    reservation.save(update_fields=["booked_at", "vendor_insert_id"])
    if previous is not None:
        Appointment.objects.filter(pk=previous.pk).update(cancelled=True)
    session, agent = reservation.session, reservation.agent
    local = reservation.starts_at.astimezone(zone(reservation.time_zone))
    verb = "rescheduled" if previous else "scheduled"
    SessionEvent.objects.create(
        session=session,
        at=reservation.booked_at,
        kind=f"appointment_{verb}",
        summary=f"Appointment {verb}: {local:%Y-%m-%d %H:%M} {reservation.time_zone} with {agent.name}."[:300],
        actor=reservation.created_by,
    )
    audit.record(
        action="appointment_reschedule" if previous else "appointment_schedule",
        actor=user,
        target=reservation,
        ip=ip,
        session=session.pk,
        agent=agent.pk,
        replaces=previous.pk if previous else None,
        starts_at=reservation.starts_at.astimezone(dt.UTC).isoformat(),
    )
    return reservation


# --- the agenda ----------------------------------------------------------------------------------
@dataclass
class AgentDay:
    agent: VideoAgent
    appointments: list[Appointment] = field(default_factory=list)


@dataclass
class AgendaDay:
    day: dt.date
    agents: list[AgentDay] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(a.appointments) for a in self.agents)


def agenda(
    *, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo, agent_id: int | None = None
) -> tuple[list[AgendaDay], bool]:
    """Standing appointments in [start, end), by day (in ``tz``) then agent, earliest first.

    Returns the days and whether the list was cut at AGENDA_LIMIT rows.
    """
    rows = (
        Appointment.objects.filter(cancelled=False, booked_at__isnull=False, starts_at__gte=start, starts_at__lt=end)
        .select_related("agent", "session", "session__identity")
        .order_by("starts_at", "agent__name", "pk")
    )
    if agent_id:
        rows = rows.filter(agent_id=agent_id)
    appointments = list(rows[: AGENDA_LIMIT + 1])
    cut = len(appointments) > AGENDA_LIMIT
    days = []
    by_day = groupby(appointments[:AGENDA_LIMIT], key=lambda a: a.starts_at.astimezone(tz).date())
    for day, items in by_day:
        agents: dict[int, AgentDay] = {}
        for appointment in items:
            agents.setdefault(appointment.agent_id, AgentDay(appointment.agent)).appointments.append(appointment)
        days.append(AgendaDay(day, sorted(agents.values(), key=lambda a: (a.agent.name, a.agent.pk))))
    return days, cut


def pull_after_appointments(*, now: dt.datetime | None = None, limit: int = 100) -> ReconcileReport:
    """Open idents whose appointment ended PULL_AFTER ago: the call is over, so their webhook
    should have come. Pull them now rather than at the ident's 90-day expiry, while the vendor
    still keeps the recording and PDFs. Each is pulled at most once per back-off interval."""
    now = now or timezone.now()
    report = ReconcileReport()
    for code in scheduling_vendors():
        provider = get_provider(code)
        if not provider.supports(Capability.FETCH_RESULT):
            continue
        ended = Appointment.objects.filter(
            session=OuterRef("pk"), cancelled=False, booked_at__isnull=False, ends_at__lt=now - PULL_AFTER
        )
        due = (
            VerificationSession.objects.open()
            .filter(vendor=code)
            .filter(Exists(ended))
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .order_by("created_at", "pk")
        )
        for session in due[:limit]:
            pull(provider, session, now=now, report=report)
    return report


def scheduling_vendors() -> list[str]:
    return [code for code in enabled_codes() if supports(code, Capability.SCHEDULE)]


def waiting_for_appointment(*, limit: int = 50) -> QuerySet[VerificationSession]:
    """Open idents of vendors with appointments that have none standing, oldest first."""
    standing = Appointment.objects.filter(session=OuterRef("pk"), cancelled=False, booked_at__isnull=False)
    return (
        VerificationSession.objects.open()
        .filter(vendor__in=scheduling_vendors())
        .exclude(Exists(standing))
        .select_related("identity")
        .order_by("created_at", "pk")[:limit]
    )

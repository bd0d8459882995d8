"""Video agents, appointments, the agenda by day and agent, and the schedule form.

Appointment staff work here every day. They see what their role needs: the case's reference,
status and link, never the person's data (that takes view_pii). Bookings are made only through
kycdesk.services.appointments (vendor call, double-booking rule, audit entry): the Appointment
admin itself is read-only.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from kycdesk.models import Appointment, VerificationSession, VideoAgent
from kycdesk.services import appointments, audit
from providers.base import ProviderError

from .base import ReadOnlyAdmin, can_view_pii

DEFAULT_TIME_ZONE = "Europe/Berlin"
MAX_DAYS = 31


def can_schedule(request: HttpRequest) -> bool:
    return request.user.has_perm("kycdesk.schedule_appointment")


@admin.register(VideoAgent)
class VideoAgentAdmin(admin.ModelAdmin):
    list_display = ("name", "termin_user_id", "active")
    change_list_template = "admin/kycdesk/lean_change_list.html"  # rows by kycdesk.admin.results
    list_filter = ("active",)
    search_fields = ("name", "=termin_user_id")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # agents with appointments are kept: deactivate instead


class ScheduleForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=VideoAgent.objects.filter(active=True), empty_label=None)
    day = forms.DateField(input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(input_formats=["%H:%M"], widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    time_zone = forms.ChoiceField(help_text="The person's time zone; the vendor gets the time with its offset.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in sorted(zoneinfo.available_timezones())]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("day") and data.get("time") and data.get("time_zone"):
            try:
                data["starts_at"] = appointments.local_start(data["day"], data["time"], data["time_zone"])
            except appointments.AppointmentError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Read-only: bookings go through the schedule form (vendor call, double-booking rule, audit)."""

    list_display = ("starts_at", "agent", "session", "time_zone", "cancelled")
    list_filter = ("agent", "cancelled")
    list_select_related = ("agent", "session")
    readonly_fields = (
        "session",
        "agent",
        "starts_at",
        "ends_at",
        "time_zone",
        "vendor_insert_id",
        "cancelled",
        "created_by",
        "created_at",
    )
    change_list_template = "admin/kycdesk/appointment_changelist.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("agenda/", wrap(self.agenda_view), name="kycdesk_agenda"),
            path("schedule/<int:session_id>/", wrap(self.schedule_view), name="kycdesk_schedule"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title}

    def agenda_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("kycdesk.view_appointment"):
            raise PermissionDenied
        tz = timezone.get_current_timezone()
        now = timezone.now()
        try:
            first_day = dt.date.fromisoformat(request.GET["from"]) if request.GET.get("from") else None
        except ValueError:
            first_day = None
        try:
            days = min(MAX_DAYS, max(1, int(request.GET.get("days") or 7)))
        except ValueError:
            days = 7
        agent_id = request.GET.get("agent") or ""
        agent_id = int(agent_id) if agent_id.isdigit() else None
        # Upcoming first: from now on, unless a day was asked for (then from its midnight).
        start_day = first_day or now.astimezone(tz).date()
        start = dt.datetime.combine(start_day, dt.time(), tzinfo=tz) if first_day else now
        end = dt.datetime.combine(start_day + dt.timedelta(days=days), dt.time(), tzinfo=tz)
        agenda, cut = appointments.agenda(start=start, end=end, tz=tz, agent_id=agent_id)
        show_people = can_view_pii(request)
        if show_people and agenda:
            audit.record(
                action="agenda_view",
                actor=request.user,
                ip=audit.client_ip(request),
                appointments=sum(day.count for day in agenda),
            )
        context = self._context(request, "Agenda")
        context.update(
            agenda=agenda,
            cut=cut,
            limit=appointments.AGENDA_LIMIT,
            show_people=show_people,
            may_schedule=can_schedule(request),
            waiting=appointments.waiting_for_appointment() if can_schedule(request) else [],
            agents=VideoAgent.objects.filter(active=True),
            agent_id=agent_id,
            start_day=start_day,
            days=days,
            desk_tz=tz,
            slot_minutes=int(appointments.slot_length().total_seconds() // 60),
        )
        return render(request, "admin/kycdesk/agenda.html", context)

    def schedule_view(self, request: HttpRequest, session_id: int) -> HttpResponse:
        if not can_schedule(request):
            raise PermissionDenied
        session = get_object_or_404(VerificationSession.objects.select_related("identity"), pk=session_id)
        current = appointments.current_appointment(session)
        if request.method == "POST":
            form = ScheduleForm(request.POST)
            if form.is_valid():
                try:
                    booked = appointments.schedule_appointment(
                        session_id=session.pk,
                        agent_id=form.cleaned_data["agent"].pk,
                        starts_at=form.cleaned_data["starts_at"],
                        time_zone=form.cleaned_data["time_zone"],
                        user=request.user,
                        ip=audit.client_ip(request),
                    )
                except appointments.AppointmentError as exc:
                    form.add_error(None, str(exc))
                except ProviderError as exc:
                    form.add_error(None, f"Identify24 refused the appointment: {exc.message}")
                else:
                    verb = "Rescheduled" if current else "Scheduled"
                    messages.success(
                        request,
                        f"{verb}: {booked.starts_at.astimezone(tz_of(booked)):%Y-%m-%d %H:%M} "
                        f"{booked.time_zone} with {booked.agent.name}.",
                    )
                    day = booked.starts_at.astimezone(timezone.get_current_timezone()).date()
                    return HttpResponseRedirect(f"{reverse('admin:kycdesk_agenda')}?from={day.isoformat()}")
        else:
            initial = {"time_zone": current.time_zone if current else DEFAULT_TIME_ZONE}
            if current is not None:
                initial["agent"] = current.agent_id
            form = ScheduleForm(initial=initial)
        context = self._context(request, "Reschedule the video ident" if current else "Schedule the video ident")
        context.update(
            session=session,
            current=current,
            form=form,
            slot_minutes=int(appointments.slot_length().total_seconds() // 60),
        )
        return render(request, "admin/kycdesk/schedule.html", context)


def tz_of(appointment: Appointment) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(appointment.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def appointment_summary(session: VerificationSession, *, with_link: bool) -> str:
    """The current appointment of a case, for the case page, with a (re)schedule link."""
    current = appointments.current_appointment(session)
    text = "No appointment yet."
    if current is not None:
        local = current.starts_at.astimezone(tz_of(current))
        text = f"{local:%Y-%m-%d %H:%M} {current.time_zone} with {current.agent.name}"
    if not with_link or not session.is_open:
        return text
    url = reverse("admin:kycdesk_schedule", args=[session.pk])
    return format_html("{} <a class='button' href='{}'>{}</a>", text, url, "Reschedule" if current else "Schedule")

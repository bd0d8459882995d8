"""Write kycdesk.schedules.SCHEDULES into django-q2's Schedule table (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_q.models import Schedule

from kycdesk.schedules import SCHEDULES


class Command(BaseCommand):
    help = "Create or update kycdesk's django-q2 schedules and remove ones no longer listed."

    def handle(self, *args: Any, **options: Any) -> None:
        names = []
        for spec in SCHEDULES:
            name = f"kycdesk:{spec.name}"
            names.append(name)
            Schedule.objects.update_or_create(
                name=name,
                defaults={"func": spec.func, "schedule_type": Schedule.MINUTES, "minutes": spec.minutes, "repeats": -1},
            )
        removed, _ = Schedule.objects.filter(name__startswith="kycdesk:").exclude(name__in=names).delete()
        self.stdout.write(f"{len(names)} schedules in place, {removed} old ones removed.")

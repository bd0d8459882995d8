import pytest
from django.core.management import call_command
from django_q.models import Schedule

from kycdesk.schedules import SCHEDULES

pytestmark = pytest.mark.django_db


def test_schedules_are_written_once_however_often_it_runs():
    call_command("sync_schedules")
    call_command("sync_schedules")

    assert Schedule.objects.filter(name__startswith="kycdesk:").count() == len(SCHEDULES)


def test_a_schedule_no_longer_listed_is_removed():
    Schedule.objects.create(name="kycdesk:old", func="kycdesk.tasks.gone", schedule_type=Schedule.MINUTES, minutes=5)
    Schedule.objects.create(name="someone-else", func="x.y", schedule_type=Schedule.MINUTES, minutes=5)

    call_command("sync_schedules")

    assert not Schedule.objects.filter(name="kycdesk:old").exists()
    assert Schedule.objects.filter(name="someone-else").exists()


def test_every_schedule_names_a_function_that_exists():
    from django.utils.module_loading import import_string

    for spec in SCHEDULES:
        assert callable(import_string(spec.func)), spec.name


def test_the_sweeps_the_reliability_work_relies_on_are_scheduled():
    names = {spec.name for spec in SCHEDULES}

    assert {"retry-deliveries", "reconcile", "prune-refused-deliveries", "sync-templates"} <= names

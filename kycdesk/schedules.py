"""Every django-q2 schedule kycdesk runs, in one list; `manage.py sync_schedules` writes them.

Each is an idempotent sweep (shared/notes/django-q2.md: catch_up is off, so a missed slot is
simply the next run's work). Add a vendor's schedule here with one line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    minutes: int  # how often, in minutes
    description: str = ""


SCHEDULES: list[ScheduleSpec] = [
    ScheduleSpec(
        "retry-deliveries",
        "kycdesk.tasks.retry_deliveries",
        1,
        "Re-queue webhook deliveries whose retry time has come or whose worker died.",
    ),
    ScheduleSpec(
        "retry-media",
        "kycdesk.tasks.retry_media_downloads",
        1,
        "Re-queue media downloads whose retry time has come or whose task was lost.",
    ),
    ScheduleSpec(
        "vendor-erasures",
        "kycdesk.tasks.retry_vendor_erasures",
        10,
        "Retry the erase calls a vendor refused or failed (attempts counted in VendorErasure).",
    ),
    ScheduleSpec(
        "retention",
        "kycdesk.tasks.run_retention",
        24 * 60,
        "Anonymise decided cases and delete abandoned ones past their retention period (legal holds skipped).",
    ),
    ScheduleSpec(
        "sync-templates",
        "kycdesk.tasks.sync_templates",
        24 * 60,
        "Mirror the vendors' templates and projects (Datakeen templates, Identify24 projects).",
    ),
    ScheduleSpec(
        "reconcile",
        "kycdesk.tasks.reconcile_overdue",
        15,
        "Pull the state of open sessions whose webhook is overdue (within each vendor's rules).",
    ),
    ScheduleSpec(
        "prune-refused-deliveries",
        "kycdesk.tasks.prune_refused_deliveries",
        24 * 60,
        "Delete refused webhook deliveries older than KYCDESK_REFUSED_DELIVERY_DAYS.",
    ),
    ScheduleSpec(
        "sandbox-webhooks",
        "providers.sandbox.outbound.resend_due",
        1,
        "Sandbox only (a no-op otherwise): the simulated vendors retry webhooks kycdesk did not accept.",
    ),
    ScheduleSpec(
        "poll-sessions",
        "kycdesk.tasks.poll_sessions",
        1,
        "Ask vendors without a result webhook (Identomat) about open sessions that are due, with backoff.",
    ),
    ScheduleSpec(
        "vult-identities",
        "kycdesk.tasks.sync_vult_identities",
        24 * 60,
        "Mirror VULT's identities onto kycdesk identities (identity_id in vendor_ids).",
    ),
    ScheduleSpec(
        "pull-after-appointments",
        "kycdesk.tasks.pull_after_appointments",
        15,
        "Pull open video idents whose appointment ended an hour ago: their webhook is overdue.",
    ),
    ScheduleSpec(
        "release-claims",
        "kycdesk.tasks.release_claims",
        5,
        "Clear review claims nobody acted on within KYCDESK_CLAIM_MINUTES (reads already ignore them).",
    ),
]

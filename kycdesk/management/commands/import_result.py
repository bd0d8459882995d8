"""python manage.py import_result <vendor> <file> [--external-id ID]

Ingests a vendor result JSON as saved from the vendor (a webhook body or an API result), applies
it, and prints the normalized result as JSON. A malformed file or an unknown vendor gives a
one-line error and a non-zero exit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kycdesk.services.imports import import_result
from providers.base import MalformedPayload, ProviderError
from providers.registry import UnknownVendor


class Command(BaseCommand):
    help = "Apply a vendor result saved as JSON and print it normalized."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("vendor")
        parser.add_argument("file", type=Path)
        parser.add_argument("--external-id", default="", help="For results that do not name their session.")

    def handle(self, *args: Any, vendor: str, file: Path, external_id: str, **options: Any) -> None:
        try:
            payload = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            summary = import_result(vendor=vendor, payload=payload, external_id=external_id)
        except UnknownVendor as exc:
            raise CommandError(str(exc)) from None
        except (MalformedPayload, NotImplementedError, ProviderError) as exc:
            raise CommandError(f"{vendor}: {exc or 'cannot import results'}".rstrip()) from None
        self.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False))
